"""Where imr-extractor meets medspaCy: one rule matcher, and medspaCy's steps on plain values.

Everything here uses medspaCy's public API only (rule classes, ``RegexMatcher``,
``ConTextModifier``) and copies a few of its steps so they run in linear time or without
per-pair property calls. The copies must give exactly what medspaCy gives, so they are tied
to the medspaCy version they were written against: importing this module with another
version warns (``W011``), and ``tests/test_matching.py`` and ``tests/test_context_graph.py``
check each copy against medspaCy itself.

- :class:`RuleMatcher`: ``MedspacyMatcher`` built from rules (``TargetRule``, ``ConTextRule``,
  ``SectionRule``), running only the matchers that hold rules, with a linear-time copy of its
  overlap pruning, which pops from the front of a list and recurses (quadratic).
- :func:`update_scopes` and :func:`apply_modifiers`: ``ConTextGraph``'s steps, which compare
  every pair of modifiers and every (target, modifier) pair through several properties.
"""

from __future__ import annotations

import warnings
from operator import itemgetter
from typing import Iterable

import medspacy
from medspacy.common.regex_matcher import RegexMatcher
from medspacy.context.context_modifier import ConTextModifier
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from ..errors import Errors

# The medspaCy release the copies below were written against and are tested with.
MEDSPACY_VERSION = "1.3"
if not medspacy.__version__.startswith(MEDSPACY_VERSION + "."):  # pragma: no cover - pinned
    warnings.warn(Errors.W011.format(found=medspacy.__version__, tested=MEDSPACY_VERSION))

Match = tuple[int, int, int]  # (match_id, start, end)
_START_END = itemgetter(1, 2)


class RuleMatcher:
    """``MedspacyMatcher`` over ``rules``, built the same way from the rules' public fields.

    Token patterns (lists) go to spaCy's Matcher, regular expressions (strings) to medspaCy's
    RegexMatcher and literals to a PhraseMatcher, as ``MedspacyMatcher.add`` sends them; only
    the matchers that hold rules run, and overlap pruning runs in linear time.
    ``rule_map`` maps a match's rule id (the string of its match_id) to its rule.
    """

    def __init__(self, nlp: Language, rules: Iterable, name: str = "rule_matcher",
                 phrase_matcher_attr: str = "LOWER", prune: bool = True) -> None:
        """Compile ``rules``; ``prune`` keeps the longest of overlapping matches, as medspaCy does."""
        self.name = name
        self.prune = prune
        self.rules: list = []
        self.rule_map: dict = {}
        self._token = Matcher(nlp.vocab)
        self._phrase = PhraseMatcher(nlp.vocab, attr=phrase_matcher_attr)
        self._regex = RegexMatcher(nlp.vocab)
        self._lower = phrase_matcher_attr.lower() == "lower"
        self._tokenizer = nlp.tokenizer
        self._counts = {"token": 0, "phrase": 0, "regex": 0}
        self.add(rules)

    def add(self, rules: Iterable) -> None:
        """Add medspaCy rules (anything with ``category``, ``literal``, ``pattern``, ``on_match``)."""
        for rule in rules:
            rule_id = f"{rule.category}_{len(self.rules)}"  # MedspacyMatcher's ids
            self.rules.append(rule)
            self.rule_map[rule_id] = rule
            if isinstance(rule.pattern, str):
                self._regex.add(rule_id, [rule.pattern], rule.on_match)
                self._counts["regex"] += 1
            elif isinstance(rule.pattern, list):
                self._token.add(rule_id, [rule.pattern], on_match=rule.on_match)
                self._counts["token"] += 1
            elif rule.pattern is None:
                # Lower-cased only for LOWER matching, as medspaCy does.
                literal = rule.literal.lower() if self._lower else rule.literal
                self._phrase.add(rule_id, [self._tokenizer(literal)], on_match=rule.on_match)
                self._counts["phrase"] += 1
            else:
                raise ValueError(f"rule {rule_id}: pattern must be a string or a list, not {type(rule.pattern)}")

    def __call__(self, doc: Doc) -> list[Match]:
        """What ``MedspacyMatcher(prune=self.prune)`` over the same rules returns for ``doc``."""
        matches: list[Match] = []
        if self._counts["token"]:
            matches += self._token(doc)
        if self._counts["phrase"]:
            matches += self._phrase(doc)
        if self._counts["regex"]:
            matches += self._regex(doc)
        return prune_overlapping_matches(matches) if self.prune else matches


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


def cue_scope(rule, start: int, end: int, sent_start: int, sent_end: int) -> tuple[int, int]:
    """``ConTextModifier``'s scope of a cue within its sentence, computed without ``Token.sent``."""
    direction = rule.direction.lower()
    limit = rule.max_scope
    if direction == "forward":
        scope_start, scope_end = end, sent_end
        if limit is not None and scope_end - scope_start > limit:
            scope_end = end + limit
    elif direction == "backward":
        scope_start, scope_end = sent_start, start
        if limit is not None and scope_end - scope_start > limit:
            scope_start = start - limit
    else:
        scope_start, scope_end = sent_start, sent_end
        if limit is not None:
            scope_start = max(scope_start, start - limit)
            scope_end = min(scope_end, end + limit)
    return scope_start, scope_end


