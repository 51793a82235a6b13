"""The project's ConText on the caller's own targets.

>>> from extractor import context_flags
>>> context_flags("She denies numbness. Plan: MRI of the knee.", [(11, 19), (27, 30)])  # doctest: +SKIP
[{'negated': True, 'normal': False, ...}, {'hypothetical': True, ...}]
>>> context_cues("She denies numbness.", [(11, 19)])  # doctest: +SKIP
[[{'flags': ['negated'], 'category': 'NEGATED_EXISTENCE', 'text': 'denies', 'start': 4, 'end': 10}]]

The spaCy way: ``nlp = context_pipeline()``, ``doc = nlp.make_doc(text)``, set ``doc.ents``,
then ``doc = nlp(doc)``; each entity carries ``._.is_negated``, ``._.is_normal``,
``._.is_historical``, ``._.is_hypothetical``, ``._.is_uncertain`` and ``._.is_family``.
Offsets are the caller's: the text is tokenized as given, with none of a letter's cleaning.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Optional, Sequence

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from . import (
    _extensions,  # noqa: F401 - declares the Span extensions
    components,  # noqa: F401 - registers the factories
)
from .components.context import SPAN_ATTRS
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


def _context_doc(text: str, spans: Sequence[tuple[int, int]],
                 labels: Optional[Sequence[str]] = None) -> tuple[Doc, list[Span]]:
    """The Doc after ConText, and the entity of each span in the order given."""
    checked = _check_spans(text, spans)
    if labels is not None and len(labels) != len(checked) and checked:
        index = min(len(labels), len(checked) - 1)
        raise ValueError(Errors.E016.format(index=index, span=spans[index], reason=(
            f"labels gives {len(labels)} labels for {len(checked)} spans (one label per span)")))
    nlp = context_pipeline()
    doc = nlp.make_doc(text)
    ents = []
    for index, (start, end) in enumerate(checked):
        # A span that cuts a word takes the whole word, as a token-based matcher must.
        label = "TARGET" if labels is None else str(labels[index])
        ent = doc.char_span(start, end, label=label, alignment_mode="expand")
        ents.append((index, ent))
    by_start = sorted(ents, key=lambda pair: pair[1].start)
    for (i, a), (j, b) in zip(by_start, by_start[1:]):
        if b.start < a.end:
            raise ValueError(Errors.E016.format(
                index=j, span=spans[j], reason=f"it shares a word with span {i} {tuple(spans[i])}"))
    doc.ents = [ent for _, ent in by_start]
    doc = nlp(doc)
    by_token = {ent.start: ent for ent in doc.ents}
    return doc, [by_token[ent.start] for _, ent in ents]


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
    _, ents = _context_doc(text, spans)
    return [{name: bool(getattr(ent._, attr)) for name, attr in FLAG_ATTRS.items()} for ent in ents]


# ConText category -> the flag names its cues set ("NORMAL" sets both negated and normal).
CATEGORY_FLAGS = {
    category: [name for name, attr in FLAG_ATTRS.items() if attrs.get(attr)]
    for category, attrs in SPAN_ATTRS.items()
}


def context_cues(text: str, spans: Sequence[tuple[int, int]],
                 labels: Optional[Sequence[str]] = None) -> list[list[dict[str, Any]]]:
    """The ConText cues that modify each target span of ``text``: why :func:`context_flags` flags it.

    Args:
        text: any clinical text (a sentence, a note, a letter).
        spans: ``(start, end)`` character offsets of the targets; they must not overlap.
        labels: one label per span (``FINDING``, ``SYMPTOM``, ...), for the rules that apply to
            some labels only ("was normal" modifies findings); None labels every span ``TARGET``,
            as :func:`context_flags` does.

    Returns:
        One list per span, in the order given, of the cues that modify it, in text order: dicts
        with ``flags`` (the flag names the cue sets, e.g. ``["negated"]``), ``category`` (the
        rule's ConText category, e.g. ``NEGATED_EXISTENCE``), ``text``, and ``start`` and
        ``end``, the cue's character offsets in ``text``. A span with no flag has an empty list.

    Raises:
        ValueError: a bad span, as :func:`context_flags` raises, or a ``labels`` of another length.
    """
    doc, ents = _context_doc(text, spans, labels)
    found = []
    for ent in ents:
        cues = []
        for modifier in sorted(ent._.modifiers, key=lambda m: m.modifier_span):
            cue = doc[modifier.modifier_span[0]:modifier.modifier_span[1]]
            cues.append({"flags": list(CATEGORY_FLAGS.get(modifier.category, [])), "category": modifier.category,
                         "text": cue.text, "start": cue.start_char, "end": cue.end_char})
        found.append(cues)
    return found
