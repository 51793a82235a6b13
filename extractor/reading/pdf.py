"""PDF text layers: pypdfium2 on the bulk path, pdfplumber for layout work.

pypdfium2 pulls text about 60x faster than pdfplumber, so it is the default; pages whose text
comes out interleaved (a header laid out as a grid) are re-read from pdfplumber's word
positions, and ``pdfplumber`` as the backend reads every page that way.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Callable, Iterator, Optional

from ..errors import ExtractionError, fail
from .layout import looks_interleaved, page_text
from .ocr import HEADER_DPI, OCR_DPI, OcrPage, needs_ocr, ocr_page, page_warnings

# Published determinations run 2 to ~30 pages; far longer files are bundles or other documents.
MAX_PAGES = 300


@dataclass
class PdfText:
    """Page texts of a PDF and which pages (1-based) were OCRed or re-read for their layout."""

    texts: list[str]
    ocr_pages: list[int] = field(default_factory=list)
    layout_pages: list[int] = field(default_factory=list)
    ocr_confidence: list[Optional[float]] = field(default_factory=list)  # one per OCRed page
    warnings: list[str] = field(default_factory=list)


def read_pdf(data: bytes, backend: str = "pypdfium2", ocr: bool = True,
             on_stage: Optional[Callable[[str], None]] = None, password: Optional[str] = None) -> PdfText:
    """Return the text of each page of a PDF, noting the pages read by OCR or by word position.

    ``password`` opens a PDF encrypted with one (an empty password needs none).
    """
    layout_pages: list[int] = []
    if backend == "pypdfium2":
        texts = _read_pdfium(data, password)
        interleaved = [i for i, text in enumerate(texts) if looks_interleaved(text)]
        if interleaved:
            for i, text in zip(interleaved, _read_pdfplumber(data, interleaved, password)):
                texts[i] = text
            layout_pages = [i + 1 for i in interleaved]
    elif backend == "pdfplumber":
        texts = _read_pdfplumber(data, password=password)
    else:
        raise fail("read", "E011", name=backend)
    scanned = [i for i, text in enumerate(texts) if needs_ocr(text)]
    confidence: list[Optional[float]] = []
    warnings: list[str] = []
    if scanned and ocr:
        if on_stage:
            on_stage("ocr")
        texts = list(texts)
        for i, page in _ocr_pages(data, scanned, password):
            texts[i] = page.text
            confidence.append(page.confidence)
            warnings += page_warnings(page, i + 1)
    elif not any(t.strip() for t in texts):
        raise fail("read", "E006")
    return PdfText(texts, [i + 1 for i in scanned] if ocr else [], layout_pages, confidence, warnings)


def _ocr_pages(data: bytes, indexes: list[int], password: Optional[str]) -> Iterator[tuple[int, OcrPage]]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data, password=password)
    try:
        for i in indexes:
            yield i, ocr_page(pdf[i], HEADER_DPI if i == 0 else OCR_DPI)
    finally:
        pdf.close()


def _password_error(password: Optional[str]):
    """E005 that says whether a password was missing or wrong (never the password itself)."""
    reason = ("wrong password: the password given does not open it" if password
              else "needs a password (give it with --password-file or $IMR_PDF_PASSWORD)")
    return fail("read", "E005", reason=reason)


def _read_pdfium(data: bytes, password: Optional[str] = None) -> list[str]:
    import pypdfium2 as pdfium

    try:
        # Published letters are often encrypted with an empty password; pdfium opens those.
        pdf = pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError as exc:
        reason = str(exc)
        if "password" in reason.lower():
            raise _password_error(password) from None  # one try: no loop over guesses
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


def _read_pdfplumber(data: bytes, indexes: Optional[list[int]] = None, password: Optional[str] = None) -> list[str]:
    """Text of every page (or of the pages at ``indexes``) from word positions."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        with pdfplumber.open(io.BytesIO(data), password=password or "") as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise fail("read", "E014", pages=len(pdf.pages), limit=MAX_PAGES)
            pages = pdf.pages if indexes is None else [pdf.pages[i] for i in indexes]
            return [page_text(page) for page in pages]
    except PDFPasswordIncorrect:
        raise _password_error(password) from None
    except (ExtractionError, MemoryError):
        raise
    except Exception as exc:  # pdfminer raises many types for broken files
        if any(isinstance(arg, PDFPasswordIncorrect) for arg in exc.args):  # pdfplumber wraps it
            raise _password_error(password) from None
        raise fail("read", "E004", reason=f"{type(exc).__name__}: {exc}") from exc
