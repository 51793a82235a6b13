"""Mentions: the vocabulary matches with their ConText flags, section, date and label.

A TREATMENT named in a decision line, an ISSUE AT DISPUTE line or a sentence that requests
it (request, authorization, UR denial) is the disputed SERVICE rather than a past treatment.
"""


import re
from bisect import bisect_right

from spacy.language import Language
from spacy.tokens import Doc


from ..dates import find_dates
from ..resources import read_json
from .letter_tokenizer import doc_text
from .sentences import sentence_spans


@Language.factory("extractor_mentions")
class LetterMentions:
    """Turns ``doc.ents`` into mention records in ``doc._.imr_fields['mentions']``."""

    def __init__(self, nlp: Language, name: str = "extractor_mentions") -> None:
        """Read the labelling rules of ``models/mentions.json``."""
        self.name = name
        rules = read_json("mentions.json")
        self.request = re.compile(rules["request_cues"], re.IGNORECASE)
        self.service_labels = set(rules["service_labels"])
        self.section_map = rules["section_map"]
        self.skip_sections = set(rules["skip_sections"])
        self.carry_labels = set(rules["carry_date_labels"])
        self.skip_sentence = re.compile(rules["skip_sentence_starts"], re.IGNORECASE)
        self.list_item = re.compile(read_json("cleaning.json")["list_marker"])
        self.strength = re.compile(rules["medication_strength"], re.IGNORECASE)
        self.quantity = re.compile(rules["medication_quantity"], re.IGNORECASE)

    def _section(self, fields: dict, offset: int) -> str:
        for item in fields["items"]:
            span = item.get("rationale_span")
            if span and span[0] <= offset < span[1]:
                return "rationale"
        current = "header"
        for section in fields["sections"]:
            if section["title_start"] <= offset:
                current = self.section_map.get(section["category"], section["category"])
        return current

    def _list_date(self, text: str, sentences: list, index: int, cache: dict):
        """The date of the lead-in line ("...dated 8/30/16 lists:") of the list holding sentence ``index``."""
        while index >= 0:
            sent = sentences[index]
            line = text[sent.start_char:sent.end_char].strip()
            if not self.list_item.match(line):
                if not line.endswith(":"):
                    return None
                found = self._dates(text, sent, cache)
                return found[-1].iso if found else None
            index -= 1
        return None

    def _dose(self, after: str) -> tuple:
        """Strength and quantity written after a drug name: "Norco 10/325mg #60"."""
        found = self.strength.match(after)
        strength = re.sub(r"\s+", "", found.group("strength")) if found else None
        found = self.quantity.match(after)
        quantity = found.group("quantity") if found else None
        if quantity and quantity.startswith("#"):
            quantity = re.sub(r"\s+", "", quantity)  # "# 60" -> "#60"
        return strength, quantity

    @staticmethod
    def _dates(text: str, sent, cache: dict) -> list:
        if sent.start not in cache:
            cache[sent.start] = list(find_dates(text, sent.start_char, sent.end_char))
        return cache[sent.start]

    def __call__(self, doc: Doc) -> Doc:
        """Store one dict per mention, in text order."""
        fields = doc._.imr_fields
        text = doc_text(doc)
        pages = doc._.imr_page_starts or [0]
        first_page = (doc._.imr_source or {}).get("first_page", 1)  # a bundle's letter: file pages
        lines = [(i["evidence"]["start"], i["evidence"]["end"]) for i in fields["items"]]
        sentence_dates: dict[int, list] = {}
        mentions = []
        previous_end = -1
        last_finding = None
        # Sentence of each token, computed once: Span.sent walks the Doc on every call.
        sentences = sentence_spans(doc)
        sent_starts = [s.start for s in sentences]
        sent_texts: dict[int, str] = {}
        ents = list(doc.ents)
        for position, ent in enumerate(ents):
            ext = ent._  # each ``ent._`` builds a new accessor: take it once
            section = self._section(fields, ent.start_char)
            # Boilerplate sections name no patient facts; a text with no sections is all summary.
            if not fields["sections"]:
                section = "case_summary"
            elif section in self.skip_sections:
                continue
            # "Magnetic resonance imaging (MRI)": the abbreviation repeats the mention before it.
            if mentions and mentions[-1]["normalized"].lower() == (ext.imr_normalized or ent.text).lower() \
                    and text[previous_end:ent.start_char].strip() == "(":
                continue
            previous_end = ent.end_char
            sent_index = bisect_right(sent_starts, ent.start) - 1
            sent = sentences[sent_index]
            if sent_index not in sent_texts:
                sent_texts[sent_index] = text[sent.start_char:sent.end_char]
            sent_text = sent_texts[sent_index]
            if self.skip_sentence.match(sent_text):
                continue  # guideline citations name chapters ("Chronic Pain ..."), not findings
            dates = self._dates(text, sent, sentence_dates)
            before = [d for d in dates if d.end <= ent.start_char]
            date = before[-1].iso if before else (dates[0].iso if dates else None)
            # "Report of 08/30/2016 lists these findings:" dates the bulleted lines under it.
            if date is None and section == "case_summary":
                date = self._list_date(text, sentences, sent_index, sentence_dates)
            # Findings listed in the sentence after a dated exam belong to that exam.
            if date is None and ent.label_ in self.carry_labels and section == "case_summary" and sent.start > 0:
                prior = sentences[sent_index - 1] if sent_index > 0 else sent
                if last_finding and last_finding[0] == prior.start:
                    date = last_finding[1]
            if ent.label_ in self.carry_labels and date:
                last_finding = (sent.start, date)
            label = ent.label_
            if label in self.service_labels and (
                any(s <= ent.start_char < e for s, e in lines)
                or self.request.search(sent_text)
                or (section == "rationale" and not ext.is_historical)
            ):
                label = "SERVICE"
            strength = quantity = None
            if ext.imr_group == "medication":
                stop = ents[position + 1].start_char if position + 1 < len(ents) else len(text)
                strength, quantity = self._dose(text[ent.end_char: min(ent.end_char + 60, stop)])
            mentions.append({
                "label": label,
                "text": ent.text,
                "normalized": ext.imr_normalized or ent.text.lower(),
                "start": ent.start_char,
                "end": ent.end_char,
                "page": max(1, bisect_right(pages, ent.start_char)) + first_page - 1,
                "section": section,
                "date": date,
                "negated": bool(ext.is_negated),
                "normal": bool(ext.is_normal),
                "historical": bool(ext.is_historical),
                "hypothetical": bool(ext.is_hypothetical),
                "uncertain": bool(ext.is_uncertain),
                "family": bool(ext.is_family),
                "kind": ext.imr_kind,
                "strength": strength,
                "quantity": quantity,
            })
        fields["mentions"] = mentions
        return doc
