"""Field recognizers: one small module per thing the letter states (after Presidio's recognizers).

Each works on the cleaned letter text and the sections found in it, and returns plain values;
the spaCy components in ``extractor.components`` call them and store results on the Doc.
"""

from .section_spans import Section, section_span, sections_of

__all__ = ["Section", "section_span", "sections_of"]
