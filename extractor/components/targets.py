"""Clinical vocabulary: medspaCy TargetRules from ``models/vocabulary/*.jsonl`` become ``doc.ents``.

Literal rules go through a PhraseMatcher (fast); overlapping matches keep the longest, so
"paravertebral muscle spasms" wins over "spasms".
"""


from medspacy.target_matcher import TargetMatcher, TargetRule
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans

from ..resources import read_jsonl

VOCABULARY_FILES = (
    "vocabulary/findings.jsonl",
    "vocabulary/symptoms.jsonl",
    "vocabulary/diagnoses.jsonl",
    "vocabulary/treatments.jsonl",
    "vocabulary/medications.jsonl",
)
_ALLOWED_KEYS = {"literal", "category", "pattern", "metadata", "attributes"}


def load_rules(files: tuple[str, ...] = VOCABULARY_FILES) -> list[TargetRule]:
    """Read TargetRules from JSONL files in ``models/`` (unknown keys raise)."""
    rules = []
    for name in files:
        for row in read_jsonl(name):
            unknown = set(row) - _ALLOWED_KEYS
            if unknown:
                raise ValueError(f"models/{name}: unknown keys {sorted(unknown)} in rule {row}")
            rules.append(TargetRule(**row))
    return rules


@Language.factory("extractor_targets", default_config={"files": list(VOCABULARY_FILES)})
class LetterTargets:
    """Matches the vocabulary and sets ``doc.ents`` with normalized names on each span."""

    def __init__(self, nlp: Language, name: str, files: list[str]) -> None:
        """Load the vocabulary ``files`` from ``models/``."""
        self.name = name
        self.matcher = TargetMatcher(nlp, name=f"{name}_medspacy", result_type=None)
        self.matcher.add(load_rules(tuple(files)))

    def __call__(self, doc: Doc) -> Doc:
        """Set ``doc.ents`` to the longest non-overlapping vocabulary matches."""
        spans = filter_spans(self.matcher(doc))
        for span in spans:
            meta = span._.target_rule.metadata or {}
            span._.imr_normalized = meta.get("normalized", span.text.lower())
            span._.imr_kind = meta.get("kind")
            span._.imr_group = meta.get("group")
        doc.ents = spans
        return doc
