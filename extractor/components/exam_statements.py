"""Exam and study statements found by their form, whatever the noun.

"Cervical exam was noted to be normal", "memory was intact, insight was average", "intact
sensation", "full range of motion": the noun phrase is an absent finding (negated and normal)
whether or not the vocabulary knows it. A vocabulary mention inside the phrase takes the same
flags, so "Deep tendon reflexes, motor strength, and sensation were intact" flags all three
however far the cue is from the first. The forms are data: ``models/exam_statements.json``.
"""


import re

from spacy.language import Language
from spacy.tokens import Doc

from .. import fastre
from ..resources import read_json
from ..rule_files import ExamStatementsRules
from .letter_tokenizer import doc_text
from .targets import add_entity, entity_spans, entity_table, set_entities

# How far before a statement its phrase list may start (characters).
_REACH = 200
# Words that join a noun phrase ("range of motion") but never start or end one.
_JOINERS = {"of"}


@Language.factory("extractor_exam_statements", default_config={"rules": "exam_statements.json"})
class ExamStatements:
    """Adds (or flags) the absent findings of normal exam and study statements."""

    def __init__(self, nlp: Language, name: str, rules: str) -> None:
        """Compile the statement forms of ``models/<rules>``."""
        self.name = name
        data = ExamStatementsRules.from_dict(read_json(rules), f"models/{rules}")
        word, n = data.word, data.max_words
        self.stop = {w.lower() for w in data.stop_words}
        self.determiners = {w.lower() for w in data.determiners}
        phrase = rf"{word}(?:[ \t]+{word}){{0,{n - 1}}}"
        # A list of phrases sharing one statement: "A, B, and C were intact".
        listed = rf"{phrase}(?:[ \t]*,[ \t]*(?:and[ \t]+)?{phrase})*(?:[ \t]*,?[ \t]+and[ \t]+{phrase})?"
        # The statement is found first (a verb and a state: few places in a letter), then the
        # phrase list that ends right before it, within its clause.
        self.statement = fastre.compile(
            rf"(?<=[ \t])(?:{data.copula})(?P<state>{data.states_after})\b", re.IGNORECASE)
        self.tail = re.compile(rf"(?P<np>{listed})[ \t]+\Z", re.IGNORECASE)
        self.before = fastre.compile(rf"\b(?P<state>{data.states_before})[ \t]+(?P<np>{phrase})", re.IGNORECASE)
        self.negated_only = {s.lower() for s in data.negated_only_states}
        self.split = re.compile(r"[ \t]*,[ \t]*(?:and[ \t]+)?|[ \t]+and[ \t]+", re.IGNORECASE)
        self.word = re.compile(word, re.IGNORECASE)

    def __call__(self, doc: Doc) -> Doc:
        """Add the statements' findings to ``doc.ents`` with their flags."""
        text = doc_text(doc)
        found = []
        for m in self.statement.finditer(text):
            clause = max(text.rfind(mark, 0, m.start()) for mark in ".;:\n") + 1
            offset = max(clause, m.start() - _REACH)
            tail = self.tail.search(text[offset:m.start()])
            if tail is None:
                continue
            for start, end in self._phrases(text, offset + tail.start("np"), offset + tail.end("np"), from_end=True):
                found.append((start, end, m.group("state")))
        for m in self.before.finditer(text):
            for start, end in self._phrases(text, m.start("np"), m.end("np"), from_end=False):
                found.append((start, end, m.group("state")))
        if not found:
            return doc
        table = entity_table(doc)
        ents = list(entity_spans(doc))
        taken = [(e.start_char, e.end_char) for e in ents]
        added = False
        for start, end, state in found:
            flags = {"is_negated": True, "is_normal": state.lower() not in self.negated_only}
            overlapping = [e for e in ents if e.start_char < end and start < e.end_char]
            if overlapping:
                for ent in overlapping:
                    info = table.setdefault((ent.start, ent.end), {})
                    info.update(flags)
                    for key, value in flags.items():
                        setattr(ent._, key, value)
                continue
            span = doc.char_span(start, end, label="FINDING", alignment_mode="contract")
            if span is None or any(s < span.end_char and span.start_char < e for s, e in taken):
                continue
            taken.append((span.start_char, span.end_char))
            add_entity(span, table, "exam_statement", flags)
            ents.append(span)
            added = True
        if added:
            set_entities(doc, ents, table)
        return doc

    def _phrases(self, text: str, start: int, end: int, from_end: bool):
        """The noun phrases of a matched stretch.

        The words next to the statement up to a stop word ("the IW's gait was normal" -> "gait"),
        "of" kept inside ("range of motion").
        """
        pieces, cursor = [], start
        for sep in self.split.finditer(text, start, end):
            pieces.append((cursor, sep.start()))
            cursor = sep.end()
        pieces.append((cursor, end))
        # A list counts whole only when it opens its clause ("Reflexes, strength, and sensation
        # were intact."); otherwise the phrase next to the statement is the one it speaks of.
        before = start
        while before > 0 and text[before - 1] in " \t":  # the character before the list
            before -= 1
        if len(pieces) > 1 and before > 0 and text[before - 1] not in ".;:\n":
            pieces = pieces[-1:] if from_end else pieces[:1]
        adjacent = len(pieces) - 1 if from_end else 0
        for index, (a, b) in enumerate(pieces):
            words = [(w.start(), w.end(), w.group().lower()) for w in self.word.finditer(text, a, b)]
            if index != adjacent:
                # Another item of the list must be a noun phrase whole ("motor strength"), not a
                # clause ("she had tenderness").
                content = [w for w in words if w[2] not in self.determiners]
                if not content or any(w[2] in self.stop and w[2] not in _JOINERS for w in content):
                    continue
            if from_end:
                words.reverse()
            kept = []
            for i, w in enumerate(words):
                following = words[i + 1][2] if i + 1 < len(words) else None
                if w[2] in self.determiners and from_end and following in _JOINERS:
                    kept.append(w)  # "range of motion of the wrist": "of the" joins
                    continue
                if w[2] in self.stop and w[2] not in _JOINERS:
                    if kept or not from_end:
                        break  # the phrase must touch its statement ("intact in the ..." names none)
                    continue
                kept.append(w)
            while kept and kept[-1][2] in _JOINERS:
                kept.pop()
            while kept and (kept[0][2] in _JOINERS or kept[0][2] in self.determiners):
                kept.pop(0)
            if kept:
                first, last = min(w[0] for w in kept), max(w[1] for w in kept)
                yield first, last
