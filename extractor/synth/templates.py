"""The synth templates of ``models/synth/`` and the small helpers that fill them in.

Every part of a letter is drawn from these files; the helpers here are the ones all parts share:
placeholders filled from :class:`Slots`, dates written the ways letters write them, lists joined
as prose, and weighted draws.
"""

from __future__ import annotations

from datetime import date
from random import Random
from typing import Any

from ..resources import read_json

CATEGORIES = (
    "medication", "imaging", "physical_therapy", "chiropractic", "acupuncture", "injection",
    "surgery", "dme", "lab", "consultation", "program", "home_health", "other",
)
LAYOUTS = ("case_number_header", "maximus_letterhead", "professional_review")
_FILES = ("letters", "people", "clinical", "services", "guidelines")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def load_data() -> dict[str, Any]:
    """The synth templates, one dict per file of ``models/synth/``."""
    return {name: read_json(f"synth/{name}.json") for name in _FILES}


def format_date(day: date, style: str) -> str:
    """A date in one of the forms letters use (``9/10/15``, ``09/10/2015``, ``September 10, 2015``)."""
    m, d, y = day.month, day.day, day.year
    forms = {
        "m/d/yyyy": f"{m}/{d}/{y}", "mm/dd/yyyy": f"{m:02d}/{d:02d}/{y}", "mm-dd-yyyy": f"{m:02d}-{d:02d}-{y}",
        "m/d/yy": f"{m}/{d}/{y % 100:02d}", "m-d-yy": f"{m}-{d}-{y % 100:02d}",
        "month d, yyyy": f"{_MONTHS[m - 1]} {d}, {y}",
    }
    return forms[style]


def cap(text: str) -> str:
    """``text`` with its first letter upper-cased."""
    return text[:1].upper() + text[1:]


def join_list(parts: list[str], rng: Random) -> str:
    """``a, b and c`` (or with a serial comma now and then)."""
    if len(parts) < 2:
        return "".join(parts)
    comma = "," if len(parts) > 2 and rng.random() < 0.3 else ""
    return f"{', '.join(parts[:-1])}{comma} and {parts[-1]}"


def weighted(rng: Random, weights: dict[str, float]) -> str:
    """A key of ``weights`` drawn in proportion to its weight."""
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


class Slots(dict):
    """Template values; a missing placeholder is a bug in the templates, so say which one."""

    def __missing__(self, key: str) -> str:
        """Fail with the name of the placeholder."""
        raise KeyError(f"synth template placeholder {{{key}}} has no value")

    def fill(self, template: str, **extra: Any) -> str:
        """``template`` with its placeholders filled from these values and ``extra``."""
        return template.format_map(Slots(self, **extra)) if extra else template.format_map(self)

