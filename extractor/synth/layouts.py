"""The three published layouts: case-number header, MAXIMUS letterhead and professional review.

Each writer lays the drawn case, its summary and its items out on a :class:`Page` in the order
and wording of its layout (``models/synth/letters.json``): header, reviewer, documents reviewed,
summary, then each item's decision, guidelines and rationale.
"""

from __future__ import annotations

import textwrap
from typing import Optional

from .templates import cap, format_date


class Page:
    """The letter text as it is written: fixed lines, wrapped paragraphs and blank lines."""

    def __init__(self, width: int, blank: str, trailing: bool) -> None:
        """Wrap paragraphs at ``width`` (0: not at all); ``blank`` is a blank line as written."""
        self.width, self.blank_line, self.trailing = width, blank, trailing
        self.plain: list[str] = []  # unwrapped, to locate mentions
        self.lines: list[str] = []
        self.mark: Optional[int] = None

    def line(self, *texts: str) -> None:
        """Lines written as they are (headers, list items, titles)."""
        for text in texts:
            self.plain.append(text)
            self.lines.append(text)

    def para(self, text: str) -> None:
        """A paragraph, hard-wrapped like a text dump of a PDF when the letter is wrapped."""
        self.plain.append(text)
        if not self.width:
            self.lines.append(text)
            return
        wrapped = textwrap.wrap(text, self.width, break_long_words=False, break_on_hyphens=False) or [""]
        end = " " if self.trailing else ""
        self.lines += [w + end for w in wrapped[:-1]] + wrapped[-1:]

    def blank(self) -> None:
        """A blank line (some dumps hold a single space)."""
        if self.lines and self.lines[-1].strip():
            self.plain.append("")
            self.lines.append(self.blank_line)

    def start_mentions(self) -> None:
        """Mark where the extractor starts reading mentions (after the header and boilerplate)."""
        self.mark = len("\n".join(self.plain)) + 1 if self.plain else 0

    def text(self) -> str:
        """The letter as written."""
        return "\n".join(self.lines).rstrip() + "\n"

    def unwrapped(self) -> str:
        """The letter with each paragraph on one line (same words and order as ``text``)."""
        return "\n".join(self.plain)


