"""Cleaning: page texts become one letter text, with a map from every character back to its page.

PDF text of these letters is hard-wrapped at ~90 characters, often double-spaced, and page
breaks fall mid-sentence. Wrapped lines are re-joined so that sentences, decision lines and
section titles each sit on one line; repeated page headers/footers and "Page N of M" lines
are dropped. Every output character remembers the source character it came from.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from .dates import find_dates
from .resources import list_models, read_text
from .rule_files import CleaningRules

# A line counts as a section title when most of its letters are capitals.
_MIN_TITLE_UPPER_SHARE = 0.85
# A line shared by at least this share of pages (and by 2+) at the top/bottom is furniture.
_FURNITURE_PAGE_SHARE = 0.6
_EDGE_LINES = 3
# Lines shorter than this were not wrapped by the PDF writer (published lines run ~90 chars).
_SHORT_LINE = 70
# A next word counts as fitting on a line when line, space and word stay under this share of
# the wrap width (proportional fonts put fewer wide characters on a line).
_FITS_SHARE = 0.75
# A line this share of the wrap width long is full: the next word did not fit on it.
_FULL_SHARE = 0.9
# Narrower texts (a few short lines) give no reliable wrap width for that.
_MIN_FULL_WIDTH = 60


@dataclass
class CleanText:
    """The cleaned letter text and the offset map back to the source pages."""

    text: str
    page_starts: list[int]  # offset in ``text`` where each page begins
    source: str  # the raw page texts joined by "\f"
    # Source offsets of the text's characters, one run per piece of text; flattened on demand
    # because the pipeline never asks for them and building them per character costs.
    index_runs: list = field(default_factory=list, repr=False)

    @cached_property
    def source_index(self) -> array:
        """Source offset (pages joined by a form feed) of each character of ``text``."""
        index = array("l")
        for run in self.index_runs:
            index.extend(run)
        return index

    def page_of(self, offset: int) -> int:
        """Return the 1-based page of a character offset in ``text``."""
        return max(1, bisect_right(self.page_starts, offset))

    def to_source(self, offset: int) -> int:
        """Return the offset in the source text of a character offset in ``text``."""
        if not self.source_index:
            return 0
        return int(self.source_index[min(max(offset, 0), len(self.source_index) - 1)])


class _Rules:
    """The cleaning tables of ``models/cleaning.json`` compiled once."""

    def __init__(self) -> None:
        data = CleaningRules.load()
        labels = sorted(data.break_before, key=len, reverse=True)
        self.break_before = re.compile(
            "|".join(re.escape(label) for label in labels) + "|" + data.list_marker[1:]
        )
        self.join_after = tuple(data.join_after)
        self.joins_next = frozenset(data.joins_next)
        words = "|".join(re.escape(w) for w in data.decision_words)
        self.decision_alone = re.compile(rf"^\s*(?:{words})\s*[.:]?\s*$", re.IGNORECASE)
        self.ends_decision = re.compile(rf"(?:{words})\s*[.]?\s*$", re.IGNORECASE)
        self.list_item = re.compile(data.list_marker)
        self.ends_paragraph = re.compile(data.ends_paragraph, re.IGNORECASE)
        self.guideline_paragraph = re.compile(data.guideline_paragraph, re.IGNORECASE)
        # One alternation: a line is furniture when any pattern matches at its start.
        self.drop_line = re.compile("|".join(f"(?:{p})" for p in data.drop_line), re.IGNORECASE)
        self.char_map = str.maketrans(data.char_map)
        self.keep_first = frozenset(data.hyphenation.keep_first)
        self.keep_second = frozenset(data.hyphenation.keep_second)
        # ASCII characters the map changes (a tab): an ASCII page without them needs no mapping.
        self.ascii_mapped = [ch for ch in data.char_map if ch.isascii()]

    def needs_map(self, page: str) -> bool:
        """Whether ``char_map`` changes anything in ``page`` (``isascii`` is O(1))."""
        return not page.isascii() or any(ch in page for ch in self.ascii_mapped)


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    return _Rules()


@dataclass
class _Line:
    text: str  # normalized, without the newline
    start: int  # source offset of the first character
    page: int
    raw_end: int  # source offset just past the line's last character
    after_hyphen: bool = False  # pypdfium2 joined this line to the one before at a hyphen


_UPPER = bytes(range(ord("A"), ord("Z") + 1))
_LOWER = bytes(range(ord("a"), ord("z") + 1))
_DIGIT = re.compile(r"\d")
_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")


@lru_cache(maxsize=4096)
def _is_title(text: str) -> bool:
    # ASCII letters counted by deleting them from the bytes (C speed): this runs twice on
    # every line of every letter.
    data = text.encode("ascii", "ignore")
    upper = len(data) - len(data.translate(None, _UPPER))
    lower = len(data) - len(data.translate(None, _LOWER))
    if upper + lower < 6 or " " not in text.strip():
        return False
    return upper / (upper + lower) >= _MIN_TITLE_UPPER_SHARE


def _split_lines(pages: list[str]) -> list[_Line]:
    rules = _rules()
    lines: list[_Line] = []
    offset = 0
    for page_number, page in enumerate(pages, start=1):
        position = 0
        char_map = rules.char_map if rules.needs_map(page) else None
        for raw in _LINE_BREAK.split(page):
            if raw in ("\r\n", "\r", "\n"):
                position += len(raw)
                continue
            # pypdfium2 reports a hyphen that ended a line as U+FFFE and drops the line break:
            # the line is split there again, so the hyphen is judged like any other.
            if "\ufffe" not in raw:
                lines.append(_Line(raw.translate(char_map) if char_map else raw, offset + position,
                                   page_number, offset + position + len(raw)))
                position += len(raw)
                continue
            pieces = raw.split("\ufffe")
            for number, piece in enumerate(pieces):
                hyphen = "-" if number < len(pieces) - 1 else ""
                lines.append(_Line(piece.translate(rules.char_map) + hyphen, offset + position, page_number,
                                   offset + position + len(piece) + len(hyphen), after_hyphen=number > 0))
                position += len(piece) + len(hyphen)
        offset += len(page) + 1  # the "\f" between pages
    return lines


def _furniture(lines: list[_Line], n_pages: int) -> set[int]:
    """Indexes of lines that repeat at the top or bottom of many pages, or number a page."""
    drop_line = _rules().drop_line.match
    drop = {i for i, line in enumerate(lines) if drop_line(line.text)}
    if n_pages < 2:
        return drop
    # A running header or footer sits at the same place from the top or bottom of each page.
    keys: dict[int, tuple[int, str]] = {}

    def shape(i: int) -> str:  # page numbers differ from page to page: compare without them
        return re.sub(r"\d+", "#", lines[i].text.strip().lower())

    by_page: dict[int, list[int]] = {page: [] for page in range(1, n_pages + 1)}
    for i, ln in enumerate(lines):  # one pass, not one pass per page
        if ln.text.strip() and not ln.after_hyphen:
            by_page[ln.page].append(i)
    for page in range(1, n_pages + 1):
        idx = by_page[page]
        for position, i in enumerate(idx[:_EDGE_LINES]):
            keys[i] = (position, shape(i))
        for position, i in enumerate(reversed(idx[-_EDGE_LINES:])):
            keys.setdefault(i, (-1 - position, shape(i)))
    pages_with = Counter(keys.values())
    threshold = max(2, _FURNITURE_PAGE_SHARE * n_pages)
    for i, key in keys.items():
        # One-word lines ("necessary.") repeat by chance at page ends; furniture has more.
        if pages_with[key] >= threshold and (len(key[1].split()) >= 2 or "#" in key[1]):
            drop.add(i)
    return drop


def _only_date(line: str) -> bool:
    if len(line) > 30 or not _DIGIT.search(line):  # every date form needs a digit
        return False
    found = next(find_dates(line), None)
    return found is not None and found.start <= 1 and found.end >= len(line.rstrip(" .")) - 1


def _wrap_width(lines: list) -> int:
    """The width the letter's text was wrapped at: the 90th percentile of its line lengths."""
    lengths = sorted(len(ln.text.strip()) for ln in lines if ln.text.strip())
    return lengths[int(0.9 * (len(lengths) - 1))] if lengths else 0


