"""The per-letter function: bytes in, records or explained errors out. Engines call only this.

A file usually holds one letter; a file holding several (a bundle) gives one record per letter,
each with its own ``doc_id`` (``<file id>#2``) and the pages of the file it spans.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Callable, Optional, Union

from spacy.language import Language
from spacy.tokens import Doc

from .bundles import Part, split_letters
from .errors import STEPS, Errors, ExtractionError, fail
from .pipeline import load
from .reading import Pages, read_bytes
from .reading.limits import memory_budget
from .types import Record

log = logging.getLogger("extractor")

# Called with "read", "ocr" or "nlp" as a letter moves on, so a time-out can say where it was.
OnStage = Optional[Callable[[str], None]]


def bytes_id(data: bytes) -> str:
    """The ``doc_id`` of a file: the first 16 hex digits of the SHA-256 of its bytes."""
    return hashlib.sha256(data).hexdigest()[:16]


def _run(nlp: Language, text: str, source: dict) -> Doc:
    doc = nlp.make_doc(text)
    doc._.imr_source = source
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc


def read_pages(data: bytes, pdf_backend: str = "pypdfium2", ocr: bool = True,
               memory_limit: float = 0, on_stage: OnStage = None, password: Optional[str] = None) -> Pages:
    """Read a file's pages; the reading (PDF text, layout, OCR) may map ``memory_limit`` MB more."""
    step = ["read"]

    def stage(name: str) -> None:
        step[0] = name
        if on_stage:
            on_stage(name)

    stage("read")
    try:
        with memory_budget(memory_limit):
            return read_bytes(data, pdf_backend=pdf_backend, ocr=ocr, on_stage=stage, password=password)
    except ExtractionError:
        raise
    except MemoryError:
        limit = f"the --memory-limit of {memory_limit:.0f} MB of address space" if memory_limit > 0 \
            else "the memory available"
        raise fail("read", "E015", step=STEPS[step[0]], limit=limit) from None
    except Exception as exc:  # a reader bug must cost one letter, not the run
        raise fail("read", "E009", step="reading", reason=f"{type(exc).__name__}: {exc}") from exc


def _extract_part(nlp: Language, part: Part, source: dict, require_imr: bool) -> tuple[Doc, Record]:
    chars = sum(len(page) for page in part.pages)
    if chars > nlp.max_length:  # spaCy refuses longer texts; no letter comes near it
        raise fail("nlp", "E020", chars=chars, limit=nlp.max_length)
    try:
        doc = _run(nlp, "\f".join(part.pages), source)
    except Exception as exc:
        raise fail("nlp", "E009", step="extracting fields", reason=f"{type(exc).__name__}: {exc}") from exc
    record = doc._.imr_record
    if not record.text.strip():
        raise fail("clean", "E007")
    if require_imr and _not_imr(record):
        raise fail("record", "E008")
    return doc, record


def _within(part: Part, numbers: list[int]) -> list[int]:
    """The page numbers (of the file) that fall in this letter: record pages count in the file."""
    return [n for n in numbers if part.first_page <= n <= part.last_page]


