"""The evaluation: scoring, matching, bad gold files, the CLI report."""

import json
from pathlib import Path

from typer.testing import CliRunner

from extractor.cli import app
from extractor.quality.evaluate import Counts, Report, evaluate, match_items, score_letter

ROOT = Path(__file__).resolve().parents[1]


def test_evaluate_counts_and_scores():
    counts = Counts(tp=3, fp=1, fn=2)
    assert round(counts.precision, 3) == 0.75 and round(counts.recall, 3) == 0.6
    assert round(counts.f1, 3) == 0.667


def test_evaluate_matches_items_on_service_text():
    gold = [{"service": "MRI of the lumbar spine"}, {"service": "Norco 10/325mg #60"}]
    pred = [{"service": "Norco 10/325 mg #60"}, {"service": "MRI of the  lumbar spine"}, {"service": "TENS unit"}]
    pairs = match_items(gold, pred)
    matched = [(g["service"], p["service"]) for g, p in pairs if g and p]
    assert len(matched) == 2 and any(p is not None and g is None for g, p in pairs)


def test_evaluate_scores_list_order_where_the_conventions_fix_it():
    gold = {"reviewer": {"licensure": ["Texas", "Ohio"]},
            "items": [{"service": "MRI", "guideline_sources": ["MTUS", "ODG"]}]}
    record = {"reviewer": {"licensure": ["Ohio", "Texas"]},
              "items": [{"service": "MRI", "guideline_sources": ["ODG", "MTUS"]}]}
    score = score_letter(gold, record, "x", "dev")
    # Sources keep their first-seen order; states of licensure are a set.
    assert score.accuracy["items.guideline_sources"] == (0, 1)
    assert score.accuracy["reviewer.licensure"] == (1, 1)


def test_evaluate_blind_gold_scores_precision_and_codes():
    text = "CLINICAL CASE SUMMARY\nDiagnoses: lumbar strain. She denies numbness. Gabapentin helps."
    gold = {"blind": True, "diagnoses": [{"text": "lumbar strain", "icd10": "S39.012A"}],
            "mentions": [{"label": "DIAGNOSIS", "text": "lumbar strain"},
                         {"label": "SYMPTOM", "text": "numbness", "negated": True}]}

    def mention(phrase, label, **flags):
        start = text.index(phrase)
        return {"label": label, "text": phrase, "start": start, "end": start + len(phrase),
                "section": "case_summary", **flags}

    record = {"text": text, "diagnoses": ["lumbar strain"],
              "mentions": [mention("lumbar strain", "DIAGNOSIS"), mention("numbness", "SYMPTOM"),
                           mention("Gabapentin", "TREATMENT")]}
    score = score_letter(gold, record, "x", "real-blind")
    assert score.accuracy["diagnoses.icd10"] == (0, 1)  # the record gives no code
    figures = Report.aggregate([score])
    assert figures["mentions.recall"]["micro"] == 1.0
    assert round(figures["mentions.precision"]["micro"], 3) == 0.667  # Gabapentin is not in the gold
    assert figures["mentions.absent_found"]["micro"] == 0.0  # found, but not flagged negated
    assert figures["mentions.negated"]["micro"] == 0.0 and figures["mentions.negated"]["kind"] == "f1"


def test_evaluate_scores_a_letter_and_lists_misses():
    gold = {"case_number": "CM15-1", "patient": {"age": 40}, "items": [{"service": "MRI", "decision": "upheld"}]}
    record = {"case_number": "CM15-1", "patient": {"age": 41}, "items": [{"service": "MRI", "decision": "overturned"}]}
    score = score_letter(gold, record, "x", "dev")
    assert score.accuracy["case_number"] == (1, 1)
    assert score.accuracy["patient.age"] == (0, 1)
    assert score.accuracy["items.decision"] == (0, 1)
    assert {m.field for m in score.misses} == {"patient.age", "items.decision"}


def test_evaluate_bad_gold_files_are_named_and_do_not_stop_the_others(tmp_path):
    letter = (ROOT / "corpora" / "dev" / "cnh-01.txt").read_text()
    (tmp_path / "good.txt").write_text(letter)
    (tmp_path / "good.gold.json").write_text(json.dumps({"layout": "case_number_header"}))
    (tmp_path / "broken.txt").write_text(letter)
    (tmp_path / "broken.gold.json").write_text("{not json")
    (tmp_path / "unknown.txt").write_text(letter)
    (tmp_path / "unknown.gold.json").write_text(json.dumps({"items": [{"service": "MRI", "colour": "red"}]}))
    (tmp_path / "orphan.gold.json").write_text("{}")
    report = evaluate([tmp_path])
    errors = {letter.name: letter.error for letter in report.letters if letter.error}
    assert "not valid JSON" in errors["broken"]
    assert "items[1].colour" in errors["unknown"]
    assert "no letter orphan.txt" in errors["orphan"]
    assert report.to_dict()["groups"]["all"]["layout"]["micro"] == 1.0


def test_evaluate_cli_json_errors_and_baseline():
    result = CliRunner().invoke(app, ["evaluate", str(ROOT / "corpora" / "test"), "--json", "--errors"])
    assert result.exit_code == 0, result.output
    payload = result.stdout[: result.stdout.index("\n}\n") + 2]
    report = json.loads(payload)
    assert report["letters"] >= 10
    assert "split:test" in report["groups"] and "layout:professional_review" in report["groups"]
    assert 0 < report["baseline"]["mentions.recall"]["micro"] <= 1
    assert "mentions.negated" in report["baseline"]
