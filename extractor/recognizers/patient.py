"""Patient age and sex, as the case summary states them (null when it does not)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from .. import fastre
from ..rule_files import PatientRules
from .section_spans import Section, section_span

# Ages outside this range are read errors (a year, a page number), not ages of workers.
_MIN_AGE, _MAX_AGE = 14, 100


@lru_cache(maxsize=1)
def _rules() -> dict:
    data = PatientRules.load()
    return {
        "age": fastre.compile(data.age, re.IGNORECASE),
        "sex": {k: fastre.compile(rf"\b(?:{v})\b", re.IGNORECASE) for k, v in data.sex.items()},
        "cue": fastre.compile(data.sex_cue, re.IGNORECASE),
        # "44 y/o F": case-sensitive, and only after an age (a lone F may be Fahrenheit).
        "shorthand": re.compile(data.sex_shorthand),
        "shorthand_letters": data.sex_shorthand_letters,
    }


def patient(text: str, sections: list[Section]) -> tuple[Optional[int], Optional[str]]:
    """Return ``(age, sex)`` from the case summary."""
    rules = _rules()
    start, end = section_span(text, sections, "case_summary")
    summary = text[start:end]
    age = None
    for m in rules["age"].finditer(summary):
        value = int(m.group(1) or m.group(2))
        if _MIN_AGE <= value <= _MAX_AGE:
            age = value
            break
    shorthand = rules["shorthand"].search(summary)
    sex = rules["shorthand_letters"][shorthand.group("sex")] if shorthand else None
    for sentence in [] if sex else re.split(r"(?<=[.;])\s+|\n", summary):
        if not rules["cue"].search(sentence):
            continue
        hits = [(m.start(), name) for name, p in rules["sex"].items() for m in p.finditer(sentence)]
        if hits:
            sex = min(hits)[1]
            break
    return age, sex
