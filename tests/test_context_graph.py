"""The ConText graph steps on plain values give medspaCy's ConTextGraph edges, pair for pair."""

import random

import spacy
from medspacy.context import ConTextRule
from medspacy.context.context_graph import ConTextGraph
from medspacy.context.context_modifier import ConTextModifier
from spacy.tokens import Span

from extractor.components.medspacy_compat import Modifier, RuleInfo, apply_modifiers, cue_scope, update_scopes

CATEGORIES = ["NEGATED_EXISTENCE", "HISTORICAL", "POSSIBLE_EXISTENCE", "TERMINATE", "PSEUDO"]
LABELS = ["FINDING", "SYMPTOM", "TREATMENT"]


def _random_rule(rng: random.Random) -> ConTextRule:
    category = rng.choice(CATEGORIES)
    direction = category if category in ("TERMINATE", "PSEUDO") else rng.choice(
        ["FORWARD", "BACKWARD", "BIDIRECTIONAL"])
    kwargs = {}
    roll = rng.random()
    if roll < 0.2:
        kwargs["allowed_types"] = set(rng.sample(LABELS, 1))
    elif roll < 0.4:
        kwargs["excluded_types"] = set(rng.sample(LABELS, 1))
    if rng.random() < 0.3:
        kwargs["max_targets"] = rng.randint(1, 2)
    if rng.random() < 0.3:
        kwargs["terminated_by"] = set(rng.sample(CATEGORIES[:3], 1))
    if rng.random() < 0.3:
        kwargs["max_scope"] = rng.randint(1, 6)
    return ConTextRule(literal="cue", category=category, direction=direction, **kwargs)


def _edges_key(edges) -> list:
    return [((t.start, t.end, t.label_), (m.modifier_span, m.scope_span, id(m.rule), tuple(
        (x.start, x.end) for x in m._targets))) for t, m in edges]


def test_graph_steps_match_medspacy_on_random_sentences():
    rng = random.Random(7)
    nlp = spacy.blank("en")
    doc = nlp(" ".join(f"w{i}" for i in range(40)))
    sentence = doc[0:40]
    compared = 0
    for _ in range(400):
        targets = []
        for start in sorted(rng.sample(range(0, 38), rng.randint(1, 6))):
            span = Span(doc, start, start + 1, label=rng.choice(LABELS))
            if not targets or span.start >= targets[-1].end:
                targets.append(span)
        rules = [_random_rule(rng) for _ in range(rng.randint(1, 7))]
        cues = []
        for rule in rules:
            start = rng.randrange(0, 39)
            end = start + rng.randint(1, 2)
            cues.append((rule, start, min(end, 40)))
        cues.sort(key=lambda c: (c[1], c[2]))

        theirs = ConTextGraph(prune_on_modifier_overlap=False)
        theirs.targets = targets
        theirs.modifiers = [ConTextModifier(rule, s, e, doc, *cue_scope(rule, s, e, sentence.start, sentence.end))
                            for rule, s, e in cues]
        theirs.update_scopes()
        theirs.apply_modifiers()

        mine = [Modifier(RuleInfo(rule), s, e, *cue_scope(rule, s, e, sentence.start, sentence.end))
                for rule, s, e in cues]
        update_scopes(mine)
        edges = apply_modifiers(targets, mine, doc)

        assert _edges_key(edges) == _edges_key(theirs.edges)
        compared += len(edges)
    assert compared > 200  # the cases did build edges
