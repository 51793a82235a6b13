"""CSV formula injection: every CSV writer quotes cells a spreadsheet would run, unless --csv-raw."""

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.dataset import read_table
from extractor.dataset.csv_safe import neutralize, restore, restore_cell, safe_cell
from extractor.dataset.query import run_query
from extractor.decision.features import build_features, read_features
from extractor.decision.model import save, train
from extractor.engines import run_local

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
SERVICE = '=HYPERLINK("http://x.example/?q=1","CT scan of the lumbar spine")'
GUIDELINE = "@SUM(1+1) Decision based"


@pytest.mark.parametrize("value, written", [
    ("=1+1", "'=1+1"),  # why: a formula
    ("+1+1", "'+1+1"),  # why: + starts a formula too
    ("-1+1", "'-1+1"),  # why: so does -, even when the string looks like a number
    ("@SUM(A1)", "'@SUM(A1)"),  # why: @ is Lotus-style formula syntax
    ("\t=1+1", "'\t=1+1"),  # why: a leading tab can hide the formula behind it
    ("\r=1+1", "'\r=1+1"),  # why: so can a carriage return
    ("'=1+1", "''=1+1"),  # why: one more quote, so reading back gives the original exactly
    ("a=b", "a=b"),  # why: = inside a cell is not a formula
    ("'quoted'", "'quoted'"),  # why: a quote before text that would not run stays as it is
    ("", ""),  # why: empty cells stay empty
    (-3, -3),  # why: numbers are numbers, negative ones included
    (-2.5, -2.5),
    (True, True),
    (None, None),
])
def test_csv_safe_quotes_only_strings_that_would_run(value, written):
    assert safe_cell(value) == written
    assert restore_cell(written) == value


def test_csv_safe_frame_keeps_number_columns():
    import pandas as pd

    frame = pd.DataFrame({"n": [-1, 2], "x": [-0.5, 1.0], "s": ["-1", "ok"], "=h": [None, "@x"]})
    safe = neutralize(frame)
    assert list(safe.columns) == ["n", "x", "s", "'=h"]
    assert safe["n"].tolist() == [-1, 2] and safe["x"].tolist() == [-0.5, 1.0]
    assert safe["s"].tolist() == ["'-1", "ok"] and safe["'=h"].tolist()[1] == "'@x"
    assert frame["s"].tolist() == ["-1", "ok"]  # the caller's frame is not changed
    pd.testing.assert_frame_equal(restore(safe), frame)


@pytest.fixture(scope="module")
def letters(tmp_path_factory) -> Path:
    """Two letters; one has a formula as its service and another in its guideline line."""
    folder = tmp_path_factory.mktemp("letters")
    text = (ROOT / "corpora" / "test" / "cnh-21.txt").read_text(encoding="utf-8")
    text = text.replace("CT scan of the lumbar spine without contrast: Upheld", f"{SERVICE}: Upheld")
    line = "Claims Administrator guideline: "
    text = text.replace(f"{line}Decision based", f"{line}{GUIDELINE}")
    (folder / "formula.txt").write_text(text, encoding="utf-8")
    shutil.copy(ROOT / "corpora" / "test" / "pro-09.txt", folder)
    return folder


@pytest.fixture(scope="module")
def dataset(tmp_path_factory, letters) -> Path:
    out = tmp_path_factory.mktemp("ds") / "parquet"
    summary = run_local([str(letters)], out, workers=1, start_method="fork")
    assert summary.letters == 2 and summary.errors == 0
    return out


def _cells(text: str, column: str) -> list[str]:
    """A column of CSV text as the file holds it (no pandas type guessing)."""
    return [row[column] for row in csv.DictReader(io.StringIO(text))]


def _part(out: Path, table: str) -> str:
    return next((out / table).glob("part-*.csv")).read_text(encoding="utf-8")


