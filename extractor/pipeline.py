"""Builds the spaCy ``Language``: a blank English pipeline plus this package's components.

Built once per process (``load`` caches it): loading rules costs far more than a letter.
"""

from __future__ import annotations

import warnings
from functools import lru_cache

import spacy
from spacy.language import Language

from . import (
    _extensions,  # noqa: F401 - declares the Doc/Span extensions
    components,  # noqa: F401 - registers the factories
)

# medspaCy's matchers warn on every Doc when a rule set has only phrase (literal) rules.
warnings.filterwarnings("ignore", message=r"\[W036\]")

PIPE_NAMES = (
    "extractor_sentences",
    "extractor_sections",
    "extractor_targets",
    "extractor_open_targets",
    "extractor_context",
    "extractor_exam_statements",
    "extractor_mention_extents",
    "extractor_fields",
    "extractor_mentions",
    "extractor_record",
)


# The letter tokenizer is named in the config, so ``nlp.config`` says what runs and a pipeline
# saved with ``to_disk`` loads with ``spacy.load`` (the package's entry points register it).
CONFIG = {"nlp": {"tokenizer": {"@tokenizers": "extractor.letter_tokenizer.v1"}}}


def build(sentence_splitter: str = "fast") -> Language:
    """Return a new pipeline. ``sentence_splitter="pyrush"`` uses medspaCy's PyRuSH instead.

    Every part is built from its registered name and config, so ``nlp.to_disk(path)`` and
    ``spacy.load(path)`` give back the same pipeline.
    """
    nlp = spacy.blank("en", config=CONFIG)
    for name in PIPE_NAMES:
        if name == "extractor_sentences" and sentence_splitter == "pyrush":
            nlp.add_pipe("medspacy_pyrush")
            continue
        nlp.add_pipe(name)
    return nlp


@lru_cache(maxsize=2)
def load(sentence_splitter: str = "fast") -> Language:
    """The process-wide pipeline (built on first use)."""
    return build(sentence_splitter)
