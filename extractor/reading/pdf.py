"""PDF text layers: pypdfium2 on the bulk path, pdfplumber for layout work.

pypdfium2 pulls text about 60x faster than pdfplumber, so it is the default; pages whose text
comes out interleaved (a header laid out as a grid) are re-read from pdfplumber's word
positions, and ``pdfplumber`` as the backend reads every page that way.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Callable, Optional

from ..errors import ExtractionError, fail
from .layout import looks_interleaved, page_text
from .ocr import needs_ocr, ocr_page

# Published determinations run 2 to ~30 pages; far longer files are bundles or other documents.
MAX_PAGES = 300


@dataclass
class PdfText:
    """Page texts of a PDF and which pages (1-based) were OCRed or re-read for their layout."""

    texts: list[str]
    ocr_pages: list[int] = field(default_factory=list)
    layout_pages: list[int] = field(default_factory=list)


def read_pdf(data: bytes, backend: str = "pypdfium2", ocr: bool = True,
             on_stage: Optional[Callable[[str], None]] = None) -> PdfText:
    """Return the text of each page of a PDF, noting the pages read by OCR or by word position."""
    layout_pages: list[int] = []
    if backend == "pypdfium2":
        texts = _read_pdfium(data)
        interleaved = [i for i, text in enumerate(texts) if looks_interleaved(text)]
        if interleaved:
            for i, text in zip(interleaved, _read_pdfplumber(data, interleaved)):
                texts[i] = text
            layout_pages = [i + 1 for i in interleaved]
    elif backend == "pdfplumber":
        texts = _read_pdfplumber(data)
    else:
        raise fail("read", "E011", name=backend)
    scanned = [i for i, text in enumerate(texts) if needs_ocr(text)]
    if scanned and ocr:
        if on_stage:
            on_stage("ocr")
        texts = list(texts)
        for i, text in _ocr_pages(data, scanned):
            texts[i] = text
    elif not any(t.strip() for t in texts):
        raise fail("read", "E006")
    return PdfText(texts, [i + 1 for i in scanned] if ocr else [], layout_pages)


def _ocr_pages(data: bytes, indexes: list[int]):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        for i in indexes:
            yield i, ocr_page(pdf[i])
    finally:
        pdf.close()


def _read_pdfium(data: bytes) -> list[str]:
    import pypdfium2 as pdfium

    try:
        # Published letters are often encrypted with an empty password; pdfium opens those.
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = str(exc)
        if "password" in reason.lower():
            raise fail("read", "E005") from exc
        raise fail("read", "E004", reason=reason) from exc
    try:
        if len(pdf) > MAX_PAGES:
            raise fail("read", "E014", pages=len(pdf), limit=MAX_PAGES)
        texts = []
        for number in range(len(pdf)):
            try:
                page = pdf[number]
            except pdfium.PdfiumError as exc:
                raise fail("read", "E004", reason=f"page {number + 1} is damaged ({exc})") from exc
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return texts
    finally:
        pdf.close()


def _read_pdfplumber(data: bytes, indexes: Optional[list[int]] = None) -> list[str]:
    """Text of every page (or of the pages at ``indexes``) from word positions."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise fail("read", "E014", pages=len(pdf.pages), limit=MAX_PAGES)
            pages = pdf.pages if indexes is None else [pdf.pages[i] for i in indexes]
            return [page_text(page) for page in pages]
    except PDFPasswordIncorrect as exc:
        raise fail("read", "E005") from exc
    except (ExtractionError, MemoryError):
        raise
    except Exception as exc:  # pdfminer raises many types for broken files
        raise fail("read", "E004", reason=f"{type(exc).__name__}: {exc}") from exc
