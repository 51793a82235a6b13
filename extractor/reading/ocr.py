"""OCR for scanned pages (PDF pages without a usable text layer, and image files), through Tesseract.

A page image is cleaned before Tesseract sees it: turned upright by the angle that lines its
text rows up best (scans are a degree or so askew), made black and white at Otsu's threshold,
and stripped of the ruled lines of the header table, which Tesseract otherwise reads as ``|``
and ``_`` or drops whole rows for. Tesseract then returns its words with their boxes (TSV) in
one call: the page text is rebuilt from them line by line, and header rows laid out as a grid
("Application" / "Received:" wrapped in its cell beside the value) are paired label + value
by the same rules as a PDF's word positions (:mod:`.layout`). The mean word confidence of each
page is kept for the record. A page that reads badly is turned upside down and read again.

Tesseract is the ``tesseract`` program (Debian's ``tesseract-ocr``, installed by the project's
setup), run with one thread (``OMP_THREAD_LIMIT=1``): workers already use every core, and its
OpenMP threads only contend with them.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from typing import Any, Optional

from ..errors import Errors, fail
from .layout import rows_text

# A page with fewer non-space characters than this in its text layer is treated as a scan.
MIN_TEXT_CHARS = 20
# Resolution pages are read at: letter text (10-12 pt) is 14-17 px high in capitals at 200 dpi,
# enough for Tesseract's LSTM model, and a page takes half the time it takes at 300 dpi.
OCR_DPI = 200
# The first page, which holds the header's dates and case number, is read at this resolution:
# at 200 dpi Tesseract misreads about one header value in 60 (a leading "1" as "4"), at 250
# none of the real letters' (measured on scans of them; it costs a first page ~15% more time).
HEADER_DPI = 250
# Single uniform block: header rows stay whole lines (label, value, label, value) instead of
# being cut into columns, and the page's layout analysis is skipped.
# Inverted (white on black) text is not looked for: letters have none, and the check re-reads lines.
TESSERACT_CONFIG = "--psm 6 --oem 1 -c tessedit_do_invert=0"
# Below this mean word confidence (0-100) a page is tried upside down, and warned about.
LOW_CONFIDENCE = 60.0
# A page with less ink than this share of its pixels is blank.
_MIN_INK = 0.0005
# Dark runs longer than this (inches) are ruled lines, not letters.
_RULE_INCHES = 0.3
# Skew angles tried (degrees): scanners feed pages up to a couple of degrees askew.
_MAX_SKEW, _SKEW_STEP = 2.0, 0.1


# A "word" of these characters only is what is left of a ruled line or a speck ("|", "=", "_"):
# dropped, so it does not sit between a header label and its value.
_SPECK = re.compile("[|_=~\u2014\u2013\u2018\u2019\u201c\u201d\"'!]+")


@dataclass
class OcrPage:
    """One page read by OCR: its text and mean word confidence (None: no word was read)."""

    text: str
    confidence: Optional[float]
    rotated: bool = False  # read upside down, then turned
    blank: bool = False


def page_warnings(page: OcrPage, number: int) -> list[str]:
    """The record's warnings about one OCRed page (``number`` counts in the file)."""
    if page.blank:
        return [Errors.W012.format(page=number, why="the page is blank")]
    if page.confidence is None:
        return [Errors.W012.format(page=number, why="a picture, or a page that is no text")]
    warnings = [Errors.W013.format(page=number)] if page.rotated else []
    if page.confidence < LOW_CONFIDENCE:
        warnings.append(Errors.W014.format(page=number, confidence=page.confidence))
    return warnings


def available() -> bool:
    """Whether the tesseract program is on this machine."""
    return shutil.which("tesseract") is not None


def needs_ocr(page_text: str) -> bool:
    """True for a page whose text layer is empty or nearly so."""
    # Counting the common blanks is enough for a full page; str.split() drops exactly the
    # characters str.isspace() names, in C rather than per character.
    blanks = sum(page_text.count(ch) for ch in " \n\r\t\xa0\x0b\x0c")
    if len(page_text) - blanks >= MIN_TEXT_CHARS:
        return False
    return len("".join(page_text.split())) < MIN_TEXT_CHARS


