"""ConText for IMR letters: medspaCy's ConText with the rules of ``models/context_rules.json``.

Beyond medspaCy's categories the rules add NORMAL ("cervical exam was noted to be normal"),
which marks a finding both normal and negated: the finding is absent.

A cue never reaches past its sentence, so the ConText graph is built per sentence: medspaCy
checks every (target, cue) pair of a graph, and one graph per letter costs ~10x more.
"""

from bisect import bisect_right
from collections import defaultdict

from medspacy.context import ConText, ConTextRule
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc

from ..resources import model_path
from .medspacy_compat import Modifier, RuleInfo, RuleMatcher, apply_modifiers, cue_scope, update_scopes
from .sentences import sentence_bounds
from .targets import entity_spans, entity_table

SPAN_ATTRS = {
    "NEGATED_EXISTENCE": {"is_negated": True},
    "NORMAL": {"is_negated": True, "is_normal": True},
    "POSSIBLE_EXISTENCE": {"is_uncertain": True},
    "HISTORICAL": {"is_historical": True},
    "HYPOTHETICAL": {"is_hypothetical": True},
    "FAMILY": {"is_family": True},
}


def _clause_start(orths, marks: tuple[set, set], start: int, sent_start: int, units: frozenset = frozenset()) -> int:
    """Where a backward cue's reach ends.

    The comma before its own clause ("tenderness, ROM WNL"), unless the words after that comma
    close a list ("strength, sensation and reflexes were normal"), which the cue covers whole,
    or the comma follows a measured value (one of ``units``: "internal rotation 30 degrees,
    symmetric"), whose state it gives. ``orths`` are the Doc's word ids; ``marks`` the ids of the
    clause marks (, ; :) and of the conjunctions (and, or).
    """
    stops, conjunctions = marks
    coordinated = False
    for i in range(start - 1, sent_start - 1, -1):
        word = orths[i]
        if word in conjunctions:
            coordinated = True
        elif i == start - 1 and i > sent_start and orths[i - 1] in units:
            continue
        elif word in stops:
            return sent_start if coordinated else i + 1
    return sent_start


def _clause_end(orths, marks: tuple[set, set], comma: int, end: int, sent_end: int) -> int:
    """Where a two-way cue's forward reach ends.

    At ";" or ":", or at a comma that opens a new clause with "and"/"or" ("reflexes were normal,
    and FABER was positive"); a plain list after the cue ("normal gait, strength and sensation")
    stays in reach.
    """
    stops, conjunctions = marks
    for i in range(end, sent_end):
        word = orths[i]
        if word in stops and (word != comma or (i + 1 < sent_end and orths[i + 1] in conjunctions)):
            return i
    return sent_end


