"""A requested service's category, body region, laterality and quantity, from tables in models/."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from .. import fastre
from ..rule_files import ServicesRules


@lru_cache(maxsize=1)
def _rules() -> dict:
    data = ServicesRules.load()
    flags = re.IGNORECASE
    return {
        "categories": [
            (row.category, fastre.compile_terms(row.pattern, flags),
             fastre.compile_terms(row.unless, flags) if row.unless else None)
            for row in data.categories
        ],
        "prefix": fastre.compile(data.service_prefix_strip, flags),
        # Term tables: no term fires inside a word (see fastre.compile_terms).
        "regions": [(name, fastre.compile_terms(p, flags)) for name, p in data.body_regions],
        "any_region": fastre.compile_terms(
            "|".join(f"(?P<r{i}>{p})" for i, (_, p) in enumerate(data.body_regions)), flags
        ),
        "fallback": (
            data.body_region_fallback[0], fastre.compile_terms(data.body_region_fallback[1], flags)
        ),
        "laterality": [(name, fastre.compile_terms(p, flags)) for name, p in data.laterality],
        "numbers": data.number_words,
        "quantity": [(name, fastre.compile(p, flags)) for name, p in data.quantity],
    }


@lru_cache(maxsize=1)
def _drug_names() -> re.Pattern[str]:
    from ..resources import read_jsonl

    names = {
        row["literal"].lower()
        for row in read_jsonl("vocabulary/medications.jsonl")
        if row.get("literal")
    }
    # Only whether some name occurs matters, so the names are merged into a prefix tree:
    # the same words match, without trying every name at every position.
    return fastre.compile(r"\b(?:" + _trie_pattern(names) + r")\b", re.IGNORECASE)


def _trie_pattern(words: set[str]) -> str:
    """A regex matching exactly ``words``, with shared prefixes written once."""
    tree: dict = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def render(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(ch) + render(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        single = len(branches) == 1 and len(branches[0]) == 1
        body = branches[0] if single else "(?:" + "|".join(branches) + ")"
        return body + "?" if ends else body

    return render(tree)


def category(service: str) -> str:
    """The service category: the first table row whose pattern matches; a drug name wins early."""
    rules = _rules()
    # "Associated surgical service: Cold therapy unit" is classified by what follows the label.
    service = rules["prefix"].sub("", service)
    drug = None  # looked up only when a row needs it: the name search is the costly test

    def has_drug() -> bool:
        nonlocal drug
        if drug is None:
            drug = _drug_names().search(service) is not None
        return drug

    for name, pattern, unless in rules["categories"]:
        if name == "medication" and has_drug():
            return "medication"
        if pattern.search(service) and not (unless and unless.search(service)):
            return name
    return "medication" if has_drug() else "other"


def body_region(service: str) -> Optional[str]:
    """The first body region the service names (by position in the text)."""
    # One search over all regions: its leftmost match, and the first region in table order
    # among those matching there, is the region with the smallest (start, order).
    m = _rules()["any_region"].search(service)
    if m:
        return _rules()["regions"][int(m.lastgroup[1:])][0]
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
