"""Clinical vocabulary: medspaCy TargetRules from ``models/vocabulary/*.jsonl`` become ``doc.ents``.

Literal rules go through a PhraseMatcher (fast); overlapping matches keep the longest, so
"paravertebral muscle spasms" wins over "spasms". Spans are built for the kept matches only.
"""


from typing import Optional

from medspacy.target_matcher import TargetRule
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..resources import read_jsonl
from .letter_tokenizer import doc_text
from .medspacy_compat import RuleMatcher

# The ConText flags an entity carries (Span extensions; False when unset), kept per entity in
# the entity table by every component that adds or changes entities.
CONTEXT_FLAGS = ("is_negated", "is_normal", "is_historical", "is_hypothetical", "is_uncertain", "is_family")
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
        # TargetMatcher's rule matching without TargetMatcher: its matches are filtered before
        # any Span is built, where TargetMatcher builds (and sets attributes on) a Span for each.
        self.rules = RuleMatcher(nlp, load_rules(tuple(files)), name=f"{name}_rules")
        self.strings = nlp.vocab.strings

    def __call__(self, doc: Doc) -> Doc:
        """Set ``doc.ents`` to the longest non-overlapping vocabulary matches."""
        text = doc_text(doc)
        spans = []
        table = {}
        for match_id, start, end in longest_matches(self.rules(doc)):
            rule = self.rules.rule_map[self.strings[match_id]]
            span = Span(doc, start, end, label=rule.category)
            ext = span._  # each ``span._`` builds a new accessor: take it once
            ext.target_rule = rule
            for attribute, value in (rule.attributes or {}).items():
                setattr(ext, attribute, value)
            meta = rule.metadata or {}
            info = {
                **(rule.attributes or {}),  # extension values the rule sets (flags)
                "normalized": meta.get("normalized", text[span.start_char:span.end_char].lower()),
                "kind": meta.get("kind"),
                "group": meta.get("group"),
            }
            ext.imr_normalized = info["normalized"]
            ext.imr_kind = info["kind"]
            ext.imr_group = info["group"]
            table[(start, end)] = info
            spans.append(span)
        set_entities(doc, spans, table)
        return doc


# Per-Doc plain copy of what the targets and ConText components set on each entity, keyed by
# its (start, end) tokens: reading Span extensions costs a Python lookup chain per value.
ENTITY_TABLE_KEY = "imr_entities"


# The entity Spans as this component built them: ``doc.ents`` builds new Span objects on each
# read, and the next components read them once each.
ENTITY_SPANS_KEY = "imr_entity_spans"


def add_entity(span: Span, table: dict, kind: str, flags: Optional[dict] = None) -> None:
    """Record ``span``, an entity found otherwise than by the vocabulary, in ``table`` and its extensions.

    Its ConText flags are False but for ``flags``; later components read them from the table.
    """
    info = {name: False for name in CONTEXT_FLAGS}
    info.update(flags or {}, normalized=span.text.lower(), kind=kind, group=None)
    table[(span.start, span.end)] = info
    for key, value in (flags or {}).items():
        setattr(span._, key, value)
    span._.imr_normalized = info["normalized"]
    span._.imr_kind = kind


def set_entities(doc: Doc, spans: list[Span], table: dict) -> None:
    """Make ``spans`` the Doc's entities (put in text order), with ``table`` their flags and names.

    Every component that adds or changes entities keeps the entity list and table with the
    Doc, so the later ones read them without walking ``doc.ents`` again.
    """
    spans.sort(key=lambda e: e.start)
    doc.ents = spans
    doc.user_data[ENTITY_SPANS_KEY] = spans
    doc.user_data[ENTITY_TABLE_KEY] = table


def entity_spans(doc: Doc) -> list[Span]:
    """``list(doc.ents)``, from the targets component's own list while it still describes them."""
    spans = doc.user_data.get(ENTITY_SPANS_KEY)
    if spans is not None:
        iob = doc.to_array("ENT_IOB")
        begins = (iob == 3).nonzero()[0].tolist()  # 3: an entity begins at this token
        if begins == [span.start for span in spans]:
            return spans
    return list(doc.ents)


def entity_table(doc: Doc) -> dict:
    """The entity table of ``doc`` (empty when the targets component did not run)."""
    return doc.user_data.get(ENTITY_TABLE_KEY) or {}


def longest_matches(matches: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """``spacy.util.filter_spans`` on match tuples: the (first) longest of overlapping matches."""
    ordered = sorted(matches, key=lambda m: (m[2] - m[1], -m[1]), reverse=True)
    kept = []
    seen: set[int] = set()
    for match in ordered:
        _, start, end = match
        if start not in seen and end - 1 not in seen:
            kept.append(match)
            seen.update(range(start, end))
    return sorted(kept, key=lambda m: m[1])
