"""Rule matching: the pruning copy and the Span-free filtering give medspaCy's and spaCy's results."""

import random

import pytest
from medspacy.common.medspacy_matcher import MedspacyMatcher
from medspacy.common.util import prune_overlapping_matches as medspacy_prune
from spacy.tokens import Span
from spacy.util import filter_spans

from extractor.components.medspacy_compat import prune_overlapping_matches
from extractor.components.targets import longest_matches


def _random_matches(rng: random.Random) -> list[tuple[int, int, int]]:
    found = []
    for _ in range(rng.randint(0, 14)):
        start = rng.randint(0, 20)
        found.append((rng.randint(0, 4), start, start + rng.randint(1, 5)))
    return found


def test_prune_matches_medspacy_step_for_step():
    rng = random.Random(3)
    for _ in range(5000):
        matches = _random_matches(rng)
        assert prune_overlapping_matches(list(matches)) == medspacy_prune(list(matches))


def test_longest_matches_is_filter_spans_on_tuples(nlp):
    doc = nlp.make_doc(" ".join(f"w{i}" for i in range(30)))
    rng = random.Random(5)
    for _ in range(2000):
        matches = _random_matches(rng)
        spans = filter_spans([Span(doc, s, e, label=str(m)) for m, s, e in matches])
        assert [(m, s, e) for m, s, e in longest_matches(matches)] == [(int(x.label_), x.start, x.end) for x in spans]


@pytest.mark.parametrize("component", ["extractor_targets", "extractor_context", "extractor_sections"])
def test_rule_matcher_returns_what_the_medspacy_matcher_returns(nlp, corpus_letters, component):
    pipe = nlp.get_pipe(component)
    ours = pipe.rules if component == "extractor_targets" else pipe.matcher
    # medspaCy's own matcher, with its own (quadratic) pruning, over the same rules.
    theirs = MedspacyMatcher(nlp, name="reference", prune=ours.prune)
    theirs.add(ours.rules)
    for path in corpus_letters[:25]:
        doc = nlp.make_doc(path.read_text(encoding="utf-8"))
        assert ours(doc) == theirs(doc)
