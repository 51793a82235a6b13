"""The drawn case: dates, worker, body regions and the disputed items with their decisions.

This is the first step of a letter; the summary, the layouts and the gold are all written from
the facts drawn here. The small data types the other steps share (:class:`DrawnItem`,
:class:`Sentence`, :class:`GoldMention`) live here too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Optional

from .templates import Slots, cap, format_date, weighted

# Placeholders that make a service name its body region (and, on a limb, its side).
_REGION_SLOTS = ("{site}", "{Site}", "{area}", "{part}", "{Part}", "{adj}", "{Adj}", "{level}")
_SIDE_SLOTS = ("{side}", "{Side}")
_SITE_SLOTS = ("{site}", "{Site}", "{area}")


@dataclass
class GoldMention:
    """A mention the gold expects: label, text as in the letter, and the ConText flags it has.

    Not :class:`extractor.types.Mention` (what the extractor finds): this is what it should find.
    """

    label: str
    text: str
    negated: bool = False
    normal: bool = False
    historical: bool = False


@dataclass
class Sentence:
    """A case-summary sentence, the mentions in it and the one date it states (ISO), if any."""

    text: str
    mentions: list[GoldMention] = field(default_factory=list)
    date: Optional[str] = None


@dataclass
class DrawnItem:
    """A disputed item as drawn: what the letter writes and what the gold says about it.

    Not :class:`extractor.types.Item` (what the extractor reads back): this is the truth it is
    scored against, with the drawing's own state (template slots, evidence, rationale).
    """

    category: str
    kind: dict
    region: Optional[str]  # the case region the service was drawn for
    service: str
    body_region: Optional[str]
    laterality: Optional[str]
    quantity: Optional[str]
    decision: str
    slots: Slots
    prior: Optional[date] = None  # the date an evidence sentence may cite (an earlier test, visit)
    drug_section: Optional[str] = None  # a drug's own guideline section ("Tramadol (Ultram)")
    evidence: str = "for"  # what the summary documents: "for" or "against" medical necessity
    agrees: bool = True
    claims_administrator: Optional[str] = None
    maximus: Optional[str] = None
    sources: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    rationale: str = ""


class CaseMixin:
    """Draws the case of a :class:`~extractor.synth.composer.LetterComposer`.

    Sets the dates (``injury`` ... ``decision``), the worker (``sex``, ``age``, ``person``), the
    body ``regions`` and their ``sides``, and the disputed ``items``.
    """

    def _draw_dates(self) -> None:
        rng = self.rng
        lo, hi = (date.fromisoformat(d) for d in self.style["decision_dates"])
        self.decision = lo + timedelta(days=rng.randint(0, (hi - lo).days))
        self.assigned = self.decision - timedelta(days=rng.randint(4, 40))
        self.received = self.assigned - timedelta(days=rng.randint(2, 21))
        self.ur = self.received - timedelta(days=rng.randint(5, 30))
        self.rfa = self.ur - timedelta(days=rng.randint(3, 14))
        self.last_visit = self.rfa - timedelta(days=rng.randint(0, 21))
        self.first_visit = self.last_visit - timedelta(days=rng.randint(21, 90))
        # Most disputes are about injuries one to four years old; some are much older.
        self.injury = self.first_visit - timedelta(days=int(rng.triangular(45, 3300, 500)))

    def _between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def _draw_worker(self) -> None:
        rng, people = self.rng, self.data["people"]
        self.sex = rng.choice(sorted(people["sexes"]))
        years_since = self.decision.year - self.injury.year
        lo, hi = people["age_range"]
        self.age = rng.randint(max(lo, 18 + years_since), hi)
        self.age_stated = rng.random() < people["age_stated"]
        words = people["sexes"][self.sex]
        subject = rng.choice(people["subjects"])
        self.person = Slots(pro=words["pro"], Pro=cap(words["pro"]), obj=words["obj"], pos=words["pos"],
                            Pos=cap(words["pos"]), subject=subject[0].lower() + subject[1:],
                            Subject=subject)

    def _draw_regions(self) -> None:
        rng, regions = self.rng, self.clinical["regions"]
        weights = {name: r["weight"] for name, r in regions.items()}
        self.regions = [weighted(rng, weights)]
        if rng.random() < self.clinical["second_region"]:
            del weights[self.regions[0]]
            self.regions.append(weighted(rng, weights))
        self.sides = {name: rng.choice(("left", "right")) for name in self.regions}

    def _region_slots(self, name: str) -> Slots:
        """Words for a region: ``site`` is formal (``right knee``), ``area`` may be colloquial."""
        r, side = self.clinical["regions"][name], self.sides[name]
        area = self.rng.choice(r["areas"])
        site = f"{side} {r['part']}" if r["lateral"] else r["part"]
        rng = self.rng
        return Slots(self.person, part=r["part"], Part=cap(r["part"]), site=site, Site=cap(site),
                     area=f"{side} {area}" if r["lateral"] else area, adj=r["adj"], Adj=cap(r["adj"]),
                     level=rng.choice(r.get("levels") or [""]), limbs=r["limbs"], limb=r["limb_region"],
                     limb_part=r["limb_part"], side=side, Side=cap(side), deg=rng.choice((30, 40, 45, 50, 60)),
                     deg2=rng.choice((90, 110, 120, 140, 150)), deg3=rng.choice((5, 10, 15, 20)))

    def _fits(self, wanted: Any, region: str) -> bool:
        if wanted == "any":
            return True
        if wanted == "spine":
            return region in ("lumbar spine", "cervical spine")
        if wanted == "limb":
            return self.clinical["regions"][region]["lateral"]
        return region in wanted

    def _draw_items(self) -> None:
        rng, services = self.rng, self.services
        count = int(weighted(rng, services["items_per_letter"]))
        categories = {name: c["weight"] for name, c in services["categories"].items()}
        self.items: list[DrawnItem] = []
        used_kinds: set[str] = set()
        for _ in range(count * 20):  # a few draws fail (no region fits, a duplicate): draw again
            if len(self.items) == count:
                break
            category = weighted(rng, categories)
            kinds = [k for k in services["categories"][category]["kinds"] if k["name"] not in used_kinds
                     and any(self._fits(k["regions"], r) for r in self.regions)]
            if not kinds:
                continue
            kind = rng.choices(kinds, weights=[k["weight"] for k in kinds])[0]
            item = self._draw_item(category, kind)
            if item is None or any(self._clash(item.service, other.service) for other in self.items):
                continue
            used_kinds.add(kind["name"])
            self.items.append(item)

    @staticmethod
    def _clash(a: str, b: str) -> bool:
        # Two services where one holds the other would be ambiguous to match and to read.
        a, b = a.lower(), b.lower()
        return a in b or b in a

    def _draw_item(self, category: str, kind: dict) -> Optional[DrawnItem]:
        rng = self.rng
        fitting = [r for r in self.regions if self._fits(kind["regions"], r)]
        region = fitting[0] if len(fitting) == 1 or rng.random() < 0.7 else rng.choice(fitting)
        slots = self._region_slots(region)
        prior = self._between(self.injury + timedelta(days=30), self.first_visit)
        slots.update(months=rng.choice(self.services["months"]),
                     n=rng.choice(kind.get("prior_counts") or self.services["prior_counts"]),
                     date=self._say_date(prior))
        drug_section = None
        if "drugs" in kind:
            service, quantity, drug, drug_section = self._draw_medication(kind)
            slots["drug"] = drug
            entry: dict = {"region": None}
        else:
            entries = [e for e in kind["services"] if self._fits(e.get("regions", "any"), region)]
            if not entries:
                return None
            entry = rng.choice(entries)
            quantity = None
            if "{qty}" in entry["text"]:
                text, quantity = self._draw_quantity(rng.choice(kind["quantity"]))
                slots["qty"] = text
            service = slots.fill(entry["text"])
        template = entry.get("text", "")
        body_region = self._body_region(kind, entry, template, region)
        laterality = entry.get("laterality")
        if "laterality" not in entry:  # the side when the words name it ("left knee", "{Side} L5-S1")
            lateral = self.clinical["regions"][region]["lateral"]
            if any(s in template for s in _SIDE_SLOTS) or (lateral and any(s in template for s in _SITE_SLOTS)):
                laterality = self.sides[region]
        decision = "upheld" if rng.random() < self.rates[category] else "overturned"
        item = DrawnItem(category, kind, region, cap(service), body_region, laterality, quantity, decision,
                    slots, prior=prior, drug_section=drug_section)
        item.agrees = rng.random() < self.services["evidence_agrees"]
        supports = decision == "overturned"
        item.evidence = "for" if supports == item.agrees else "against"
        return item

    def _body_region(self, kind: dict, entry: dict, template: str, region: str) -> Optional[str]:
        """The gold body region: as the entry fixes it, else the case region if the service names it.

        A kind made for given regions ("{Side} knee arthroscopy ...") names its region in its words.
        """
        if "region" in entry:
            value = entry["region"]
            return self.clinical["regions"][region]["limb_region"] if value == "@limb" else value
        names_region = any(s in template for s in _REGION_SLOTS) or isinstance(kind["regions"], list)
        return region if names_region else None

    def _draw_medication(self, kind: dict) -> tuple[str, str, str, Optional[str]]:
        rng = self.rng
        drug = rng.choice(kind["drugs"])
        values = {"name": drug["name"], "strength": rng.choice(drug["strengths"]),
                  "count": rng.choice(drug.get("counts") or [0]),
                  "grams": rng.choice(drug.get("grams") or [0])}
        form = rng.choice(drug.get("forms") or self.services["medication_forms"])
        service = form.format(**values)
        quantity = f"#{values['count']}" if "{count}" in form else f"{values['grams']} grams"
        return service, quantity, drug["name"], drug.get("section")

    def _draw_quantity(self, kind: str) -> tuple[str, str]:
        """A quantity as written and as the gold writes it (``2x4``, ``12 sessions``)."""
        rng, spec = self.rng, self.services["quantities"][kind]
        words = self.services["number_words"]
        if "n" in spec:
            values = {"n": rng.choice(spec["n"])}
        else:
            a, b = rng.choice(spec["a"]), rng.choice(spec["b"])
            values = {"a": a, "a2": a + 1, "b": b,  # "twice a week for four weeks" needs both words
                      "aw": words["adverb"].get(str(a)), "bw": words["cardinal"].get(str(b))}
        forms = [f for f in spec["forms"] if "{aw}" not in f or (values.get("aw") and values.get("bw"))]
        return rng.choice(forms).format(**values), spec["gold"].format(**values)

    def _say_date(self, day: date) -> str:
        """``day`` in the letter's narrative date form, or now and then in another."""
        style = self.narrative_style
        if self.rng.random() < 0.15:  # letters mix date forms
            style = weighted(self.rng, self.clinical["date_styles"])
        return format_date(day, style)
