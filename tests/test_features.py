"""The features table: one row per item, documented columns, known values, no leakage, clear errors."""

import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.dataset import DatasetError, read_table
from extractor.decision.features import (
    all_columns,
    build_features,
    column_docs,
    count_columns,
    features_from_tables,
    input_columns,
    quantity_parts,
    read_features,
    spec,
)

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture(scope="module")
def features(corpus_dataset):
    return build_features(corpus_dataset)


def test_one_row_per_item_with_every_documented_column(corpus_dataset, features):
    items = read_table(corpus_dataset, "items")
    assert len(features) == len(items)
    assert list(features.columns) == all_columns()
    keys = set(zip(features["doc_id"], features["item_index"]))
    assert keys == set(zip(items["doc_id"], items["index"]))
    assert set(features["decision"]) == {"upheld", "overturned"}
    assert (features["upheld"] == (features["decision"] == "upheld")).all()


def test_every_column_is_documented_in_the_docs():
    docs = (ROOT / "docs" / "analysis.md").read_text(encoding="utf-8")
    for name, _, description in column_docs():
        assert f"`{name}`" in docs, f"docs/analysis.md does not document features column {name}"
        assert description


def test_known_letter_values(features):
    # corpora/dev/cnh-02: one Lidoderm request; 44-year-old woman injured 2/4/16, UR denial 10/18/16.
    row = features[features["case_number"] == "CM16-0241877"].iloc[0]
    assert row["service_category"] == "medication"
    assert row["medication_class"] == "topical"
    assert (row["quantity_kind"], row["quantity_units"]) == ("count", 30.0)
    assert row["ca_guideline_sources"] == "MTUS"
    assert row["reviewer_specialty"] == "Physical Medicine & Rehabilitation"
    assert row["reviewer_n_specialties"] == 2
    assert (row["patient_age"], row["patient_sex"]) == (44, "female")
    assert row["days_injury_to_ur_denial"] == 257
    assert row["ur_denial_year"] == 2016
    assert row["pain_score_max"] == 7 and row["work_status"] == "modified_duty"
    assert row["n_diagnoses"] == 3
    # "She has not tried gabapentin": a negated treatment is not a prior treatment.
    assert row["prior_anticonvulsant"] == 0
    assert row["prior_chiropractic"] >= 1 and row["prior_nsaid"] >= 1
    assert row["present_finding_exam"] >= 1


def test_absent_findings_are_counted_apart_from_present_ones(features):
    # corpora/dev/mxl-02: "no evidence of instability" among present shoulder findings.
    row = features[features["case_number"] == "CM13-0004821"].iloc[0]
    assert row["absent_finding_exam"] >= 1
    assert row["present_finding_exam"] >= 1
    assert row["letter_items"] == 3


def test_no_input_reads_text_written_after_the_decision(corpus_dataset):
    letters, items, mentions = (read_table(corpus_dataset, t) for t in ("letters", "items", "mentions"))
    before = features_from_tables(letters, items, mentions)
    # Rewrite everything the reviewer wrote because of the decision: features must not move.
    items = items.assign(rationale="The request is medically necessary.", maximus_guideline="ODG",
                         guideline_sources="Other", guideline_sections="Anything")
    rationale = mentions[mentions["section"].isin(["rationale", "decisions", "guidelines"])]
    noisy = pd.concat([mentions, rationale.assign(negated=~rationale["negated"].astype(bool))], ignore_index=True)
    after = features_from_tables(letters, items, noisy)
    pd.testing.assert_frame_equal(before, after)
    leaky = [c for c in input_columns() if any(w in c for w in ("rationale", "maximus", "decision", "upheld"))]
    assert leaky == []


def test_counts_cover_every_vocabulary_kind():
    names = [name for name, *_ in count_columns()]
    assert "present_finding_exam" in names and "absent_symptom_sensory" in names
    assert "prior_opioid" in names and "prior_physical_therapy" in names
    assert len(names) == len(set(names))
    assert set(spec()["pre_decision_sections"]) >= {"case_summary"}


@pytest.mark.parametrize("quantity, expected", [
    ("#60", ("count", 60.0)), ("2x4", ("course", 8.0)), ("1-2x4", ("course", 8.0)),
    ("12 sessions", ("sessions", 12.0)), ("80 hours", ("hours", 80.0)), ("167 grams", ("grams", 167.0)),
    (None, (None, None)), ("a lot", ("other", None)),
])
def test_quantity_parts(quantity, expected):
    assert quantity_parts(quantity) == expected


def test_csv_dataset_gives_the_same_features(tmp_path, corpus_dataset, features):
    from extractor.engines import run_local

    out = tmp_path / "csv"
    run_local([str(ROOT / "corpora")], out, fmt="csv", workers=2)
    again = build_features(out)
    key = ["doc_id", "item_index"]
    a = features.sort_values(key).reset_index(drop=True)
    b = again.sort_values(key).reset_index(drop=True)
    for name, kind in input_columns().items():
        if kind == "number":
            pd.testing.assert_series_equal(a[name], b[name].astype("float64"), check_names=False)
        else:
            assert list(a[name].fillna("-")) == list(b[name].fillna("-")), name


def test_missing_table_and_missing_column_are_named(tmp_path, corpus_dataset):
    broken = tmp_path / "broken"
    shutil.copytree(corpus_dataset, broken)
    shutil.rmtree(broken / "mentions")
    with pytest.raises(DatasetError, match="no 'mentions' table"):
        build_features(broken)

    shutil.copytree(corpus_dataset / "mentions", broken / "mentions")
    items = read_table(broken, "items").drop(columns=["quantity"])
    for part in (broken / "items").glob("part-*"):
        part.unlink()
    items.to_parquet(broken / "items" / "part-00000.parquet")
    with pytest.raises(DatasetError, match="table 'items' lacks column\\(s\\) 'quantity'"):
        build_features(broken)
    result = runner.invoke(app, ["features", str(broken), "--out", str(tmp_path / "f.parquet")])
    assert result.exit_code == 2
    assert "lacks column(s) 'quantity'" in result.output


def test_cli_features_file_and_run_features_table(tmp_path, corpus_dataset, features):
    out = tmp_path / "features.csv"
    result = runner.invoke(app, ["features", str(corpus_dataset), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{len(features)} items" in result.output
    assert len(pd.read_csv(out)) == len(features)

    dataset = tmp_path / "with-features"
    result = runner.invoke(app, ["run", str(ROOT / "corpora" / "test"), "--out", str(dataset),
                                 "--features", "--no-progress", "--workers", "1"])
    assert result.exit_code == 0, result.output
    table = read_features(dataset)
    assert len(table) == len(read_table(dataset, "items"))
    from extractor.dataset.query import connect

    rate = connect(dataset).execute("select avg(upheld::int) from features").fetchone()[0]
    assert 0 < rate < 1


def test_features_file_from_another_version_is_refused(tmp_path, features):
    old = tmp_path / "old.parquet"
    features.drop(columns=["service_kind"]).to_parquet(old)
    with pytest.raises(DatasetError, match="lacks column\\(s\\) service_kind"):
        read_features(old)
