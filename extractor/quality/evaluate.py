"""Scoring the extractor against gold annotations (``NAME.gold.json``), field by field.

Scalar fields are scored by accuracy; lists (items, specialties, diagnoses, pain scores, work
status) by precision / recall / F1, pooled over letters (micro) and averaged per letter
(macro). Items are matched on their service text, then each matched item's fields are scored.
Mentions are placed in the text and matched by their spans (:mod:`extractor.quality.mention_scoring`):
recall always, precision where the gold is blind and exhaustive, and each ConText flag as F1.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from ..errors import ExtractionError
from .mention_scoring import MentionTally, score_mentions

SCALARS = (
    "layout", "case_number", "dates.injury", "dates.ur_denial", "dates.assigned", "dates.decision",
    "dates.application_received", "priority", "patient.age", "patient.sex", "reviewer.licensure",
)
ITEM_FIELDS = (
    "decision", "medically_necessary", "category", "body_region", "laterality", "quantity",
    "quantity_total", "quantity_unit", "frequency", "duration", "refills",
    "guideline_sources", "guideline_sections", "claims_administrator_guideline", "maximus_guideline",
)
# Lists whose order the conventions fix (first-seen order); other lists are compared as sets.
ORDERED_FIELDS = {"items.guideline_sources", "items.guideline_sections"}
FLAGS = ("negated", "normal", "historical", "hypothetical", "uncertain", "family", "date")
_GOLD_KEYS = {
    "letter", "layout", "case_number", "dates", "priority", "reviewer", "patient", "diagnoses",
    "work_status", "pain_scores", "items", "mentions", "notes", "source", "warnings", "doc_id",
    "blind", "annotator",
}
_ITEM_KEYS = set(ITEM_FIELDS) | {"index", "service", "rationale", "evidence", "notes"}
_MENTION_KEYS = set(FLAGS) | {
    "label", "text", "normalized", "start", "end", "page", "section", "kind", "notes", "context"}
SPLITS = ("dev", "test", "untuned", "real-blind", "real-held", "real-tuned")
# Two service texts are the same item when this similar (wrapped or re-spaced text).
_SERVICE_MATCH = 0.8


class GoldError(ValueError):
    """A gold file that cannot be scored: names the file and the field."""


@dataclass
class Counts:
    """True positives, false positives, false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: "Counts") -> None:
        """Pool another count into this one."""
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        """Tp / (tp + fp); 1.0 when nothing was predicted and nothing was expected."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float(self.fn == 0)

    @property
    def recall(self) -> float:
        """Tp / (tp + fn)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Miss:
    """One wrong field: which letter, which field, what was expected and what came out."""

    letter: str
    field: str
    expected: Any
    got: Any
    about: str = ""  # what the field belongs to, e.g. the mention's text for a wrong flag


@dataclass
class LetterScore:
    """The scores of one letter."""

    name: str
    split: str
    layout: str
    accuracy: dict[str, tuple[int, int]] = field(default_factory=dict)  # field -> (right, total)
    lists: dict[str, Counts] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)
    error: Optional[str] = None
    mentions: Optional[MentionTally] = None
    # Blind gold lists every mention of the case summary, so precision can be scored on it.
    exhaustive: bool = False


