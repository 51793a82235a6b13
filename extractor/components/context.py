"""ConText for IMR letters: medspaCy's ConText with the rules of ``models/context_rules.json``.

Beyond medspaCy's categories the rules add NORMAL ("cervical exam was noted to be normal"),
which marks a finding both normal and negated: the finding is absent.

A cue never reaches past its sentence, so the ConText graph is built per sentence: medspaCy
checks every (target, cue) pair of a graph, and one graph per letter costs ~10x more.
"""

from bisect import bisect_right
from collections import defaultdict

from medspacy.context import ConText
from medspacy.context.context_graph import ConTextGraph
from medspacy.context.context_modifier import ConTextModifier
from spacy.language import Language
from spacy.tokens import Doc

from ..resources import model_path
from .sentences import sentence_spans

SPAN_ATTRS = {
    "NEGATED_EXISTENCE": {"is_negated": True},
    "NORMAL": {"is_negated": True, "is_normal": True},
    "POSSIBLE_EXISTENCE": {"is_uncertain": True},
    "HISTORICAL": {"is_historical": True},
    "HYPOTHETICAL": {"is_hypothetical": True},
    "FAMILY": {"is_family": True},
}


def _scope(rule, start: int, end: int, sentence) -> tuple[int, int]:
    """A cue's scope within its sentence, as medspaCy computes it (without Token.sent)."""
    direction = rule.direction.lower()
    limit = rule.max_scope
    if direction == "forward":
        scope_start, scope_end = end, sentence.end
        if limit is not None and scope_end - scope_start > limit:
            scope_end = end + limit
    elif direction == "backward":
        scope_start, scope_end = sentence.start, start
        if limit is not None and scope_end - scope_start > limit:
            scope_start = start - limit
    else:
        scope_start, scope_end = sentence.start, sentence.end
        if limit is not None:
            scope_start = max(scope_start, start - limit)
            scope_end = min(scope_end, end + limit)
    return scope_start, scope_end


@Language.factory("extractor_context", default_config={"rules": "context_rules.json"})
class LetterContext:
    """Sets ConText flags on ``doc.ents`` (negated, normal, historical, hypothetical, ...)."""

    def __init__(self, nlp: Language, name: str, rules: str) -> None:
        """Load ConText rules ``rules`` from ``models/``."""
        self.name = name
        self.nlp = nlp
        self.context = ConText(
            nlp,
            name=f"{name}_medspacy",
            rules=str(model_path(rules)),
            span_attrs=SPAN_ATTRS,
        )
        self.matcher = self.context._ConText__matcher  # the compiled rule matcher

    def __call__(self, doc: Doc) -> Doc:
        """Apply the rules sentence by sentence."""
        targets = list(doc.ents)
        if not targets:
            return doc
        sentences = sentence_spans(doc)
        starts = [s.start for s in sentences]
        by_sentence: dict[int, tuple[list, list]] = defaultdict(lambda: ([], []))
        for target in targets:
            by_sentence[bisect_right(starts, target.start) - 1][0].append(target)
        for match_id, start, end in self.matcher(doc):
            sentence = bisect_right(starts, start) - 1
            if sentence not in by_sentence:
                continue  # no target in this sentence: the cue can modify nothing
            rule = self.matcher.rule_map[self.nlp.vocab[match_id].text]
            scope = _scope(rule, start, end, sentences[sentence])
            by_sentence[sentence][1].append(ConTextModifier(rule, start, end, doc, *scope))
        edges = []
        for sentence_targets, modifiers in by_sentence.values():
            if not modifiers:
                continue
            graph = ConTextGraph(prune_on_modifier_overlap=False)  # as medspaCy builds it
            graph.targets = sentence_targets
            graph.modifiers = modifiers
            graph.update_scopes()
            graph.apply_modifiers()
            edges += graph.edges
        for target, modifier in edges:
            target._.modifiers += (modifier,)
        self.context.set_context_attributes(edges)
        return doc
