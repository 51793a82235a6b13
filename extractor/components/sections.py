"""Sections: medspaCy's Sectionizer with the letter titles of ``models/sections.json``.

Titles must start a line (cleaning puts each title on its own line), which keeps phrases such
as "the following clinical case summary" in prose from opening a section.
"""


from medspacy.section_detection import Sectionizer, SectionRule
from spacy.language import Language
from spacy.tokens import Doc

from ..resources import model_path
from .medspacy_compat import RuleMatcher


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
            rules=None,  # only its start-of-line filter is used; the rules are matched here
            phrase_matcher_attr=phrase_matcher_attr,
            require_start_line=True,
            input_span_type=None,
            span_attrs=None,
        )
        self.matcher = RuleMatcher(nlp, SectionRule.from_json(str(model_path(rules))), name=f"{name}_rules",
                                   phrase_matcher_attr=phrase_matcher_attr)
        self.vocab = nlp.vocab

    def __call__(self, doc: Doc) -> Doc:
        """Store the section titles found in ``doc._.imr_sections`` as plain lists.

        Only the Sectionizer's rule matching is used: its Section objects and per-token
        attributes cost more than the rest of the step, and the recognizers need titles only.
        """
        matches = self.matcher(doc)
        matches = self.sectionizer.filter_start_lines(doc, matches)
        found = []
        for match_id, start, end in matches:
            rule = self.matcher.rule_map[self.vocab.strings[match_id]]
            title = doc[start:end]
            found.append([rule.category, title.start_char, title.end_char, None])
        doc._.imr_sections = found
        return doc
