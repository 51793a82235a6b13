"""Guideline lines: which families they cite (MTUS, ACOEM, ODG, Other) and the named sections."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from ..resources import read_json


@lru_cache(maxsize=1)
def _rules() -> dict:
    data = read_json("guidelines.json")
    return {
        "sources": [(name, re.compile(p, re.IGNORECASE)) for name, p in data["sources"]],
        "other": re.compile(data["other"], re.IGNORECASE),
        "section": re.compile(data["section_label"], re.IGNORECASE),
    }


def sources(*lines: Optional[str]) -> list[str]:
    """Families named in the guideline lines, in first-seen order, de-duplicated."""
    rules = _rules()
    found: list[tuple[int, str]] = []
    offset = 0
    for line in lines:
        if not line:
            continue
        for name, pattern in rules["sources"]:
            m = pattern.search(line)
            if m:
                found.append((offset + m.start(), name))
        m = rules["other"].search(line)
        if m:
            found.append((offset + m.start(), "Other"))
        offset += len(line) + 1
    ordered: list[str] = []
    for _, name in sorted(found):
        if name not in ordered:
            ordered.append(name)
    return ordered


def sections(line: Optional[str]) -> list[str]:
    """Section names listed after ``Section(s):`` in a guideline line, in order."""
    if not line:
        return []
    rules = _rules()
    names: list[str] = []
    for m in rules["section"].finditer(line):
        rest = line[m.end():]
        # The list ends at the next sentence ("... Summary. Decision based on ...") or at the
        # next chapter that names its own sections (", and Chronic Pain ... 2016, Section(s):").
        stop = re.search(r"\.\s+[A-Z]|\.$|,?\s*(?:and\s+)?[A-Z][^,.:]*\b(?:19|20)\d{2}\b,?\s*Section", rest)
        segment = rest[: stop.start()] if stop else rest
        parts: list[str] = []
        for part in re.split(r",\s*|\s+and\s+", segment):
            part = part.strip().strip(".;")
            if not part or part.lower() == "and":
                continue
            # "Opioids, criteria for use": a lower-case part continues the previous name.
            if parts and part[:1].islower():
                parts[-1] = f"{parts[-1]}, {part}"
            else:
                parts.append(part)
        names += [p for p in parts if p not in names]
    return names
