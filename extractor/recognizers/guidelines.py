"""Guideline lines: which families they cite (MTUS, ACOEM, ODG, Other) and the named sections."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from .. import fastre
from ..rule_files import GuidelinesRules


@lru_cache(maxsize=1)
def _rules() -> dict:
    data = GuidelinesRules.load()
    return {
        "sources": [(name, fastre.compile(p, re.IGNORECASE)) for name, p in data.sources],
        "other": fastre.compile(data.other, re.IGNORECASE),
        # "based their decision on recommendation(s) outside of the MTUS": names MTUS, cites it not.
        "not_a_source": fastre.compile(data.not_a_source, re.IGNORECASE),
        "section": fastre.compile(data.section_label, re.IGNORECASE),
        # A new chapter inside a section list: ", and Forearm, Wrist, and Hand Complaints 2004,"
        "chapter": fastre.compile(
            rf",?\s*(?:and\s+)?(?:on\s+)?(?:the\s+)?{data.chapters}[^.:]*?"
            r"(?:\b(?:19|20)\d{2}\b|\bchapter\b|\bGuidelines\b(?:\s*\([A-Z]+\))?),?\s*$"
        ),
        "known": sorted(data.known_sections, key=len, reverse=True),
        "next_source": fastre.compile(data.next_source, re.IGNORECASE),
    }


def sources(*lines: Optional[str]) -> list[str]:
    """Families named in the guideline lines, in first-seen order, de-duplicated."""
    rules = _rules()
    found: list[tuple[int, str]] = []
    offset = 0
    for line in lines:
        if not line:
            continue
        line = rules["not_a_source"].sub(lambda m: " " * len(m.group()), line)
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
    labels = list(rules["section"].finditer(line))
    for i, m in enumerate(labels):
        rest = line[m.end(): labels[i + 1].start() if i + 1 < len(labels) else len(line)]
        # The list ends at the next sentence ("... Summary. Decision based on ...") or at the
        # next chapter that names its own sections (", and Chronic Pain ... 2016, Section(s):").
        stop = re.search(r"\.\s+[A-Z]|\.$", rest)
        segment = rest[: stop.start()] if stop else rest
        source = rules["next_source"].search(segment)
        if source:
            segment = segment[: source.start()]
        if i + 1 < len(labels):
            chapter = rules["chapter"].search(segment)
            if chapter:
                segment = segment[: chapter.start()]
        # Numbered titles ("3.3 Opioids for Chronic Pain and ...: ...") are one name each.
        if re.match(r"\s*\d+(?:\.\d+)+\s", segment):
            parts_numbered = [p.strip(" ,.;") for p in re.split(r",\s*(?=\d+(?:\.\d+)+\s)", segment)]
            names += [p for p in parts_numbered if p]
            continue
        protected: dict[str, str] = {}
        for j, title in enumerate(rules["known"]):
            if title.lower() in segment.lower():
                key = f"\x00{j}\x00"
                start = segment.lower().index(title.lower())
                protected[key] = segment[start:start + len(title)]
                segment = segment[:start] + key + segment[start + len(title):]
        parts: list[str] = []
        for part in _split_outside_brackets(segment):
            for key, title in protected.items():
                part = part.replace(key, title)
            part = part.strip().strip(".;")
            if not part or part.lower() == "and":
                continue
            # "Opioids, criteria for use": a lower-case part continues the previous name.
            if parts and part[:1].islower():
                parts[-1] = f"{parts[-1]}, {part}"
            else:
                parts.append(part)
        # Each chapter's list is kept whole: two chapters may both name "Special Studies".
        names += list(dict.fromkeys(parts))
    return names


_SECTION_SEPARATOR = re.compile(r",\s*|\s+and\s+")


def _split_outside_brackets(segment: str) -> list[str]:
    """Split a section list at commas and "and", except inside brackets.

    "Walking aids (canes, crutches, braces, orthoses, & walkers)" is one name.
    """
    parts, last = [], 0
    for m in _SECTION_SEPARATOR.finditer(segment):
        if segment.count("(", 0, m.start()) == segment.count(")", 0, m.start()):
            parts.append(segment[last:m.start()])
            last = m.end()
    return parts + [segment[last:]]
