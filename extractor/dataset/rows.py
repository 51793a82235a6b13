"""Flattening records into table rows: letters, items, mentions, errors (joinable on ``doc_id``)."""

from __future__ import annotations

import os
from dataclasses import asdict
from typing import Any, Optional

from ..types import Record
from .schema import MENTION_COLUMNS

# Row values are JSON values (dates ISO text, lists as lists, structs as dicts): the local
# writer types them by the schema, and Spark's tasks pass them on as JSON.


def _mean(values: list) -> Optional[float]:
    """The mean of the values that are not None, rounded to 0.1 (None when there are none)."""
    known = [v for v in values if v is not None]
    return round(sum(known) / len(known), 1) if known else None


def letter_row(record: Record) -> dict[str, Any]:
    """The ``letters`` row of a record."""
    items = record.items
    return {
        "doc_id": record.doc_id,
        "path": display_path(record.source.path) if record.source.path is not None else None,
        "format": record.source.format,
        "pages": record.source.pages,
        "first_page": record.source.first_page,
        "last_page": record.source.last_page,
        "letter_in_file": record.source.letter_in_file,
        "ocr": record.source.ocr,
        "ocr_confidence": _mean(record.source.ocr_confidence),
        "text_backend": record.source.text_backend,
        "layout": record.layout,
        "case_number": record.case_number,
        "injury_date": record.dates.injury,
        "ur_denial_date": record.dates.ur_denial,
        "assigned_date": record.dates.assigned,
        "decision_date": record.dates.decision,
        "application_received_date": record.dates.application_received,
        "priority": record.priority,
        "reviewer_licensure": list(record.reviewer.licensure),
        "reviewer_specialties": list(record.reviewer.specialties),
        "patient_age": record.patient.age,
        "patient_sex": record.patient.sex,
        "diagnoses": list(record.diagnoses),
        "icd10_codes": list(dict.fromkeys(c["code"] for c in record.diagnosis_codes if c.get("code"))),
        "diagnosis_codes": [{"diagnosis": c.get("text"), **{k: c.get(k) for k in ("code", "title", "match", "score")}}
                            for c in record.diagnosis_codes],
        "work_status": [asdict(w) for w in record.work_status],
        "pain_scores": [asdict(p) for p in record.pain_scores],
        "n_items": len(items),
        "n_upheld": sum(1 for i in items if i.decision == "upheld"),
        "n_overturned": sum(1 for i in items if i.decision == "overturned"),
        "n_mentions": len(record.mentions),
        "warnings": list(record.warnings),
        "text_chars": len(record.text),
        "evidence": [asdict(e) for e in record.evidence],
    }


def item_rows(record: Record) -> list[dict[str, Any]]:
    """The ``items`` rows of a record."""
    rows = []
    for item in record.items:
        rows.append({
            "doc_id": record.doc_id,
            "case_number": record.case_number,
            "index": item.index,
            "service": item.service,
            "category": item.category,
            "body_region": item.body_region,
            "laterality": item.laterality,
            "quantity": item.quantity,
            "quantity_total": item.quantity_total,
            "quantity_unit": item.quantity_unit,
            "frequency": item.frequency,
            "duration": item.duration,
            "refills": item.refills,
            "decision": item.decision,
            "medically_necessary": item.medically_necessary,
            "claims_administrator_guideline": item.claims_administrator_guideline,
            "maximus_guideline": item.maximus_guideline,
            "guideline_sources": list(item.guideline_sources),
            "guideline_sections": list(item.guideline_sections),
            "rationale": item.rationale,
            "evidence_start": item.evidence.start if item.evidence else None,
            "evidence_end": item.evidence.end if item.evidence else None,
            "evidence_page": item.evidence.page if item.evidence else None,
        })
    return rows


def mention_rows(record: Record) -> list[dict[str, Any]]:
    """The ``mentions`` rows of a record."""
    return [
        {"doc_id": record.doc_id, **{k: getattr(m, k) for k in MENTION_COLUMNS if k != "doc_id"}}
        for m in record.mentions
    ]


def display_path(path: str) -> str:
    r"""``path`` as text any writer accepts: bytes that are not UTF-8 become ``\xNN`` escapes.

    File names are bytes on POSIX; Python keeps undecodable ones as lone surrogates, which
    Parquet, CSV and JSON writers refuse. Valid names are returned unchanged.
    """
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")


def error_row(path: Optional[str], stage: str, error: str, message: str,
              doc_id: Optional[str] = None) -> dict[str, Any]:
    """The ``errors`` row of an input that did not become a record."""
    shown = display_path(path) if path is not None else None
    return {"path": shown, "doc_id": doc_id, "stage": stage, "error": error, "message": message}


def rows_of(record: Record, with_text: bool = False) -> dict[str, list[dict[str, Any]]]:
    """All table rows of one record, keyed by table name (``texts`` holds a row ``with_text`` only)."""
    return {
        "letters": [letter_row(record)],
        "items": item_rows(record),
        "mentions": mention_rows(record),
        "errors": [],
        "texts": [{"doc_id": record.doc_id, "text": record.text}] if with_text else [],
    }
