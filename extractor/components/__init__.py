"""spaCy components, one per concern; importing this module registers their factories."""

from . import context, exam_statements, fields, letter_tokenizer, mentions, record, sections, sentences, targets

__all__ = ["context", "exam_statements", "fields", "letter_tokenizer", "mentions", "record", "sentences", "sections",
           "targets"]
