"""Where each field of a record was read in the letter text: the spans the review page links to.

Items, work status and pain scores keep their spans in the record. The header dates, the case
number, the patient's age and sex and the diagnoses do not: their spans are found here again,
at page-build time, by looking for the value as written next to the cue the extractor reads it
after (the same rule files). A value that cannot be found that way gets no span: the page shows
the field without a link rather than a link to text that may not be where it came from.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator, Optional

from ..dates import find_dates
from ..recognizers import clinical as clinical_reader
from ..recognizers import header as header_reader
from ..recognizers import patient as patient_reader
from ..types import Record

DATE_FIELDS = ("injury", "ur_denial", "assigned", "decision", "application_received")
# How far after a diagnosis cue its list may run (extractor/recognizers/clinical.py reads a
# numbered list up to 1500 characters after its cue).
_DIAGNOSIS_REACH = 1500


@dataclass(frozen=True)
class Evidence:
    """A field's span in ``record.text``: its anchor name, offsets and page (None: not known)."""

    key: str
    start: int
    end: int
    page: Optional[int]
    kind: str = "field"  # "field", or "item" for a disputed item's decision line


@lru_cache(maxsize=1)
def _rules() -> dict:
    # The patterns the recognizers compiled from the rule files, so a span is looked for with
    # exactly what the value was read with.
    header, patient, clinical = header_reader._rules(), patient_reader._rules(), clinical_reader._rules()
    return {**{k: header[k] for k in ("case_label", "case_value", "dates", "distance", "narrative",
                                        "narrative_distance")},
            "age": patient["age"], "sex": patient["sex"], "sex_cue": patient["cue"],
            "shorthand": patient["shorthand"], "shorthand_letters": patient["shorthand_letters"],
            "dx_cue": clinical["dx_cue"]}


def _labelled_date(text: str, name: str, iso: str) -> Optional[tuple[int, int]]:
    """The label and date of a header line giving ``iso`` for field ``name`` ("Date of Injury: 3/11/14")."""
    rules = _rules()
    for label in rules["dates"].get(name, []):
        for m in label.finditer(text):
            found = next(find_dates(text, m.end(), min(len(text), m.end() + rules["distance"])), None)
            # As the header reader does: the value comes before the next label on its line.
            if found and found.iso == iso and ":" not in text[m.end():found.start].replace("\n", ""):
                return m.start(), found.end
    return None


def _narrative_date(text: str, name: str, iso: str) -> Optional[tuple[int, int]]:
    """A cue of the case summary and the date after it ("industrial injury on 1-7-15")."""
    rules = _rules()
    best: Optional[tuple[int, int]] = None
    for cue in rules["narrative"].get(name, []):
        for m in cue.finditer(text):
            found = next(find_dates(text, m.end(), min(len(text), m.end() + rules["narrative_distance"])), None)
            if found and found.iso == iso:
                if best is None or m.start() < best[0]:
                    best = (m.start(), found.end)
                break
    for start, end, found_iso in header_reader.dated_first(text, 0, len(text), name):
        if found_iso == iso:
            if best is None or start < best[0]:  # "On 01/27/2016, utilization review non-certified ..."
                best = (start, end)
            break
    return best


def _date_line(text: str, iso: str) -> Optional[tuple[int, int]]:
    """A line that is only the date (a letterhead letter's own date)."""
    for line in re.finditer(r"^[^\n]*$", text, re.MULTILINE):
        stripped = line.group().strip()
        found = next(find_dates(stripped), None)
        if found and found.iso == iso and found.end - found.start >= len(stripped) - 1:
            offset = line.start() + line.group().index(stripped)
            return offset + found.start, offset + found.end
    return None


def date_span(text: str, name: str, iso: str) -> Optional[tuple[int, int]]:
    """Where the date field ``name`` with value ``iso`` is written: its label line, cue, or date line."""
    span = _labelled_date(text, name, iso)
    if span is None and name in ("injury", "ur_denial"):
        span = _narrative_date(text, name, iso)
    if span is None and name == "decision":
        span = _date_line(text, iso)
    return span


def case_number_span(text: str, value: str) -> Optional[tuple[int, int]]:
    """The labelled case number ("Case Number: CM15-0148213"), else its first occurrence."""
    rules = _rules()
    for label in rules["case_label"]:
        for m in label.finditer(text):
            found = rules["case_value"].search(text, m.end(), m.end() + 40)
            if found and found.group(1) == value:
                return m.start(), found.end(1)
    for found in rules["case_value"].finditer(text):
        if found.group(1) == value:
            return found.start(1), found.end(1)
    return None


