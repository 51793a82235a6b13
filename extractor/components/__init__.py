"""spaCy components, one per concern; importing this module registers their factories."""

from . import (
    context,
    exam_statements,
    fields,
    letter_tokenizer,
    mention_extents,
    mentions,
    open_targets,
    record,
    sections,
    sentences,
    targets,
)

__all__ = ["context", "exam_statements", "fields", "letter_tokenizer", "mention_extents", "mentions", "open_targets",
           "record", "sentences", "sections", "targets"]