def _joiner(prev: str, nxt: str, width: int = 0, guideline: bool = False) -> str:
    r"""How two consecutive non-blank lines are glued: '' (hyphen), ' ' (wrap) or '\n'.

    ``width`` is the letter's wrap width (0: unknown); ``guideline``: the paragraph so far is a
    guideline line.
    """
    rules = _rules()
    p, n = prev.rstrip(), nxt.strip()
    if rules.decision_alone.match(n):
        return " "
    if p.endswith(rules.join_after):
        return " "
    if rules.break_before.match(n):
        return "\n"
    if p.endswith("-") and p[-2:-1].isalnum() and n[:1].isalnum():
        return ""  # hyphenated at the line end: "follow-" / "up", "12-21-" / "2016", "Smith-" / "Jones"
    if _only_date(n) or _only_date(p):
        return "\n"  # a letter's date line stands alone
    p_title, n_title = _is_title(p), _is_title(n)
    if p_title and n_title and not p.endswith(":"):
        return " "  # a title wrapped over two lines
    if p_title or n_title:
        return "\n"
    if rules.ends_decision.search(p) and ":" in p:
        return "\n"
    # A short list item followed by a capitalised line: the list ended, prose resumes.
    if rules.list_item.match(p) and n[:1].isupper() and len(p) < _SHORT_LINE:
        return "\n"
    # A full line that ends a sentence ends there only because the next word did not fit: the
    # paragraph goes on ("... in all digits." / "There was no thenar atrophy ...").
    full = width >= _MIN_FULL_WIDTH and len(p) >= _FULL_SHARE * width
    if full and p.endswith(".") and n[:1].isupper() and not guideline and ":" not in p and ":" not in n \
            and not rules.list_item.match(n) and not rules.ends_paragraph.search(p):
        return " "
    if p.endswith((".", "!", "?", ":", '."', ".'")):
        return "\n"
    # A short line whose next word would have fitted on it was not wrapped there: a list of
    # one service per line ("Work hardening program" under "Medial branch blocks at L4-L5").
    if width and len(p) < _FITS_SHARE * width and n[:1].isupper() and not p.endswith((",", "-", "/", "&", "(")):
        last = p.rsplit(None, 1)[-1].lower()
        first = n.split(None, 1)[0]
        if last not in rules.joins_next and len(p) + 1 + len(first) < _FITS_SHARE * width:
            return "\n"
    return " "


