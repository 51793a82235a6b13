"""Reading: bytes of a letter (PDF or text) become page texts. No NLP happens here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

from ..errors import fail
from .pdf import read_pdf
from .text import read_text_bytes

__all__ = ["Pages", "read_bytes", "sniff_format"]


@dataclass
class Pages:
    """The text of a letter, one string per page, and how it was obtained."""

    texts: list[str]
    format: str  # "pdf" or "text"
    backend: Optional[str] = None
    encoding: Optional[str] = None
    warnings: list[str] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)
    layout_pages: list[int] = field(default_factory=list)  # re-read from word positions


# Magic numbers of common non-letter files, so the error names what the file is.
_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"II*\x00": "a TIFF image",
    b"MM\x00*": "a TIFF image",
    b"PK\x03\x04": "a ZIP archive or Office document",
    b"\x1f\x8b": "a gzip archive",
    b"\xd0\xcf\x11\xe0": "an old Office document",
}


def sniff_format(data: bytes) -> str:
    """Tell ``pdf`` from ``text`` by content (never by file name); raise for anything else."""
    if not data:
        raise fail("read", "E001")
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            raise fail("read", "E003", kind=kind)
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise fail("read", "E003", kind="it contains NUL bytes")
    return "text"


def read_bytes(data: bytes, pdf_backend: str = "pypdfium2", ocr: bool = True,
               on_stage: Optional[Callable[[str], None]] = None) -> Pages:
    """Read a letter's bytes into pages of text (scanned PDF pages through OCR unless ``ocr`` is off).

    ``on_stage`` is told "ocr" before scanned pages are OCRed (time-outs name the step).
    """
    kind = sniff_format(data)
    if kind == "pdf":
        pdf = read_pdf(data, backend=pdf_backend, ocr=ocr, on_stage=on_stage)
        return Pages(texts=pdf.texts, format="pdf", backend=pdf_backend, ocr_pages=pdf.ocr_pages,
                     layout_pages=pdf.layout_pages)
    text, encoding, warnings = read_text_bytes(data)
    # A form feed is how text dumps mark page breaks.
    texts = text.split("\f") if "\f" in text else [text]
    return Pages(texts=texts, format="text", backend=None, encoding=encoding, warnings=warnings)