def ocr_page(page, target: int = OCR_DPI) -> OcrPage:
    """One pypdfium2 page, rendered at ``target`` dpi and read by Tesseract."""
    if not available():
        raise fail("ocr", "E013")
    image = page.render(scale=target / 72, grayscale=True).to_pil()
    return read_image(image, target, target)


def read_image(image: Any, dpi: Optional[float] = None, target: int = OCR_DPI) -> OcrPage:
    """A page image (any PIL mode) read by Tesseract at ``target`` dpi; ``dpi`` as scanned (None: from its width)."""
    if not available():
        raise fail("ocr", "E013")
    gray = prepare(image, dpi, target)
    if gray is None:
        return OcrPage("", None, blank=True)
    page = _tesseract(gray, target)
    if page.confidence is None or page.confidence < LOW_CONFIDENCE:
        turned = _tesseract(gray.rotate(180), target)
        if (turned.confidence or 0) > (page.confidence or 0) + 10:
            return OcrPage(turned.text, turned.confidence, rotated=True)
    return page


def prepare(image: Any, dpi: Optional[float] = None, target: int = OCR_DPI) -> Any:
    """The page as Tesseract reads it best, or None for a blank page.

    Square pixels at ``target`` dpi, turned upright, black and white, without ruled lines.
    """
    import numpy as np
    from PIL import Image

    gray = image.convert("L")
    width, height = gray.size
    dpi_x, dpi_y = _resolution(image, dpi)
    size = (max(1, round(width * target / dpi_x)), max(1, round(height * target / dpi_y)))
    if abs(size[0] - width) > width * 0.05 or abs(size[1] - height) > height * 0.05:
        # Fax "standard" resolution is 204 x 98 dpi: its rows are stretched back to square pixels.
        gray = gray.resize(size, Image.BILINEAR)
    pixels = np.asarray(gray)
    threshold = _otsu(pixels)
    dark = pixels < threshold
    if dark.mean() < _MIN_INK:
        return None
    angle = _skew(dark)
    if angle:
        gray = gray.rotate(angle, resample=Image.BILINEAR, fillcolor=255)
        dark = np.asarray(gray) < threshold
    rule = max(8, round(_RULE_INCHES * target))
    lines = _runs(dark, rule) | _runs(dark.T, rule).T
    grown = lines.copy()  # and the grey edge pixels of each rule
    grown[1:] |= lines[:-1]
    grown[:-1] |= lines[1:]
    grown[:, 1:] |= lines[:, :-1]
    grown[:, :-1] |= lines[:, 1:]
    # One bit a pixel: the file handed to Tesseract is written and read several times faster.
    return Image.fromarray(np.where(dark & ~grown, 0, 255).astype(np.uint8)).convert("1")


def _resolution(image: Any, dpi: Optional[float]) -> tuple[float, float]:
    """Horizontal and vertical dpi: given, from the file, or from a Letter page's width."""
    if dpi:
        return float(dpi), float(dpi)
    found = image.info.get("dpi")
    if found and all(d and d > 30 for d in found[:2]):
        return float(found[0]), float(found[1])
    guess = image.size[0] / 8.5
    return guess, guess


def _otsu(pixels) -> int:
    """Otsu's threshold of a grayscale image: the level that best splits ink from paper."""
    import numpy as np

    histogram = np.bincount(pixels.ravel()[::7], minlength=256).astype(np.float64)
    total = histogram.sum()
    levels = np.arange(256)
    weight = np.cumsum(histogram)
    mean = np.cumsum(histogram * levels)
    between = (mean[-1] * weight - mean * total) ** 2 / np.maximum(weight * (total - weight), 1)
    return int(np.argmax(between[:255])) + 1


