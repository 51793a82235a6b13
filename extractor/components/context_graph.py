"""medspaCy's ConTextGraph steps on plain values: the same edges, without per-pair property calls.

``ConTextGraph.update_scopes`` compares every pair of modifiers of a sentence and
``apply_modifiers`` every (target, modifier) pair, each comparison going through several
properties of ``ConTextModifier`` and ``ConTextRule``. This module runs the same steps, in the
same order, on a few fields read once per rule, and builds ``ConTextModifier`` objects only for
the modifiers that modify something. Each function names the medspaCy method it copies;
``tests/test_context_graph.py`` checks the edges against medspaCy's graph.
"""

from __future__ import annotations

from medspacy.context.context_modifier import ConTextModifier
from spacy.tokens import Doc


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
        for target in modifier.targets:
            context.modify(target)
        context.reduce_targets()  # medspaCy's own step: the max_targets closest
        edges += [(target, context) for target in context._targets]
    return edges