class RuleInfo:
    """What the graph steps read of a ConTextRule, read once."""

    __slots__ = ("rule", "direction", "upper_direction", "lower_direction", "category",
                 "upper_category", "terminated_by", "allowed_types", "excluded_types",
                 "max_targets", "on_modifies")

    def __init__(self, rule) -> None:
        """Read ``rule``'s fields."""
        self.rule = rule
        self.direction = rule.direction
        self.upper_direction = rule.direction.upper()
        self.lower_direction = rule.direction.lower()
        self.category = rule.category
        self.upper_category = rule.category.upper()
        self.terminated_by = rule.terminated_by
        self.allowed_types = rule.allowed_types
        self.excluded_types = rule.excluded_types
        self.max_targets = rule.max_targets
        self.on_modifies = rule.on_modifies


class Modifier:
    """A cue match: its tokens, its scope and, once applied, its targets."""

    __slots__ = ("info", "start", "end", "scope_start", "scope_end", "targets")

    def __init__(self, info: RuleInfo, start: int, end: int, scope_start: int,
                 scope_end: int) -> None:
        """A modifier of rule ``info`` over tokens ``start:end`` with the given scope."""
        self.info = info
        self.start, self.end = start, end
        self.scope_start, self.scope_end = scope_start, scope_end
        self.targets: list = []


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    # medspacy.util.tuple_overlaps, which is not symmetric: kept as it is.
    return a_start <= b_start < a_end or a_start < b_end <= a_end


def _limit_scope(self: Modifier, other: Modifier) -> None:
    """``ConTextModifier.limit_scope``."""
    if not _overlaps(self.scope_start, self.scope_end, other.scope_start, other.scope_end):
        return
    mine, theirs = self.info, other.info
    if mine.upper_direction == "TERMINATE":
        return
    if (theirs.upper_direction != "TERMINATE" and theirs.upper_category not in mine.terminated_by
            and theirs.upper_category != mine.upper_category):
        return
    if mine.category == theirs.category and (
        mine.allowed_types != theirs.allowed_types or mine.excluded_types != theirs.excluded_types
    ):
        return
    if mine.lower_direction in ("forward", "bidirectional") and other.start > self.start:
        self.scope_end = min(self.scope_end, other.start)
    if mine.lower_direction in ("backward", "bidirectional") and other.end < self.end:
        self.scope_start = max(self.scope_start, other.end)


def update_scopes(modifiers: list[Modifier]) -> None:
    """``ConTextGraph.update_scopes``: each pair limits the other's scope, in order."""
    for i in range(len(modifiers) - 1):
        first = modifiers[i]
        for j in range(i + 1, len(modifiers)):
            second = modifiers[j]
            _limit_scope(first, second)
            _limit_scope(second, first)


def _modifies(modifier: Modifier, target, label: str) -> bool:
    """``ConTextModifier.modifies`` (``label`` is the target's label, upper-cased)."""
    info = modifier.info
    if _overlaps(modifier.start, modifier.end, target.start, target.end):
        return False
    if info.direction in ("TERMINATE", "PSEUDO"):
        return False
    if info.allowed_types is not None:
        if label not in info.allowed_types:
            return False
    elif info.excluded_types is not None and label in info.excluded_types:
        return False
    if not _overlaps(modifier.scope_start, modifier.scope_end, target.start, target.end):
        return False
    if info.on_modifies is None:
        return True
    # ConTextModifier.on_modifies: the callback sees the target, the cue and the tokens between.
    doc = target.doc
    between = doc[min(target.end, modifier.end):max(target.start, modifier.end)]
    result = info.on_modifies(target, doc[modifier.start:modifier.end], between)
    if result not in (True, False):
        raise ValueError(
            "The on_modifies function must return either True or False indicating "
            "whether a modify modifies a target. Actual value: {0}".format(result)
        )
    return result


def apply_modifiers(targets: list, modifiers: list[Modifier], doc: Doc) -> list[tuple]:
    """``ConTextGraph.apply_modifiers`` without overlap pruning: (target, ConTextModifier) edges."""
    labels = [target.label_.upper() for target in targets]
    for target, label in zip(targets, labels):
        for modifier in modifiers:
            if _modifies(modifier, target, label):
                modifier.targets.append(target)
    edges = []
    for modifier in modifiers:
        if not modifier.targets:
            continue  # modifies nothing: no edge, so no ConTextModifier is built
        context = ConTextModifier(modifier.info.rule, modifier.start, modifier.end, doc,
                                  modifier.scope_start, modifier.scope_end)
        context_targets = _closest(modifier)
        for target in context_targets:
            context.modify(target)
        edges += [(target, context) for target in context_targets]
    return edges


def _closest(modifier: Modifier) -> list:
    """``ConTextModifier.reduce_targets``: the ``max_targets`` targets closest to the cue.

    Python's sort is stable, as medspaCy's is, so ties keep the order the targets came in.
    """
    targets, limit = modifier.targets, modifier.info.max_targets
    if limit is None or len(targets) <= limit:
        return targets
    distance = [min(abs(modifier.start - t.end), abs(t.start - modifier.end)) for t in targets]
    order = sorted(range(len(targets)), key=distance.__getitem__)
    return [targets[i] for i in order[:limit]]
