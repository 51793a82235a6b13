"""Where each field of a record was read in the letter text: the spans the review page links to.

The record carries them: items their decision line, work status and pain scores their
statement, and the letter-level fields their ``evidence`` (found by
:mod:`extractor.recognizers.field_spans`). This module names them as the page's anchors.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Optional

from ..recognizers.field_spans import DATE_FIELDS
from ..types import Record

__all__ = ["DATE_FIELDS", "Evidence", "Pages", "field_evidence"]

# Record paths of the letter-level fields -> the page's anchor names.
_ANCHORS = {"case_number": "case_number", "priority": "priority", "patient.age": "age", "patient.sex": "sex",
            "reviewer.licensure": "licensure", "reviewer.specialties": "specialties",
            **{f"dates.{name}": f"date-{name}" for name in DATE_FIELDS}}


@dataclass(frozen=True)
class Evidence:
    """A field's span in ``record.text``: its anchor name, offsets and page (None: not known)."""

    key: str
    start: int
    end: int
    page: Optional[int]
    kind: str = "field"  # "field", or "item" for a disputed item's decision line


class Pages:
    """The page of a character offset, where the record's own spans tell it for certain."""

    def __init__(self, record: Record) -> None:
        """Collect the known ``(start, end, page)`` spans of ``record``."""
        first = record.source.first_page
        last = record.source.last_page or first + max(record.source.pages, 1) - 1
        known = [(0, 0, first), (len(record.text), len(record.text), last)]
        known += [(m.start, m.end, m.page) for m in record.mentions]
        known += [(e.start, e.end, e.page) for e in record.evidence]
        known += [(i.evidence.start, i.evidence.end, i.evidence.page) for i in record.items if i.evidence]
        self.known = sorted(known)
        self.starts = [k[0] for k in self.known]
        self.single = first == last

    def page(self, start: int, end: int) -> Optional[int]:
        """The page of ``text[start:end]``, or None when the known spans around it disagree."""
        if self.single:
            return self.known[0][2]
        at = bisect_right(self.starts, start) - 1
        before = self.known[max(at, 0)]
        after = next((k for k in self.known[at + 1:] if k[0] >= end), self.known[-1])
        # Pages only grow along the text: a span between two spans of one page is on that page.
        return before[2] if before[2] == after[2] else None


def _anchor(field: str) -> str:
    if field.startswith("diagnoses."):
        return "dx-" + field.split(".", 1)[1]
    return _ANCHORS.get(field, field)


def field_evidence(record: Record) -> dict[str, Evidence]:
    """Every field's span the record keeps, by anchor name.

    Names: ``case_number``, ``date-<field>``, ``priority``, ``licensure``, ``specialties``,
    ``age``, ``sex``, ``dx-<n>``, ``work-<n>``, ``pain-<n>`` and ``item-<index>`` (n counts from 1).
    """
    text = record.text
    found: dict[str, Evidence] = {}

    def keep(key: str, start: Optional[int], end: Optional[int], page: Optional[int], kind: str = "field") -> None:
        if start is not None and end is not None and 0 <= start < end <= len(text):
            found[key] = Evidence(key, start, end, page, kind)

    for span in record.evidence:
        keep(_anchor(span.field), span.start, span.end, span.page)
    # Work status and pain scores keep offsets only; their page is that of the spans around them.
    pages = Pages(record)
    for n, status in enumerate(record.work_status, 1):
        if status.start is not None and status.end is not None:
            keep(f"work-{n}", status.start, status.end, pages.page(status.start, status.end))
    for n, score in enumerate(record.pain_scores, 1):
        if score.start is not None and score.end is not None:
            keep(f"pain-{n}", score.start, score.end, pages.page(score.start, score.end))
    for item in record.items:
        if item.evidence is not None:
            keep(f"item-{item.index}", item.evidence.start, item.evidence.end, item.evidence.page, "item")
    return found
