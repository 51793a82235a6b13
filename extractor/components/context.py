"""ConText for IMR letters: medspaCy's ConText with the rules of ``models/context_rules.json``.

Beyond medspaCy's categories the rules add NORMAL ("cervical exam was noted to be normal"),
which marks a finding both normal and negated: the finding is absent.
"""


from medspacy.context import ConText
from spacy.language import Language
from spacy.tokens import Doc

from ..resources import model_path

SPAN_ATTRS = {
    "NEGATED_EXISTENCE": {"is_negated": True},
    "NORMAL": {"is_negated": True, "is_normal": True},
    "POSSIBLE_EXISTENCE": {"is_uncertain": True},
    "HISTORICAL": {"is_historical": True},
    "HYPOTHETICAL": {"is_hypothetical": True},
    "FAMILY": {"is_family": True},
}


@Language.factory("extractor_context", default_config={"rules": "context_rules.json"})
class LetterContext:
    """Sets ConText flags on ``doc.ents`` (negated, normal, historical, hypothetical, ...)."""

    def __init__(self, nlp: Language, name: str, rules: str) -> None:
        """Load ConText rules ``rules`` from ``models/``."""
        self.name = name
        self.context = ConText(
            nlp,
            name=f"{name}_medspacy",
            rules=str(model_path(rules)),
            span_attrs=SPAN_ATTRS,
        )

    def __call__(self, doc: Doc) -> Doc:
        """Apply the rules within each sentence."""
        return self.context(doc)