def _norm(value: Any) -> Any:
    """Compare texts without case, spacing, trailing punctuation or a leading 'the'."""
    if isinstance(value, str):
        text = re.sub(r"\s+", " ", value).strip().strip(".;:,").lower()
        text = re.sub(r"^the\s+", "", text)
        return text.replace(" - ", "-").replace("- ", "-")
    if isinstance(value, list):
        return [_norm(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _get(data: Any, dotted: str) -> tuple[bool, Any]:
    for part in dotted.split("."):
        if not isinstance(data, dict) or part not in data:
            return False, None
        data = data[part]
    return True, data


def _similar(a: str, b: str) -> float:
    return SequenceMatcher(None, _norm(a), _norm(b)).ratio()


def match_items(gold: list[dict], pred: list[dict]) -> list[tuple[Optional[dict], Optional[dict]]]:
    """Pair gold and predicted items on service text (greedy, most similar first)."""
    pairs = sorted(
        ((_similar(g["service"], p["service"]), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(pred)),
        reverse=True,
    )
    used_g: set[int] = set()
    used_p: set[int] = set()
    matched: list[tuple[Optional[dict], Optional[dict]]] = []
    for score, gi, pi in pairs:
        if score < _SERVICE_MATCH or gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        matched.append((gold[gi], pred[pi]))
    matched += [(g, None) for i, g in enumerate(gold) if i not in used_g]
    matched += [(None, p) for i, p in enumerate(pred) if i not in used_p]
    return matched


def _list_counts(gold: list, pred: list, key: Callable[[Any], Any]) -> Counts:
    remaining = [key(p) for p in pred]
    counts = Counts()
    for g in gold:
        k = key(g)
        if k in remaining:
            remaining.remove(k)
            counts.tp += 1
        else:
            counts.fn += 1
    counts.fp = len(remaining)
    return counts


def validate_gold(data: Any, name: str) -> None:
    """Raise :class:`GoldError` naming the file and field for unknown or malformed fields."""
    if not isinstance(data, dict):
        raise GoldError(f"{name}: a gold file must hold a JSON object")
    for key in data:
        if key not in _GOLD_KEYS:
            raise GoldError(f"{name}: unknown field '{key}'")
    for i, item in enumerate(data.get("items") or [], start=1):
        if not isinstance(item, dict) or "service" not in item:
            raise GoldError(f"{name}: items[{i}] needs a 'service'")
        for key in item:
            if key not in _ITEM_KEYS:
                raise GoldError(f"{name}: unknown field 'items[{i}].{key}'")
    for i, mention in enumerate(data.get("mentions") or [], start=1):
        if not isinstance(mention, dict) or "label" not in mention or "text" not in mention:
            raise GoldError(f"{name}: mentions[{i}] needs 'label' and 'text'")
        for key in mention:
            if key not in _MENTION_KEYS:
                raise GoldError(f"{name}: unknown field 'mentions[{i}].{key}'")


def score_letter(gold: dict, record: dict, name: str, split: str,
                 mention_source: Optional[list[dict]] = None) -> LetterScore:
    """Score one record (as a dict) against its gold annotation."""
    score = LetterScore(name, split, gold.get("layout") or record.get("layout", "unknown"))

    def check(fieldname: str, expected: Any, got: Any, about: str = "") -> None:
        right, total = score.accuracy.get(fieldname, (0, 0))
        want, have = _norm(expected), _norm(got)
        if fieldname not in ORDERED_FIELDS and isinstance(want, list) and isinstance(have, list):
            want, have = sorted(want, key=str), sorted(have, key=str)
        ok = want == have
        score.accuracy[fieldname] = (right + ok, total + 1)
        if not ok:
            score.misses.append(Miss(name, fieldname, expected, got, about))

    for dotted in SCALARS:
        present, expected = _get(gold, dotted)
        if present:
            check(dotted, expected, _get(record, dotted)[1])
    for dotted, key in (("reviewer.specialties", _norm), ("diagnoses", _norm)):
        present, expected = _get(gold, dotted)
        if present:
            expected = [_diagnosis_text(d) for d in expected or []]
            got = [_diagnosis_text(d) for d in _get(record, dotted)[1] or []]
            counts = _list_counts(expected or [], got, key)
            score.lists[dotted] = counts
            if counts.fp or counts.fn:
                score.misses.append(Miss(name, dotted, expected, got))
    if any(isinstance(d, dict) and "icd10" in d for d in gold.get("diagnoses") or []):
        coded = record.get("diagnosis_codes") or [
            {"text": d, "code": None} for d in record.get("diagnoses") or []]
        _score_codes(gold["diagnoses"], [{"text": c["text"], "icd10": c.get("code")} for c in coded], check)
    if "work_status" in gold:
        score.lists["work_status"] = _list_counts(
            gold["work_status"] or [], record.get("work_status") or [], lambda w: (w["status"], w.get("date")))
    if "pain_scores" in gold:
        score.lists["pain_scores"] = _list_counts(
            gold["pain_scores"] or [], record.get("pain_scores") or [],
            lambda p: (_norm(float(p["score"])), p.get("date")))
    if "items" in gold:
        counts = Counts()
        for g, p in match_items(gold["items"] or [], record.get("items") or []):
            if g and p:
                counts.tp += 1
                for key in ITEM_FIELDS:
                    if key in g:
                        check(f"items.{key}", g[key], p.get(key), about=g["service"])
            elif g:
                counts.fn += 1
                score.misses.append(Miss(name, "items", g["service"], None))
            else:
                counts.fp += 1
                score.misses.append(Miss(name, "items", None, p["service"]))
        score.lists["items"] = counts
    if "mentions" in gold:
        pred = mention_source if mention_source is not None else record.get("mentions") or []
        score.exhaustive = bool(gold.get("blind"))
        score.mentions = score_mentions(gold["mentions"] or [], pred, record.get("text") or "",
                                        summary_only=score.exhaustive)
        for g in score.mentions.missed:
            score.misses.append(Miss(name, f"mentions.{g['label']}", g["text"], None))
        for about, flag, want, got in score.mentions.flag_misses:
            score.misses.append(Miss(name, f"mentions.{flag}", want, got, about))
    return score


def _diagnosis_text(diagnosis: Any) -> Any:
    """A diagnosis as text, whether written as a string or as ``{"text", "icd10"}``."""
    return diagnosis.get("text") if isinstance(diagnosis, dict) else diagnosis


def _score_codes(gold: list, pred: list, check: Callable[..., None]) -> None:
    """The ICD-10-CM code of each gold diagnosis that has one, on the diagnosis with its text."""
    codes = {_norm(_diagnosis_text(p)): (p.get("icd10") if isinstance(p, dict) else None) for p in pred}
    for g in gold:
        if isinstance(g, dict) and g.get("icd10") and _norm(g["text"]) in codes:
            got = (codes[_norm(g["text"])] or "").upper() or None
            check("diagnoses.icd10", g["icd10"].upper(), got, about=g["text"])
            # The same 3-character category: right condition, another specificity or side.
            check("diagnoses.icd10_category", g["icd10"].upper()[:3], got[:3] if got else None, about=g["text"])


@dataclass
class Report:
    """All letter scores, with micro and macro aggregates by split and layout."""

    letters: list[LetterScore]
    baseline: dict[str, Any] = field(default_factory=dict)

    def groups(self) -> dict[str, list[LetterScore]]:
        """Letters grouped by split, by layout, and all together."""
        out: dict[str, list[LetterScore]] = defaultdict(list)
        for letter in self.letters:
            if letter.error:
                continue
            out[f"split:{letter.split}"].append(letter)
            out[f"layout:{letter.layout}"].append(letter)
            out["all"].append(letter)
        return dict(out)

    @staticmethod
    def aggregate(letters: list[LetterScore]) -> dict[str, dict[str, float]]:
        """Micro and macro scores of a group of letters."""
        result: dict[str, dict[str, float]] = {}
        fields = sorted({f for letter in letters for f in letter.accuracy})
        for f in fields:
            pairs = [letter.accuracy[f] for letter in letters if f in letter.accuracy]
            right, total = sum(p[0] for p in pairs), sum(p[1] for p in pairs)
            result[f] = {"micro": right / total, "macro": sum(p[0] / p[1] for p in pairs) / len(pairs),
                         "n": total, "kind": "accuracy"}
        result.update(Report._mention_figures(letters))
        for f in sorted({f for letter in letters for f in letter.lists}):
            counts = [letter.lists[f] for letter in letters if f in letter.lists]
            pooled = Counts()
            for c in counts:
                pooled.add(c)
            result[f] = {"micro": pooled.f1, "macro": sum(c.f1 for c in counts) / len(counts),
                         "precision": pooled.precision, "recall": pooled.recall,
                         "n": pooled.tp + pooled.fn, "kind": "f1"}
        return result

    @staticmethod
    def _mention_figures(letters: list[LetterScore]) -> dict[str, dict[str, Any]]:
        """Mention figures pooled over letters; precision only over letters with blind gold."""
        scored = [letter for letter in letters if letter.mentions is not None]
        if not scored:
            return {}
        pooled, exhaustive = MentionTally(), MentionTally()
        for letter in scored:
            pooled.add(letter.mentions)  # type: ignore[arg-type]
            if letter.exhaustive:
                exhaustive.add(letter.mentions)  # type: ignore[arg-type]
        figures = pooled.figures(with_precision=False)
        if any(letter.exhaustive for letter in scored):
            figures.update({k: v for k, v in exhaustive.figures(with_precision=True).items()
                            if k not in figures})
        # Each letter's own figures, for the macro average (computed once, not per figure).
        per_letter = [letter.mentions.figures(letter.exhaustive) for letter in scored]  # type: ignore[union-attr]
        result: dict[str, dict[str, Any]] = {}
        for name, (value, n) in figures.items():
            values = [f[name][0] for f in per_letter if name in f and f[name][1]]
            last = name.split(".")[-1]
            kind = "accuracy" if last == "date" else "f1" if last in FLAGS or last.endswith("f1") else "ratio"
            result[name] = {"micro": value, "macro": sum(values) / len(values) if values else value,
                            "n": n, "kind": kind}
        return result

    def to_dict(self) -> dict[str, Any]:
        """The machine-readable report (``--json``)."""
        return {
            "letters": len([letter for letter in self.letters if not letter.error]),
            "failed": [{"letter": letter.name, "error": letter.error} for letter in self.letters if letter.error],
            "groups": {name: self.aggregate(ls) for name, ls in sorted(self.groups().items())},
            "baseline": self.baseline,
        }

    def misses(self) -> list[Miss]:
        """Every wrong field of every letter."""
        return [m for letter in self.letters for m in letter.misses]


def find_gold(folders: Iterable[Path]) -> list[Path]:
    """Every ``*.gold.json`` under the folders, sorted."""
    found: list[Path] = []
    for folder in folders:
        folder = Path(folder)
        found += [folder] if folder.is_file() else sorted(folder.rglob("*.gold.json"))
    return found


def letter_for(gold_path: Path, gold: dict, letters_dir: Optional[Path]) -> Path:
    """The letter a gold file annotates: beside it, or named by ``letter`` in ``letters_dir``."""
    if gold.get("letter"):
        candidates = [letters_dir / gold["letter"]] if letters_dir else []
        for parent in gold_path.resolve().parents:
            candidates.append(parent / "shared" / "real" / "dev" / gold["letter"])
        for candidate in candidates:
            if candidate.is_file():
                return candidate
        raise FileNotFoundError(f"letter {gold['letter']} not found (give its folder with --letters)")
    stem = gold_path.name[: -len(".gold.json")]
    for suffix in (".txt", ".pdf"):
        candidate = gold_path.with_name(stem + suffix)
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"no letter {stem}.txt or {stem}.pdf beside the gold file")


def split_of(gold_path: Path, gold: dict) -> str:
    """The split a gold file belongs to: the corpus folder it sits in.

    ``dev`` and ``test`` hold written letters (the rules were tuned on them), ``untuned`` written
    letters scored once and never tuned on, ``real-blind`` and ``real-held`` blind gold of real
    letters (rules may be tuned on the first, never on the second) and ``real-tuned`` gold of
    real letters written with sight of the extractor's output.
    """
    for part in reversed(gold_path.resolve().parent.parts):
        if part in SPLITS:
            return part
    return "real-tuned" if gold.get("letter") else gold_path.parent.name


def evaluate(folders: Iterable[Path], letters_dir: Optional[Path] = None, baseline: bool = False,
             pdf: bool = False) -> Report:
    """Run the extractor on every gold-annotated letter under ``folders`` and score it."""
    from ..extract import extract_file
    from ..pipeline import load

    nlp = load()
    baseline_nlp = _baseline_pipeline() if baseline else None
    letters: list[LetterScore] = []
    base_letters: list[LetterScore] = []
    for gold_path in find_gold(folders):
        name = gold_path.name[: -len(".gold.json")]
        try:
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            validate_gold(gold, str(gold_path))
            split = split_of(gold_path, gold)
            path = letter_for(gold_path, gold, letters_dir)
            if pdf and path.suffix == ".txt" and path.with_suffix(".pdf").exists():
                path = path.with_suffix(".pdf")
            record = extract_file(path, nlp=nlp).to_dict()
        except json.JSONDecodeError as exc:
            letters.append(LetterScore(name, "?", "?",
                                       error=f"{gold_path}: not valid JSON ({exc.msg}, line {exc.lineno})"))
            continue
        except (GoldError, FileNotFoundError, ExtractionError) as exc:
            letters.append(LetterScore(name, "?", "?", error=str(exc)))
            continue
        letters.append(score_letter(gold, record, name, split))
        if baseline_nlp is not None and gold.get("mentions"):
            pred = _baseline_mentions(baseline_nlp, record)
            base = score_letter({"mentions": gold["mentions"], "blind": gold.get("blind")},
                                {"text": record["text"]}, name, split, mention_source=pred)
            base_letters.append(base)
    report = Report(letters)
    if baseline_nlp is not None:
        figures = Report._mention_figures(base_letters)
        report.baseline = {
            "description": "medspaCy default pipeline (PyRuSH sentences, default ConText rules) on the same vocabulary",
            **{k: {"micro": v["micro"], "n": v["n"]} for k, v in sorted(figures.items())},
        }
    return report


def _baseline_pipeline():
    """MedspaCy's default pipeline: PyRuSH, the same vocabulary, default ConText rules."""
    import medspacy

    from ..components.targets import load_rules

    nlp = medspacy.load(medspacy_enable=["medspacy_pyrush", "medspacy_target_matcher", "medspacy_context"])
    nlp.get_pipe("medspacy_target_matcher").add(load_rules())
    return nlp


def _baseline_mentions(nlp, record: dict) -> list[dict]:
    from spacy.util import filter_spans

    text = record["text"]
    labels = {(m["start"], m["end"]): m["label"] for m in record["mentions"]}
    # The baseline has no sectionizer: it takes the case summary's bounds from our record.
    summary = [(m["start"], m["end"]) for m in record["mentions"] if m.get("section") == "case_summary"]
    low = min((s for s, _ in summary), default=0)
    high = max((e for _, e in summary), default=0)
    doc = nlp(text)
    out = []
    for ent in filter_spans(list(doc.ents)):
        # Same spans as ours get our label (SERVICE vs TREATMENT is not ConText's job).
        label = labels.get((ent.start_char, ent.end_char), ent.label_)
        out.append({
            "label": label, "text": ent.text, "start": ent.start_char, "end": ent.end_char,
            "section": "case_summary" if low <= ent.start_char < high else "other",
            "normalized": (ent._.target_rule.metadata or {}).get("normalized", ent.text.lower()),
            "negated": ent._.is_negated, "normal": False, "historical": ent._.is_historical,
            "hypothetical": ent._.is_hypothetical, "uncertain": ent._.is_uncertain,
            "family": ent._.is_family, "date": None,
        })
    return out


def agreement(first: Iterable[Path], second: Path, letters_dir: Optional[Path] = None) -> Report:
    """Agreement of two annotators: the second's files scored as if the first's were gold.

    ``second`` holds one annotation per letter (any ``*.json`` naming its ``letter``); each is
    paired with the blind gold file of the same letter under the ``first`` folders. Both annotators' mentions are
    placed in the record's text, so mentions agree when their spans overlap, as in scoring.
    """
    from ..extract import extract_file
    from ..pipeline import load
    from .mention_scoring import place_gold

    nlp = load()
    firsts: dict[str, tuple[Path, dict]] = {}
    for path in find_gold(first):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("blind") and data.get("letter"):
            firsts[data["letter"]] = (path, data)
    scores: list[LetterScore] = []
    for path in sorted(Path(second).glob("*.json")):
        other = json.loads(path.read_text(encoding="utf-8"))
        if other.get("letter") not in firsts:
            continue
        gold_path, gold = firsts[other["letter"]]
        text = extract_file(letter_for(gold_path, gold, letters_dir), nlp=nlp).text
        placed = place_gold(other.get("mentions") or [], text)
        mentions = [{**m, "start": span[0], "end": span[1], "section": "case_summary"}
                    for m, span in zip(other.get("mentions") or [], placed) if span is not None]
        record = {**other, "text": text, "mentions": mentions}
        scores.append(score_letter({**gold, "blind": True}, record, path.name.split(".")[0], "agreement"))
    return Report(scores)
