"""The written corpus: every letter parses alike from text and PDF; scores stay above thresholds."""

import json
from pathlib import Path

import pytest

from extractor import extract_file
from extractor.evaluate import evaluate

ROOT = Path(__file__).resolve().parents[1]
THRESHOLDS = json.loads((Path(__file__).parent / "thresholds.json").read_text())


def test_corpus_has_letters_in_every_layout_and_split(corpus_letters):
    names = [p.name for p in corpus_letters]
    assert len(names) >= 30
    for prefix in ("cnh-", "mxl-", "pro-"):
        assert any(n.startswith(prefix) for n in names)
    assert {p.parent.name for p in corpus_letters} == {"dev", "test"}
    for letter in corpus_letters:
        assert letter.with_name(letter.stem + ".gold.json").exists(), letter


def test_corpus_pdf_rendering_gives_the_same_record(corpus_letters, rendered):
    for letter in corpus_letters:
        text = extract_file(letter).to_dict()
        pdf = extract_file(rendered / letter.relative_to(ROOT / "corpora").with_suffix(".pdf")).to_dict()
        assert pdf["source"]["format"] == "pdf" and pdf["source"]["pages"] >= 1
        for key in ("layout", "case_number", "dates", "priority", "reviewer", "patient"):
            assert pdf[key] == text[key], (letter.name, key)
        strip = lambda items: [{k: v for k, v in i.items() if k not in ("evidence", "rationale")} for i in items]
        assert strip(pdf["items"]) == strip(text["items"]), letter.name


def _check(report, split):
    groups = report.to_dict()["groups"]
    assert f"split:{split}" in groups, f"no {split} letters scored"
    scores = groups[f"split:{split}"]
    failures = []
    for field, minimum in THRESHOLDS[split].items():
        got = scores[field]["micro"]
        if got + 1e-9 < minimum:
            failures.append(f"{field}: {got:.3f} < {minimum}")
    assert not failures, "scores fell below tests/thresholds.json:\n" + "\n".join(failures)


def test_corpus_test_split_meets_thresholds():
    report = evaluate([ROOT / "corpora" / "test"])
    assert not [l for l in report.letters if l.error]
    _check(report, "test")


def test_corpus_real_letters_meet_thresholds():
    real = ROOT.parent / "shared" / "real" / "dev"
    if not real.is_dir():
        pytest.skip(f"real letters not found at {real}: the real-letter evaluation needs ../shared/real/dev")
    report = evaluate([ROOT / "corpora" / "real"], letters_dir=real)
    assert not [l for l in report.letters if l.error], [l.error for l in report.letters if l.error]
    _check(report, "real")
