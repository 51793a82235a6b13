"""medspaCy's rule matcher, run with a linear-time copy of its overlap pruning.

``MedspacyMatcher.__call__`` runs its token, phrase and regex matchers and then
``prune_overlapping_matches``, which pops from the front of a list and recurses: quadratic
in the number of matches. The copy below walks the same steps with an index, so it returns
exactly what medspaCy returns.
"""

from operator import itemgetter

from medspacy.common.medspacy_matcher import MedspacyMatcher
from spacy.tokens import Doc

Match = tuple[int, int, int]  # (match_id, start, end)
_START_END = itemgetter(1, 2)


def run_matcher(matcher: MedspacyMatcher, doc: Doc) -> list[Match]:
    """What ``matcher(doc)`` returns; matchers without rules are skipped (they find nothing)."""
    matches: list[Match] = []
    for part in (matcher._MedspacyMatcher__matcher, matcher._MedspacyMatcher__phrase_matcher,
                 matcher._MedspacyMatcher__regex_matcher):
        if _has_rules(part):
            matches += part(doc)
    if matcher._prune:
        matches = prune_overlapping_matches(matches)
    return matches


def _has_rules(part) -> bool:
    rules = part._patterns if not hasattr(part, "__len__") else part  # medspaCy's RegexMatcher
    return len(rules) > 0


def prune_overlapping_matches(matches: list[Match]) -> list[Match]:
    """``medspacy.common.util.prune_overlapping_matches`` (strategy "longest"), step for step."""
    while matches:
        ordered = sorted(matches, key=_START_END)
        pruned: list[Match] = []
        current, i = ordered[0], 1
        while True:
            if i == len(ordered):
                pruned.append(current)
                break
            following = ordered[i]
            i += 1
            # medspaCy's tuple_overlaps, which is not symmetric: kept as it is.
            if current[1] <= following[1] < current[2] or current[1] < following[2] <= current[2]:
                # max() keeps the first of equally long matches
                longer = following[2] - following[1] > current[2] - current[1]
                pruned.append(following if longer else current)
                if i == len(ordered):
                    break
                current = ordered[i]
                i += 1
            else:
                pruned.append(current)
                current = following
        if len(pruned) == len(matches):
            return pruned
        matches = pruned  # medspaCy recurses until nothing more is pruned
    return matches