def _extract_all(
    data: bytes,
    path: Optional[str] = None,
    pdf_backend: str = "pypdfium2",
    nlp: Optional[Language] = None,
    require_imr: bool = True,
    ocr: bool = True,
    memory_limit: float = 0,
    on_stage: OnStage = None,
    password: Optional[str] = None,
) -> list[tuple[Optional[Doc], Union[Record, ExtractionError]]]:
    """Every letter of a file as ``(doc, record)``, or ``(None, error)`` for a bundle's failed letter.

    A file that cannot be read, or whose only letter fails, raises :class:`ExtractionError`.
    """
    nlp = nlp or load()
    pages = read_pages(data, pdf_backend, ocr, memory_limit, on_stage, password)
    confidence = dict(zip(pages.ocr_pages, pages.ocr_confidence))
    if on_stage:
        on_stage("nlp")
    parts = split_letters(pages.texts)
    file_id = bytes_id(data)
    out: list[tuple[Optional[Doc], Union[Record, ExtractionError]]] = []
    for number, part in enumerate(parts, start=1):
        doc_id = file_id if len(parts) == 1 else f"{file_id}#{number}"
        source = {
            "doc_id": doc_id,
            "path": path,
            "format": pages.format,
            "pages": len(part.pages),
            "first_page": part.first_page,
            "last_page": part.last_page,
            "letter_in_file": number,
            "letters_in_file": len(parts),
            "ocr": bool(_within(part, pages.ocr_pages)),
            "ocr_pages": _within(part, pages.ocr_pages),
            "ocr_confidence": [confidence.get(n) for n in _within(part, pages.ocr_pages)],
            "layout_pages": _within(part, pages.layout_pages),
            "text_backend": pages.backend,
            "encoding": pages.encoding,
            "warnings": pages.warnings,
        }
        try:
            out.append(_extract_part(nlp, part, source, require_imr))
        except ExtractionError as exc:
            if len(parts) == 1:
                raise
            log.info("letter failed: doc_id=%s stage=%s error=%s", doc_id, exc.stage, exc.code)
            out.append((None, ExtractionError(exc.stage, exc.code, exc.message, doc_id)))
    return out


def extract_letters(data: bytes, path: Optional[str] = None, pdf_backend: str = "pypdfium2",
                    nlp: Optional[Language] = None, ocr: bool = True, memory_limit: float = 0,
                    on_stage: OnStage = None, password: Optional[str] = None) -> list[Union[Record, ExtractionError]]:
    """One record per letter the file holds (several for a bundle), in file order.

    A letter of a bundle that fails is an :class:`ExtractionError` in the list (its ``doc_id``
    set); a file that cannot be read, or whose only letter fails, raises it. ``password``
    opens an encrypted PDF.
    """
    return [outcome for _, outcome in _extract_all(data, path, pdf_backend, nlp, True, ocr, memory_limit, on_stage,
                                                   password)]


def _first(letters: list[tuple[Optional[Doc], Union[Record, ExtractionError]]]) -> tuple[Doc, Record]:
    """The first letter of a file, warning when the file holds more (the single-record API)."""
    doc, outcome = letters[0]
    if isinstance(outcome, ExtractionError):
        raise outcome
    if len(letters) > 1:
        outcome.warnings.append(Errors.W009.format(count=len(letters)))
    return doc, outcome


def extract_doc(data: bytes, path: Optional[str] = None, pdf_backend: str = "pypdfium2",
                nlp: Optional[Language] = None, require_imr: bool = True) -> Doc:
    """Run the whole pipeline on a letter's bytes and return the Doc carrying its record."""
    return _first(_extract_all(data, path, pdf_backend, nlp, require_imr))[0]


def _not_imr(record: Record) -> bool:
    """A letter with no section title, no decision and no case number is not a determination."""
    return record.layout == "unknown" and not record.items and record.case_number is None


def extract_bytes(data: bytes, path: Optional[str] = None, pdf_backend: str = "pypdfium2",
                  nlp: Optional[Language] = None, ocr: bool = True, password: Optional[str] = None) -> Record:
    """Return the record of a letter given as bytes (PDF, image or text); scanned pages are OCRed.

    A file holding several letters gives its first, with a warning: see :func:`extract_letters`.
    """
    return _first(_extract_all(data, path=path, pdf_backend=pdf_backend, nlp=nlp, ocr=ocr, password=password))[1]


def extract_file(path: Union[str, Path], pdf_backend: str = "pypdfium2",
                 nlp: Optional[Language] = None, ocr: bool = True, password: Optional[str] = None) -> Record:
    """Return the record of a letter file (PDF, TIFF/PNG/JPEG image, or text)."""
    path = Path(path)
    if not path.is_file():
        raise fail("read", "E002", path=str(path))
    return extract_bytes(path.read_bytes(), path=str(path), pdf_backend=pdf_backend, nlp=nlp, ocr=ocr,
                         password=password)


def extract_text(text: str, nlp: Optional[Language] = None) -> Record:
    """Return the record of a letter given as text (pages may be separated by form feeds)."""
    return extract_bytes(text.encode("utf-8"), nlp=nlp)
