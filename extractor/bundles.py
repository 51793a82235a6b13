"""Files holding several letters (bundles): where each letter starts, found from its header.

Splitting a letter in two loses it, so a cut is made only where every sign agrees
(``models/bundles.json``): a short line that opens a published layout (``layouts.json``),
followed by a header block (date labels of ``header.json`` and a case number); the letter
before it has reached its decisions, the letter it opens has decisions of its own, and the
case numbers differ. A case number quoted in prose, or a header repeated on every page, is
not a cut.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from .resources import read_json
from .rule_files import BundlesRules, HeaderRules, LayoutsRules

# Lines start after a newline or after the form feed that joins two pages.
_LINE_START = r"(?:^|(?<=\f))[ \t]*"
_LINE_BREAK = re.compile(r"\r\n|\r|\n|\f")
_HAS_DIGIT = re.compile(r"\S*\d\S*")
# A page's running header and page number: at most this many short lines above a letter's start.
_FURNITURE_LINES, _FURNITURE_CHARS = 3, 240


@dataclass
class Part:
    """One letter of a file: its page texts, and the pages of the file it spans (1-based)."""

    pages: list[str]
    first_page: int
    last_page: int


class _Rules:
    """The patterns of ``bundles.json``, ``layouts.json``, ``header.json``, ``sections.json``."""

    def __init__(self) -> None:
        config = BundlesRules.load()
        header = HeaderRules.load()
        flags = re.IGNORECASE | re.MULTILINE
        layouts = LayoutsRules.load().layouts
        begins = "(?:" + "|".join(p for layout in layouts for p in layout.begins) + ")"
        self.begins_anywhere = re.compile(begins, flags)
        self.begins_here = re.compile(r"[ \t]*" + begins, flags)  # at a line start, after its indent
        labels = dict(header.dates, priority=[header.priority.label])
        self.labels = [re.compile("|".join(patterns), flags) for patterns in labels.values()]
        self.any_label = re.compile("|".join(p.pattern for p in self.labels), flags)
        self.case = re.compile(header.case_number.value)
        titles = sorted((rule["literal"] for rule in read_json("sections.json")["section_rules"]
                         if rule["category"] in config.body_categories), key=len, reverse=True)
        # A title may be wrapped over two lines ("IMR DECISION(S) AND" / "RATIONALE(S)").
        titles = [r"[ \t]*\r?\n?[ \t]*".join(map(re.escape, t.split())) for t in titles]
        self.body_title = re.compile(
            _LINE_START + "(?:" + "|".join(titles) + r")[ \t]*:?[ \t]*(?=\r|\n|\f|\Z)", flags)
        self.header_lines = config.header_lines
        self.max_head_words = config.max_head_words
        self.max_line_words = config.max_header_line_words
        self.min_labels = config.min_header_labels


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    return _Rules()


def split_letters(texts: list[str]) -> list[Part]:
    """The letters in a file's page texts, in order; one part when it holds one letter."""
    whole = [Part(list(texts), 1, len(texts))]
    rules = _rules()
    joined = "\f".join(texts)
    starts = _line_starts(joined, rules.begins_here)
    # The common case, decided cheaply: one header (or a letterhead and its case line, with no
    # decisions between them) is one letter.
    if len(starts) < 2 or not rules.body_title.search(joined, starts[0], starts[-1]):
        return whole
    heads = [(s, block) for s in starts if (block := _header(joined, s, rules))]
    groups = _group(heads)
    cuts: list[int] = []
    last, previous_case = 0, groups[0][2] if groups else None
    for i, (start, _, case) in enumerate(groups[1:], start=1):
        end = groups[i + 1][0] if i + 1 < len(groups) else len(joined)
        if case == previous_case:
            continue  # the same letter's header again (a running header)
        if not rules.body_title.search(joined, last, start):
            continue  # the letter before has not reached its decisions: a quote, not a letter
        if not rules.body_title.search(joined, start, end):
            continue  # no decisions follow this header: not a letter of its own
        cuts.append(_page_start(joined, start))
        last, previous_case = start, case
    return _parts(joined, cuts) if cuts else whole


def _line_starts(text: str, begins: re.Pattern[str]) -> list[int]:
    """Where lines that open a layout start (before their indent).

    The opening words are tried at each line start only, cheaper than a search that tries every
    position.
    """
    starts = [0] if begins.match(text, 0) else []
    for m in _LINE_OR_PAGE_BREAK.finditer(text):
        if begins.match(text, m.end()):
            starts.append(m.end())
    return starts


_LINE_OR_PAGE_BREAK = re.compile(r"[\n\f]")


def _page_start(text: str, cut: int) -> int:
    """Move a cut up to its page's start when only a running header or page number precedes it."""
    page_start = text.rfind("\f", 0, cut) + 1
    before = [line for line in _LINE_BREAK.split(text[page_start:cut]) if line.strip()]
    if page_start and len(before) <= _FURNITURE_LINES and sum(map(len, before)) <= _FURNITURE_CHARS:
        return page_start
    return cut


# Unicode format characters (category Cf): zero-width spaces and joiners, word joiner, BOM, soft hyphen.
_FORMAT_CHARS = re.compile("[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")


def _header(text: str, start: int, rules: _Rules) -> Optional[tuple[int, str]]:
    """``(end, case number)`` of the header block opening at ``start``; None if none opens there.

    Only header-like lines count (labels, values and a word or two), so prose that happens to
    start with "Case Number:" or name a "Date of Injury:" does not make a header.
    """
    count = rules.header_lines
    lines = _LINE_BREAK.split(text[start:start + 120 * count], count)[:count]
    if _words_besides_fields(lines[0], rules) > rules.max_head_words:
        return None
    block = "\n".join(line for line in lines if _words_besides_fields(line, rules) <= rules.max_line_words)
    labels = sum(1 for label in rules.labels if label.search(block))
    # Invisible format characters (a zero-width space inside "CM15-0194937") would hide the
    # number or make it differ from the same case's next header: they never count.
    case = rules.case.search(_FORMAT_CHARS.sub("", block))
    if not case or labels < rules.min_labels:
        return None
    return start + sum(len(line) + 1 for line in lines), case.group(1)


def _words_besides_fields(line: str, rules: _Rules) -> int:
    """Words of a line other than layout markers, header labels and values with digits."""
    line = rules.any_label.sub(" ", rules.begins_anywhere.sub(" ", line))
    return len(_HAS_DIGIT.sub(" ", line).split())


def _group(heads: list[tuple[int, tuple[int, str]]]) -> list[tuple[int, int, str]]:
    """``(start, end, case)`` per header block: a letterhead and the case line under it are one.

    Two heads are one block when the second lies inside the first's header lines and names the
    same case; the block starts at the first.
    """
    groups: list[tuple[int, int, str]] = []
    for start, (end, case) in heads:
        if groups and start < groups[-1][1] and case == groups[-1][2]:
            continue
        groups.append((start, end, case))
    return groups


def _parts(joined: str, cuts: list[int]) -> list[Part]:
    parts = []
    bounds = [0] + cuts + [len(joined)]
    for start, end in zip(bounds, bounds[1:]):
        chunk = joined[start:end]
        if chunk.endswith("\f") and end < len(joined):
            chunk = chunk[:-1]  # the next letter starts a page: this one ends with the page before
        first = joined.count("\f", 0, start) + 1
        pages = chunk.split("\f")
        parts.append(Part(pages, first, first + len(pages) - 1))
    return parts