def _skew(dark) -> float:
    """The rotation (degrees) that makes text rows horizontal: rows' ink is then most uneven."""
    import numpy as np
    from PIL import Image

    step = max(1, dark.shape[1] // 600)  # a 600-pixel-wide copy is enough to see rows
    small = Image.fromarray((~dark[::step, ::step]).astype(np.uint8) * 255)

    def unevenness(angle: float) -> float:
        turned = np.asarray(small.rotate(angle, resample=Image.NEAREST, fillcolor=255)) < 128
        return float(np.var(turned.sum(axis=1)))

    # Coarse steps first, then fine ones around the best: a dozen turns instead of forty.
    coarse = 5 * _SKEW_STEP
    best = max(np.arange(-_MAX_SKEW, _MAX_SKEW + 1e-9, coarse), key=lambda a: unevenness(float(a)))
    fine = np.arange(best - coarse + _SKEW_STEP, best + coarse - 1e-9, _SKEW_STEP)
    return round(float(max(fine, key=lambda a: unevenness(float(a)))), 2)


def _runs(dark, length: int):
    """Pixels that lie on a horizontal run of at least ``length`` dark pixels."""
    import numpy as np

    rows, width = dark.shape
    if width < length:
        return np.zeros_like(dark)
    total = np.zeros((rows, width + 1), np.int32)
    np.cumsum(dark, axis=1, out=total[:, 1:])
    starts = (total[:, length:] - total[:, :-length]) == length  # a full run starts here
    covered = np.zeros((rows, width + length), np.int32)
    np.cumsum(starts, axis=1, out=covered[:, length:length + starts.shape[1]])
    covered[:, length + starts.shape[1]:] = covered[:, length + starts.shape[1] - 1:length + starts.shape[1]]
    # A pixel lies on a run when a run starts within ``length`` pixels before it.
    return (covered[:, length:length + width] - covered[:, :width]) > 0


def _tesseract(image: Any, dpi: int) -> OcrPage:
    """Tesseract's words (TSV) on a prepared page, rebuilt into lines of text."""
    import pytesseract

    env = os.environ
    if "OMP_THREAD_LIMIT" not in env:
        os.environ["OMP_THREAD_LIMIT"] = "1"  # pytesseract passes this process's environment on
    data = pytesseract.image_to_data(image, lang="eng", config=TESSERACT_CONFIG,
                                     output_type=pytesseract.Output.DICT)
    lines: dict[tuple[int, int, int], dict] = {}
    confidences: list[float] = []
    scale = 72 / dpi  # word boxes in points, as the PDF layout rules measure them
    for i, level in enumerate(data["level"]):
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        left, top, width, height = (data[k][i] for k in ("left", "top", "width", "height"))
        if level == 4:
            lines[key] = {"top": top * scale, "bottom": (top + height) * scale, "words": []}
        elif level == 5 and key in lines and str(data["text"][i]).strip() \
                and not _SPECK.fullmatch(str(data["text"][i]).strip()):
            line = lines[key]
            line["words"].append({"text": str(data["text"][i]).strip(), "x0": left * scale,
                                  "x1": (left + width) * scale})
            if float(data["conf"][i]) >= 0:
                confidences.append(float(data["conf"][i]))
    confidence = round(sum(confidences) / len(confidences), 1) if confidences else None
    return OcrPage(rows_text(_rows(lines.values())), confidence)


def _rows(lines) -> list[list[dict]]:
    """Tesseract's lines as rows of words, top to bottom, each word with its row's top and bottom.

    Tesseract may cut one row of a grid header into several lines (a value cell set a little
    lower than its label): lines side by side whose heights overlap by half are one row again.
    """
    rows: list[dict] = []
    for line in sorted((line for line in lines if line["words"]), key=lambda line: line["top"]):
        row = next((r for r in rows[-3:] if _beside(r, line)), None)
        if row is None:
            rows.append({"top": line["top"], "bottom": line["bottom"], "words": list(line["words"])})
        else:
            row["top"], row["bottom"] = min(row["top"], line["top"]), max(row["bottom"], line["bottom"])
            row["words"] += line["words"]
    return [sorted(({**word, "top": row["top"], "bottom": row["bottom"]} for word in row["words"]),
                   key=lambda w: w["x0"]) for row in rows]


def _beside(row: dict, line: dict) -> bool:
    """Whether ``line`` sits on ``row``: half its height shared, and no word of one above the other's."""
    shared = min(row["bottom"], line["bottom"]) - max(row["top"], line["top"])
    if shared < 0.5 * min(row["bottom"] - row["top"], line["bottom"] - line["top"]):
        return False
    return all(w["x1"] < v["x0"] or v["x1"] < w["x0"] for w in line["words"] for v in row["words"])
