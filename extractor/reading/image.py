"""Image letters: TIFF (multi-page, fax G3/G4 included), PNG and JPEG files, every page read by OCR."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Callable, Optional

from ..errors import ExtractionError, fail
from .ocr import HEADER_DPI, OCR_DPI, page_warnings, read_image

# Magic numbers of the image files read as letters (checked before any other sniffing).
_NAMES = {b"II*\x00": "TIFF", b"MM\x00*": "TIFF", b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}
IMAGE_KINDS = tuple(_NAMES)
# A page image may have at most this many pixels (a Letter page at 600 dpi has 34 million):
# larger ones are decompression bombs or posters, refused before they are decoded.
MAX_PIXELS = 60_000_000
# Published determinations run 2 to ~30 pages; a TIFF of more pages is another document.
MAX_PAGES = 300


@dataclass
class ImageText:
    """The OCR text of each page of an image file, with each page's mean word confidence."""

    texts: list[str]
    ocr_confidence: list[Optional[float]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_image_file(data: bytes, ocr: bool = True, on_stage: Optional[Callable[[str], None]] = None) -> ImageText:
    """Read every page (frame) of an image file with OCR; E024 for a damaged image, E025 without OCR."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    name = next((kind for magic, kind in _NAMES.items() if data.startswith(magic)), "an")
    try:
        image = Image.open(io.BytesIO(data))
        frames = getattr(image, "n_frames", 1)
    except UnidentifiedImageError:
        raise fail("read", "E024", kind=name, reason="its data is damaged or of another kind") from None
    except (Image.DecompressionBombError, OSError, ValueError) as exc:
        raise fail("read", "E024", kind=name, reason=f"{type(exc).__name__}: {exc}") from None
    if not ocr:
        raise fail("read", "E025", kind=name)
    if frames > MAX_PAGES:
        raise fail("read", "E014", pages=frames, limit=MAX_PAGES)
    if on_stage:
        on_stage("ocr")
    result = ImageText([])
    try:
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            width, height = frame.size
            if width * height > MAX_PIXELS:
                raise fail("read", "E024", kind=name, reason=f"page {number} is {width} x {height} pixels, more than a "
                                                  f"letter page scanned at 600 dpi")
            frame.load()
            page = read_image(frame, target=HEADER_DPI if number == 1 else OCR_DPI)
            result.texts.append(page.text)
            result.ocr_confidence.append(page.confidence)
            result.warnings += page_warnings(page, number)
    except (ExtractionError, MemoryError):
        raise
    except (OSError, ValueError, SyntaxError) as exc:  # truncated or damaged image data
        raise fail("read", "E024", kind=name, reason=f"{type(exc).__name__}: {exc}") from None
    return result
