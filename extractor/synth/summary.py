"""The case summary: the worker's history, the visits and the plan, as sentences with gold mentions.

Its findings lean toward each item's decision with some probability, as in real letters: an exam
tends to show what an overturned request needs and to lack what an upheld one lacked.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any, Optional

from .case import DrawnItem, GoldMention, Sentence
from .templates import Slots, cap, join_list, weighted

# Findings on examination decide for or against these categories (imaging, injections, ...).
_FINDING_LED = ("imaging", "injection", "surgery", "lab")


class SummaryMixin:
    """Writes the clinical summary of a :class:`~extractor.synth.composer.LetterComposer`.

    Reads the drawn case; sets the gold lists the summary states (``diagnoses``, ``pain``,
    ``work``) and what later parts cite (``imaging``, ``prior_treatments``).
    """

    def _dated(self, template: str, day: date, slots: Slots, mentions: Optional[list[GoldMention]] = None,
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
            history.append(Sentence(rs.fill(reg["complaints"][k]), [GoldMention(label, text)]))
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
            mentions = [GoldMention(label, text, historical=True) for label, text in entry["mentions"]]
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
        mentions = [GoldMention("TREATMENT", t["mention"], historical=True)
                    for t in chosen if t.get("mention")]
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
        mentions = [GoldMention("TREATMENT", n) for n in names]
        mentions += [GoldMention("TREATMENT", m.get("mention", m["name"])) for m in chosen]
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
                    mention = GoldMention("FINDING", form["mention"], negated=True,
                                          normal=form.get("normal", False))
                    absent.append(Sentence(slots.fill(form["text"]), [mention]))
        template = rng.choice(c["exam_sentences"])
        mentions = [GoldMention("FINDING", m) for _, m in present if m]
        listed = join_list([t for t, _ in present], rng)
        out = [self._dated(template, self.last_visit, slots, mentions, list=listed)]
        out += absent
        if full and self._lean(name) != "for" and rng.random() < 0.6:
            denial = rng.choice(r["denials"])
            mentions = [GoldMention(label, text, negated=True) for label, text in denial["mentions"]]
            out.append(Sentence(slots.fill(denial["text"]), mentions))
        return out

    def _evidence(self, item: DrawnItem) -> Sentence:
        entry = self.rng.choice(item.kind["evidence"][item.evidence])
        mentions = [GoldMention(m["label"], m["text"], negated=m.get("negated", False),
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
