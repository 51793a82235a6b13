"""OCR for PDF pages without a usable text layer (scans), through Tesseract.

Pages are rendered with pypdfium2 (already the text reader) at 300 dpi and read by the
``tesseract`` program (Debian's ``tesseract-ocr``, installed by the project's setup).
"""

from __future__ import annotations

import shutil

from ..errors import fail

# A page with fewer non-space characters than this in its text layer is treated as a scan.
MIN_TEXT_CHARS = 20
_DPI = 300


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


def ocr_page(page) -> str:
    """Text of one pypdfium2 page, read by Tesseract from a 300 dpi rendering."""
    import pytesseract

    if not available():
        raise fail("ocr", "E013")
    image = page.render(scale=_DPI / 72, grayscale=True).to_pil()
    return pytesseract.image_to_string(image, lang="eng", config="--psm 6")
