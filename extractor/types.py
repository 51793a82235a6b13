"""The record contract (``docs/schema.md``) as typed dataclasses with ``to_dict``/``from_dict``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Optional

RECORD_VERSION = "1"


@dataclass
class Source:
    """Where the letter came from and how its text was obtained."""

    path: Optional[str] = None
    format: str = "text"  # "pdf", "image" or "text"
    pages: int = 1  # pages of this letter
    ocr: bool = False
    text_backend: Optional[str] = None
    encoding: Optional[str] = None
    ocr_pages: list[int] = field(default_factory=list)
    # Mean Tesseract word confidence (0-100) of each page in ocr_pages (None: no word read).
    ocr_confidence: list[Optional[float]] = field(default_factory=list)
    layout_pages: list[int] = field(default_factory=list)  # re-read by word position (pdfplumber)
    # A file may hold several letters: this one spans these pages of it (every page number in
    # the record counts in the file) and is letter ``letter_in_file`` of ``letters_in_file``.
    first_page: int = 1
    last_page: Optional[int] = None
    letter_in_file: int = 1
    letters_in_file: int = 1


@dataclass
class Dates:
    """The letter's dates, ISO ``YYYY-MM-DD``."""

    injury: Optional[str] = None
    ur_denial: Optional[str] = None
    assigned: Optional[str] = None
    decision: Optional[str] = None
    application_received: Optional[str] = None


@dataclass
class Reviewer:
    """The expert reviewer's credentials."""

    licensure: list[str] = field(default_factory=list)
    specialties: list[str] = field(default_factory=list)


@dataclass
class Patient:
    """What the letter says of the injured worker."""

    age: Optional[int] = None
    sex: Optional[str] = None


@dataclass
class TextSpan:
    """A character span in the record's text, with the page it falls on (1-based)."""

    start: int
    end: int
    page: int


@dataclass
class FieldEvidence:
    """Where a letter-level field was read: a record path (``dates.injury``) and its span."""

    field: str
    start: int
    end: int
    page: int


@dataclass
class WorkStatus:
    """A work status statement, normalized."""

    status: str
    text: str
    date: Optional[str] = None
    start: Optional[int] = None
    end: Optional[int] = None


@dataclass
class PainScore:
    """A pain rating on a 0-10 scale."""

    score: float
    text: str
    scale: int = 10
    date: Optional[str] = None
    start: Optional[int] = None
    end: Optional[int] = None


@dataclass
class Item:
    """One disputed service and its decision."""

    index: int
    service: str
    category: str = "other"
    body_region: Optional[str] = None
    laterality: Optional[str] = None
    quantity: Optional[str] = None
    quantity_total: Optional[int] = None  # units requested in all (a range: its upper bound)
    quantity_unit: Optional[str] = None  # count, sessions, visits, days, weeks, months, hours, ml, g, units
    frequency: Optional[str] = None  # "2 per week"
    duration: Optional[str] = None  # "4 weeks"
    refills: Optional[int] = None
    decision: Optional[str] = None
    medically_necessary: Optional[bool] = None
    claims_administrator_guideline: Optional[str] = None
    maximus_guideline: Optional[str] = None
    guideline_sources: list[str] = field(default_factory=list)
    guideline_sections: list[str] = field(default_factory=list)
    rationale: Optional[str] = None
    evidence: Optional[TextSpan] = None


@dataclass
class Mention:
    """A clinical entity with its ConText flags."""

    label: str
    text: str
    normalized: str
    start: int
    end: int
    page: int
    section: Optional[str] = None
    date: Optional[str] = None
    negated: bool = False
    normal: bool = False
    historical: bool = False
    hypothetical: bool = False
    uncertain: bool = False
    family: bool = False
    kind: Optional[str] = None  # vocabulary group, e.g. "opioid", "exam", "imaging"
    strength: Optional[str] = None  # medications: "10/325mg"
    quantity: Optional[str] = None  # medications: "#60"
    icd10: Optional[str] = None  # diagnoses: the ICD-10-CM code of the diagnosis it names
    sentence: Optional[str] = None  # its sentence, or a window of it around the mention
    item_index: Optional[int] = None  # the item whose decision line or rationale it sits in


@dataclass
class Record:
    """One letter as data: the contract of ``imr-extract show``."""

    doc_id: str
    source: Source = field(default_factory=Source)
    layout: str = "unknown"
    case_number: Optional[str] = None
    dates: Dates = field(default_factory=Dates)
    priority: Optional[str] = None
    reviewer: Reviewer = field(default_factory=Reviewer)
    patient: Patient = field(default_factory=Patient)
    diagnoses: list[str] = field(default_factory=list)
    # One per diagnosis, in the same order: text, ICD-10-CM code and title (None when no code
    # fits), how it matched (synonym, title, words) and a score.
    diagnosis_codes: list[dict[str, Any]] = field(default_factory=list)
    work_status: list[WorkStatus] = field(default_factory=list)
    pain_scores: list[PainScore] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    # Where the letter-level fields were read (items keep their own evidence).
    evidence: list[FieldEvidence] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    text: str = ""
    version: str = RECORD_VERSION

    def to_dict(self, include_text: bool = True) -> dict[str, Any]:
        """Return the record as plain JSON-ready data (the contract's shape)."""
        data = asdict(self)
        if not include_text:
            data.pop("text")
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Record":
        """Rebuild a record from :meth:`to_dict` output (unknown keys raise)."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown record fields: {sorted(unknown)}")
        values = dict(data)
        values["source"] = Source(**data.get("source", {}))
        values["dates"] = Dates(**data.get("dates", {}))
        values["reviewer"] = Reviewer(**data.get("reviewer", {}))
        values["patient"] = Patient(**data.get("patient", {}))
        values["work_status"] = [WorkStatus(**w) for w in data.get("work_status", [])]
        values["pain_scores"] = [PainScore(**p) for p in data.get("pain_scores", [])]
        values["items"] = [
            Item(**{**i, "evidence": TextSpan(**i["evidence"]) if i.get("evidence") else None})
            for i in data.get("items", [])
        ]
        values["mentions"] = [Mention(**m) for m in data.get("mentions", [])]
        values["evidence"] = [FieldEvidence(**e) for e in data.get("evidence", [])]
        return cls(**values)
