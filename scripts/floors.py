"""Measure the scores behind the test floors and raise the floors they allow.

    python scripts/floors.py            # print measured scores and the floors they allow
    python scripts/floors.py --write    # write them into tests/thresholds.json and tests/guards.json

A floor is ``margin`` below the measured score, rounded down to two decimals. Writing never
lowers a floor: a floor that must drop is lowered by hand, in a commit whose message carries a
``thresholds-lowered:`` line with the reason (tests/test_floors.py checks the history).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from extractor.quality.evaluate import evaluate

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "real" / "dev"
# Which file holds which split's floors: accuracy floors on letters the rules were not tuned
# on, and regression guards on letters they were.
FILES = {
    "tests/thresholds.json": {"untuned": ROOT / "corpora" / "untuned", "real-held": ROOT / "corpora" / "real-held"},
    "tests/guards.json": {"test": ROOT / "corpora" / "test", "real-tuned": ROOT / "corpora" / "real-tuned",
                          "real-blind": ROOT / "corpora" / "real-blind"},
}


def measure(folder: Path, split: str) -> dict[str, float]:
    """The micro score of every field of ``split`` (fields with nothing to score left out)."""
    report = evaluate([folder], letters_dir=REAL if REAL.is_dir() else None)
    failed = [letter.error for letter in report.letters if letter.error]
    if failed:
        raise SystemExit(f"{split}: letters not scored: {failed}")
    scores = report.to_dict()["groups"][f"split:{split}"]
    return {name: round(value["micro"], 4) for name, value in sorted(scores.items()) if value["n"]}


def main(write: bool) -> None:
    """Measure every split and print (or write) the floors."""
    for name, splits in FILES.items():
        path = ROOT / name
        data = json.loads(path.read_text())
        margin = data["margin"]
        for split, folder in splits.items():
            old = data.get(split, {})
            new = {}
            for field, measured in measure(folder, split).items():
                allowed = max(0.0, math.floor(measured * 100) / 100 - margin)
                previous = old.get(field)
                if previous and previous["floor"] > allowed + 1e-9:
                    # The score fell into the margin: keep the entry it was measured at.
                    print(f"{name}\t{split}\t{field}\tfell to {measured:.4f}; kept {previous}")
                    new[field] = previous
                    continue
                new[field] = {"measured": measured, "floor": round(allowed, 2)}
                print(f"{name}\t{split}\t{field}\tmeasured {measured:.4f}\tfloor {allowed:.2f}")
            for field in set(old) - set(new):  # a field no longer scored keeps its floor: never dropped quietly
                new[field] = old[field]
            data[split] = new
        if write:
            path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main("--write" in sys.argv[1:])