def test_csv_safe_run_quotes_formula_cells_and_reads_them_back(tmp_path, letters):
    out = tmp_path / "csv"
    result = runner.invoke(app, ["run", str(letters), "--out", str(out), "--format", "csv", "--features",
                                 "--no-progress", "--workers", "1"])
    assert result.exit_code == 0, result.output
    services = _cells(_part(out, "items"), "service")
    assert f"'{SERVICE}" in services and SERVICE not in services
    assert any(g.startswith(f"'{GUIDELINE}") for g in _cells(_part(out, "items"), "claims_administrator_guideline"))
    assert "'" not in "".join(_cells(_part(out, "items"), "index"))  # numbers are left alone
    assert f"'{SERVICE}" in _cells(_part(out, "features"), "service")
    # The package's own readers give back what was extracted.
    assert SERVICE in read_table(out, "items")["service"].tolist()
    assert SERVICE in read_features(out)["service"].tolist()
    assert SERVICE in run_query(out, "SELECT service FROM items")["service"].tolist()  # query's views too


def test_csv_safe_run_csv_raw_writes_cells_as_they_are(tmp_path, letters):
    out = tmp_path / "raw"
    result = runner.invoke(app, ["run", str(letters), "--out", str(out), "--format", "csv", "--features",
                                 "--no-progress", "--workers", "1", "--csv-raw"])
    assert result.exit_code == 0, result.output
    assert SERVICE in _cells(_part(out, "items"), "service")
    assert SERVICE in _cells(_part(out, "features"), "service")


def test_csv_safe_parquet_and_jsonl_are_unchanged(tmp_path, letters, dataset):
    assert SERVICE in read_table(dataset, "items")["service"].tolist()
    out = tmp_path / "jsonl"
    run_local([str(letters)], out, workers=1, start_method="fork", fmt="jsonl")
    written = (out / "items" / "part-00000.jsonl").read_text(encoding="utf-8")
    assert json.dumps(SERVICE) in written and json.dumps(f"'{SERVICE}") not in written


def test_csv_safe_features_file_and_standard_output(tmp_path, dataset):
    out = tmp_path / "features.csv"
    result = runner.invoke(app, ["features", str(dataset), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"'{SERVICE}" in _cells(out.read_text(encoding="utf-8"), "service")
    assert SERVICE in read_features(out)["service"].tolist()
    printed = runner.invoke(app, ["features", str(dataset)])
    assert printed.exit_code == 0, printed.output
    assert f"'{SERVICE}" in _cells(printed.stdout, "service")
    raw = runner.invoke(app, ["features", str(dataset), "--csv-raw", "--out", str(tmp_path / "raw.csv")])
    assert raw.exit_code == 0, raw.output
    assert SERVICE in _cells((tmp_path / "raw.csv").read_text(encoding="utf-8"), "service")


def test_csv_safe_model_predict_output(tmp_path, corpus_dataset, dataset):
    model = save(train(build_features(corpus_dataset), folds=3), tmp_path / "decision.joblib")
    out = tmp_path / "predictions.csv"
    result = runner.invoke(app, ["model", "predict", str(dataset), "--model", str(model), "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = out.read_text(encoding="utf-8")
    assert f"'{SERVICE}" in _cells(written, "service")
    assert all("'" not in p for p in _cells(written, "p_upheld"))
    printed = runner.invoke(app, ["model", "predict", str(dataset), "--model", str(model)])
    assert f"'{SERVICE}" in _cells(printed.stdout, "service")
    raw = runner.invoke(app, ["model", "predict", str(dataset), "--model", str(model), "--csv-raw"])
    assert SERVICE in _cells(raw.stdout, "service")


def test_csv_safe_query_csv(dataset):
    sql = "SELECT service, -5 AS n, '-5' AS s FROM items ORDER BY service"
    result = runner.invoke(app, ["query", str(dataset), "--format", "csv", sql])
    assert result.exit_code == 0, result.output
    assert f"'{SERVICE}" in _cells(result.stdout, "service")
    assert set(_cells(result.stdout, "n")) == {"-5"} and set(_cells(result.stdout, "s")) == {"'-5"}
    raw = runner.invoke(app, ["query", str(dataset), "--format", "csv", "--csv-raw", sql])
    assert raw.exit_code == 0, raw.output
    assert SERVICE in _cells(raw.stdout, "service")
