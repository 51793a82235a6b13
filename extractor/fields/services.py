"""A requested service's category, body region, laterality and quantity, from tables in models/."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from ..resources import read_json


@lru_cache(maxsize=1)
def _rules() -> dict:
    data = read_json("services.json")
    flags = re.IGNORECASE
    return {
        "categories": [
            (row["category"], re.compile(row["pattern"], flags),
             re.compile(row["unless"], flags) if row.get("unless") else None)
            for row in data["categories"]
        ],
        "prefix": re.compile(data["service_prefix_strip"], flags),
        "regions": [(name, re.compile(p, flags)) for name, p in data["body_regions"]],
        "fallback": (data["body_region_fallback"][0], re.compile(data["body_region_fallback"][1], flags)),
        "laterality": [(name, re.compile(p, flags)) for name, p in data["laterality"]],
        "numbers": data["number_words"],
        "quantity": [(name, re.compile(p, flags)) for name, p in data["quantity"]],
    }


@lru_cache(maxsize=1)
def _drug_names() -> re.Pattern[str]:
    from ..resources import read_jsonl

    names = {
        row["literal"].lower()
        for row in read_jsonl("vocabulary/medications.jsonl")
        if row.get("literal")
    }
    escaped = sorted((re.escape(n) for n in names), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(escaped) + r")\b", re.IGNORECASE)


def category(service: str) -> str:
    """The service category: the first table row whose pattern matches; a drug name wins early."""
    rules = _rules()
    # "Associated surgical service: Cold therapy unit" is classified by what follows the label.
    service = rules["prefix"].sub("", service)
    drug = _drug_names().search(service)
    for name, pattern, unless in rules["categories"]:
        if name == "medication" and drug:
            return "medication"
        if pattern.search(service) and not (unless and unless.search(service)):
            return name
    return "medication" if drug else "other"


def body_region(service: str) -> Optional[str]:
    """The first body region the service names (by position in the text)."""
    best: Optional[tuple[int, int, str]] = None
    for order, (name, pattern) in enumerate(_rules()["regions"]):
        m = pattern.search(service)
        if m and (best is None or (m.start(), order) < best[:2]):
            best = (m.start(), order, name)
    if best:
        return best[2]
    # "spinal cord stimulator", "back brace": the spine, when no region is named.
    name, pattern = _rules()["fallback"]
    return name if pattern.search(service) else None


def laterality(service: str) -> Optional[str]:
    """``left``, ``right`` or ``bilateral`` (both sides named counts as bilateral)."""
    rules = dict(_rules()["laterality"])
    if rules["bilateral"].search(service):
        return "bilateral"
    left, right = rules["left"].search(service), rules["right"].search(service)
    if left and right:
        return "bilateral"
    return "left" if left else "right" if right else None


def _number(token: str) -> int:
    return int(token) if token.isdigit() else int(_rules()["numbers"][token.lower()])


def quantity(service: str) -> Optional[str]:
    """The quantity as the corpus writes it: ``#60``, ``2x4``, ``12 sessions``, ``167 grams``."""
    for kind, pattern in _rules()["quantity"]:
        m = pattern.search(service)
        if not m:
            continue
        if kind == "count":
            return f"#{m.group('n')}"
        if kind == "course":
            return f"{_number(m.group('a'))}x{_number(m.group('b'))}"
        if kind == "course_range":
            return f"{m.group('a')}-{m.group('a2')}x{_number(m.group('b'))}"
        if kind in ("sessions_after", "hours"):
            unit = m.group("unit").lower()
            return f"{m.group('n')} {unit if unit.endswith('s') else unit + 's'}"
        if kind == "sessions":
            unit = m.group("unit").lower()
            unit = unit if unit.endswith("s") else unit + "s"
            return f"{_number(m.group('n'))} {unit}"
        if kind == "sessions_paren":
            return f"{m.group('n')} sessions"
        if kind == "amount":
            unit = m.group("unit").lower()
            unit = {"g": "grams", "gm": "grams", "gram": "grams"}.get(unit, unit)
            return f"{m.group('n')} {unit}"
    return None
