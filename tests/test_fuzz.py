"""Fuzzing in CI: a few hundred mutated letters, none unhandled, every one accounted for."""

from pathlib import Path

from extractor.quality.fuzz import fuzz, mutate

ROOT = Path(__file__).resolve().parents[1]


def test_fuzz_mutations_are_seeded():
    import random

    data = b"%PDF-1.4 some bytes of a letter" * 10
    assert mutate(data, random.Random(3)) == mutate(data, random.Random(3))
    assert mutate(data, random.Random(3)) != data


def test_fuzz_three_hundred_cases_leave_nothing_unhandled():
    report = fuzz(ROOT / "corpora", cases=300, seed=11, workers=2)
    assert report["unexpected"] == 0, report["unexpected_messages"]
    assert report["unaccounted"] == []
    assert report["records"] + sum(report["errors"].values()) + report["duplicates"] == 300
