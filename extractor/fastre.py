r"""Rule regexes compiled with a first-character lookahead: the same matches, fewer attempts.

Python's regex engine tries a pattern at every position of the text, and a pattern that opens
with an alternation or an assertion ("work hardening|\bFRP\b|...", "(?<!Non-)\bMTUS\b")
costs a try of every alternative at every position. ``compile`` puts a lookahead for the
characters a match can begin with in front (``(?=(?i:[fw...]))``), which turns most positions
away with one test. The class is read from the parsed pattern and may only name too many
characters, never too few, so ``search``, ``match``, ``finditer`` and ``sub`` find exactly
what the plain pattern finds. Patterns it cannot read safely are compiled as they are.
"""

from __future__ import annotations

import re
from typing import Optional

try:  # the regex parser and its opcodes (CPython 3.11+)
    from re import _constants as c
    from re import _parser
except ImportError:  # Python 3.10
    import sre_constants as c  # type: ignore[no-redef]
    import sre_parse as _parser  # type: ignore[no-redef]

_CATEGORIES = {
    c.CATEGORY_DIGIT: r"\d", c.CATEGORY_UNI_DIGIT: r"\d",
    c.CATEGORY_NOT_DIGIT: r"\D", c.CATEGORY_UNI_NOT_DIGIT: r"\D",
    c.CATEGORY_SPACE: r"\s", c.CATEGORY_UNI_SPACE: r"\s",
    c.CATEGORY_NOT_SPACE: r"\S", c.CATEGORY_UNI_NOT_SPACE: r"\S",
    c.CATEGORY_WORD: r"\w", c.CATEGORY_UNI_WORD: r"\w",
    c.CATEGORY_NOT_WORD: r"\W", c.CATEGORY_UNI_NOT_WORD: r"\W",
}
_REPEATS = {c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)}


class _Unknown(Exception):
    """The pattern holds something whose first characters are not read here."""


def _char(code: int) -> str:
    return re.escape(chr(code))


def _first_of_set(items) -> list[str]:
    parts = []
    for op, av in items:
        if op is c.LITERAL:
            parts.append(_char(av))
        elif op is c.RANGE:
            parts.append(f"{_char(av[0])}-{_char(av[1])}")
        elif op is c.CATEGORY and av in _CATEGORIES:
            parts.append(_CATEGORIES[av])
        else:  # NEGATE and anything else: not read here
            raise _Unknown(op)
    return parts


def _first(sequence) -> tuple[list[str], bool]:
    """Class parts for the characters a match of ``sequence`` can begin with; can it be empty."""
    parts: list[str] = []
    for op, av in sequence:
        if op is c.LITERAL:
            return parts + [_char(av)], False
        if op is c.IN:
            return parts + _first_of_set(av), False
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue  # zero-width: the match begins with what follows
        if op is c.SUBPATTERN:
            found, empty = _first(av[3])
        elif op is getattr(c, "ATOMIC_GROUP", None):
            found, empty = _first(av)
        elif op is c.BRANCH:
            found, empty = [], False
            for alternative in av[1]:
                more, alt_empty = _first(alternative)
                found += more
                empty = empty or alt_empty
        elif op in _REPEATS:
            found, empty = _first(av[2])
            empty = empty or av[0] == 0
        else:  # ANY, NOT_LITERAL, back-references, conditionals: not read here
            raise _Unknown(op)
        parts += found
        if not empty:
            return parts, False
    return parts, True


def first_class(pattern: str, flags: int = 0) -> Optional[str]:
    """A case-insensitive character class holding every character a match can begin with."""
    try:
        parsed = _parser.parse(pattern, flags)
        if parsed.state.flags & re.LOCALE:
            return None
        parts, empty = _first(parsed.data)
    except (_Unknown, re.error):
        return None
    if empty or not parts:
        return None  # a pattern that can match nothing may match anywhere
    return "(?i:[" + "".join(dict.fromkeys(parts)) + "])"


def _opens_with_character(pattern: str, flags: int) -> bool:
    """Whether the pattern begins with a literal or a class: the engine already tests those."""
    try:
        data = _parser.parse(pattern, flags).data
    except re.error:
        return False
    return bool(data) and data[0][0] in (c.LITERAL, c.IN)


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, with the first-character lookahead when it can be read."""
    lookahead = first_class(pattern, flags)
    if lookahead is None or _opens_with_character(pattern, flags):
        return re.compile(pattern, flags)
    # A newline closes a trailing comment of a verbose pattern before the closing parenthesis.
    verbose = (flags | _parser.parse(pattern, flags).state.flags) & re.VERBOSE
    wrapped = f"(?={lookahead})(?:{pattern}{chr(10) if verbose else ''})"
    try:
        return re.compile(wrapped, flags)
    except re.error:  # e.g. global inline flags, which must open the pattern
        return re.compile(pattern, flags)


def compile_terms(pattern: str, flags: int = 0) -> re.Pattern[str]:
    r"""A term table's pattern, compiled so that no term matches inside a word.

    Every match starts and ends at a word edge ("face" never fires inside "Facet", "rib" never
    inside "Tribenzor"); a term meant as a word's beginning says so in the table (``menisc\w*``).
    """
    return compile(rf"(?<!\w)(?:{pattern})(?!\w)", flags)

