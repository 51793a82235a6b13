"""A fast sentence splitter for cleaned letter text.

Cleaned letters keep one line per sentence group, title, label line or decision line, so a
line break is always a boundary; inside a line, sentences end at . ! ? before a capital,
digit or quote. PyRuSH (medspaCy's default) is ~25x slower than tokenizing on these letters.

The word tests are lexeme flags (``Vocab.add_flag``): spaCy computes them once per word of the
vocabulary, so a Doc is split with array operations instead of a Python test per token.
"""

from typing import NamedTuple

import numpy
from spacy.attrs import IDX, IS_DIGIT, LENGTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

# Abbreviations after which a period does not end a sentence.
_NO_BREAK_AFTER = frozenset({
    "dr", "mr", "mrs", "ms", "vs", "pg", "p", "pp", "no", "ed", "e.g", "i.e", "etc", "approx",
    "fig", "st", "jr", "sr", "inc", "co", "dept", "a.m", "p.m", "u.s", "mg", "mcg", "vol",
})
_ENDS = frozenset({".", "!", "?"})
# spaCy's own lexeme flags use bits 1-18; custom flags start at FLAG19.
_FIRST_CUSTOM_FLAG = 19


def _has_newline(word: str) -> bool:
    return "\n" in word


def _is_end(word: str) -> bool:
    return word in _ENDS


def _no_break_after(word: str) -> bool:
    return word.lower() in _NO_BREAK_AFTER


def _ends_with_period(word: str) -> bool:
    """A word that carries its own period ("fell.") and is no abbreviation or number."""
    return (len(word) > 1 and word[-1] == "." and word[:-1].lower() not in _NO_BREAK_AFTER
            and not word[0].isdigit())


def _opens_sentence(word: str) -> bool:
    first = word[:1]
    return first.isupper() or first.isdigit() or first in "\"'("


_FLAG_GETTERS = (_has_newline, _is_end, _no_break_after, _ends_with_period, _opens_sentence)


def word_flags(vocab: Vocab) -> list[int]:
    """The flag ids of the splitter's word tests on ``vocab`` (registered on first use)."""
    registered = {getter: flag for flag, getter in vocab.lex_attr_getters.items()}
    flags = []
    for getter in _FLAG_GETTERS:
        if getter not in registered:
            taken = vocab.lex_attr_getters
            free = next(bit for bit in range(_FIRST_CUSTOM_FLAG, 64) if bit not in taken)
            registered[getter] = vocab.add_flag(getter, flag_id=free)
        flags.append(registered[getter])
    return flags


@Language.factory("extractor_sentences")
class LetterSentences:
    """Sets sentence starts from line breaks and sentence punctuation."""

    def __init__(self, nlp: Language, name: str = "extractor_sentences") -> None:
        """Create the splitter (it has no settings)."""
        self.name = name
        self.flags = word_flags(nlp.vocab)

    def __call__(self, doc: Doc) -> Doc:
        """Mark sentence starts on ``doc`` (one array write, not a setter per token)."""
        n = len(doc)
        if n == 0:
            return doc
        flags = doc.to_array([*self.flags, IS_DIGIT]).reshape(n, len(self.flags) + 1).astype(bool)
        newline, is_end, no_break, own_period, opens, digit = flags.T
        # Token i closes a sentence when it holds a line break, or when it is . ! ? (not after
        # an abbreviation or a list number) or a word with its own period and token i + 1 opens one.
        after_abbreviation = numpy.zeros(n, dtype=bool)
        after_abbreviation[1:] = no_break[:-1]
        # "2. Physical therapy" at a line start: the number's period opens the item, not a sentence.
        line_start = numpy.ones(n, dtype=bool)
        line_start[1:] = newline[:-1]
        after_marker = numpy.zeros(n, dtype=bool)
        after_marker[1:] = digit[:-1] & line_start[:-1]
        closes = (is_end & ~after_abbreviation & ~after_marker) | own_period
        breaks = newline[:-1] | (closes[:-1] & opens[1:])
        starts = numpy.full(n, -1, dtype="int64")  # -1: not a start (spaCy's encoding)
        starts[0] = 1
        starts[1:][breaks] = 1
        doc.from_array([SENT_START], starts.astype("uint64").reshape(n, 1))
        return doc


SENTENCE_BOUNDS_KEY = "imr_sentence_bounds"


class SentenceBounds(NamedTuple):
    """The Doc's sentences as parallel lists: token starts and ends, character starts and ends."""

    starts: list[int]
    ends: list[int]
    start_chars: list[int]
    end_chars: list[int]


def sentence_bounds(doc: Doc) -> SentenceBounds:
    """The Doc's sentences from one array read, computed once per Doc (no Span objects)."""
    cached = doc.user_data.get(SENTENCE_BOUNDS_KEY)
    if cached is not None and cached[0] == len(doc):
        return cached[1]
    n = len(doc)
    if n == 0:
        bounds = SentenceBounds([], [], [], [])
    else:
        array = doc.to_array([SENT_START, IDX, LENGTH]).reshape(n, 3).astype("int64")
        # Span.end_char is the last token's offset plus its length (trailing space excluded).
        starts = numpy.flatnonzero(array[:, 0] == 1)
        if not len(starts) or starts[0] != 0:
            starts = numpy.concatenate(([0], starts))
        ends = numpy.append(starts[1:], n)
        bounds = SentenceBounds(
            starts.tolist(), ends.tolist(), array[starts, 1].tolist(),
            (array[ends - 1, 1] + array[ends - 1, 2]).tolist(),
        )
    doc.user_data[SENTENCE_BOUNDS_KEY] = (n, bounds)
    return bounds

