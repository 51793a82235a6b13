"""Section spans as plain data, so recognizers need not touch spaCy objects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class Section:
    """One section: its category, and character offsets of title and body in the letter text."""

    category: str
    title_start: int
    body_start: int
    end: int


def sections_of(sections: Iterable[Section], *categories: str) -> list[Section]:
    """Sections whose category is one of ``categories``, in letter order."""
    return [s for s in sections if s.category in categories]


def section_span(text: str, sections: Iterable[Section], *categories: str) -> tuple[int, int]:
    """The body of the first section of any of ``categories``; the whole text when there is none."""
    found = sections_of(sections, *categories)
    if not found:
        return 0, len(text)
    return found[0].body_start, found[0].end


def header_end(text: str, sections: list[Section]) -> int:
    """Where the header block ends: at the first section title, else after 1,500 characters."""
    if sections:
        return sections[0].title_start
    return min(len(text), 1500)
