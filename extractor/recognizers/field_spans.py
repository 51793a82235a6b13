"""Where each letter-level field was read: its span in the letter text (the record's ``evidence``).

Items, work status and pain scores keep the span they were read from. The header fields, the
patient's age and sex, the reviewer's credentials and the diagnoses are read by value, so their
span is found by looking for the value as written next to the cue it is read after, with the
patterns the recognizers compiled from the same rule files. A value that cannot be found that
way gets no span: no evidence rather than evidence that may not be where the value came from.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import Any, Callable, Iterator, Optional

from ..dates import find_dates
from . import clinical as clinical_reader
from . import header as header_reader
from . import patient as patient_reader
from . import reviewer as reviewer_reader

DATE_FIELDS = ("injury", "ur_denial", "assigned", "decision", "application_received")
# How far after a diagnosis cue its list may run (clinical.py reads a numbered list up to 1500
# characters after its cue).
_DIAGNOSIS_REACH = 1500
# The reader looks for a labelled case number this far into the letter (header.case_number).
_CASE_LABEL_REACH = 4000
# A letter's own date line sits in its letterhead.
_DATE_LINE_REACH = 3000


@lru_cache(maxsize=1)
def _rules() -> dict:
    header, patient, clinical = header_reader._rules(), patient_reader._rules(), clinical_reader._rules()
    reviewer = reviewer_reader._rules()
    return {**{k: header[k] for k in ("case_label", "case_value", "dates", "distance", "narrative",
                                        "narrative_distance", "priority_label", "priority_values")},
            "age": patient["age"], "sex": patient["sex"], "sex_cue": patient["cue"],
            "shorthand": patient["shorthand"], "shorthand_letters": patient["shorthand_letters"],
            "dx_cue": clinical["dx_cue"], "licensure": reviewer["licensure"], "specialty": reviewer["specialty"]}


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
    for line in re.finditer(r"^[^\n]*$", text[:_DATE_LINE_REACH], re.MULTILINE):
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
        # As the reader does: a labelled number is looked for in the letter's head.
        for m in label.finditer(text, 0, min(len(text), _CASE_LABEL_REACH)):
            found = rules["case_value"].search(text, m.end(), m.end() + 40)
            if found and found.group(1) == value:
                return m.start(), found.end(1)
    for found in rules["case_value"].finditer(text):
        if found.group(1) == value:
            return found.start(1), found.end(1)
    return None


def priority_span(text: str, value: str) -> Optional[tuple[int, int]]:
    """The ``Priority:`` label and the word after it that gives ``value``."""
    rules = _rules()
    pattern = rules["priority_values"].get(value)
    if pattern is None:
        return None
    for m in rules["priority_label"].finditer(text):
        found = pattern.search(text, m.end(), min(len(text), m.end() + 30))
        if found:
            return m.start(), found.end()
    return None


def _label_line(text: str, label: re.Pattern[str]) -> Optional[tuple[int, int]]:
    """A labelled credentials line ("State of Licensure: California"), label to end of line."""
    m = label.search(text)
    if m is None:
        return None
    end = text.find("\n", m.end())
    end = len(text) if end < 0 else end
    return (m.start(), end) if text[m.end():end].strip() else None


def licensure_span(text: str) -> Optional[tuple[int, int]]:
    """The reviewer's licensure line."""
    return _label_line(text, _rules()["licensure"])


def specialty_span(text: str) -> Optional[tuple[int, int]]:
    """The reviewer's specialty line."""
    return _label_line(text, _rules()["specialty"])


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
    """Whole-word occurrences of ``value``, any spacing between its words."""
    if not value.strip():
        return
    # The pattern opens with the literal word (the engine then skips ahead by it); the word
    # boundary before it is checked here, as a look-behind at every position costs ~5x.
    pattern = r"\s+".join(re.escape(w) for w in value.split()) + r"(?!\w)"
    for m in re.finditer(pattern, text):
        if m.start() == 0 or not (text[m.start() - 1].isalnum() or text[m.start() - 1] == "_"):
            yield m.start(), m.end()


def _cue_ends(text: str) -> list[int]:
    # The reader's own cue scan: it looks for a cue only around the cue words.
    return [m.end() for m in clinical_reader._cues(clinical_reader._rules(), text, 0, len(text))]


def diagnosis_span(text: str, diagnosis: str,
                   cue_ends: Optional[Callable[[], list[int]]] = None) -> Optional[tuple[int, int]]:
    """The diagnosis as written after a diagnosis cue ("diagnoses include ..."), else its first occurrence.

    ``cue_ends`` gives the cues' end offsets (a caller finding several diagnoses scans once).
    """
    found = list(_occurrences(text, diagnosis))
    if len(found) <= 1:  # written once: no cue needed to choose (the cue scan is the cost here)
        return found[0] if found else None
    cues = cue_ends() if cue_ends is not None else _cue_ends(text)
    for start, end in found:
        at = bisect_right(cues, start) - 1
        if at >= 0 and start - cues[at] <= _DIAGNOSIS_REACH:
            return start, end
    return found[0]


def field_spans(text: str, fields: dict[str, Any]) -> list[tuple[str, int, int]]:
    """``(field, start, end)`` for each letter-level value of ``fields`` that is found in ``text``.

    ``fields`` holds the record's values (``case_number``, ``dates``, ``priority``, ``reviewer``,
    ``patient``, ``diagnoses``). Field names are record paths: ``case_number``, ``dates.injury``,
    ``priority``, ``reviewer.licensure``, ``reviewer.specialties``, ``patient.age``,
    ``patient.sex``, ``diagnoses.1`` (diagnoses count from 1).
    """
    spans: list[tuple[str, Optional[tuple[int, int]]]] = []
    if fields.get("case_number"):
        spans.append(("case_number", case_number_span(text, fields["case_number"])))
    dates = fields.get("dates") or {}
    for name in DATE_FIELDS:
        if dates.get(name):
            spans.append((f"dates.{name}", date_span(text, name, dates[name])))
    if fields.get("priority"):
        spans.append(("priority", priority_span(text, fields["priority"])))
    reviewer = fields.get("reviewer") or {}
    if reviewer.get("licensure"):
        spans.append(("reviewer.licensure", licensure_span(text)))
    if reviewer.get("specialties"):
        spans.append(("reviewer.specialties", specialty_span(text)))
    patient = fields.get("patient") or {}
    if patient.get("age") is not None:
        spans.append(("patient.age", age_span(text, patient["age"])))
    if patient.get("sex"):
        spans.append(("patient.sex", sex_span(text, patient["sex"])))
    scanned: list[list[int]] = []  # the cue scan, done once and only when a diagnosis is written twice

    def cue_ends() -> list[int]:
        if not scanned:
            scanned.append(_cue_ends(text))
        return scanned[0]

    for n, diagnosis in enumerate(fields.get("diagnoses") or [], 1):
        spans.append((f"diagnoses.{n}", diagnosis_span(text, diagnosis, cue_ends)))
    return [(name, span[0], span[1]) for name, span in spans
            if span is not None and 0 <= span[0] < span[1] <= len(text)]
