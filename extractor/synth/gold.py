"""The gold annotation of a letter: what the extractor should read from it, field by field.

It is written from the same drawn facts as the text, never by running the extractor; the
mentions are located in the letter as written, so their order is the text's.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..resources import read_jsonl
from .case import DrawnItem, GoldMention


@lru_cache(maxsize=1)
def _phrases() -> dict[str, tuple[str, ...]]:
    """The clinical phrases a letter may hold, by label (the vocabulary lists of ``models/``)."""
    files = {"FINDING": ("findings",), "SYMPTOM": ("symptoms",), "DIAGNOSIS": ("diagnoses",),
             "TREATMENT": ("treatments", "medications")}
    return {label: tuple(sorted({row["literal"].lower() for name in names
                                 for row in read_jsonl(f"vocabulary/{name}.jsonl")}))
            for label, names in files.items()}


def item_gold(item: DrawnItem, index: int) -> dict:
    """A disputed item as a gold annotation writes it (``index`` counts from 1)."""
    return {
        "index": index, "service": item.service, "category": item.category,
        "body_region": item.body_region, "laterality": item.laterality, "quantity": item.quantity,
        "decision": item.decision, "medically_necessary": item.decision == "overturned",
        "claims_administrator_guideline": item.claims_administrator, "maximus_guideline": item.maximus,
        "guideline_sources": item.sources, "guideline_sections": item.sections,
    }


class GoldMixin:
    """Writes the gold annotation of a :class:`~extractor.synth.composer.LetterComposer`.

    Runs last: it reads the case, the summary, what the layout printed and the written ``page``.
    """

    def _gold(self) -> dict:
        dates = {"injury": self.injury.isoformat(), "ur_denial": self.ur.isoformat(),
                 "assigned": self.assigned.isoformat() if "assigned" in self.printed else None,
                 "decision": self.decision.isoformat(),
                 "application_received": self.received.isoformat() if "received" in self.printed else None}
        return {
            "layout": self.layout,
            "case_number": self.case,
            "dates": dates,
            "priority": self.priority if "priority" in self.printed else None,
            "reviewer": {"licensure": self.states, "specialties": self.specialties},
            "patient": {"age": self.age if self.age_stated else None, "sex": self.sex},
            "diagnoses": self.diagnoses,
            "work_status": self.work,
            "pain_scores": self.pain,
            "items": [item_gold(item, n) for n, item in enumerate(self.items, start=1)],
            "mentions": self._gold_mentions(),
        }

    def _gold_mentions(self) -> list[dict]:
        """Mentions of the summary in text order, each with the flags its sentence gives it.

        A mention is left out when an earlier phrase of the same label is the same as, inside or
        around it ("pain" before "neck pain"): gold mentions are paired with the extractor's in
        text order by label and overlapping text, so it would be scored against the wrong one.
        """
        text = self.page.unwrapped()
        lower = text.lower()
        mark = position = self.page.mark or 0
        out = []
        for sentence in (s for paragraph in self.summary for s in paragraph):
            at = text.find(sentence.text, position)
            if at < 0:
                continue
            position = at + len(sentence.text)
            for mention in sentence.mentions:
                start = sentence.text.find(mention.text)
                if start < 0:
                    raise ValueError(f"synth mention {mention.text!r} is not in {sentence.text!r}")
                if self._said_before(lower, mark, at + start, mention):
                    continue
                gold: dict[str, Any] = {"label": mention.label, "text": mention.text,
                                        "negated": mention.negated}
                for flag in ("normal", "historical"):
                    if getattr(mention, flag):
                        gold[flag] = True
                if sentence.date:
                    gold["date"] = sentence.date
                out.append(gold)
        return out

    @staticmethod
    def _said_before(lower: str, start: int, end: int, mention: GoldMention) -> bool:
        name = mention.text.lower()
        phrases = [p for p in _phrases().get(mention.label, ()) if p in name or name in p] + [name]
        return any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", lower[start:end]) for p in phrases)

