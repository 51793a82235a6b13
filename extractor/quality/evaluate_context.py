"""Scoring ConText alone on sentences with one target each (``corpora/sentences/*.jsonl``).

Each line: ``{"id", "style", "text", "target", "negated", "historical", "hypothetical",
"uncertain", "family"}``, the target occurring once in the text. The project's ConText
(:func:`extractor.context_flags`) and medspaCy's default ConText rules get the same target span;
each flag is scored as precision, recall and F1 (a flag that is rarely true makes accuracy
meaningless), overall and by style.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable

from .evaluate import Counts

SENTENCE_FLAGS = ("negated", "historical", "hypothetical", "uncertain", "family")
_KEYS = {"id", "style", "text", "target", *SENTENCE_FLAGS, "notes"}


def read_sentences(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """The sentences of every JSONL file (or folder of them), checked; a bad line names its file and line."""
    rows = []
    for path in paths:
        files = sorted(Path(path).glob("*.jsonl")) if Path(path).is_dir() else [Path(path)]
        for file in files:
            for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
                if not line.strip():
                    continue
                row = json.loads(line)
                unknown = set(row) - _KEYS
                if unknown or row["text"].count(row["target"]) != 1:
                    why = f"unknown keys {sorted(unknown)}" if unknown else "target must occur exactly once in text"
                    raise ValueError(f"{file}:{number}: {why}")
                rows.append(row)
    return rows


def _medspacy_default():
    """MedspaCy's default ConText rules behind PyRuSH sentences (the baseline)."""
    import medspacy

    return medspacy.load(medspacy_enable=["medspacy_pyrush", "medspacy_context"])


def _medspacy_flags(nlp, text: str, span: tuple[int, int]) -> dict[str, bool]:
    doc = nlp.make_doc(text)
    doc.ents = [doc.char_span(*span, label="TARGET", alignment_mode="expand")]
    for _, pipe in nlp.pipeline:
        doc = pipe(doc)
    ent = doc.ents[0]
    return {"negated": ent._.is_negated, "historical": ent._.is_historical, "hypothetical": ent._.is_hypothetical,
            "uncertain": ent._.is_uncertain, "family": ent._.is_family}


def evaluate_context(paths: Iterable[Path], baseline: bool = True) -> dict[str, Any]:
    """Per-flag precision, recall and F1 of the project's ConText (and medspaCy's default)."""
    from ..context_flags import context_flags

    rows = read_sentences(paths)
    systems = {"imr-extractor": lambda text, span: context_flags(text, [span])[0]}
    if baseline:
        nlp = _medspacy_default()
        systems["medspaCy default"] = lambda text, span: _medspacy_flags(nlp, text, span)
    counts: dict[str, dict[str, dict[str, Counts]]] = {
        name: defaultdict(lambda: {f: Counts() for f in SENTENCE_FLAGS}) for name in systems}
    misses = []
    for row in rows:
        start = row["text"].index(row["target"])
        span = (start, start + len(row["target"]))
        for name, flags_of in systems.items():
            got = flags_of(row["text"], span)
            for flag in SENTENCE_FLAGS:
                want, have = bool(row.get(flag)), bool(got.get(flag))
                for group in ("all", f"style:{row.get('style', '?')}"):
                    c = counts[name][group][flag]
                    c.tp += want and have
                    c.fp += have and not want
                    c.fn += want and not have
                if name == "imr-extractor" and want != have:
                    misses.append({"id": row["id"], "flag": flag, "expected": want, "got": have})
    report: dict[str, Any] = {"sentences": len(rows), "systems": {}, "misses": misses}
    for name, groups in counts.items():
        report["systems"][name] = {
            group: {flag: {"precision": c.precision, "recall": c.recall, "f1": c.f1, "n": c.tp + c.fn}
                    for flag, c in flags.items()}
            for group, flags in sorted(groups.items())}
    return report
