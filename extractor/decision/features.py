"""The features table: one row per disputed item, with only what is known before the decision.

Read from a dataset folder (tables letters, items, mentions) so it works on any archive already
extracted, by this engine or by Spark. The columns are fixed by ``models/features.json`` and
the vocabulary's kinds, never by the data, so a model trained on one archive can score another.

Leakage is kept out by construction: the rationale, the MAXIMUS guideline, the guideline
sections and the decision lines are never read, and mentions count only in the sections that
describe the case before the decision (``pre_decision_sections``).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

import pandas as pd

from ..components.targets import VOCABULARY_FILES
from ..dataset import DatasetError, read_table
from ..dataset.csv_safe import restore, to_csv
from ..recognizers.guidelines import sources as guideline_sources
from ..resources import read_json, read_jsonl

SPEC_FILE = "features.json"

# What the features need from each table; a dataset without them gets a DatasetError naming them.
NEEDS = {
    "letters": ("doc_id", "case_number", "injury_date", "ur_denial_date", "priority",
                "reviewer_specialties", "patient_age", "patient_sex", "diagnoses",
                "work_status", "pain_scores", "n_items"),
    "items": ("doc_id", "index", "service", "category", "body_region", "laterality", "quantity",
              "decision", "claims_administrator_guideline", "evidence_start", "evidence_end"),
    "mentions": ("doc_id", "label", "kind", "start", "end", "section", "negated", "normal",
                 "hypothetical", "family"),
}


@lru_cache(maxsize=1)
def spec() -> dict[str, Any]:
    """The features specification (``models/features.json``)."""
    return read_json(SPEC_FILE)


@lru_cache(maxsize=1)
def vocabulary_kinds() -> dict[str, tuple[str, ...]]:
    """Kinds per mention label, from the vocabulary files (sorted, so columns are stable)."""
    kinds: dict[str, set[str]] = {}
    for name in VOCABULARY_FILES:
        for row in read_jsonl(name):
            kind = (row.get("metadata") or {}).get("kind")
            if kind:
                kinds.setdefault(row["category"], set()).add(kind)
    return {label: tuple(sorted(values)) for label, values in kinds.items()}


def count_columns() -> list[tuple[str, str, str, str]]:
    """``(column, prefix, label, kind)`` for every mention-count column."""
    found = []
    kinds = vocabulary_kinds()
    for group in spec()["counts"]:
        for label in group["labels"]:
            for kind in kinds.get(label, ()):
                stem = kind if group["prefix"] == "prior" else f"{label.lower()}_{kind}"
                found.append((f"{group['prefix']}_{stem}", group["prefix"], label, kind))
    return found


def input_columns() -> dict[str, str]:
    """Model input columns and their type: ``category`` or ``number``."""
    columns = {c["name"]: c["type"] for c in spec()["columns"]}
    columns.update({name: "number" for name, *_ in count_columns()})
    return columns


def all_columns() -> list[str]:
    """Every column of the features table, in order: keys, labels, inputs."""
    return [c["name"] for c in spec()["keys"]] + [c["name"] for c in spec()["labels"]] + list(input_columns())


def columns_hash() -> str:
    """A fingerprint of the feature set: a model trained on other columns is refused."""
    text = json.dumps([spec()["version"], input_columns()], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def column_docs() -> list[tuple[str, str, str]]:
    """``(column, type, description)`` for every column, for ``docs/analysis.md`` and ``--describe``."""
    rows = [(c["name"], c["type"], c["description"]) for c in spec()["keys"] + spec()["labels"] + spec()["columns"]]
    for group in spec()["counts"]:
        for label in group["labels"]:
            stem = "<kind>" if group["prefix"] == "prior" else f"{label.lower()}_<kind>"
            kinds = ", ".join(vocabulary_kinds().get(label, ()))
            rows.append((f"{group['prefix']}_{stem}", "number", f"{group['description']} Kinds: {kinds}."))
    return rows


# ---------------------------------------------------------------------------------------------
# Values of single columns

_QUANTITY = [
    ("count", re.compile(r"^#(?P<n>\d+)$")),
    ("course", re.compile(r"^(?:\d+-)?(?P<a>\d+)x(?P<b>\d+)$")),
    ("unit", re.compile(r"^(?P<n>\d+(?:\.\d+)?) (?P<unit>[a-z]+)$")),
]


def quantity_parts(quantity: Any) -> tuple[Optional[str], Optional[float]]:
    """``('count', 60)`` for ``#60``, ``('course', 8)`` for ``2x4``, ``('sessions', 12)`` ..."""
    if not isinstance(quantity, str) or not quantity:
        return None, None
    for kind, pattern in _QUANTITY:
        m = pattern.match(quantity.strip())
        if not m:
            continue
        if kind == "count":
            return kind, float(m.group("n"))
        if kind == "course":
            return kind, float(int(m.group("a")) * int(m.group("b")))
        return m.group("unit"), float(m.group("n"))
    return "other", None