@Language.factory(
    "extractor_context",
    default_config={"rules": "context_rules.json", "clause_bound": ["NORMAL", "NEGATED_EXISTENCE"],
                    "first_item": ["POSSIBLE_EXISTENCE"],
                    "clause_subjects": ["he", "she", "they", "we", "I", "it"]},
)
class LetterContext:
    """Sets ConText flags on ``doc.ents`` (negated, normal, historical, hypothetical, ...)."""

    def __init__(self, nlp: Language, name: str, rules: str, clause_bound: list[str],
                 clause_subjects: list[str], first_item: list[str]) -> None:
        """Load ConText rules ``rules`` from ``models/``.

        Backward cues of the ``clause_bound`` categories (and two-way cues' backward reach) stop at
        their own clause of a comma list, and their forward reach at a comma that opens a clause
        with one of ``clause_subjects`` ("if the therapy does not help her sleep, he would consider
        trazodone").
        """
        self.name = name
        self.clause_bound = set(clause_bound)
        # Forward cues of these categories reach the first item of a comma list only ("possible
        # tenosynovitis, preoperative labs, medical clearance": only the first is possible).
        self.first_item = set(first_item)
        strings = nlp.vocab.strings
        self.clause_marks = ({strings.add(w) for w in (",", ";", ":")}, {strings.add(w) for w in ("and", "or")})
        subjects = {form for w in clause_subjects for form in (w, w.lower(), w.capitalize())}
        self.subject_marks = ({strings.add(",")}, {strings.add(w) for w in subjects})
        self.comma = strings.add(",")
        self.units = frozenset(strings.add(w) for w in ("degrees", "°"))
        self.nlp = nlp
        # medspaCy's ConText registers the flags' extensions and sets them on the targets; its
        # rules are matched here, sentence by sentence, so it holds none itself.
        self.context = ConText(nlp, name=f"{name}_medspacy", rules=None, span_attrs=SPAN_ATTRS)
        self.matcher = RuleMatcher(nlp, ConTextRule.from_json(str(model_path(rules))), name=f"{name}_rules",
                                   prune=self.context.prune_on_modifier_overlap)
        self.strings = nlp.vocab.strings
        self._infos: dict[str, RuleInfo] = {}

    def _rule_info(self, rule_id: str) -> RuleInfo:
        """The graph fields of a rule, read once per rule (the rule set is fixed)."""
        info = self._infos.get(rule_id)
        if info is None:
            info = self._infos[rule_id] = RuleInfo(self.matcher.rule_map[rule_id])
        return info

    def __call__(self, doc: Doc) -> Doc:
        """Apply the rules sentence by sentence."""
        targets = entity_spans(doc)
        if not targets:
            return doc
        bounds = sentence_bounds(doc)
        starts = bounds.starts
        by_sentence: dict[int, tuple[list, list]] = defaultdict(lambda: ([], []))
        for target in targets:
            by_sentence[bisect_right(starts, target.start) - 1][0].append(target)
        orths = None  # the Doc's word ids, read only when a backward cue needs them
        for match_id, start, end in self.matcher(doc):
            sentence = bisect_right(starts, start) - 1
            if sentence not in by_sentence:
                continue  # no target in this sentence: the cue can modify nothing
            info = self._rule_info(self.strings[match_id])
            scope = cue_scope(info.rule, start, end, starts[sentence], bounds.ends[sentence])
            direction = info.rule.direction.lower()
            if info.rule.category in self.clause_bound and direction in ("forward", "backward", "bidirectional"):
                if orths is None:
                    orths = doc.to_array(ORTH).tolist()
                if direction != "forward":
                    clause = _clause_start(orths, self.clause_marks, start, starts[sentence], self.units)
                    scope = (max(scope[0], clause), scope[1])
                if direction != "backward":
                    clause = _clause_end(orths, self.subject_marks, self.comma, end, bounds.ends[sentence])
                    if direction == "bidirectional":
                        clause = min(clause, _clause_end(orths, self.clause_marks, self.comma, end,
                                                         bounds.ends[sentence]))
                    scope = (scope[0], min(scope[1], clause))
            if info.rule.category in self.first_item and direction == "forward":
                if orths is None:
                    orths = doc.to_array(ORTH).tolist()
                comma = next((i for i in range(end, scope[1]) if orths[i] == self.comma), scope[1])
                scope = (scope[0], min(scope[1], comma))
            by_sentence[sentence][1].append(Modifier(info, start, end, *scope))
        edges = []
        for sentence_targets, modifiers in by_sentence.values():
            if not modifiers:
                continue
            # medspaCy's ConTextGraph(prune_on_modifier_overlap=False) steps, on plain values.
            update_scopes(modifiers)
            edges += apply_modifiers(sentence_targets, modifiers, doc)
        table = entity_table(doc)
        for target, modifier in edges:
            target._.modifiers += (modifier,)
            # The same flags medspaCy's set_context_attributes sets, kept in the entity table too.
            info = table.get((target.start, target.end))
            if info is not None:
                info.update(self.context.context_attributes_mapping.get(modifier.category, {}))
        self.context.set_context_attributes(edges)
        return doc
