"""The floors' rules, checked on the repository's history.

- A floor or guard never drops (or disappears) unless the commit says why in a line that starts
  with ``thresholds-lowered:``.
- Gold never changes in a commit that changes rules: a score that moves must be the rules'
  doing, never the answer key's.
- Every floor sits the file's margin below the score it was measured at.

The history rules apply from the commit that introduced this file on.
"""

import json
import math
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FLOOR_FILES = ("tests/thresholds.json", "tests/guards.json")
# What counts as rules: the rule files and the code that reads letters and finds fields.
# extractor/fields/ is where the recognizers lived before extractor/recognizers/.
RULE_PATHS = ("models/", "extractor/components/", "extractor/recognizers/", "extractor/fields/", "extractor/reading/",
              "extractor/cleaning.py", "extractor/dates.py", "extractor/bundles.py", "extractor/extract.py")
GOLD_SUFFIXES = (".gold.json", ".second.json")
REASON = "thresholds-lowered:"


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def _commits() -> list[str]:
    """Commits from the one that introduced this file to HEAD, oldest first."""
    try:
        _git("rev-parse", "HEAD")
    except (OSError, subprocess.CalledProcessError):
        if os.environ.get("CI"):
            pytest.fail("the floors' history rules need the git history of the clone", pytrace=False)
        pytest.skip("not a git checkout")
    first = _git("log", "--diff-filter=A", "--format=%H", "--", "tests/test_floors.py").split()
    if not first:
        return []  # this file is not committed yet: no history to check
    start = first[-1]
    later = _git("rev-list", "--reverse", "--first-parent", f"{start}..HEAD").split()
    return [start, *later]


def _floors(commit: str, path: str) -> dict[str, float]:
    """``split/field -> floor`` of a floor file at a commit (empty when it did not exist)."""
    try:
        data = json.loads(_git("show", f"{commit}:{path}"))
    except subprocess.CalledProcessError:
        return {}
    out = {}
    for split, fields in data.items():
        if split.startswith("_") or not isinstance(fields, dict):
            continue
        for field, value in fields.items():
            out[f"{split}/{field}"] = value["floor"] if isinstance(value, dict) else value
    return out


def dropped_floors(before: dict[str, float], after: dict[str, float]) -> list[str]:
    """Floors that are lower in ``after`` than in ``before``, or gone."""
    return [f"{key}: {value} -> {after.get(key, 'removed')}" for key, value in sorted(before.items())
            if key not in after or after[key] + 1e-9 < value]


def test_floors_dropped_floors_are_found():
    before = {"untuned/items": 0.98, "untuned/diagnoses": 0.9, "test/layout": 1.0}
    after = {"untuned/items": 0.97, "untuned/diagnoses": 0.95}
    assert dropped_floors(before, after) == ["test/layout: 1.0 -> removed", "untuned/items: 0.98 -> 0.97"]
    assert dropped_floors(after, after) == []


def test_floors_never_drop_without_a_stated_reason():
    offenders = []
    for commit in _commits():
        try:
            parent = _git("rev-parse", f"{commit}^").strip()
        except subprocess.CalledProcessError:
            continue  # the first commit of a shallow clone: its parent is not here to compare
        message = _git("log", "-1", "--format=%B", commit)
        if any(line.strip().lower().startswith(REASON) for line in message.splitlines()):
            continue
        for path in FLOOR_FILES:
            drops = dropped_floors(_floors(parent, path), _floors(commit, path))
            if drops:
                offenders.append(f"{commit[:10]} {path}: " + "; ".join(drops))
    assert not offenders, f"floors lowered without a '{REASON}' line in the commit message:\n" + "\n".join(offenders)


def test_floors_gold_never_changes_with_the_rules():
    offenders = []
    for commit in _commits():
        changed = _git("diff-tree", "--no-commit-id", "--name-only", "-r", "-M", commit).split()
        gold = [p for p in changed if p.endswith(GOLD_SUFFIXES)]
        rules = [p for p in changed if p.startswith(RULE_PATHS)]
        if gold and rules:
            offenders.append(f"{commit[:10]}: gold {gold[:3]} with rules {rules[:3]}")
    assert not offenders, "commits that change gold and rules together:\n" + "\n".join(offenders)


@pytest.mark.parametrize("path", FLOOR_FILES)
def test_floors_sit_the_margin_below_the_measured_scores(path):
    data = json.loads((ROOT / path).read_text())
    margin = data["margin"]
    splits = {k: v for k, v in data.items() if not k.startswith("_") and isinstance(v, dict)}
    assert splits, f"{path} holds no floors"
    for split, fields in splits.items():
        for field, entry in fields.items():
            allowed = max(0.0, math.floor(entry["measured"] * 100) / 100 - margin)
            assert entry["floor"] <= allowed + 1e-9, f"{path} {split}/{field}: floor above measured - margin"
