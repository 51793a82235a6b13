"""Sections: medspaCy's Sectionizer with the letter titles of ``models/sections.json``.

Titles must start a line (cleaning puts each title on its own line), which keeps phrases such
as "the following clinical case summary" in prose from opening a section.
"""


from medspacy.section_detection import Sectionizer
from spacy.language import Language
from spacy.tokens import Doc

from ..resources import model_path


@Language.factory(
    "extractor_sections",
    default_config={"rules": "sections.json", "phrase_matcher_attr": "LOWER"},
)
class LetterSections:
    """Finds section titles and stores ``[category, title_start, body_start, end]`` (chars)."""

    def __init__(self, nlp: Language, name: str, rules: str, phrase_matcher_attr: str) -> None:
        """Load the section rules file ``rules`` from ``models/``."""
        self.name = name
        self.sectionizer = Sectionizer(
            nlp,
            name=f"{name}_medspacy",
            rules=str(model_path(rules)),
            phrase_matcher_attr=phrase_matcher_attr,
            require_start_line=True,
            input_span_type=None,
            span_attrs=None,
        )

    def __call__(self, doc: Doc) -> Doc:
        """Store the sections found in ``doc._.imr_sections`` as plain lists."""
        doc = self.sectionizer(doc)
        found = []
        for section in doc._.sections:
            if section.category is None:
                continue
            title = doc[section.title_start:section.title_end]
            body_end = doc[section.body_end - 1].idx + len(doc[section.body_end - 1]) if section.body_end > 0 else len(doc.text)
            found.append([section.category, title.start_char, title.end_char, body_end])
        doc._.imr_sections = found
        return doc
