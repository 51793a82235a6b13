"""Flattening records into table rows: letters, items, mentions, errors (joinable on ``doc_id``)."""

from __future__ import annotations

import json
import os
from typing import Any, Optional

from ..types import Record
from .schema import MENTION_COLUMNS


def _join(values: list[str]) -> Optional[str]:
    """Lists become '; '-joined strings so every format (CSV included) holds them alike."""
    return "; ".join(values) if values else None


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
        "reviewer_licensure": _join(record.reviewer.licensure),
        "reviewer_specialties": _join(record.reviewer.specialties),
        "patient_age": record.patient.age,
        "patient_sex": record.patient.sex,
        "diagnoses": _join(record.diagnoses),
        "icd10_codes": _join(list(dict.fromkeys(c["code"] for c in record.diagnosis_codes if c.get("code")))),
        "work_status": json.dumps([w.__dict__ for w in record.work_status]) if record.work_status else None,
        "pain_scores": json.dumps([p.__dict__ for p in record.pain_scores]) if record.pain_scores else None,
        "n_items": len(items),
        "n_upheld": sum(1 for i in items if i.decision == "upheld"),
        "n_overturned": sum(1 for i in items if i.decision == "overturned"),
        "n_mentions": len(record.mentions),
        "warnings": _join(record.warnings),
        "text_chars": len(record.text),
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
            "guideline_sources": _join(item.guideline_sources),
            "guideline_sections": _join(item.guideline_sections),
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


def rows_of(record: Record) -> dict[str, list[dict[str, Any]]]:
    """All table rows of one record, keyed by table name."""
    return {
        "letters": [letter_row(record)],
        "items": item_rows(record),
        "mentions": mention_rows(record),
        "errors": [],
    }
