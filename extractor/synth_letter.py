"""One synthetic IMR letter and its gold annotation, composed from the templates in ``models/synth/``.

A letter is drawn in three steps: the case (dates, worker, body regions, disputed items and their
decisions), the clinical summary (its findings lean toward each decision with some probability,
as in real letters), and the text in one of the three published layouts. The gold annotation is
written from the same facts as the text, never by running the extractor.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from random import Random
from typing import Any, Callable, Optional

from .resources import read_json, read_jsonl

CATEGORIES = (
    "medication", "imaging", "physical_therapy", "chiropractic", "acupuncture", "injection",
    "surgery", "dme", "lab", "consultation", "program", "home_health", "other",
)
LAYOUTS = ("case_number_header", "maximus_letterhead", "professional_review")
_FILES = ("letters", "people", "clinical", "services", "guidelines")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
# Placeholders that make a service name its body region (and, on a limb, its side).
_REGION_SLOTS = ("{site}", "{Site}", "{area}", "{part}", "{Part}", "{adj}", "{Adj}", "{level}")
_SIDE_SLOTS = ("{side}", "{Side}")
_SITE_SLOTS = ("{site}", "{Site}", "{area}")
# Findings on examination decide for or against these categories (imaging, injections, ...).
_FINDING_LED = ("imaging", "injection", "surgery", "lab")


@lru_cache(maxsize=1)
def _phrases() -> dict[str, tuple[str, ...]]:
    """The clinical phrases a letter may hold, by label (the vocabulary lists of ``models/``)."""
    files = {"FINDING": ("findings",), "SYMPTOM": ("symptoms",), "DIAGNOSIS": ("diagnoses",),
             "TREATMENT": ("treatments", "medications")}
    return {label: tuple(sorted({row["literal"].lower() for name in names
                                 for row in read_jsonl(f"vocabulary/{name}.jsonl")}))
            for label, names in files.items()}


def load_data() -> dict[str, Any]:
    """The synth templates, one dict per file of ``models/synth/``."""
    return {name: read_json(f"synth/{name}.json") for name in _FILES}


def format_date(day: date, style: str) -> str:
    """A date in one of the forms letters use (``9/10/15``, ``09/10/2015``, ``September 10, 2015``)."""
    m, d, y = day.month, day.day, day.year
    forms = {
        "m/d/yyyy": f"{m}/{d}/{y}", "mm/dd/yyyy": f"{m:02d}/{d:02d}/{y}", "mm-dd-yyyy": f"{m:02d}-{d:02d}-{y}",
        "m/d/yy": f"{m}/{d}/{y % 100:02d}", "m-d-yy": f"{m}-{d}-{y % 100:02d}",
        "month d, yyyy": f"{_MONTHS[m - 1]} {d}, {y}",
    }
    return forms[style]


def cap(text: str) -> str:
    """``text`` with its first letter upper-cased."""
    return text[:1].upper() + text[1:]


def join_list(parts: list[str], rng: Random) -> str:
    """``a, b and c`` (or with a serial comma now and then)."""
    if len(parts) < 2:
        return "".join(parts)
    comma = "," if len(parts) > 2 and rng.random() < 0.3 else ""
    return f"{', '.join(parts[:-1])}{comma} and {parts[-1]}"


def weighted(rng: Random, weights: dict[str, float]) -> str:
    """A key of ``weights`` drawn in proportion to its weight."""
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


class Slots(dict):
    """Template values; a missing placeholder is a bug in the templates, so say which one."""

    def __missing__(self, key: str) -> str:
        """Fail with the name of the placeholder."""
        raise KeyError(f"synth template placeholder {{{key}}} has no value")

    def fill(self, template: str, **extra: Any) -> str:
        """``template`` with its placeholders filled from these values and ``extra``."""
        return template.format_map(Slots(self, **extra)) if extra else template.format_map(self)


@dataclass
class Mention:
    """A gold mention: label, text as in the letter, and the ConText flags that are true."""

    label: str
    text: str
    negated: bool = False
    normal: bool = False
    historical: bool = False


@dataclass
class Sentence:
    """A case-summary sentence, the mentions in it and the one date it states (ISO), if any."""

    text: str
    mentions: list[Mention] = field(default_factory=list)
    date: Optional[str] = None


@dataclass
class Item:
    """A disputed item: what the letter writes and what the gold says about it."""

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

    def gold(self, index: int) -> dict:
        """The item as a gold annotation writes it."""
        return {
            "index": index, "service": self.service, "category": self.category,
            "body_region": self.body_region, "laterality": self.laterality, "quantity": self.quantity,
            "decision": self.decision, "medically_necessary": self.decision == "overturned",
            "claims_administrator_guideline": self.claims_administrator, "maximus_guideline": self.maximus,
            "guideline_sources": self.sources, "guideline_sections": self.sections,
        }


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


class LetterComposer:
    """Draws one letter: call :meth:`compose`, get ``(text, gold)``."""

    def __init__(self, data: dict, rng: Random, layout: str, rates: dict[str, float],
                 case_number: Callable[[int, Random], str]) -> None:
        """``case_number(year, rng)`` hands out a case number unique in the archive."""
        self.data, self.rng, self.layout, self.rates = data, rng, layout, rates
        self.new_case_number = case_number
        self.style = data["letters"]["layouts"][layout]
        self.clinical, self.services = data["clinical"], data["services"]

    # ---- the case -------------------------------------------------------------------------

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
        self.items: list[Item] = []
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

    def _draw_item(self, category: str, kind: dict) -> Optional[Item]:
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
        item = Item(category, kind, region, cap(service), body_region, laterality, quantity, decision,
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

    # ---- guideline lines --------------------------------------------------------------------

    def _citations(self, item: Item) -> tuple[Optional[str], Optional[list[str]], Optional[list[str]]]:
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

    def _page_value(self, item: Item) -> str:
        pages = item.kind["guideline"].get("pages")
        return self.rng.choice(pages) if pages else ""

    @staticmethod
    def _say_pages(value: str) -> str:
        """``, pages 74-96`` / ``, page 112`` / nothing."""
        if not value:
            return ""
        return f", {'pages' if '-' in value or ' and ' in value else 'page'} {value}"

    def _pages(self, item: Item) -> str:
        return self._say_pages(self._page_value(item))

    def _guidelines(self, item: Item) -> None:
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

    # ---- the clinical summary ---------------------------------------------------------------

    def _say_date(self, day: date) -> str:
        style = self.narrative_style
        if self.rng.random() < 0.15:  # letters mix date forms
            style = weighted(self.rng, self.clinical["date_styles"])
        return format_date(day, style)

    def _dated(self, template: str, day: date, slots: Slots, mentions: Optional[list[Mention]] = None,
               **extra: Any) -> Sentence:
        """A sentence that states ``day`` (its ``{date}``), the date its mentions are tied to."""
        text = slots.fill(template, date=self._say_date(day), **extra)
        return Sentence(text, mentions or [], day.isoformat())

    def _lean(self, region: str) -> str:
        """Whether the exam of ``region`` should tend to support the finding-led requests on it."""
        led = [i for i in self.items if i.region == region and i.category in _FINDING_LED]
        if not led:
            return "neutral"
        return "for" if any(i.decision == "overturned" for i in led) else "against"

    def _summary(self) -> list[list[Sentence]]:
        """The case summary as paragraphs of sentences; also sets the gold lists it states."""
        rng, c, p = self.rng, self.clinical, self.person
        primary = self.regions[0]
        slots = self._region_slots(primary)
        r = c["regions"][primary]
        people = self.data["people"]
        sex = people["sexes"][self.sex]
        mechanism = slots.fill(rng.choice(r["mechanisms"]))
        intro_kind = "with_age" if self.age_stated else "without_age"
        intro = Slots(p, age=self.age, sex_adj=sex["adjective"], sex_noun=sex["noun"], mechanism=mechanism,
                      job=rng.choice(people["occupations"]), doi=self._say_date(self.injury))
        history: list[Sentence] = [Sentence(intro.fill(rng.choice(people["intros"][intro_kind])))]
        for name in self.regions:
            reg, rs = c["regions"][name], self._region_slots(name)
            k = rng.randrange(len(reg["complaints"]))
            label, text = reg["complaint_mentions"][k]
            history.append(Sentence(rs.fill(reg["complaints"][k]), [Mention(label, text)]))
        # Diagnoses: two or three for the main region, one more for a second region.
        self.diagnoses = [slots.fill(d) for d in rng.sample(r["diagnoses"], rng.choice((2, 2, 3)))]
        for name in self.regions[1:]:
            extra = self._region_slots(name).fill(rng.choice(c["regions"][name]["diagnoses"]))
            if extra not in self.diagnoses:
                self.diagnoses.append(extra)
        diagnoses = join_list(self.diagnoses, rng)
        history.append(Sentence(p.fill(rng.choice(c["diagnosis_sentences"]), list=diagnoses)))
        history.append(self._treatments())
        medications = self._medications()
        if medications:
            history.append(medications)
        if self._extra(0.6):
            entry = rng.choice(c["history"])
            mentions = [Mention(label, text, historical=True) for label, text in entry["mentions"]]
            history.append(Sentence(slots.fill(entry["text"]), mentions))
        # Earlier imaging, unless a request's own evidence tells about imaging.
        if not any(i.category in ("imaging", "injection", "surgery") for i in self.items) and rng.random() < 0.5:
            study = r["imaging"]
            self.imaging = (study["name"], self._between(self.injury + timedelta(days=20), self.first_visit))
            history.append(self._dated(rng.choice(c["imaging_sentences"]), self.imaging[1], slots,
                                       Imaging=cap(slots.fill(study["name"])),
                                       result=slots.fill(rng.choice(study["results"]))))
        else:
            self.imaging = None
        visits = self._visits(primary, slots)
        if self._extra(0.7):
            visits.insert(0, self._dated(rng.choice(c["first_visit"]), self.first_visit, slots))
        if self._extra(0.7):
            visits.append(Sentence(slots.fill(rng.choice(c["function"]), mins=rng.choice((10, 15, 20, 30)))))
        plan = [self._evidence(item) for item in self.items]
        rng.shuffle(plan)
        work = self._work_status()
        if work:
            plan.insert(rng.randrange(len(plan) + 1), work)
        plan += self._request()
        return [history, visits, plan] if rng.random() < 0.7 else [history + visits + plan]

    def _treatments(self) -> Sentence:
        """Treatment to date; what is in dispute is told by its own evidence sentence instead."""
        rng, c = self.rng, self.clinical
        categories = {i.category for i in self.items}
        drugs = {i.slots["drug"].lower() for i in self.items if "drug" in i.slots}
        where = "limb" if c["regions"][self.regions[0]]["lateral"] else "spine"

        def keep(t: dict) -> bool:
            if t["where"] not in ("any", where):
                return False
            if t.get("category") == "medication":
                return t["text"].lower() not in drugs
            return t.get("category") not in categories

        pool = [t for t in c["prior_treatments"] if keep(t)]
        chosen = rng.sample(pool, min(len(pool), rng.choice((2, 3, 4))))
        self.prior_treatments = [t["text"] for t in chosen]
        mentions = [Mention("TREATMENT", t["mention"], historical=True) for t in chosen if t.get("mention")]
        text = self.person.fill(rng.choice(c["treatment_sentences"]), list=join_list(self.prior_treatments, rng))
        return Sentence(text, mentions)

    def _medications(self) -> Optional[Sentence]:
        """Current medications: ongoing requested drugs and others of kinds not in dispute."""
        rng, spec = self.rng, self.clinical["current_medications"]
        requested = [i for i in self.items if i.category == "medication"]
        kinds = {i.kind["name"] for i in requested}
        names = [i.slots["drug"] for i in requested if i.kind["name"] != "topical" and rng.random() < 0.5]
        pool = [m for m in spec["pool"] if m["kind"] not in kinds and m["name"] not in self.prior_treatments]
        chosen = rng.sample(pool, rng.choice((0, 1, 2))) if self._extra(0.8) else []
        if not names and not chosen:
            return None
        mentions = [Mention("TREATMENT", n) for n in names]
        mentions += [Mention("TREATMENT", m.get("mention", m["name"])) for m in chosen]
        listed = join_list(names + [m["name"] for m in chosen], rng)
        return Sentence(self.person.fill(rng.choice(spec["sentences"]), list=listed), mentions)

    def _visits(self, primary: str, slots: Slots) -> list[Sentence]:
        rng, c = self.rng, self.clinical
        out: list[Sentence] = []
        self.pain: list[dict] = []
        one = rng.sample(c["pain_sentences"]["one"], 2)  # two visits are not told the same way
        if rng.random() < 0.85:
            if rng.random() < 0.35:
                score = rng.randint(5, 9)
                out.append(self._dated(one[1], self.first_visit, slots, score=score))
                self.pain.append({"score": score, "date": self.first_visit.isoformat()})
            if rng.random() < 0.3:
                hi = rng.randint(6, 10)
                lo = rng.randint(max(1, hi - 5), hi - 1)
                out.append(self._dated(rng.choice(c["pain_sentences"]["two"]), self.last_visit, slots,
                                       score=hi, score2=lo))
                self.pain += [{"score": s, "date": self.last_visit.isoformat()} for s in (hi, lo)]
            else:
                score = rng.randint(3, 9)
                out.append(self._dated(one[0], self.last_visit, slots, score=score))
                self.pain.append({"score": score, "date": self.last_visit.isoformat()})
        for n, name in enumerate(self.regions):
            out += self._exam(name, self._region_slots(name) if n else slots, full=n == 0)
        return out

    def _exam(self, name: str, slots: Slots, full: bool) -> list[Sentence]:
        """Findings on the last visit: routine ones, then those that argue for or against."""
        rng, c = self.rng, self.clinical
        r = c["regions"][name]
        present: list[tuple[str, Optional[str]]] = []
        absent: list[Sentence] = []
        for finding in rng.sample(r["routine"], rng.choice((1, 2, 2))):
            present.append((slots.fill(finding["text"]), finding.get("mention")))
        if full:
            lean = self._lean(name)
            chance = c["support_present"]["neutral" if lean == "neutral" else f"lean_{lean}"]
            for finding in rng.sample(r["support"], rng.choice((2, 3))):
                if rng.random() < chance:
                    present.append((slots.fill(finding["present"]["text"]), finding["present"]["mention"]))
                else:
                    form = rng.choice(finding["absent"])
                    mention = Mention("FINDING", form["mention"], negated=True, normal=form.get("normal", False))
                    absent.append(Sentence(slots.fill(form["text"]), [mention]))
        template = rng.choice(c["exam_sentences"])
        mentions = [Mention("FINDING", m) for _, m in present if m]
        listed = join_list([t for t, _ in present], rng)
        out = [self._dated(template, self.last_visit, slots, mentions, list=listed)]
        out += absent
        if full and self._lean(name) != "for" and rng.random() < 0.6:
            denial = rng.choice(r["denials"])
            mentions = [Mention(label, text, negated=True) for label, text in denial["mentions"]]
            out.append(Sentence(slots.fill(denial["text"]), mentions))
        return out

    def _evidence(self, item: Item) -> Sentence:
        entry = self.rng.choice(item.kind["evidence"][item.evidence])
        mentions = [Mention(m["label"], m["text"], negated=m.get("negated", False),
                            historical=m.get("historical", False)) for m in entry.get("mentions", [])]
        # The sentence states the item's earlier date only when its template uses it.
        day = item.prior.isoformat() if "{date}" in entry["text"] else None
        return Sentence(cap(item.slots.fill(entry["text"])), mentions, day)

    def _work_status(self) -> Optional[Sentence]:
        rng, c = self.rng, self.clinical
        status = weighted(rng, c["work_status_weights"])
        self.work = []
        if status == "none":
            return None
        day = self._between(self.first_visit, self.last_visit) if status != "permanent_and_stationary" \
            else self._between(self.injury + timedelta(days=180), self.first_visit)
        self.work = [{"status": status, "date": day.isoformat()}]
        template = rng.choice(c["work_status"][status])
        return self._dated(template, day, self.person, lbs=rng.choice((10, 15, 20, 25)))

    def _request(self) -> list[Sentence]:
        rng, c = self.rng, self.clinical
        # Mid-sentence a service reads in lower case, unless it starts with a name or an acronym.
        services = [i.service if i.category == "medication" or re.match(r"\w*[A-Z]\w*[A-Z]", i.service)
                    else i.service[0].lower() + i.service[1:] for i in self.items]
        request = self._dated(rng.choice(c["requests"]), self.rfa, self.person,
                              list=join_list(services, rng))
        ur = self._dated(rng.choice(c["ur_sentences"]["many" if len(self.items) > 1 else "one"]), self.ur,
                         self.person, reason=rng.choice(c["ur_reasons"]))
        return [Sentence(request.text), Sentence(ur.text)]

    def _write_summary(self) -> None:
        for paragraph in self.summary:
            self.page.para(" ".join(s.text for s in paragraph))
            self.page.blank()

    # ---- rationale ------------------------------------------------------------------------

    def _rationale(self, item: Item, conclusion: str) -> str:
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

    def _conclusion(self, item: Item, options: list[str]) -> str:
        # "Prospective request for ..." services already say "request".
        service = item.service
        own = service.lower().startswith(("prospective request", "retrospective request"))
        the_request = f"the {service[0].lower()}{service[1:]}" if own else f"the request for {service}"
        return self.rng.choice(options).format(service=service, Service=cap(service),
                                               the_request=the_request, The_request=cap(the_request))

    # ---- layouts ----------------------------------------------------------------------------

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

    # ---- gold -----------------------------------------------------------------------------

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
            "items": [item.gold(n) for n, item in enumerate(self.items, start=1)],
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
    def _said_before(lower: str, start: int, end: int, mention: Mention) -> bool:
        name = mention.text.lower()
        phrases = [p for p in _phrases().get(mention.label, ()) if p in name or name in p] + [name]
        return any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", lower[start:end]) for p in phrases)

