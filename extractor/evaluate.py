"""Scoring the extractor against gold annotations (``NAME.gold.json``), field by field.

Scalar fields are scored by accuracy; lists (items, specialties, diagnoses, mentions, pain
scores, work status) by precision / recall / F1, pooled over letters (micro) and averaged
per letter (macro). Items are matched on their service text, then each matched item's
fields are scored. Mentions are matched on label and text, then each ConText flag is scored.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from .errors import ExtractionError

SCALARS = (
    "layout", "case_number", "dates.injury", "dates.ur_denial", "dates.assigned", "dates.decision",
    "dates.application_received", "priority", "patient.age", "patient.sex", "reviewer.licensure",
)
ITEM_FIELDS = (
    "decision", "medically_necessary", "category", "body_region", "laterality", "quantity",
    "guideline_sources", "guideline_sections", "claims_administrator_guideline", "maximus_guideline",
)
FLAGS = ("negated", "normal", "historical", "hypothetical", "uncertain", "family", "date")
_GOLD_KEYS = {
    "letter", "layout", "case_number", "dates", "priority", "reviewer", "patient", "diagnoses",
    "work_status", "pain_scores", "items", "mentions", "notes", "source", "warnings", "doc_id",
}
_ITEM_KEYS = set(ITEM_FIELDS) | {"index", "service", "rationale", "evidence", "notes"}
_MENTION_KEYS = set(FLAGS) | {"label", "text", "normalized", "start", "end", "page", "section", "kind", "notes"}
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
        """tp / (tp + fp); 1.0 when nothing was predicted and nothing was expected."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float(self.fn == 0)

    @property
    def recall(self) -> float:
        """tp / (tp + fn)."""
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


def _norm(value: Any) -> Any:
    """Compare texts without case, spacing, trailing punctuation or a leading 'the'."""
    if isinstance(value, str):
        text = re.sub(r"\s+", " ", value).strip().strip(".;:,").lower()
        text = re.sub(r"^the\s+", "", text)
        return text.replace(" - ", "-").replace("- ", "-")
    if isinstance(value, list):
        return sorted(_norm(v) for v in value)
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


def _mention_key_match(g: dict, p: dict) -> bool:
    if g["label"] != p["label"]:
        return False
    gt, pt = _norm(g["text"]), _norm(p["text"])
    if gt == pt or (g.get("normalized") and _norm(g["normalized"]) == _norm(p["normalized"]) and (gt in pt or pt in gt)):
        return True
    return gt in pt or pt in gt


def match_mentions(gold: list[dict], pred: list[dict]) -> list[tuple[Optional[dict], Optional[dict]]]:
    """Pair gold and predicted mentions in text order on label and text.

    Gold mentions are listed in reading order, so each takes the first match after the
    previous pair's mention ("disc bulge" in the diagnosis list is not the MRI's "broad-based
    disc bulge" further on), and any unused match only when nothing follows.
    """
    used: set[int] = set()
    pairs: list[tuple[Optional[dict], Optional[dict]]] = []
    last = -1
    for g in gold:
        matches = [i for i, p in enumerate(pred) if i not in used and _mention_key_match(g, p)]
        hit = next((i for i in matches if i > last), matches[0] if matches else None)
        if hit is None:
            pairs.append((g, None))
        else:
            used.add(hit)
            last = hit
            pairs.append((g, pred[hit]))
    return pairs


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
        ok = _norm(expected) == _norm(got)
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
            got = _get(record, dotted)[1] or []
            counts = _list_counts(expected or [], got, key)
            score.lists[dotted] = counts
            if counts.fp or counts.fn:
                score.misses.append(Miss(name, dotted, expected, got))
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
        counts = Counts()
        for g, p in match_mentions(gold["mentions"] or [], pred):
            if p is None:
                counts.fn += 1
                score.misses.append(Miss(name, f"mentions.{g['label']}", g["text"], None))
                continue
            counts.tp += 1
            for flag in FLAGS:
                if flag == "date" and "date" not in g:
                    continue
                check(f"mentions.{flag}", g.get(flag, None if flag == "date" else False), p.get(flag),
                      about=f"{g['label']} {g['text']!r}")
        # Predicted mentions are many more than an annotator lists: precision is not scored.
        score.lists["mentions"] = counts
    return score


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
        fields = sorted({f for l in letters for f in l.accuracy})
        for f in fields:
            pairs = [l.accuracy[f] for l in letters if f in l.accuracy]
            right, total = sum(p[0] for p in pairs), sum(p[1] for p in pairs)
            result[f] = {"micro": right / total, "macro": sum(p[0] / p[1] for p in pairs) / len(pairs),
                         "n": total, "kind": "accuracy"}
        for f in sorted({f for l in letters for f in l.lists}):
            counts = [l.lists[f] for l in letters if f in l.lists]
            pooled = Counts()
            for c in counts:
                pooled.add(c)
            if f == "mentions":
                # Gold lists some mentions of a letter, not all: only recall is meaningful.
                result[f] = {"micro": pooled.recall, "macro": sum(c.recall for c in counts) / len(counts),
                             "recall": pooled.recall, "n": pooled.tp + pooled.fn, "kind": "recall"}
                continue
            result[f] = {"micro": pooled.f1, "macro": sum(c.f1 for c in counts) / len(counts),
                         "precision": pooled.precision, "recall": pooled.recall,
                         "n": pooled.tp + pooled.fn, "kind": "f1"}
        return result

    def to_dict(self) -> dict[str, Any]:
        """The machine-readable report (``--json``)."""
        return {
            "letters": len([l for l in self.letters if not l.error]),
            "failed": [{"letter": l.name, "error": l.error} for l in self.letters if l.error],
            "groups": {name: self.aggregate(ls) for name, ls in sorted(self.groups().items())},
            "baseline": self.baseline,
        }

    def misses(self) -> list[Miss]:
        """Every wrong field of every letter."""
        return [m for l in self.letters for m in l.misses]


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
    """dev / test / real, from the folder the gold file sits in."""
    if gold.get("letter"):
        return "real"
    for part in reversed(gold_path.parts):
        if part in ("dev", "test", "real"):
            return part
    return gold_path.parent.name