def age_span(text: str, age: int) -> Optional[tuple[int, int]]:
    """The first statement of this age ("35-year-old", "age: 35")."""
    for m in _rules()["age"].finditer(text):
        if int(m.group(1) or m.group(2)) == age:
            return m.start(), m.end()
    return None


def sex_span(text: str, sex: str) -> Optional[tuple[int, int]]:
    """The shorthand ("44 y/o F") or the first word for the sex in a sentence about the worker."""
    rules = _rules()
    for m in rules["shorthand"].finditer(text):
        if rules["shorthand_letters"].get(m.group("sex")) == sex:
            return m.start("sex"), m.end("sex")
    pattern = rules["sex"].get(sex)
    if pattern is None:
        return None
    for sentence in re.finditer(r"[^.;\n]+", text):
        if not rules["sex_cue"].search(sentence.group()):
            continue
        # As the reader does: the first sex word of the sentence decides; it must be this one.
        hits = sorted(((m.start(), m.end(), name) for name, p in rules["sex"].items()
                       for m in p.finditer(sentence.group())))
        if hits and hits[0][2] == sex:
            return sentence.start() + hits[0][0], sentence.start() + hits[0][1]
    return None


def _occurrences(text: str, value: str) -> Iterator[tuple[int, int]]:
    if not value.strip():
        return
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in value.split()) + r"(?!\w)"
    for m in re.finditer(pattern, text):
        yield m.start(), m.end()


def diagnosis_span(text: str, diagnosis: str) -> Optional[tuple[int, int]]:
    """The diagnosis as written after a diagnosis cue ("diagnoses include ..."), else its first occurrence."""
    found = list(_occurrences(text, diagnosis))
    if not found:
        return None
    cues = [m.end() for m in _rules()["dx_cue"].finditer(text)]
    for start, end in found:
        at = bisect_right(cues, start) - 1
        if at >= 0 and start - cues[at] <= _DIAGNOSIS_REACH:
            return start, end
    return found[0]


class Pages:
    """The page of a character offset, where the record's own spans tell it for certain."""

    def __init__(self, record: Record) -> None:
        """Collect the known ``(start, end, page)`` spans of ``record``."""
        first = record.source.first_page
        last = record.source.last_page or first + max(record.source.pages, 1) - 1
        known = [(0, 0, first), (len(record.text), len(record.text), last)]
        known += [(m.start, m.end, m.page) for m in record.mentions]
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


def field_evidence(record: Record) -> dict[str, Evidence]:
    """Every field's span that the record keeps or that can be found again, by anchor name.

    Names: ``case_number``, ``date-<field>``, ``age``, ``sex``, ``dx-<n>``, ``work-<n>``,
    ``pain-<n>`` and ``item-<index>`` (n counts from 1).
    """
    text = record.text
    pages = Pages(record)
    spans: dict[str, tuple[int, int]] = {}
    if record.case_number:
        spans["case_number"] = case_number_span(text, record.case_number)
    for name in DATE_FIELDS:
        value = getattr(record.dates, name)
        if value:
            spans[f"date-{name}"] = date_span(text, name, value)
    if record.patient.age is not None:
        spans["age"] = age_span(text, record.patient.age)
    if record.patient.sex:
        spans["sex"] = sex_span(text, record.patient.sex)
    for n, diagnosis in enumerate(record.diagnoses, 1):
        spans[f"dx-{n}"] = diagnosis_span(text, diagnosis)
    for n, status in enumerate(record.work_status, 1):
        if status.start is not None and status.end is not None:
            spans[f"work-{n}"] = (status.start, status.end)
    for n, score in enumerate(record.pain_scores, 1):
        if score.start is not None and score.end is not None:
            spans[f"pain-{n}"] = (score.start, score.end)
    found = {
        key: Evidence(key, span[0], span[1], pages.page(*span))
        for key, span in spans.items() if span is not None and 0 <= span[0] < span[1] <= len(text)
    }
    for item in record.items:
        span = item.evidence
        if span is not None and 0 <= span.start < span.end <= len(text):
            found[f"item-{item.index}"] = Evidence(f"item-{item.index}", span.start, span.end, span.page, "item")
    return found
