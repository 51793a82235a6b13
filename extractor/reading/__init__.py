"""Reading: bytes of a letter (PDF or text) become page texts. No NLP happens here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

from ..errors import fail
from .image import IMAGE_KINDS, read_image_file
from .pdf import read_pdf
from .text import read_text_bytes

__all__ = ["Pages", "read_bytes", "sniff_format"]


@dataclass
class Pages:
    """The text of a letter, one string per page, and how it was obtained."""

    texts: list[str]
    format: str  # "pdf", "image" or "text"
    backend: Optional[str] = None
    encoding: Optional[str] = None
    warnings: list[str] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)
    layout_pages: list[int] = field(default_factory=list)  # re-read from word positions
    ocr_confidence: list[Optional[float]] = field(default_factory=list)  # one per OCRed page


# Magic numbers of common non-letter files, so the error names what the file is.
_MAGIC = {
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive or Office document",
    b"\x1f\x8b": "a gzip archive",
    b"\xd0\xcf\x11\xe0": "an old Office document",
}


def sniff_format(data: bytes) -> str:
    """Tell ``pdf``, ``image`` (TIFF, PNG, JPEG) and ``text`` apart by content; raise for anything else.

    Never by file name: archives rename files, and a letter is what its bytes are.
    """
    if not data:
        raise fail("read", "E001")
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(IMAGE_KINDS):
        return "image"
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            raise fail("read", "E003", kind=kind)
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise fail("read", "E003", kind="it contains NUL bytes")
    return "text"


def read_bytes(data: bytes, pdf_backend: str = "pypdfium2", ocr: bool = True,
               on_stage: Optional[Callable[[str], None]] = None, password: Optional[str] = None) -> Pages:
    """Read a letter's bytes into pages of text (scanned pages and images through OCR unless ``ocr`` is off).

    ``on_stage`` is told "ocr" before scanned pages are OCRed (time-outs name the step);
    ``password`` opens an encrypted PDF.
    """
    kind = sniff_format(data)
    if kind == "pdf":
        pdf = read_pdf(data, backend=pdf_backend, ocr=ocr, on_stage=on_stage, password=password)
        return Pages(texts=pdf.texts, format="pdf", backend=pdf_backend, ocr_pages=pdf.ocr_pages,
                     layout_pages=pdf.layout_pages, ocr_confidence=pdf.ocr_confidence, warnings=pdf.warnings)
    if kind == "image":
        image = read_image_file(data, ocr=ocr, on_stage=on_stage)
        return Pages(texts=image.texts, format="image", backend="tesseract",
                     ocr_pages=list(range(1, len(image.texts) + 1)), ocr_confidence=image.ocr_confidence,
                     warnings=image.warnings)
    text, encoding, warnings = read_text_bytes(data)
    # A form feed is how text dumps mark page breaks.
    texts = text.split("\f") if "\f" in text else [text]
    return Pages(texts=texts, format="text", backend=None, encoding=encoding, warnings=warnings)
