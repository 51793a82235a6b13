"""The project's ConText on the caller's own targets.

>>> from extractor import context_flags
>>> context_flags("She denies numbness. Plan: MRI of the knee.", [(11, 19), (27, 30)])  # doctest: +SKIP
[{'negated': True, 'normal': False, ...}, {'hypothetical': True, ...}]

The spaCy way: ``nlp = context_pipeline()``, ``doc = nlp.make_doc(text)``, set ``doc.ents``,
then ``doc = nlp(doc)``; each entity carries ``._.is_negated``, ``._.is_normal``,
``._.is_historical``, ``._.is_hypothetical``, ``._.is_uncertain`` and ``._.is_family``.
Offsets are the caller's: the text is tokenized as given, with none of a letter's cleaning.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

import spacy
from spacy.language import Language

from . import (
    _extensions,  # noqa: F401 - declares the Span extensions
    components,  # noqa: F401 - registers the factories
)
from .errors import Errors

# Flag name in the result -> the Span extension ConText sets.
FLAG_ATTRS = {
    "negated": "is_negated",
    "normal": "is_normal",
    "historical": "is_historical",
    "hypothetical": "is_hypothetical",
    "uncertain": "is_uncertain",
    "family": "is_family",
}


@lru_cache(maxsize=1)
def context_pipeline() -> Language:
    """A spaCy pipeline of the letter sentence splitter and ConText, for ``Doc``s whose ents are set."""
    nlp = spacy.blank("en")
    nlp.add_pipe("extractor_sentences")
    nlp.add_pipe("extractor_context")
    return nlp


def _check_spans(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans as ``(start, end)`` ints, or a ValueError naming the first bad one."""
    checked = []
    for index, span in enumerate(spans):
        try:
            start, end = (int(v) for v in span)
        except (TypeError, ValueError):
            raise ValueError(Errors.E016.format(index=index, span=span, reason="it is not a (start, end) pair"))
        if not 0 <= start < end <= len(text):
            raise ValueError(Errors.E016.format(
                index=index, span=span, reason=f"it is empty or outside the text (0-{len(text)})"))
        if not text[start:end].strip():
            raise ValueError(Errors.E016.format(index=index, span=span, reason="it covers only whitespace"))
        checked.append((start, end))
    order = sorted(range(len(checked)), key=lambda i: checked[i])
    for before, after in zip(order, order[1:]):
        if checked[after][0] < checked[before][1]:
            raise ValueError(Errors.E016.format(
                index=after, span=spans[after], reason=f"it overlaps span {before} {tuple(spans[before])}"))
    return checked


def context_flags(text: str, spans: Sequence[tuple[int, int]]) -> list[dict[str, bool]]:
    """ConText flags of each target span of ``text``, in the order given.

    Args:
        text: any clinical text (a sentence, a note, a letter).
        spans: ``(start, end)`` character offsets of the targets; they must not overlap.

    Returns:
        One dict per span: ``negated``, ``normal``, ``historical``, ``hypothetical``,
        ``uncertain`` and ``family``, each a bool.

    Raises:
        ValueError: a span that is out of range, empty, whitespace only or overlaps another,
            named by its index and offsets.
    """
    checked = _check_spans(text, spans)
    nlp = context_pipeline()
    doc = nlp.make_doc(text)
    ents = []
    for index, (start, end) in enumerate(checked):
        # A span that cuts a word takes the whole word, as a token-based matcher must.
        ent = doc.char_span(start, end, label="TARGET", alignment_mode="expand")
        ents.append((index, ent))
    by_start = sorted(ents, key=lambda pair: pair[1].start)
    for (i, a), (j, b) in zip(by_start, by_start[1:]):
        if b.start < a.end:
            raise ValueError(Errors.E016.format(
                index=j, span=spans[j], reason=f"it shares a word with span {i} {tuple(spans[i])}"))
    doc.ents = [ent for _, ent in by_start]
    doc = nlp(doc)
    flags = {ent.start: {name: bool(getattr(ent._, attr)) for name, attr in FLAG_ATTRS.items()}
             for ent in doc.ents}
    return [flags[ent.start] for _, ent in ents]
