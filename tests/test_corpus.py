"""The written corpus: every letter parses alike from text and PDF; scores stay above thresholds."""

import json
from pathlib import Path

from extractor import extract_file
from extractor.quality.evaluate import evaluate

ROOT = Path(__file__).resolve().parents[1]
THRESHOLDS = json.loads((Path(__file__).parent / "thresholds.json").read_text())
GUARDS = json.loads((Path(__file__).parent / "guards.json").read_text())


def test_corpus_has_letters_in_every_layout_and_split(corpus_letters):
    names = [p.name for p in corpus_letters]
    assert len(names) >= 30
    for prefix in ("cnh-", "mxl-", "pro-"):
        assert any(n.startswith(prefix) for n in names)
    assert {p.parent.name for p in corpus_letters} == {"dev", "test", "untuned"}
    for letter in corpus_letters:
        assert letter.with_name(letter.stem + ".gold.json").exists(), letter


def test_corpus_pdf_rendering_gives_the_same_record(corpus_letters, rendered):
    for letter in corpus_letters:
        text = extract_file(letter).to_dict()
        pdf = extract_file(rendered / letter.relative_to(ROOT / "corpora").with_suffix(".pdf")).to_dict()
        assert pdf["source"]["format"] == "pdf" and pdf["source"]["pages"] >= 1
        for key in ("layout", "case_number", "dates", "priority", "reviewer", "patient"):
            assert pdf[key] == text[key], (letter.name, key)

        def strip(items):
            return [{k: v for k, v in i.items() if k not in ("evidence", "rationale")} for i in items]

        assert strip(pdf["items"]) == strip(text["items"]), letter.name


def _check(report, split, floors):
    groups = report.to_dict()["groups"]
    assert f"split:{split}" in groups, f"no {split} letters scored"
    assert not [letter for letter in report.letters if letter.error], [
        letter.error for letter in report.letters if letter.error]
    scores = groups[f"split:{split}"]
    failures = []
    for field, entry in floors[split].items():
        if field not in scores:
            failures.append(f"{field}: no longer scored (floor {entry['floor']})")
            continue
        got = scores[field]["micro"]
        if got + 1e-9 < entry["floor"]:
            failures.append(f"{field}: {got:.3f} < {entry['floor']} (measured {entry['measured']})")
    assert not failures, f"{split} scores fell below their floors:\n" + "\n".join(failures)


def test_corpus_untuned_letters_meet_their_floors():
    _check(evaluate([ROOT / "corpora" / "untuned"]), "untuned", THRESHOLDS)


def test_corpus_held_real_letters_meet_their_floors(real_letters):
    _check(evaluate([ROOT / "corpora" / "real-held"], letters_dir=real_letters), "real-held", THRESHOLDS)


def test_corpus_blind_real_letters_meet_their_guards(real_letters):
    _check(evaluate([ROOT / "corpora" / "real-blind"], letters_dir=real_letters), "real-blind", GUARDS)


def test_corpus_test_split_meets_its_guards():
    _check(evaluate([ROOT / "corpora" / "test"]), "test", GUARDS)


def test_corpus_tuned_real_letters_meet_their_guards(real_letters):
    _check(evaluate([ROOT / "corpora" / "real-tuned"], letters_dir=real_letters), "real-tuned", GUARDS)