def evaluate(folders: Iterable[Path], letters_dir: Optional[Path] = None, baseline: bool = False,
             pdf: bool = False) -> Report:
    """Run the extractor on every gold-annotated letter under ``folders`` and score it."""
    from .extract import extract_file
    from .pipeline import load

    nlp = load()
    baseline_nlp = _baseline_pipeline() if baseline else None
    letters: list[LetterScore] = []
    base_counts = Counts()
    base_flags: dict[str, list[int]] = defaultdict(lambda: [0, 0])
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
            letters.append(LetterScore(name, "?", "?", error=f"{gold_path}: not valid JSON ({exc.msg}, line {exc.lineno})"))
            continue
        except (GoldError, FileNotFoundError, ExtractionError) as exc:
            letters.append(LetterScore(name, "?", "?", error=str(exc)))
            continue
        letters.append(score_letter(gold, record, name, split))
        if baseline_nlp is not None and gold.get("mentions"):
            labels = {(m["start"], m["end"]): m["label"] for m in record["mentions"]}
            pred = _baseline_mentions(baseline_nlp, record["text"], labels)
            base = score_letter({"mentions": gold["mentions"]}, {}, name, split, mention_source=pred)
            base_counts.add(base.lists["mentions"])
            for key, (right, total) in base.accuracy.items():
                base_flags[key][0] += right
                base_flags[key][1] += total
    report = Report(letters)
    if baseline_nlp is not None:
        report.baseline = {
            "description": "medspaCy default pipeline (PyRuSH sentences, default ConText rules) on the same vocabulary",
            "mentions": {"recall": base_counts.recall, "n": base_counts.tp + base_counts.fn},
            **{k: {"micro": v[0] / v[1], "n": v[1]} for k, v in sorted(base_flags.items()) if v[1]},
        }
    return report


def _baseline_pipeline():
    """medspaCy's default pipeline: PyRuSH, the same vocabulary, default ConText rules."""
    import medspacy

    from .components.targets import load_rules

    nlp = medspacy.load(medspacy_enable=["medspacy_pyrush", "medspacy_target_matcher", "medspacy_context"])
    nlp.get_pipe("medspacy_target_matcher").add(load_rules())
    return nlp


def _baseline_mentions(nlp, text: str, labels: dict) -> list[dict]:
    from spacy.util import filter_spans

    doc = nlp(text)
    out = []
    for ent in filter_spans(list(doc.ents)):
        # Same spans as ours get our label (SERVICE vs TREATMENT is not ConText's job).
        label = labels.get((ent.start_char, ent.end_char), ent.label_)
        out.append({
            "label": label, "text": ent.text,
            "normalized": (ent._.target_rule.metadata or {}).get("normalized", ent.text.lower()),
            "negated": ent._.is_negated, "normal": False, "historical": ent._.is_historical,
            "hypothetical": ent._.is_hypothetical, "uncertain": ent._.is_uncertain,
            "family": ent._.is_family, "date": None,
        })
    return out
