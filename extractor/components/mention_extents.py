"""How far a mention reaches: the vocabulary's match grown (or cut) to the phrase that names it.

The vocabulary matches the concept's head ("pain", "MRI", "strain", "range of motion"); the
mention guide's span is the shortest phrase that names the concept, so the match takes in
what names it further: anatomic premodifiers ("right knee pain", "neck, shoulder, and arm
pain"), the place after a head that needs one ("pain in the neck and face", "MRI of the right
knee without contrast"), a test's own word and state ("Kemp's sign was positive"), a measured
value ("flexion was 50 degrees"), a drug's form ("LidoPro ointment"), and two names joined by
a slash ("strain/sprain"). Severity and time words at its start are cut ("severe pain" ->
"pain"). Runs after ConText, so a grown span keeps the flags its head was given.
The words are data: ``models/mention_extents.json``.
"""

import re
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..resources import read_json
from ..rule_files import MentionExtentsRules
from .letter_tokenizer import doc_text
from .targets import CONTEXT_FLAGS, entity_spans, entity_table, set_entities


@Language.factory("extractor_mention_extents", default_config={"rules": "mention_extents.json"})
class MentionExtents:
    """Grows each entity of ``doc.ents`` to the phrase the mention guide annotates."""

    def __init__(self, nlp: Language, name: str, rules: str) -> None:
        """Read the word lists and tails of ``models/<rules>``."""
        self.name = name
        data = MentionExtentsRules.from_dict(read_json(rules), f"models/{rules}")
        self.laterality = set(data.laterality)
        self.positions = set(data.positions)
        self.anatomy = set(data.anatomy)
        self.place = self.laterality | self.positions | self.anatomy
        self.place_end = self.positions | self.anatomy
        self.joiners = set(data.joiners)
        self.inner_joiners = self.joiners | {"of"}
        self.determiners = set(data.determiners)
        self.list_labels = set(data.list_labels)
        self.qualifiers = set(data.qualifiers)
        self.qualifier_labels = set(data.qualifier_labels)
        self.severity = set(data.severity)
        self.location_heads = set(data.location_heads)
        self.prepositions = set(data.location_prepositions)
        self.test_words = set(data.test_words)
        self.medication_forms = set(data.medication_forms)
        self.treatment_tails = set(data.treatment_tails)
        self.imaging_heads = set(data.imaging_heads)
        self.finding_tail = re.compile(data.finding_tail, re.IGNORECASE)
        self.pain_with = re.compile(data.pain_with, re.IGNORECASE)
        self.contrast = re.compile(data.contrast, re.IGNORECASE)
        self.heading_words = set(data.heading_words)
        self.heading_follow = re.compile(data.heading_follow, re.IGNORECASE)
        # A spinal level is a place too ("C5-6", "L4"): the letter tokenizer splits it at "-".
        self.level = re.compile(r"[CTLS]\d{1,2}\Z")
        # A grade or count before a finding ("5/5 ... muscle strength", "2+ reflexes").
        self.value = re.compile(r"[0-5][+-]?/5\Z|\d\+\Z")

    def __call__(self, doc: Doc) -> Doc:
        """Replace each entity by its grown span, carrying its label and flags."""
        ents = list(entity_spans(doc))
        if not ents:
            return doc
        text = doc_text(doc)
        table = entity_table(doc)
        words = _Words(doc)  # lower-cased words, read only around the entities
        infos = [table.get((e.start, e.end)) or _read_info(e) for e in ents]
        bounds = [[e.start, e.end] for e in ents]
        labels = [e.label_ for e in ents]
        ents, bounds, infos, labels, changed = self._merge_slashed(doc, words, ents, bounds, infos, labels)
        owner = [-1] * len(doc)
        for i, (s, e) in enumerate(bounds):
            for t in range(s, e):
                owner[t] = i
        dropped: set[int] = set()
        relabel: dict[int, str] = {}
        for i in range(len(bounds)):
            if i in dropped:
                continue
            s, e = bounds[i]
            if labels[i] == "FINDING" and words[e - 1] in self.heading_words and not infos[i].get("is_normal") \
                    and self.heading_follow.match(text, ents[i].end_char if e == ents[i].end else doc[e - 1].idx
                                                  + len(doc[e - 1].text)):
                dropped.add(i)  # "cervical exam noted tenderness": a heading, not a finding
                continue
            s = self._trim_severity(words, s, e)
            s = self._grow_left(doc, words, owner, i, s, e, labels[i])
            e = self._grow_right(doc, text, words, owner, i, s, e, labels[i], infos[i], dropped, relabel)
            for t in range(s, e):
                if owner[t] == -1:
                    owner[t] = i
            bounds[i] = [s, e]
        new_ents, new_table = [], dict(table)
        labels = [relabel.get(i, label) for i, label in enumerate(labels)]
        for index, (ent, (s, e), label, info) in enumerate(zip(ents, bounds, labels, infos)):
            if index in dropped:
                changed = True
                continue
            if (s, e) == (ent.start, ent.end) and label == ent.label_:
                new_ents.append(ent)
                continue
            changed = True
            span = Span(doc, s, e, label=label)
            ext = span._
            for name in CONTEXT_FLAGS:
                setattr(ext, name, bool(info.get(name, False)))
            ext.imr_normalized = info.get("normalized")
            ext.imr_kind = info.get("kind")
            ext.imr_group = info.get("group")
            new_table[(s, e)] = info
            new_ents.append(span)
        if changed:
            set_entities(doc, new_ents, new_table)
        return doc

    @staticmethod
    def _merge_slashed(doc: Doc, words: list, ents: list, bounds: list, infos: list, labels: list):
        """One mention for two names joined by a slash or hyphen with no space ("strain/sprain")."""
        merged_e, merged_b, merged_i, merged_l = [], [], [], []
        for ent, b, info, label in zip(ents, bounds, infos, labels):
            if merged_b:
                prev = merged_b[-1]
                gap = b[0] - prev[1]
                if gap == 1 and words[prev[1]] in ("/", "-") and not doc[prev[1] - 1].whitespace_ \
                        and not doc[prev[1]].whitespace_:
                    prev[1] = b[1]
                    continue
            merged_e.append(ent)
            merged_b.append(list(b))
            merged_i.append(info)
            merged_l.append(label)
        changed = len(merged_e) != len(ents)
        return merged_e, merged_b, merged_i, merged_l, changed

    def _trim_severity(self, words: list, s: int, e: int) -> int:
        """Cut severity and time words from the start ("severe pain" -> "pain")."""
        while e - s > 1 and words[s] in self.severity:
            s += 1
        return s

    def _is_place(self, word: str, end: bool = False) -> bool:
        return word in (self.place_end if end else self.place) or bool(self.level.match(word.upper()))

    def _grow_left(self, doc: Doc, words: list, owner: list, i: int, s: int, e: int, label: str) -> int:
        """Take in the anatomic premodifiers, a list of places sharing the head, and exam qualifiers."""
        start = s
        t = s - 1
        place_led = self._is_place(words[s])  # the mention itself opens with a place ("back pain")

        def free(k: int) -> bool:
            return k >= 0 and owner[k] in (-1, i) and "\n" not in doc[k].whitespace_ and not doc[k].is_space

        while free(t):
            word = words[t]
            if self._is_place(word):
                start, place_led = t, True
                t -= 1
                continue
            if word in self.joiners and place_led and label in self.list_labels:
                # "neck, shoulder, and arm pain", "left and right wrist pain": on only when a place
                # comes before the joiner.
                back = t - 1
                while free(back) and words[back] in self.joiners:
                    back -= 1
                if free(back) and (self._is_place(words[back], end=True) or
                                   (words[back] in self.laterality and words[start] in self.laterality)):
                    t = back
                    continue
                break
            if word in self.qualifiers and label in self.qualifier_labels:
                start = t  # "decreased cervical range of motion"; "limited, painful range of motion"
                while free(t - 2) and words[t - 1] in self.joiners and words[t - 2] in self.qualifiers:
                    t -= 2
                    start = t
            elif self.value.match(words[t]) and label == "FINDING":
                start = t  # "5/5 right lower extremity muscle strength"
            elif label == "TREATMENT" and words[t].isdigit() and len(words[t]) <= 2:
                start = t  # "5 physical therapy visits"
            break
        if start < s and doc[start].is_punct:
            start += 1
        return start

    def _grow_right(self, doc: Doc, text: str, words: list, owner: list, i: int, s: int, e: int,
                    label: str, info: dict, dropped: set, relabel: dict) -> int:
        """Take in what names the mention after its head: a place, a test word, a value."""
        n = len(doc)

        def swallow(grown: int) -> bool:
            """Whether ``[e, grown)`` holds only free tokens and whole entities, which it then takes."""
            inside = {owner[t] for t in range(e, grown)} - {-1, i}
            if grown <= e or not all(self._within(owner, j, e, grown) for j in inside):
                return False
            dropped.update(inside)
            for t in range(e, grown):
                owner[t] = i
            return True

        # "DTR (deep tendon reflexes)": the spelled-out name in brackets is the same mention.
        if e + 2 < n and words[e] == "(":
            close = next((t for t in range(e + 1, min(n, e + 8)) if words[t] == ")"), None)
            inner = {owner[t] for t in range(e + 1, close)} if close is not None else set()
            if len(inner) == 1 and -1 not in inner and i not in inner and swallow(close + 1):
                e = close + 1
        # "strain/sprain", "contusion/laceration", "decompression/acromioplasty".
        while e + 1 < n and words[e] == "/" and not doc[e - 1].whitespace_ and not doc[e].whitespace_ \
                and doc[e + 1].is_alpha and label != "FINDING" and swallow(e + 2):
            e += 2
        limit = next((t for t in range(e, n) if owner[t] not in (-1, i)), n)
        limit_char = doc[limit].idx if limit < n else len(text)
        head = words[e - 1]
        if head in self.imaging_heads and e < limit and words[e] in ("imaging", "scan"):
            e += 1  # "MRI imaging of the cervical spine"
        if head in self.imaging_heads or head in self.location_heads:
            e = self._place_after(doc, words, e, limit)
        if head in self.imaging_heads or words[e - 1] in self.imaging_heads or \
                (e - 1 > s and words[e - 1] in self.place_end and any(w in self.imaging_heads for w in words[s:e])):
            e = self._tail(doc, text, self.contrast, e, limit_char)
        if label == "FINDING" and e < limit and words[e] in self.test_words:
            e += 1
        if label == "FINDING":
            # "range of motion to 80 degrees of flexion": a measured motion found on its own joins it.
            grown = self._tail(doc, text, self.finding_tail, e, len(text))
            if swallow(grown):
                e = grown
        if words[e - 1] in ("pain", "pains"):
            # "pain with range of motion": the maneuver (a mention of its own) is part of the finding.
            grown = self._tail(doc, text, self.pain_with, e, len(text))
            if swallow(grown):
                e = grown
                relabel[i] = "FINDING"
        if info.get("group") == "medication" and e < limit and words[e] in self.medication_forms:
            e += 1
        if label == "TREATMENT" and e < limit and words[e] in self.treatment_tails and \
                words[e] not in words[s:e]:
            e += 1
        return e

    @staticmethod
    def _within(owner: list, j: int, start: int, end: int) -> bool:
        """Whether every token of entity ``j`` lies in ``[start, end)``."""
        if start > 0 and owner[start - 1] == j:
            return False
        return end >= len(owner) or owner[end] != j

    def _place_after(self, doc: Doc, words: list, e: int, limit: int) -> int:
        """The end of "of/in/to (the) <places>" right after a head, or ``e`` when none follows."""
        t = e
        if t >= limit or words[t] not in self.prepositions:
            return e
        t += 1
        if t < limit and words[t] in self.determiners:
            t += 1
        end: Optional[int] = None
        while t < limit:
            word = words[t]
            if self._is_place(word):
                if self._is_place(word, end=True):
                    end = t + 1
            elif word in self.joiners or word == "-" or (word.isdigit() and end is not None):
                pass  # "the neck, low back and right shoulder", "L4-5"
            elif word in self.determiners and end is not None and words[t - 1] in self.inner_joiners:
                pass  # "the neck and the face"
            elif word == "of" and end is not None:
                pass  # "sprain of the ligaments of the lumbar spine"
            else:
                break
            if "\n" in doc[t].whitespace_:
                break
            t += 1
        if end is not None and end < limit and words[end - 1] == "-":
            end -= 1
        if end is not None and end == limit and limit < len(words):
            # The places right before the next mention are its own ("contusion to the head, neck
            # strain"): stop at the joiner before them.
            k = end - 1
            while k > e and self._is_place(words[k]):
                k -= 1
            while k > e and words[k] in self.joiners:
                k -= 1
            end = k + 1 if k > e and self._is_place(words[k], end=True) else None
        return end if end is not None else e

    def _tail(self, doc: Doc, text: str, pattern: re.Pattern, e: int, limit_char: int) -> int:
        """The token end after ``pattern`` matched right after token ``e - 1``."""
        at = doc[e - 1].idx + len(doc[e - 1].text)
        m = pattern.match(text, at, limit_char)
        if m is None or m.end() == at:
            return e
        span = doc.char_span(doc[e - 1].idx, m.end(), alignment_mode="contract")
        return span.end if span is not None and span.end > e else e


def _read_info(ent: Span) -> dict:
    """An entity's values from its Span extensions, when no component put it in the table."""
    ext = ent._
    info = {"normalized": ext.imr_normalized, "kind": ext.imr_kind, "group": ext.imr_group}
    for name in CONTEXT_FLAGS:
        info[name] = getattr(ext, name)
    return info


class _Words:
    """``doc[i].lower_`` for the tokens asked for, each read once."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.seen: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.doc)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self.doc)))]
        word = self.seen.get(index)
        if word is None:
            word = self.seen[index] = self.doc[index].lower_
        return word
