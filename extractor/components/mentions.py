"""Mentions: the vocabulary matches with their ConText flags, section, date and label.

A TREATMENT named in a decision line, an ISSUE AT DISPUTE line or a sentence that requests
it (request, authorization, UR denial) is the disputed SERVICE rather than a past treatment.
"""


import re
from bisect import bisect_right
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc

from .. import fastre
from ..dates import find_dates
from ..recognizers.clinical import visit_date, visit_headings
from ..rule_files import CleaningRules, MentionsRules
from .letter_tokenizer import doc_text
from .sentences import sentence_bounds
from .targets import CONTEXT_FLAGS, entity_spans, entity_table


@Language.factory("extractor_mentions")
class LetterMentions:
    """Turns ``doc.ents`` into mention records in ``doc._.imr_fields['mentions']``."""

    def __init__(self, nlp: Language, name: str = "extractor_mentions") -> None:
        """Read the labelling rules of ``models/mentions.json``."""
        self.name = name
        rules = MentionsRules.load()
        self.request = fastre.compile(rules.request_cues, re.IGNORECASE)
        self.service_labels = set(rules.service_labels)
        self.section_map = rules.section_map
        self.skip_sections = set(rules.skip_sections)
        self.carry_labels = set(rules.carry_date_labels)
        self.visit_cue = fastre.compile(rules.visit_cue, re.IGNORECASE)
        self.visit_labels = set(rules.visit_carry_labels)
        self.visit_reach = rules.visit_carry_sentences
        self.visit_lead = fastre.compile(rules.visit_lead, re.IGNORECASE)
        self.skip_sentence = re.compile(rules.skip_sentence_starts, re.IGNORECASE)
        self.list_item = re.compile(CleaningRules.load().list_marker)
        self.historical_lead = re.compile(rules.historical_list_lead, re.IGNORECASE)
        # The same lead-in closed by a colon earlier in the mention's own sentence.
        self.historical_inline = re.compile(
            rf"(?:{rules.historical_list_lead})[^.:\n]{{0,30}}:", re.IGNORECASE)
        self.study_result = fastre.compile(rules.study_result, re.IGNORECASE)
        self.study_labels = rules.study_result_labels
        self.strength = re.compile(rules.medication_strength, re.IGNORECASE)
        # Guideline titles, chapters and specialties: text in them is no patient mention.
        self.not_patient = re.compile("|".join(f"(?:{p})" for p in rules.not_patient))
        self.quantity = re.compile(rules.medication_quantity, re.IGNORECASE)

    def _sections(self, fields: dict):
        """A function from a character offset to its section name, for one Doc."""
        rationale = [i["rationale_span"] for i in fields["items"] if i.get("rationale_span")]
        titles = [section["title_start"] for section in fields["sections"]]
        names = [self.section_map.get(s["category"], s["category"]) for s in fields["sections"]]
        ordered = titles == sorted(titles)

        def section(offset: int) -> str:
            if any(span[0] <= offset < span[1] for span in rationale):
                return "rationale"
            if ordered:  # the last section whose title starts at or before the offset
                index = bisect_right(titles, offset)
                return names[index - 1] if index else "header"
            current = "header"
            for title, name in zip(titles, names):
                if title <= offset:
                    current = name
            return current

        return section

    def _list_lead(self, text: str, bounds, index: int) -> Optional[int]:
        """The sentence of the lead-in line ("...dated 8/30/16 lists:") of the list holding sentence ``index``."""
        while index >= 0:
            line = text[bounds.start_chars[index]:bounds.end_chars[index]].strip()
            if not self.list_item.match(line):
                return index if line.endswith(":") else None
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

    def __call__(self, doc: Doc) -> Doc:
        """Store one dict per mention, in text order."""
        fields = doc._.imr_fields
        text = doc_text(doc)
        pages = doc._.imr_page_starts or [0]
        first_page = (doc._.imr_source or {}).get("first_page", 1)  # a bundle's letter: file pages
        lines = [(i["evidence"]["start"], i["evidence"]["end"]) for i in fields["items"]]
        section_of = self._sections(fields)
        table = entity_table(doc)
        # Sentences as plain offsets, computed once: Span.sent walks the Doc on every call.
        bounds = sentence_bounds(doc)
        sent_starts = bounds.starts
        sentence_dates: dict[int, list] = {}
        starts, ends = bounds.start_chars, bounds.end_chars

        def dates(i: int) -> list:
            if i not in sentence_dates:
                sentence_dates[i] = list(find_dates(text, starts[i], ends[i]))
            return sentence_dates[i]

        sent_texts: dict[int, str] = {}
        requests: dict[int, bool] = {}
        leads: dict[int, Optional[int]] = {}  # sentence -> its list's lead-in sentence
        cue_ends: dict[tuple[int, int], Optional[int]] = {}

        def cue_end(pattern: re.Pattern[str], i: int) -> Optional[int]:
            """Where ``pattern`` first ends in sentence ``i`` (None: nowhere), searched once."""
            key = (id(pattern), i)
            if key not in cue_ends:
                m = pattern.search(text, starts[i], ends[i])
                cue_ends[key] = m.end() if m else None
            return cue_ends[key]

        injury = fields["dates"]["injury"]
        summary = [(x["body_start"], x["end"]) for x in fields["sections"] if x["category"] == "case_summary"]
        heading = visit_headings(text, *(summary[0] if summary else (0, len(text))))
        mentions = []
        previous_end = -1
        last_finding = None
        ents = entity_spans(doc)
        titles = [m.span() for m in self.not_patient.finditer(text)] if ents else []
        title_starts = [a for a, _ in titles]
        for position, ent in enumerate(ents):
            start_char, end_char = ent.start_char, ent.end_char
            at = bisect_right(title_starts, start_char) - 1
            if at >= 0 and titles[at][1] >= end_char:
                continue  # inside a guideline title or a specialty's name
            info = table.get((ent.start, ent.end)) or self._read_extensions(ent)
            ent_text = text[start_char:end_char]
            normalized = info.get("normalized")
            section = section_of(start_char)
            # Boilerplate sections name no patient facts; a text with no sections is all summary.
            if not fields["sections"]:
                section = "case_summary"
            elif section in self.skip_sections:
                continue
            # "Magnetic resonance imaging (MRI)": the abbreviation repeats the mention before it.
            if mentions and mentions[-1]["normalized"].lower() == (normalized or ent_text).lower() \
                    and text[previous_end:start_char].strip() == "(":
                continue
            previous_end = end_char
            sent_index = bisect_right(sent_starts, ent.start) - 1
            sent_start = sent_starts[sent_index]
            if sent_index not in sent_texts:
                sent_texts[sent_index] = text[starts[sent_index]:ends[sent_index]]
            sent_text = sent_texts[sent_index]
            if self.skip_sentence.match(sent_text):
                continue  # guideline citations name chapters ("Chronic Pain ..."), not findings
            found = dates(sent_index)
            before = [d for d in found if d.end <= start_char]
            date = before[-1].iso if before else (found[0].iso if found else None)
            # "Report of 08/30/2016 lists these findings:" dates the bulleted lines under it, and
            # "Treatment to date has included:" makes them history.
            lead = leads.get(sent_index, -1)
            if lead == -1:
                lead = leads[sent_index] = self._list_lead(text, bounds, sent_index)
            if date is None and section == "case_summary" and lead is not None:
                found_lead = dates(lead)
                date = found_lead[-1].iso if found_lead else None
            historical = bool(info.get("is_historical", False))
            if not historical and lead is not None and lead != sent_index:
                historical = self.historical_lead.search(text, starts[lead], ends[lead]) is not None
            if not historical and section == "case_summary":  # after "Prior care:" in its sentence
                lead_end = cue_end(self.historical_inline, sent_index)
                historical = lead_end is not None and lead_end <= start_char
            label = ent.label_
            if label in self.study_labels:
                # "x-rays showed no fracture": what a study reports is a finding.
                study_end = cue_end(self.study_result, sent_index)
                if study_end is not None and study_end <= start_char:
                    label = self.study_labels[label]
            # Findings listed in the sentence after a dated exam belong to that exam.
            carries = label in self.carry_labels
            if date is None and carries and section == "case_summary" and sent_start > 0:
                prior = sent_starts[sent_index - 1] if sent_index > 0 else sent_start
                if last_finding and last_finding[0] == prior:
                    date = last_finding[1]
            if carries and date:
                last_finding = (sent_start, date)
            if date is None and label in self.visit_labels and section == "case_summary" and not historical:
                date = visit_date(text, sent_index, lambda i: (starts[i], ends[i]), dates,
                                  self.visit_cue, self.visit_reach, self.visit_lead, injury) \
                    or heading(start_char)
            if label in self.service_labels:
                if sent_index not in requests:
                    requests[sent_index] = bool(self.request.search(sent_text))
                if (any(s <= start_char < e for s, e in lines) or requests[sent_index]
                        or (section == "rationale" and not historical)):
                    label = "SERVICE"
            strength = quantity = None
            if info.get("group") == "medication":
                stop = ents[position + 1].start_char if position + 1 < len(ents) else len(text)
                strength, quantity = self._dose(text[end_char: min(end_char + 60, stop)])
            mentions.append({
                "label": label,
                "text": ent_text,
                "normalized": normalized or ent_text.lower(),
                "start": start_char,
                "end": end_char,
                "page": max(1, bisect_right(pages, start_char)) + first_page - 1,
                "section": section,
                "date": date,
                "negated": bool(info.get("is_negated", False)),
                "normal": bool(info.get("is_normal", False)),
                "historical": historical,
                "hypothetical": bool(info.get("is_hypothetical", False)),
                "uncertain": bool(info.get("is_uncertain", False)),
                "family": bool(info.get("is_family", False)),
                "kind": info.get("kind"),
                "strength": strength,
                "quantity": quantity,
            })
        fields["mentions"] = mentions
        return doc

    @staticmethod
    def _read_extensions(ent) -> dict:
        """An entity the targets component did not record: read its Span extensions."""
        ext = ent._
        info = {"normalized": ext.imr_normalized, "kind": ext.imr_kind, "group": ext.imr_group}
        for name in CONTEXT_FLAGS:
            info[name] = getattr(ext, name)
        return info
