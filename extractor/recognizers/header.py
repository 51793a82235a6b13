"""Header fields: case number, the five dates, priority, and the layout of the letter."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator, Optional

from .. import fastre
from ..dates import find_dates
from ..rule_files import HeaderRules, LayoutsRules
from .section_spans import Section, header_end, section_span


@lru_cache(maxsize=1)
def _rules() -> dict:
    data = HeaderRules.load()
    flags = re.IGNORECASE | re.MULTILINE
    return {
        "case_label": [fastre.compile(p, flags) for p in data.case_number.labels],
        "case_value": fastre.compile(data.case_number.value),
        "dates": {k: [fastre.compile(p, flags) for p in v] for k, v in data.dates.items()},
        "distance": data.max_value_distance,
        "priority_label": fastre.compile(data.priority.label, flags),
        "priority_values": {
            k: fastre.compile(rf"\b(?:{v})\b", re.IGNORECASE)
            for k, v in data.priority.values.items()
        },
        "layouts": LayoutsRules.load(),
        "narrative": {
            name: [fastre.compile(p, re.IGNORECASE) for p in getattr(data.narrative_dates, name)]
            for name in ("injury", "ur_denial")
        },
        "narrative_distance": data.narrative_dates.max_distance,
        "dated_first": {"ur_denial": [fastre.compile(p, re.IGNORECASE)
                                      for p in data.narrative_dates.ur_denial_dated_first]},
    }


# "On 01/27/2016, utilization review ...": the date opens its sentence (or clause) after "On".
_ON_BEFORE = re.compile(r"(?:^|[.;:]\s+|\n)\s*On\s+$", re.IGNORECASE)


def dated_first(text: str, start: int, end: int, name: str) -> Iterator[tuple[int, int, str]]:
    """``(date start, cue end, iso)`` of each date that opens its sentence and is followed by a cue of ``name``.

    "On 01/27/2016, utilization review non-certified ...": the sentence tells of that event,
    so its date is the event's and no other's.
    """
    cues = _rules()["dated_first"].get(name)
    if not cues:
        return
    for found in find_dates(text, start, end):
        if not _ON_BEFORE.search(text[max(start, found.start - 40):found.start]):
            continue
        cue = next((m for m in (c.match(text, found.end, end) for c in cues) if m), None)
        if cue:
            yield found.start, cue.end(), found.iso


def case_number(text: str) -> Optional[str]:
    """The IMR case number (``CM15-0194937``), labelled or, failing that, the first one seen."""
    rules = _rules()
    for label in rules["case_label"]:
        for m in label.finditer(text, 0, min(len(text), 4000)):
            value = rules["case_value"].search(text, m.end(), m.end() + 40)
            if value:
                return value.group(1)
    value = rules["case_value"].search(text)
    return value.group(1) if value else None


def case_headers(text: str) -> list[str]:
    """Distinct case numbers that open a header line ("Case Number: CM..."): one per letter."""
    rules = _rules()
    found: list[str] = []
    # Case numbers are rare in a letter: each one found is checked for a label opening its line.
    for value in rules["case_value"].finditer(text):
        line_start = text.rfind("\n", 0, value.start()) + 1
        starts = [line_start]
        if line_start and not text[line_start:value.start()].strip():  # "Case Number:" / "CM15-..."
            starts.append(text.rfind("\n", 0, line_start - 1) + 1)
        for label, start in ((label, start) for start in starts for label in rules["case_label"]):
            m = label.match(text, start, value.start())
            # The label's own value: the first case number within 40 characters after it.
            if m and value.end() <= m.end() + 40 and not rules["case_value"].search(text, m.end(), value.start()):
                if value.group(1) not in found:
                    found.append(value.group(1))
                break
    return found


def header_dates(text: str, sections: list[Section]) -> dict[str, Optional[str]]:
    """Dates keyed by contract name, each read right after its label in the header block."""
    rules = _rules()
    # Letterhead letters put labels in the header and repeat some in prose; search the head.
    limit = max(header_end(text, sections), 600)
    values: dict[str, Optional[str]] = {}
    for name, labels in rules["dates"].items():
        values[name] = None
        for label in labels:
            m = label.search(text, 0, limit)
            if not m:
                continue
            found = next(find_dates(text, m.end(), min(len(text), m.end() + rules["distance"])), None)
            # The value must come before the next label on the line (two-column headers).
            if found and ":" not in text[m.end():found.start].replace("\n", ""):
                values[name] = found.iso
                break
    return values


def narrative_date(text: str, sections: list[Section], name: str) -> Optional[str]:
    """A date the case summary gives for ``name`` ("industrial injury on 1-7-15", "UR (9-10-15)")."""
    rules = _rules()
    start, end = section_span(text, sections, "case_summary")
    best: Optional[tuple[int, str]] = None
    for cue in rules["narrative"].get(name, []):
        for m in cue.finditer(text, start, end):
            found = next(find_dates(text, m.end(), min(end, m.end() + rules["narrative_distance"])), None)
            if found and (best is None or m.start() < best[0]):
                best = (m.start(), found.iso)
                break
    first = next(dated_first(text, start, end, name), None)
    if first and (best is None or first[0] < best[0]):
        best = (first[0], first[2])
    return best[1] if best else None


def letter_date(text: str, sections: list[Section]) -> Optional[str]:
    """A letterhead letter's own date line: a line that is only a date, in the header block."""
    limit = header_end(text, sections)
    for line in re.finditer(r"^[^\n]*$", text[:limit], re.MULTILINE):
        stripped = line.group().strip()
        found = next(find_dates(stripped), None)
        if found and found.end - found.start >= len(stripped) - 1:
            return found.iso
    return None


def priority(text: str, sections: list[Section]) -> Optional[str]:
    """``standard`` or ``expedited`` from the ``Priority:`` label."""
    rules = _rules()
    m = rules["priority_label"].search(text, 0, max(header_end(text, sections), 600))
    if not m:
        return None
    value = text[m.end():m.end() + 30]
    for name, pattern in rules["priority_values"].items():
        if pattern.search(value):
            return name
    return None


def layout(text: str, sections: list[Section]) -> str:
    """Which published layout the letter is in, from how it begins, then from its titles."""
    config = _rules()["layouts"]
    head = text[: config.begins_within_chars]
    for entry in config.layouts:
        if any(re.search(p, head, re.IGNORECASE) for p in entry.begins):
            return entry.name
    categories = {s.category for s in sections}
    best, score = "unknown", 0
    for entry in config.layouts:
        hits = len(categories.intersection(entry.titles))
        if hits > score:
            best, score = entry.name, hits
    return best