def _entries(value: Any) -> list[dict]:
    """The structs of a list-of-structs cell (``work_status``, ``pain_scores``); none for a null cell."""
    return [e for e in value if isinstance(e, dict)] if isinstance(value, (list, tuple)) else []


def _latest(entries: list[dict]) -> Optional[dict]:
    """The latest entry by date; undated entries count by their position in the letter."""
    if not entries:
        return None
    dated = [e for e in entries if e.get("date")]
    return max(dated, key=lambda e: e["date"]) if dated else entries[-1]


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str) and v] if isinstance(value, (list, tuple)) else []


def _days(start: Any, end: Any) -> Optional[float]:
    try:
        return float((pd.Timestamp(end) - pd.Timestamp(start)).days)
    except (ValueError, TypeError):
        return None


def _number(value: Any) -> Optional[float]:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _flag(value: Any) -> bool:
    # A nullable boolean column gives pd.NA for a missing flag.
    return False if value is None or value is pd.NA else bool(value)


def letter_features(letter: pd.Series) -> dict[str, Any]:
    """The columns that come from the letter (shared by its items)."""
    pains = _entries(letter.get("pain_scores"))
    scores = [p["score"] for p in pains if isinstance(p.get("score"), (int, float))]
    last_pain = _latest([p for p in pains if isinstance(p.get("score"), (int, float))])
    status = _latest(_entries(letter.get("work_status")))
    specialties = _strings(letter.get("reviewer_specialties"))
    denial = letter.get("ur_denial_date")
    denial = None if denial is None or pd.isna(denial) else pd.Timestamp(denial)
    return {
        "reviewer_specialty": specialties[0] if specialties else None,
        "reviewer_n_specialties": float(len(specialties)),
        "patient_age": _number(letter.get("patient_age")),
        "patient_sex": letter.get("patient_sex") if isinstance(letter.get("patient_sex"), str) else None,
        "priority": letter.get("priority") if isinstance(letter.get("priority"), str) else None,
        "ur_denial_year": float(denial.year) if denial is not None else None,
        "days_injury_to_ur_denial": _days(letter.get("injury_date"), denial),
        "letter_items": _number(letter.get("n_items")),
        "n_diagnoses": float(len(_strings(letter.get("diagnoses")))),
        "pain_score_max": float(max(scores)) if scores else None,
        "pain_score_last": float(last_pain["score"]) if last_pain else None,
        "work_status": status.get("status") if status else None,
    }


def mention_counts(mentions: pd.DataFrame) -> dict[str, float]:
    """Present, absent and prior-treatment counts of one letter's pre-decision mentions."""
    counts = {name: 0.0 for name, *_ in count_columns()}
    sections = set(spec()["pre_decision_sections"])
    for m in mentions.itertuples(index=False):
        if m.section not in sections or not isinstance(m.kind, str):
            continue
        negated, normal = _flag(m.negated), _flag(m.normal)
        if _flag(m.hypothetical) or _flag(m.family):
            continue
        if m.label == "TREATMENT":
            name = f"prior_{m.kind}"
            if not negated and name in counts:
                counts[name] += 1
            continue
        prefix = "absent" if negated or normal else "present"
        name = f"{prefix}_{str(m.label).lower()}_{m.kind}"
        if name in counts:
            counts[name] += 1
    return counts


def item_features(item: pd.Series, mentions: pd.DataFrame) -> dict[str, Any]:
    """The columns that come from the item itself."""
    kind = None
    start, end = _number(item.get("evidence_start")), _number(item.get("evidence_end"))
    if start is not None and end is not None and len(mentions):
        inside = mentions[((mentions["start"] >= start) & (mentions["end"] <= end)).fillna(False)
                          & mentions["kind"].notna()]
        if len(inside):
            kind = inside.sort_values("start").iloc[0]["kind"]
    quantity_kind, units = quantity_parts(item.get("quantity"))
    category = item.get("category") if isinstance(item.get("category"), str) else None
    found = guideline_sources(item.get("claims_administrator_guideline")
                              if isinstance(item.get("claims_administrator_guideline"), str) else None)

    def text(name: str) -> Optional[str]:
        value = item.get(name)
        return value if isinstance(value, str) and value else None

    return {
        "service_category": category,
        "service_kind": kind,
        "medication_class": kind if category == "medication" else None,
        "body_region": text("body_region"),
        "laterality": text("laterality"),
        "quantity_kind": quantity_kind,
        "quantity_units": units,
        "ca_guideline_sources": "; ".join(found) if found else "none",
    }


