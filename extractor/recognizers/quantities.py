"""A requested service's quantity as numbers: total, unit, frequency, duration and refills.

The text form (``#60``, ``2x4``, ``12 sessions``) stays in ``Item.quantity``; this recognizer
reads the same line into fields an analyst can sum: "Physical therapy 2 times a week for 4
weeks" is 8 sessions, 2 per week for 4 weeks; "two times four visits (8)" is 8 visits; a range
"1 to 2 times per week for 4 weeks" counts its upper bound. A line whose quantity cannot be
read gives no total (never a guess); its text is kept in ``quantity``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Optional

from .. import fastre
from ..rule_files import QuantitiesRules

EMPTY = {"quantity_total": None, "quantity_unit": None, "frequency": None, "duration": None, "refills": None}


@lru_cache(maxsize=1)
def _rules() -> dict[str, Any]:
    data = QuantitiesRules.load()
    number = data.number

    def compile_rule(pattern: str) -> re.Pattern[str]:
        return fastre.compile(pattern.replace("{N}", number), re.IGNORECASE)

    return {
        "patterns": [(row.kind, compile_rule(row.pattern)) for row in data.patterns],
        "total": compile_rule(data.total_in_parentheses),
        "spelled": compile_rule(data.number_in_parentheses),
        "refills": compile_rule(data.refills),
        "numbers": data.number_words,
        "units": data.units,
    }


def _number(token: Optional[str]) -> Optional[int]:
    if token is None:
        return None
    return int(token) if token.isdigit() else _rules()["numbers"].get(token.lower())


def _plural(unit: str, n: int) -> str:
    return unit if n != 1 else unit.rstrip("s")


def quantity_fields(service: str) -> dict[str, Any]:
    """``quantity_total``, ``quantity_unit``, ``frequency``, ``duration`` and ``refills`` of a service."""
    rules = _rules()
    # "three (3) times a week for four (4) weeks": the number once, in digits; as printed when
    # that reads nothing ("One (1) x-ray" is counted by its "(1)").
    once = rules["spelled"].sub(
        lambda m: m.group("n") if _number(m.group("word")) == int(m.group("n")) else m.group(), service)
    out = _read(once)
    if once != service and out["quantity_total"] is None and out["quantity_unit"] is None:
        out = _read(service)
    return out


def _read(service: str) -> dict[str, Any]:
    rules = _rules()
    out = dict(EMPTY)
    refills = rules["refills"].search(service)
    if refills:
        out["refills"] = _number(refills.group("n"))
        service = service[: refills.start()] + service[refills.end():]  # "one refill" is no count
    units = rules["units"]
    for kind, pattern in rules["patterns"]:
        m = pattern.search(service)
        if not m:
            continue
        groups = m.groupdict()
        if kind == "course":
            low, high = _number(groups["a"]), _number(groups["a2"])
            # "for 6-8 weeks": the upper bound counts, the range is kept in the duration.
            weeks, weeks_high = _number(groups["b"]), _number(groups.get("b2"))
            period = (groups.get("period") or "weeks").lower()
            if low is None or weeks is None:
                continue
            unit = groups.get("unit") or groups.get("unit2") or "sessions"
            out["quantity_unit"] = units.get(unit.lower(), "sessions")
            out["frequency"] = f"{low}-{high} per week" if high else f"{low} per week"
            period_unit = units.get(period, "weeks")  # "wk", "wks": weeks
            out["duration"] = (f"{weeks}-{weeks_high} {period_unit}" if weeks_high
                               else f"{weeks} {_plural(period_unit, weeks)}")
            # Sessions a week times weeks; a course counted in days or months gives no total.
            out["quantity_total"] = (high or low) * (weeks_high or weeks) if period_unit == "weeks" else None
        elif kind == "amount":
            value = float(groups["n"])
            out["quantity_total"] = int(value) if value.is_integer() else None
            out["quantity_unit"] = units[groups["unit"].lower()]
        else:
            n = _number(groups["n"])
            if n is None:
                continue
            out["quantity_total"] = n
            unit = units.get((groups.get("unit") or "").lower())  # "x 6 visits": visits
            out["quantity_unit"] = unit or {"count": "count", "times": "sessions", "hours": "hours"}.get(kind)
            if kind == "period":
                out["duration"] = f"{n} {_plural(out['quantity_unit'], n)}"
        if kind in ("course", "times", "sessions"):
            stated = rules["total"].search(service, m.start())
            if stated:  # "two times four visits (8)": the letter's own total wins
                out["quantity_total"] = int(stated.group("n"))
        break
    return out
