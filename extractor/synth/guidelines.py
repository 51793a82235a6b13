"""Guideline citations and decision rationales: the text each layout writes for each item.

The claims administrator's and the expert reviewer's (MAXIMUS) guideline lines are drawn from
``models/synth/guidelines.json`` and kept on the item, so the gold cites exactly what the letter
prints. A rationale gives the reasons of the item's kind for its decision, or general ones when
the summary's evidence does not agree with the decision.
"""

from __future__ import annotations

from typing import Optional

from .case import DrawnItem
from .templates import Slots, cap


class GuidelinesMixin:
    """Writes the guideline lines and rationales of the items of a ``LetterComposer``.

    Sets each item's ``claims_administrator``, ``maximus``, ``sources``, ``sections`` and
    ``rationale``.
    """

    def _citations(self, item: DrawnItem) -> tuple[Optional[str], Optional[list[str]], Optional[list[str]]]:
        """The item's MTUS chapter key (None: ODG only), its ODG [chapter, topic] and sections."""
        spec = item.kind["guideline"]
        chapter = spec.get("chapter")
        if chapter == "@region":
            chapter = self.clinical["regions"][item.region]["mtus"]
        if chapter == "odg":
            chapter = None
        odg = None
        if spec.get("odg"):
            odg_chapter, topic = spec["odg"]
            if odg_chapter == "@region":
                odg_chapter = self.clinical["regions"][item.region]["odg"]
            odg = [odg_chapter, topic]
        sections = list(self.rng.choice(spec["sections"])) if spec.get("sections") else []
        section = item.drug_section
        if section and self.rng.random() < 0.5 and section not in sections:
            sections.insert(0, section)
        if chapter and self.data["guidelines"]["chapters"][chapter].get("no_sections"):
            sections = []
        return chapter, odg, sections

    def _page_value(self, item: DrawnItem) -> str:
        pages = item.kind["guideline"].get("pages")
        return self.rng.choice(pages) if pages else ""

    @staticmethod
    def _say_pages(value: str) -> str:
        """``, pages 74-96`` / ``, page 112`` / nothing."""
        if not value:
            return ""
        return f", {'pages' if '-' in value or ' and ' in value else 'page'} {value}"

    def _pages(self, item: DrawnItem) -> str:
        return self._say_pages(self._page_value(item))

    def _guidelines(self, item: DrawnItem) -> None:
        """Both guideline lines of a case-number header or letterhead letter, and their gold."""
        rng, g = self.rng, self.data["guidelines"]
        chapter, odg, sections = self._citations(item)
        short = self.layout == "case_number_header"
        lines = g["lines"]["case_number_header" if short else "long"]
        form = "short" if short else "long"

        def mtus() -> tuple[str, list[str]]:
            c = g["chapters"][chapter]
            return c[form], c[f"{form}_sources"]

        def odg_text() -> str:
            return g["odg"][form].format(chapter=odg[0], topic=odg[1])

        pages = "" if short else self._pages(item)
        # Claims administrator line.
        if short and rng.random() < g["p_ca_no_citation"]:
            ca, ca_sources = lines["ca_no_citation"], []
        elif odg and (chapter is None or rng.random() < g["p_ca_odg"]):
            ca, ca_sources = lines["plain"].format(citation=odg_text(), pages=""), g["odg"]["sources"]
        else:
            citation, ca_sources = mtus()
            spec = item.kind["guideline"]
            own = rng.choice(spec["sections"]) if spec.get("sections") else []
            sectioned = short and not g["chapters"][chapter].get("no_sections")
            if own and sectioned and rng.random() < g["p_ca_sections"]:
                ca = lines["with_sections"].format(citation=citation, sections=", ".join(own))
            elif not short and rng.random() < 0.4:
                ca = lines["plain_mtus"].format(citation=citation, pages=self._pages(item))
            else:
                ca = lines["plain"].format(citation=citation, pages=self._pages(item) if not short else "")
        # MAXIMUS (expert reviewer) line.
        parts, mx_sources = [], []
        if chapter:
            citation, mx_sources = mtus()
            template = lines["with_sections"] if sections else lines["plain"]
            parts.append(template.format(citation=citation, sections=", ".join(sections), pages=pages))
        else:
            sections = []
            parts.append(lines["plain"].format(citation=odg_text(), pages=""))
            mx_sources = g["odg"]["sources"]
        if short and chapter and odg and rng.random() < g["p_mx_odg"]:
            parts.append(lines["plain"].format(citation=odg_text()))
            mx_sources = mx_sources + g["odg"]["sources"]
        if short and (item.kind["guideline"].get("other") or rng.random() < g["p_mx_other"]):
            parts.append(lines["plain"].format(citation=rng.choice(g["others"])))
            mx_sources = mx_sources + g["other_sources"]
        item.claims_administrator, item.maximus = ca, " ".join(parts)
        item.sources = list(dict.fromkeys(ca_sources + mx_sources))
        item.sections = sections

    def _review_guidelines(self) -> str:
        """The professional review's one guideline section, shared by every item, and its gold."""
        g = self.data["guidelines"]
        units: dict[str, dict] = {}  # citation text -> pages, sections, sources (in item order)
        for item in self.items:
            chapter, odg, sections = self._citations(item)
            if chapter:
                c = g["chapters"][chapter]
                key, sources = c["long"], c["long_sources"]
            else:
                key, sources, sections = f"ODG {odg[0]} chapter", g["odg"]["sources"], [odg[1]]
            unit = units.setdefault(key, {"pages": [], "sections": [], "sources": sources})
            pages = self._page_value(item) if chapter else ""
            if pages and pages not in unit["pages"]:
                unit["pages"].append(pages)
            unit["sections"] += [s for s in sections if s not in unit["sections"]]
        lines, sources, sections = [], [], []
        template = g["lines"]["professional_review"]
        for key, unit in units.items():
            pages = self._say_pages(" and ".join(unit["pages"]))
            if unit["sections"]:
                lines.append(template["with_sections"].format(citation=key, pages=pages,
                                                              sections=", ".join(unit["sections"])))
            else:
                lines.append(template["plain"].format(citation=key, pages=pages))
            sources += [s for s in unit["sources"] if s not in sources]
            sections += unit["sections"]
        text = " ".join(lines + [self.rng.choice(self.style["guideline_why"])])
        for item in self.items:
            item.claims_administrator, item.maximus = None, text
            item.sources, item.sections = sources, sections
        return text

    def _rationale(self, item: DrawnItem, conclusion: str) -> str:
        rng, kind = self.rng, item.kind
        reasons = kind[item.decision] if item.agrees else self.services["generic_rationale"][item.decision]
        extras = self.services["rationale_extras"]
        slots = Slots(item.slots, service=item.service, Service=cap(item.service),
                      first_visit=self._say_date(self.first_visit), last_visit=self._say_date(self.last_visit))
        # Guideline criteria, the records weighed, the reason, what would change it, the conclusion.
        parts = rng.sample(kind["criteria"], 2 if len(kind["criteria"]) > 1 and self._extra(0.5) else 1)
        if self._extra(0.5):
            parts.append(rng.choice(extras["review"]))
        parts.append(rng.choice(reasons))
        if self._extra(0.5):
            parts.append(rng.choice(extras[item.decision]))
        parts.append(conclusion)
        item.rationale = " ".join(cap(slots.fill(p)) for p in parts)
        return item.rationale

    def _conclusion(self, item: DrawnItem, options: list[str]) -> str:
        # "Prospective request for ..." services already say "request".
        service = item.service
        own = service.lower().startswith(("prospective request", "retrospective request"))
        the_request = f"the {service[0].lower()}{service[1:]}" if own else f"the request for {service}"
        return self.rng.choice(options).format(service=service, Service=cap(service),
                                               the_request=the_request, The_request=cap(the_request))