def build_features(dataset: Path) -> pd.DataFrame:
    """The features table of a dataset folder: one row per item, columns as documented."""
    letters = read_table(dataset, "letters", require=NEEDS["letters"])
    items = read_table(dataset, "items", require=NEEDS["items"])
    mentions = read_table(dataset, "mentions", require=NEEDS["mentions"])
    return features_from_tables(letters, items, mentions)


def features_from_tables(letters: pd.DataFrame, items: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """The features table from the three tables as DataFrames (see :func:`build_features`)."""
    by_letter = {row["doc_id"]: row for _, row in letters.iterrows()}
    mentions_of = {doc_id: group for doc_id, group in mentions.groupby("doc_id")} if len(mentions) else {}
    empty = mentions.iloc[0:0]
    letter_cache: dict[str, dict[str, Any]] = {}
    rows = []
    for _, item in items.iterrows():
        doc_id = item["doc_id"]
        letter = by_letter.get(doc_id)
        if letter is None:
            raise DatasetError(f"items row for doc_id {doc_id} has no letters row: the dataset is incomplete")
        its_mentions = mentions_of.get(doc_id, empty)
        if doc_id not in letter_cache:
            letter_cache[doc_id] = {**letter_features(letter), **mention_counts(its_mentions)}
        decision = item.get("decision") if isinstance(item.get("decision"), str) else None
        rows.append({
            "doc_id": doc_id,
            "case_number": letter.get("case_number") if isinstance(letter.get("case_number"), str) else None,
            "item_index": int(item["index"]),
            "service": item.get("service"),
            "decision": decision,
            "upheld": None if decision is None else decision == "upheld",
            **item_features(item, its_mentions),
            **letter_cache[doc_id],
        })
    frame = pd.DataFrame(rows, columns=all_columns())
    for name, kind in input_columns().items():
        frame[name] = frame[name].astype("float64" if kind == "number" else "object")
    return frame


def write_features(frame: pd.DataFrame, path: Path, *, csv_raw: bool = False) -> Path:
    """Write a features table; the format follows the suffix (.parquet, .csv, .jsonl).

    In CSV, string cells a spreadsheet would run as formulas get a leading quote (see
    :mod:`extractor.dataset.csv_safe`) unless ``csv_raw`` is set.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    if path.suffix == ".parquet":
        frame.to_parquet(tmp, index=False)
    elif path.suffix == ".csv":
        to_csv(frame, tmp, csv_raw=csv_raw)
    elif path.suffix in (".jsonl", ".json"):
        frame.to_json(tmp, orient="records", lines=True)
    else:
        raise ValueError(f"unknown features format '{path.suffix}': use .parquet, .csv or .jsonl")
    tmp.replace(path)
    return path


def add_features_table(dataset: Path, fmt: str = "parquet", *, csv_raw: bool = False) -> Path:
    """Write ``DATASET/features/part-00000.<fmt>`` beside the other tables (``run --features``)."""
    suffix = {"parquet": ".parquet", "csv": ".csv", "jsonl": ".jsonl"}[fmt]
    return write_features(build_features(dataset), Path(dataset) / "features" / f"part-00000{suffix}",
                          csv_raw=csv_raw)


def read_features(path: Path) -> pd.DataFrame:
    """A features table from a file, or built from a dataset folder."""
    path = Path(path)
    if path.is_dir():
        if (path / "features").is_dir() and any((path / "features").glob("part-*")):
            return read_features(sorted((path / "features").glob("part-*"))[0])
        return build_features(path)
    if not path.exists():
        raise DatasetError(f"{path} does not exist (give a dataset folder or a features file)")
    if path.suffix == ".parquet":
        frame = pd.read_parquet(path)
    elif path.suffix == ".csv":
        frame = restore(pd.read_csv(path))  # as built, before write_features quoted formula-like cells
    elif path.suffix in (".jsonl", ".json"):
        frame = pd.read_json(path, lines=True)
    else:
        raise DatasetError(f"unknown features format '{path.suffix}': use .parquet, .csv or .jsonl")
    missing = [c for c in all_columns() if c not in frame.columns]
    if missing:
        raise DatasetError(f"features file {path} lacks column(s) {', '.join(missing)}: "
                           "it was written by another version of the features; rebuild it with 'imr-extract features'")
    return frame