_WORD_BEFORE_HYPHEN = re.compile(r"(?<![\w-])([A-Za-z]+)-$")
_WORD_START = re.compile(r"[a-z]+")


@lru_cache(maxsize=1)
def _lexicon() -> frozenset[str]:
    """Words of four letters or more in the rule and vocabulary files: terms the letters use."""
    names = list_models() + [f"vocabulary/{n}" for n in list_models("vocabulary")]
    return frozenset(w.lower() for name in names for w in re.findall(r"[A-Za-z]{4,}", read_text(name)))


_RUN = re.compile(r"\w+")
_PAIR = re.compile(r"\b(\w+)-(?=(\w+))")
_ALONE = re.compile(r"\b(\w+)\b(?!\ufffe|-[ \t]*(?:\r\n|\r|\n|\f))")


class _Words:
    """What the hyphen decisions ask of the whole letter, read in one pass when first asked.

    Each question ("is 'medically' written elsewhere?") used to be a regex search over the
    letter, once per line-end hyphen: quadratic on a long text broken at every line.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.words: set[str] = set()
        self.pairs: set[tuple[str, str]] = set()
        self.alone: set[str] = set()
        self._read = False

    def read(self) -> "_Words":
        """Index the letter (once)."""
        if not self._read:
            lowered = self.source.lower()
            self.words = set(_RUN.findall(lowered))  # whole words (maximal runs of word characters)
            self.pairs = set(_PAIR.findall(lowered))  # "follow-up": ("follow", "up")
            self.alone = set(_ALONE.findall(lowered))  # words not followed by a line-end hyphen
            self._read = True
        return self


def _drops_hyphen(prev: str, nxt: str, words: _Words) -> bool:
    """Whether a line-end hyphen only broke a word ("medi-" / "cally"), so the word is re-joined.

    Published letters hyphenate only compounds ("follow-up", "Electro-diagnostic"), so the
    hyphen is kept unless the joined word is known (written elsewhere in the letter, or a term
    of the rule files), the letter never writes the hyphenated form, and the first half never
    stands alone in it ("electro" in "electro-myography"). The compound parts of
    ``cleaning.json`` ("follow-", "-related") always keep their hyphen.
    """
    left = _WORD_BEFORE_HYPHEN.search(prev.rstrip())
    right = _WORD_START.match(nxt.lstrip())
    if not left or not right:
        return False  # "H2-" / "receptor", "12-21-" / "2016", "Smith-" / "Jones"
    first, second = left.group(1), right.group(0)
    rules = _rules()
    if first.lower() in rules.keep_first or second in rules.keep_second:
        return False

    index = words.read()
    first, second = first.lower(), second.lower()
    joined = first + second
    known = joined in _lexicon() or joined in index.words
    # A half next to a line-end hyphen (this break, or the same word broken again) does not count.
    return known and (first, second) not in index.pairs and first not in index.alone


def _blanks_around(lines: list[_Line], drop: set[int]) -> set[int]:
    """Blank lines next to dropped furniture: the page layout's spacing, not a paragraph break.

    ("... and the" / "" / "Page 1 of 3" / "" / "Achilles reflexes ...").
    """
    blanks: set[int] = set()
    for i in drop:
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(lines) and j not in drop and not lines[j].text.strip():
                blanks.add(j)
                j += step
    return blanks


def clean_pages(pages: list[str]) -> CleanText:
    """Clean page texts into one letter text with an offset map."""
    words = _Words("\f".join(pages))
    lines = _split_lines(pages)
    drop = _furniture(lines, len(pages))
    drop |= _blanks_around(lines, drop)
    kept = [ln for i, ln in enumerate(lines) if i not in drop]
    blank = sum(1 for ln in kept if not ln.text.strip())
    # Double-spaced dumps put a blank line after every line: there blank lines mean nothing.
    double_spaced = blank >= 0.6 * max(1, len(kept) - blank)
    width = _wrap_width(kept)
    out: list[str] = []
    runs: list = []  # source offsets of ``out``, piece by piece
    length = 0  # characters in ``out`` so far
    page_starts = [0] * len(pages)
    seen_page = set()
    prev: _Line | None = None
    pending_blank = False
    guideline = False  # the current paragraph opened as a guideline line
    guideline_paragraph = _rules().guideline_paragraph
    for line in kept:
        stripped = line.text.strip()
        if not stripped:
            pending_blank = prev is not None and not double_spaced
            continue
        if prev is not None:
            if line.after_hyphen:
                glue = ""  # pypdfium2 already joined these lines at a hyphen
            else:
                glue = "\n" if pending_blank else _joiner(prev.text, stripped, width, guideline)
            if glue:
                out.append(glue)
                runs.append((prev.raw_end,))
                length += len(glue)
                if glue == "\n":
                    guideline = guideline_paragraph.search(stripped) is not None
            elif out[-1].endswith("-") and _drops_hyphen(out[-1], stripped, words):
                out[-1] = out[-1][:-1]
                runs[-1] = runs[-1][:-1]
                length -= 1
        pending_blank = False
        if line.page not in seen_page:
            for page in range(line.page, len(pages) + 1):
                if page not in seen_page:
                    page_starts[page - 1] = length
            seen_page.add(line.page)
        lead = len(line.text) - len(line.text.lstrip())
        collapsed, positions = _collapse_spaces(stripped, line.start + lead)
        out.append(collapsed)
        runs.append(positions)
        length += len(collapsed)
        if prev is None:
            guideline = guideline_paragraph.search(stripped) is not None
        prev = line
    text = "".join(out)
    # Pages with no kept line start where the next kept text starts.
    for page in range(len(pages), 0, -1):
        if page not in seen_page:
            page_starts[page - 1] = page_starts[page] if page < len(pages) else len(text)
    return CleanText(text=text, page_starts=page_starts, source=words.source, index_runs=runs)


def _collapse_spaces(text: str, start: int) -> tuple[str, range | list[int]]:
    if "  " not in text:
        return text, range(start, start + len(text))
    chars: list[str] = []
    positions: list[int] = []
    space = False
    for offset, ch in enumerate(text):
        if ch == " ":
            if space:
                continue
            space = True
        else:
            space = False
        chars.append(ch)
        positions.append(start + offset)
    return "".join(chars), positions
