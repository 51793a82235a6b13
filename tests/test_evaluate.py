"""The evaluation: scoring, matching, bad gold files, the CLI report."""

import json
from pathlib import Path

from typer.testing import CliRunner

from extractor.cli import app
from extractor.evaluate import Counts, evaluate, match_items, match_mentions, score_letter

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


def test_evaluate_pairs_mentions_in_reading_order():
    pred = [{"label": "FINDING", "text": t, "normalized": t} for t in ("disc bulge", "tenderness", "disc bulge")]
    gold = [{"label": "FINDING", "text": "tenderness"}, {"label": "FINDING", "text": "broad-based disc bulge"},
            {"label": "FINDING", "text": "disc bulge"}, {"label": "SYMPTOM", "text": "tenderness"}]
    pairs = match_mentions(gold, pred)
    # The second gold mention follows "tenderness": it takes the later "disc bulge", and the
    # third, with nothing left after it, the earlier one; labels must agree.
    assert [next(i for i, q in enumerate(pred) if q is p) if p else None for _, p in pairs] == [1, 2, 0, None]


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
    errors = {l.name: l.error for l in report.letters if l.error}
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
    assert 0 < report["baseline"]["mentions"]["recall"] <= 1
    assert "mentions.negated" in report["baseline"]
