"""Dates in every form the letters use: 1-7-15, 8/10/15, 09/10/2015, September 10, 2015, 2015-09-10."""

from __future__ import annotations

import re
from datetime import date
from typing import Iterator, NamedTuple, Optional

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
# Two-digit years: letters cover injuries from the 1970s on and decisions up to the 2020s.
_CENTURY_PIVOT = 40

# The lookahead names every character a date can begin with (a digit or a month's first
# letter): most positions of a text fail it at once instead of trying each form in turn.
DATE_RE = re.compile(
    rf"""(?<![\d/.-])(?=[\d{''.join(sorted({m[0] for m in _MONTHS}))}])(?:
        (?P<m>\d{{1,2}})\s?(?P<sep>[/-])\s?(?P<d>\d{{1,2}})\s?(?P=sep)\s?(?P<y>\d{{4}}|\d{{2}})(?![\d/])
      | (?P<iy>\d{{4}})-(?P<im>\d{{2}})-(?P<id>\d{{2}})(?!\d)
      | (?P<mon>{_MONTH_RE})\.?\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<my>\d{{4}})(?!\d)
      | (?P<dd>\d{{1,2}})\s+(?P<dmon>{_MONTH_RE})\.?,?\s+(?P<dy>\d{{4}})(?!\d)
    )""",
    re.IGNORECASE | re.VERBOSE,
)


class FoundDate(NamedTuple):
    """A date found in text: its span and ISO value."""

    start: int
    end: int
    iso: str


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 1900 if year >= _CENTURY_PIVOT else 2000
    return year


def _iso(year: int, month: int, day: int) -> Optional[str]:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _from_match(m: re.Match[str]) -> Optional[str]:
    if m.group("m"):
        return _iso(_year(m.group("y")), int(m.group("m")), int(m.group("d")))
    if m.group("iy"):
        return _iso(int(m.group("iy")), int(m.group("im")), int(m.group("id")))
    if m.group("mon"):
        return _iso(int(m.group("my")), _month(m.group("mon")), int(m.group("md")))
    return _iso(int(m.group("dy")), _month(m.group("dmon")), int(m.group("dd")))


# The case-blind pattern also matches the four non-ASCII letters whose case partner is ASCII
# ("ſept" with a long s); lower() leaves them as they are.
_ASCII_PARTNERS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def _month(name: str) -> int:
    return _MONTHS[name.translate(_ASCII_PARTNERS).lower()]


_DIGIT = re.compile(r"\d")


def find_dates(text: str, start: int = 0, end: Optional[int] = None) -> Iterator[FoundDate]:
    """Yield every valid date in ``text[start:end]`` with offsets into ``text``."""
    end = len(text) if end is None else end
    if not _DIGIT.search(text, start, end):
        return  # every date form has a digit; most sentences have none
    for m in DATE_RE.finditer(text, start, end):
        iso = _from_match(m)
        if iso:
            yield FoundDate(m.start(), m.end(), iso)


def parse_date(text: str) -> Optional[str]:
    """Return the ISO form of the first date in ``text``, or None."""
    for found in find_dates(text):
        return found.iso
    return None
