"""Header fields of a letter read by OCR: misread digits repaired by checks, never by guessing.

OCR confuses a few digits with letters (``O``/``0``, ``l``/``1``, ``I``/``1``, ``S``/``5``,
``B``/``8``) and drops the spaces inside labels ("Dateof Injury:"). A header value the plain
recognizers could not read is looked for again here, and kept only when it passes the checks
its pattern sets: a case number must be ``CM`` + 2 digits + ``-`` + 7 digits, a date must be a
real date once its letters are read as the digits the pattern demands there, and the dates must
fall in the order a review takes (injury, UR denial, application, assignment, decision). A
letter is never changed where the pattern allows a letter. Every field that is still missing,
was repaired, or is out of order gets a warning, so a reader knows which values to check.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from .. import fastre
from ..dates import _iso, _year
from ..errors import Errors
from ..rule_files import HeaderRules
from .section_spans import Section, header_end

# The letters OCR reads in place of digits, and the digit each stands for.
_AS_DIGIT = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "S": "5", "B": "8"})
_D = r"[0-9OolISB]"  # a position where the pattern demands a digit
# OCR may also split a number with a space ("CM17-001631 1"): its seven digits are still seven.
_CASE = re.compile(rf"\bC\s?M\s?({_D}{{2}})\s?[-\u2013\u2014~]\s?((?:{_D} ?){{6}}{_D})(?![0-9A-Za-z])")
_CASE_FORM = re.compile(r"CM\d{2}-\d{7}")
_DATE = re.compile(rf"(?<![0-9A-Za-z/])({_D}{{1,2}})\s?([/-])\s?({_D}{{1,2}})\s?\2\s?({_D}{{4}}|{_D}{{2}})"
                   r"(?![0-9A-Za-z/])")
# The order a review's dates fall in: a later one is never before an earlier one.
DATE_ORDER = ("injury", "ur_denial", "application_received", "assigned", "decision")
_FIELD_NAMES = {
    "case_number": "case number", "injury": "date of injury", "ur_denial": "UR denial date",
    "application_received": "application received date", "assigned": "date assigned",
    "decision": "decision date", "priority": "priority",
}


@lru_cache(maxsize=1)
def _rules() -> dict:
    """The header labels of ``header.json`` with the spaces inside them made optional."""
    data = HeaderRules.load()
    flags = re.IGNORECASE | re.MULTILINE

    def loose(pattern: str):
        return fastre.compile(pattern.replace(r"\s+", r"\s*"), flags)

    return {
        "case": [loose(p) for p in data.case_number.labels],
        "dates": {name: [loose(p) for p in labels] for name, labels in data.dates.items()},
        "priority": loose(data.priority.label),
        "priority_values": {k: re.compile(rf"(?:{v})", re.IGNORECASE) for k, v in data.priority.values.items()},
        "distance": data.max_value_distance,
    }


def _as_digits(text: str) -> str:
    return text.translate(_AS_DIGIT)


def _case_value(text: str, start: int, end: int) -> Optional[tuple[str, str]]:
    """``(as read, repaired)`` of the first case number between ``start`` and ``end``."""
    m = _CASE.search(text, start, end)
    if not m:
        return None
    return m.group(), f"CM{_as_digits(m.group(1))}-{_as_digits(m.group(2).replace(' ', ''))}"


def _date_value(text: str, start: int, end: int) -> Optional[tuple[str, str]]:
    """``(as read, ISO)`` of the first date-shaped value before the next label (a colon)."""
    colon = text.find(":", start, end)
    m = _DATE.search(text, start, colon if colon >= 0 else end)
    if not m:
        return None
    month, _, day, year = (_as_digits(g) for g in m.groups())
    iso = _iso(_year(year), int(month), int(day))
    return (m.group(), iso) if iso else None


def repair(text: str, sections: list[Section], case_number: Optional[str], dates: dict,
           priority: Optional[str]) -> tuple[Optional[str], Optional[str], list[str]]:
    """Read again the header fields of an OCRed letter that the plain recognizers missed.

    Returns ``(case number, priority, warnings)``; ``dates`` (by name) is filled in place. A
    value whose letters were read as digits is warned about; a repaired date out of order
    with the dates read as printed is dropped (it failed its check).
    """
    rules = _rules()
    limit = max(header_end(text, sections), 600)
    warnings: list[str] = []
    if case_number is None or not _CASE_FORM.fullmatch(case_number):
        read, case_number = case_number, None
        for label in rules["case"]:
            m = label.search(text, 0, min(len(text), 4000))
            found = m and _case_value(text, m.end(), m.end() + 40)
            if found:
                case_number = found[1]
                if found[0] != found[1]:
                    warnings.append(Errors.W015.format(field=_FIELD_NAMES["case_number"], read=found[0],
                                                       value=found[1]))
                break
        if case_number is None and read is not None:  # a number of another length: a digit lost or added
            warnings.append(Errors.W017.format(read=read))
    repaired: dict[str, tuple[str, str]] = {}
    for name, labels in rules["dates"].items():
        if dates.get(name) is not None:
            continue
        for label in labels:
            m = label.search(text, 0, limit)
            found = m and _date_value(text, m.end(), min(len(text), m.end() + rules["distance"]))
            if found:
                dates[name] = found[1]
                if _as_digits(found[0]) != found[0]:
                    repaired[name] = found
                break
    for name, (read, value) in repaired.items():
        if _out_of_order(dates, name):
            dates[name] = None
        else:
            warnings.append(Errors.W015.format(field=_FIELD_NAMES[name], read=read, value=value))
    if priority is None:
        m = rules["priority"].search(text, 0, limit)
        value = text[m.end():m.end() + 30] if m else ""
        priority = next((name for name, pattern in rules["priority_values"].items() if pattern.search(value)), None)
    return case_number, priority, warnings


def _out_of_order(dates: dict, name: str) -> bool:
    """Whether ``dates[name]`` falls before a date that comes earlier in a review, or after a later one."""
    place = DATE_ORDER.index(name)
    value = dates[name]
    before = [dates[n] for n in DATE_ORDER[:place] if dates.get(n)]
    after = [dates[n] for n in DATE_ORDER[place + 1:] if dates.get(n)]
    return any(v > value for v in before) or any(v < value for v in after)


def check(case_number: Optional[str], dates: dict, priority: Optional[str]) -> list[str]:
    """Warnings for an OCRed letter: each header field missing, and each pair of dates out of order."""
    warnings = order_warnings(dates)
    for name in ("case_number", *DATE_ORDER, "priority"):
        value = {"case_number": case_number, "priority": priority}.get(name, dates.get(name))
        if value is None:
            warnings.append(Errors.W005.format(field=_FIELD_NAMES[name]))
    return warnings


def order_warnings(dates: dict) -> list[str]:
    """A warning for each pair of known dates that are out of the order a review takes."""
    known = [(name, dates[name]) for name in DATE_ORDER if dates.get(name)]
    warnings = []
    for (first, early), (second, late) in zip(known, known[1:]):
        if early > late:
            warnings.append(Errors.W016.format(field=_FIELD_NAMES[second], value=late,
                                               other=_FIELD_NAMES[first], other_value=early))
    return warnings