class LayoutsMixin:
    """Writes the letter of a :class:`~extractor.synth.composer.LetterComposer` onto its ``page``.

    Sets what the gold takes from the header and the reviewer: ``priority``, ``printed`` (the
    header fields the layout prints), ``states`` and ``specialties``.
    """

    def _header_values(self) -> dict[str, str]:
        style = self.rng.choice(self.style["header_date_styles"])
        expedited = self.rng.random() < self.data["letters"]["priority_expedited"]
        self.priority = "expedited" if expedited else "standard"
        days = {"assigned": self.assigned, "injury": self.injury, "decision": self.decision, "ur": self.ur,
                "received": self.received}
        values = {key: format_date(day, style) for key, day in days.items()}
        return {**values, "case": self.case, "priority": cap(self.priority),
                "dated": format_date(self.decision, "month d, yyyy")}

    def _header(self, lines: list[str]) -> None:
        values = self._header_values()
        joined = "\n".join(lines)
        self.printed = {key for key in ("assigned", "received", "priority") if "{" + key + "}" in joined}
        self.page.line(*(line.format(**values) for line in lines))

    def _reviewer(self) -> tuple[list[str], list[str]]:
        rng, people = self.rng, self.data["people"]["reviewer"]
        groups = people["specialties"]
        self.specialties = list(rng.choice(groups.get(self.items[0].category, groups["default"])))
        extra = rng.sample(people["extra_states"], rng.choice(people["extra_state_counts"]))
        states = ["California"] + extra
        self.states = sorted(states) if rng.random() < 0.4 else states
        return self.states, self.specialties

    def _prose_credentials(self, template: str) -> str:
        letters = self.data["letters"]
        states, specs = self._reviewer()
        if len(specs) == 1:
            spec = specs[0]
        else:
            spec = self.rng.choice(letters["specialty_joiners"]).format(a=specs[0], b=specs[1])
        if len(states) == 1:
            where = states[0]
        else:
            where = letters["state_joiners"][str(len(states))].format(**dict(zip("abc", states)))
        return template.format(specialties=spec, states=where)

    def _write_case_number_header(self) -> None:
        rng, page, style = self.rng, self.page, self.style
        self._header(rng.choice(style["headers"]))
        page.blank()
        page.line(rng.choice(style["how_made_titles"]))
        page.para(rng.choice(style["how_made"]))
        page.blank()
        states, specs = self._reviewer()
        page.line(rng.choice(style["credentials_intro"]))
        page.line(style["credentials"][0].format(states=", ".join(states)),
                  style["credentials"][1].format(specialties=", ".join(specs)))
        page.blank()
        page.start_mentions()
        page.line(rng.choice(style["summary_titles"]))
        intro = rng.choice(style["summary_intros"])
        if intro:
            page.para(intro)
            page.blank()
        self._write_summary()
        page.line(rng.choice(style["decisions_titles"]))
        page.para(rng.choice(style["decisions_intros"]))
        spacious = rng.random() < 0.5
        for item in self.items:
            self._guidelines(item)
            page.blank()
            label = cap(item.decision)
            if rng.random() < style["decision_label_own_line"]:
                page.para(f"{item.service}:")
                page.line(label)
            else:
                page.para(f"{item.service}: {label}")
            for text in (f"Claims Administrator guideline: {item.claims_administrator}",
                         f"MAXIMUS guideline: {item.maximus}"):
                if spacious:
                    page.blank()
                page.para(text)
            if spacious:
                page.blank()
            conclusion = self._conclusion(item, style["conclusions"][item.decision])
            page.para(f"Decision rationale: {self._rationale(item, conclusion)}")

    def _write_letterhead(self) -> None:
        rng, page, style = self.rng, self.page, self.style
        page.line(*rng.choice(style["letterheads"]))
        page.blank()
        values = self._header_values()
        page.line(style["dated"].format(**values))
        page.blank()
        self._header(rng.choice(style["headers"]))
        page.blank()
        page.line(style["greeting"].format(title=self.data["people"]["sexes"][self.sex]["title"]))
        page.blank()
        page.para(rng.choice(style["cover_intros"]))
        page.blank()
        page.line(style["cover_title"])
        page.blank()
        intro = rng.choice(style["cover_list_intros"])
        if intro:
            page.line(intro)
            page.blank()
        decisions = [style["sentence_decisions"][i.decision].format(n=n, service=i.service)
                     for n, i in enumerate(self.items, start=1)]
        for sentence in decisions:
            page.para(sentence)
        page.blank()
        page.para(rng.choice(style["appeals"]))
        page.blank()
        page.line(*style["signature"])
        page.blank()
        page.line(rng.choice(style["how_made_titles"]))
        page.blank()
        page.para(rng.choice(style["how_made"]))
        page.blank()
        page.para(self._prose_credentials(rng.choice(style["credentials"])))
        page.blank()
        page.start_mentions()
        page.line(rng.choice(style["documents_titles"]))
        page.blank()
        numbered = rng.random() < 0.5
        for n, doc in enumerate(self._documents(), start=1):
            page.line(f"{n}. {doc}" if numbered else f"- {doc}")
        page.blank()
        page.line(rng.choice(style["summary_titles"]))
        page.blank()
        self._write_summary()
        page.line(rng.choice(style["decisions_titles"]))
        page.blank()
        intro = rng.choice(style["decisions_intros"])
        if intro:
            page.para(intro)
            page.blank()
        for item, sentence in zip(self.items, decisions):
            self._guidelines(item)
            page.para(sentence)
            page.blank()
            page.para(style["claims_administrator"].format(citation=item.claims_administrator))
            page.blank()
            page.para(rng.choice(style["reviewer_basis"]).format(citation=item.maximus))
            page.blank()
            rationale = self._rationale(item, rng.choice(style["conclusions"][item.decision]))
            if rng.random() < 0.5:
                page.para(f"{style['rationale_label']} {rationale}")
            else:
                page.line(style["rationale_label"])
                page.para(rationale)
            page.blank()

    def _documents(self) -> list[str]:
        """The documents-reviewed list: the letter's own dates, so it agrees with the summary."""
        rng = self.rng
        values = {"received": self._say_date(self.received), "ur": self._say_date(self.ur),
                  "first_visit": self._say_date(self.first_visit), "last_visit": self._say_date(self.last_visit),
                  "injury_year": self.injury.year, "rfa": self._say_date(self.rfa)}
        if self.imaging:
            values.update(imaging=self._region_slots(self.regions[0]).fill(self.imaging[0]),
                          imaging_date=self._say_date(self.imaging[1]))
        docs = []
        for template in self.data["letters"]["documents"]:
            try:
                docs.append(template.format(**values))
            except KeyError:
                continue
        if self.layout == "professional_review":
            docs = [d for d in docs if "Application" not in d]
        if "physical therapy" not in self.prior_treatments:
            docs = [d for d in docs if "therapy notes" not in d]
        keep = sorted(rng.sample(range(len(docs)), rng.randint(3, len(docs))))
        return [docs[i] for i in keep]

    def _write_professional_review(self) -> None:
        rng, page, style = self.rng, self.page, self.style
        page.line(style["heading"])
        page.blank()
        self._header(rng.choice(style["headers"]))
        page.blank()
        page.start_mentions()
        page.line(rng.choice(style["issue_titles"]))
        numbered = len(self.items) > 1 or rng.random() < 0.3
        for n, item in enumerate(self.items, start=1):
            page.line(f"{n}. {item.service}" if numbered else item.service)
        page.blank()
        page.line(rng.choice(style["summary_titles"]))
        self._write_summary()
        page.line(rng.choice(style["documents_titles"]))
        for doc in self._documents():
            page.line(f"- {doc}")
        page.blank()
        page.line(*rng.choice(style["guideline_titles"]))
        page.para(self._review_guidelines())
        page.blank()
        page.line(rng.choice(style["rationale_titles"]))
        era = "late" if self.decision.year >= style["late_wording_from"] else "early"
        heading = rng.choice(style["item_headings"])  # one style of heading per letter
        for n, item in enumerate(self.items, start=1):
            if len(self.items) > 1:
                page.line(heading.format(n=n, service=item.service))
            conclusion = self._conclusion(item, style["conclusions"][era][item.decision])
            page.para(self._rationale(item, conclusion))
            page.blank()
        page.line(rng.choice(style["qualification_titles"]))
        page.para(self._prose_credentials(rng.choice(style["qualifications"])))
