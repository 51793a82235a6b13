"""Mentions found by their form, whatever the word: measured motions and diagnosis suffixes.

"MCP flexion was 60-70 degrees", "forward flexion at 170°", "55° of flexion": a measured motion
is an exam finding whether or not the vocabulary names the motion. "Dorsalgia",
"cephalalgia", "tendinopathy", "arthrodesis": a word with a diagnosis (or procedure) suffix
names a condition (or a procedure) the vocabulary may not list. Runs before ConText, so the
mentions it adds get their flags. The forms are data: ``models/open_targets.json``.
"""

import re

from spacy.language import Language
from spacy.tokens import Doc

from ..resources import read_json
from ..rule_files import OpenTargetsRules
from .letter_tokenizer import doc_text
from .targets import add_entity, entity_spans, entity_table, set_entities

# How far around its anchor a form may reach (characters).
_WINDOW = 80


@Language.factory("extractor_open_targets", default_config={"rules": "open_targets.json"})
class OpenTargets:
    """Adds measured motions (FINDING) and suffix words (DIAGNOSIS, TREATMENT) to ``doc.ents``."""

    def __init__(self, nlp: Language, name: str, rules: str) -> None:
        """Compile the forms of ``models/<rules>``."""
        self.name = name
        data = OpenTargetsRules.from_dict(read_json(rules), f"models/{rules}")
        lead, motion, degrees = data.motion_lead, data.motion, data.degrees
        self.measured = re.compile(
            rf"\b(?:{lead}{motion}{data.motion_link}{degrees}|{degrees}[ \t]+of[ \t]+{lead}{motion}\b)",
            re.IGNORECASE)
        self.suffix = re.compile(rf"\b{data.suffix}\b", re.IGNORECASE)
        # Both forms are rare in a letter: each is looked for around an anchor found first (a
        # number of degrees; a suffix), which one scan finds fast.
        # Without IGNORECASE (several times faster): the suffixes are looked for in lower case.
        self.degree_anchor = re.compile(r"\d[ \t]*(?:[Dd]egrees\b|DEGREES\b|\u00b0)")
        ends = "|".join(sorted((re.escape(end.lower()) for end in data.suffix_labels), key=len, reverse=True))
        self.suffix_anchor = re.compile(rf"(?:{ends})\b")
        self.suffix_labels = sorted(data.suffix_labels.items(), key=lambda kv: -len(kv[0]))
        self.suffix_not = {w.lower() for w in data.suffix_not}

    def __call__(self, doc: Doc) -> Doc:
        """Add the mentions found by form; a vocabulary match inside a measured motion joins it."""
        text = doc_text(doc)
        found = []
        reach = 0  # where the last measured motion ended: the next anchor may sit inside it
        for anchor in self.degree_anchor.finditer(text):
            if anchor.start() < reach:
                continue
            m = self.measured.search(text, max(reach, anchor.start() - _WINDOW), anchor.end() + _WINDOW)
            while m is not None and m.end() < anchor.end():
                m = self.measured.search(text, m.end(), anchor.end() + _WINDOW)
            if m is not None and m.start() <= anchor.start():
                found.append((m.start(), m.end(), "FINDING", "measured_motion"))
                reach = m.end()
        lowered = text.lower()
        if len(lowered) != len(text):  # a character whose lower case is longer: offsets would shift
            lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        for anchor in self.suffix_anchor.finditer(lowered):
            m = self.suffix.search(text, max(0, anchor.start() - _WINDOW), anchor.end())
            while m is not None and m.end() < anchor.end():
                m = self.suffix.search(text, m.end(), anchor.end())
            if m is None or m.end() != anchor.end():
                continue
            word = m.group().lower()
            if word in self.suffix_not:
                continue
            label = next(lab for end, lab in self.suffix_labels if word.endswith(end))
            found.append((m.start(), m.end(), label, "suffix"))
        if not found:
            return doc
        table = entity_table(doc)
        ents = list(entity_spans(doc))
        added = False
        for start, end, label, kind in found:
            span = doc.char_span(start, end, label=label, alignment_mode="expand")
            if span is None:
                continue
            overlapping = [e for e in ents if e.start < span.end and span.start < e.end]
            if overlapping and (kind == "suffix" or any(e.start < span.start or e.end > span.end for e in overlapping)):
                continue  # the vocabulary names it already, or only part of it
            for e in overlapping:  # "lateral bending" inside "lateral bending 15 degrees"
                ents.remove(e)
                table.pop((e.start, e.end), None)
            add_entity(span, table, kind)
            ents.append(span)
            added = True
        if added:
            set_entities(doc, ents, table)
        return doc
