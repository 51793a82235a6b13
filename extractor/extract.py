"""The per-letter function: bytes in, a record or an explained error out. Engines call only this."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Optional, Union

from spacy.language import Language
from spacy.tokens import Doc

from .errors import ExtractionError, fail
from .pipeline import load
from .reading import read_bytes
from .types import Record

log = logging.getLogger("extractor")


def bytes_id(data: bytes) -> str:
    """The ``doc_id`` of a file: the first 16 hex digits of the SHA-256 of its bytes."""
    return hashlib.sha256(data).hexdigest()[:16]


def _run(nlp: Language, text: str, source: dict) -> Doc:
    doc = nlp.make_doc(text)
    doc._.imr_source = source
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc


def _extract(
    data: bytes,
    path: Optional[str] = None,
    pdf_backend: str = "pypdfium2",
    nlp: Optional[Language] = None,
    require_imr: bool = True,
    ocr: bool = True,
) -> tuple[Doc, Record]:
    """Run the whole pipeline on a letter's bytes; return the Doc and its record."""
    nlp = nlp or load()
    try:
        pages = read_bytes(data, pdf_backend=pdf_backend, ocr=ocr)
    except ExtractionError:
        raise
    except Exception as exc:  # a reader bug must cost one letter, not the run
        raise fail("read", "E009", step="reading", reason=f"{type(exc).__name__}: {exc}") from exc
    source = {
        "doc_id": bytes_id(data),
        "path": path,
        "format": pages.format,
        "pages": len(pages.texts),
        "ocr": bool(pages.ocr_pages),
        "ocr_pages": pages.ocr_pages,
        "text_backend": pages.backend,
        "encoding": pages.encoding,
        "warnings": pages.warnings,
    }
    try:
        doc = _run(nlp, "\f".join(pages.texts), source)
    except Exception as exc:
        raise fail("nlp", "E009", step="extracting fields", reason=f"{type(exc).__name__}: {exc}") from exc
    record = doc._.imr_record
    if not record.text.strip():
        raise fail("clean", "E007")
    if require_imr and _not_imr(record):
        raise fail("record", "E008")
    return doc, record


def extract_doc(data: bytes, path: Optional[str] = None, pdf_backend: str = "pypdfium2",
                nlp: Optional[Language] = None, require_imr: bool = True) -> Doc:
    """Run the whole pipeline on a letter's bytes and return the Doc carrying its record."""
    return _extract(data, path, pdf_backend, nlp, require_imr)[0]


def _not_imr(record: Record) -> bool:
    """A letter with no section title, no decision and no case number is not a determination."""
    return record.layout == "unknown" and not record.items and record.case_number is None


def extract_bytes(data: bytes, path: Optional[str] = None, pdf_backend: str = "pypdfium2",
                  nlp: Optional[Language] = None, ocr: bool = True) -> Record:
    """Return the record of a letter given as bytes (PDF or text); scanned pages are OCRed."""
    return _extract(data, path=path, pdf_backend=pdf_backend, nlp=nlp, ocr=ocr)[1]


def extract_file(path: Union[str, Path], pdf_backend: str = "pypdfium2",
                 nlp: Optional[Language] = None, ocr: bool = True) -> Record:
    """Return the record of a letter file (PDF or text)."""
    path = Path(path)
    if not path.is_file():
        raise fail("read", "E002", path=str(path))
    return extract_bytes(path.read_bytes(), path=str(path), pdf_backend=pdf_backend, nlp=nlp, ocr=ocr)


def extract_text(text: str, nlp: Optional[Language] = None) -> Record:
    """Return the record of a letter given as text (pages may be separated by form feeds)."""
    return extract_bytes(text.encode("utf-8"), nlp=nlp)
