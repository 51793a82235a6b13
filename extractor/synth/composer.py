"""One synthetic IMR letter and its gold annotation, composed from the templates in ``models/synth/``.

A letter is drawn in three steps: the case (dates, worker, body regions, disputed items and their
decisions; :mod:`.case`), the clinical summary (its findings lean toward each decision with some
probability, as in real letters; :mod:`.summary`), and the text in one of the three published
layouts (:mod:`.layouts`, with the guideline lines and rationales of :mod:`.guidelines`). The gold
annotation (:mod:`.gold`) is written from the same facts as the text, never by running the
extractor.
"""

from __future__ import annotations

from random import Random
from typing import Callable

from .case import CaseMixin
from .gold import GoldMixin
from .guidelines import GuidelinesMixin
from .layouts import LayoutsMixin, Page
from .summary import SummaryMixin
from .templates import weighted


class LetterComposer(CaseMixin, SummaryMixin, GuidelinesMixin, LayoutsMixin, GoldMixin):
    """Draws one letter: call :meth:`compose`, get ``(text, gold)``.

    The composer owns the random stream and the drawn facts; each step is a mixin in its own
    module and reads the facts the steps before it set. Every draw comes from the one ``rng``
    in a fixed order, so the same stream gives the same letter byte for byte.
    """

    def __init__(self, data: dict, rng: Random, layout: str, rates: dict[str, float],
                 case_number: Callable[[int, Random], str]) -> None:
        """``case_number(year, rng)`` hands out a case number unique in the archive."""
        self.data, self.rng, self.layout, self.rates = data, rng, layout, rates
        self.new_case_number = case_number
        self.style = data["letters"]["layouts"][layout]
        self.clinical, self.services = data["clinical"], data["services"]

    def compose(self, min_chars: int = 3000, max_chars: int = 8000, tries: int = 6) -> tuple[str, dict]:
        """The letter text and its gold annotation, drawn again (fuller or leaner) until its length fits."""
        self.richness = 0.55
        for _ in range(tries):
            text, gold = self._compose_once()
            if len(text) < min_chars:  # optional sentences (history, medications, ...) get likelier
                self.richness = min(1.0, self.richness + 0.2)
            elif len(text) > max_chars:
                self.richness = max(0.1, self.richness - 0.25)
            else:
                break
        return text, gold

    def _extra(self, chance: float = 1.0) -> bool:
        """Whether to add an optional sentence (likelier when the letter must be fuller)."""
        return self.rng.random() < chance * self.richness

    def _compose_once(self) -> tuple[str, dict]:
        rng = self.rng
        self._draw_dates()
        self._draw_worker()
        self._draw_regions()
        self.narrative_style = weighted(rng, self.clinical["date_styles"])
        self._draw_items()
        self.case = self.new_case_number(self.received.year, rng)
        self.summary = self._summary()
        width = rng.choice(self.data["letters"]["wrap_widths"])
        trailing = bool(width) and rng.random() < 0.2  # some dumps end wrapped lines with a space
        self.page = Page(width, rng.choice(self.data["letters"]["blank_lines"]), trailing)
        {"case_number_header": self._write_case_number_header, "maximus_letterhead": self._write_letterhead,
         "professional_review": self._write_professional_review}[self.layout]()
        return self.page.text(), self._gold()
