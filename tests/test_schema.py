"""Typed tables: one schema (dates, lists, structs, nullable ints) in every format, versioned, read back alike."""

import json
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import extractor
from extractor.cli import app
from extractor.dataset import SCHEMA_FILE, SchemaVersionError
from extractor.dataset.query import run_query
from extractor.dataset.schema import SCHEMA_VERSION, TABLES, column_type
from extractor.engines import run_local

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
# cnh-21 states the patient's age (39), work status and pain; cnh-27 states no age.
LETTERS = ("cnh-21.txt", "cnh-27.txt")


@pytest.fixture(scope="module")
def datasets(tmp_path_factory) -> dict[str, Path]:
    """The same two letters written as Parquet, CSV and JSONL."""
    letters = tmp_path_factory.mktemp("letters")
    for name in LETTERS:
        shutil.copy(ROOT / "corpora" / "test" / name, letters)
    base = tmp_path_factory.mktemp("typed")
    for fmt in ("parquet", "csv", "jsonl"):
        run_local([str(letters)], base / fmt, workers=1, start_method="fork", fmt=fmt)
    return {fmt: base / fmt for fmt in ("parquet", "csv", "jsonl")}


@pytest.mark.parametrize("text, message", [
    ("list<", "ends too soon"),  # why: an unclosed list
    ("list<strng>", "unknown type 'strng'"),  # why: a typo in a scalar
    ("struct<date>", "name:type"),  # why: a struct field without its type
    ("list<string>>", "left over"),  # why: one '>' too many
])
def test_schema_column_type_refuses_bad_types(text, message):
    with pytest.raises(ValueError, match=message):
        column_type(text)


def test_schema_every_column_type_parses():
    for columns in TABLES.values():
        for kind in columns.values():
            assert column_type(kind).kind in ("string", "int64", "bool", "float64", "date", "list", "struct")


def test_schema_read_table_gives_the_same_typed_frame_for_every_format(datasets):
    for table in TABLES:
        frames = {fmt: extractor.read_table(folder, table) for fmt, folder in datasets.items()}
        for fmt in ("csv", "jsonl"):
            pd.testing.assert_frame_equal(frames["parquet"], frames[fmt], check_dtype=True, obj=f"{table} {fmt}")
    letters = extractor.read_table(datasets["csv"], "letters").set_index("path")
    assert str(letters["patient_age"].dtype) == "Int64" and str(letters["pages"].dtype) == "Int64"
    assert str(letters["decision_date"].dtype) == "datetime64[s]"
    assert str(letters["ocr"].dtype) == "boolean"
    cnh = letters.loc[[p for p in letters.index if p.endswith("cnh-21.txt")][0]]
    other = letters.loc[[p for p in letters.index if p.endswith("cnh-27.txt")][0]]
    assert cnh["patient_age"] == 39 and pd.isna(other["patient_age"])  # null, not NaN in a float column
    assert cnh["decision_date"] == pd.Timestamp("2016-07-28") and cnh["injury_date"] == pd.Timestamp("2015-10-12")
    assert cnh["reviewer_specialties"] == ["Physical Medicine & Rehabilitation"]
    assert cnh["diagnoses"] == ["lumbar strain", "lumbar disc bulge at L4-5", "lumbar facet syndrome"]
    assert cnh["icd10_codes"] == ["S39.012A"]
    assert cnh["diagnosis_codes"][0]["diagnosis"] == "lumbar strain" and cnh["diagnosis_codes"][0]["code"] == "S39.012A"
    assert cnh["diagnosis_codes"][1]["code"] is None  # a diagnosis no code fits keeps its place
    assert cnh["work_status"] == [{"status": "modified_duty", "text": "modified duty", "date": date(2016, 5, 17),
                                   "start": 2199, "end": 2212}]
    assert cnh["pain_scores"][0]["score"] == 5.0 and cnh["pain_scores"][0]["date"] == date(2016, 5, 17)
    assert cnh["warnings"] == []
    items = extractor.read_table(datasets["jsonl"], "items")
    assert all(isinstance(v, list) for v in items["guideline_sources"]) and "MTUS" in items["guideline_sources"][0]
    assert str(items["medically_necessary"].dtype) == "boolean"


def test_schema_csv_cells_are_flat_json_and_iso_dates(datasets):
    cells = pd.read_csv(next((datasets["csv"] / "letters").glob("part-*.csv")), dtype=str)
    row = cells[cells["path"].str.endswith("cnh-21.txt")].iloc[0]
    assert json.loads(row["reviewer_specialties"]) == ["Physical Medicine & Rehabilitation"]
    assert json.loads(row["work_status"])[0]["date"] == "2016-05-17"
    assert row["decision_date"] == "2016-07-28" and row["patient_age"] == "39"  # never "39.0"
    line = json.loads(next((datasets["jsonl"] / "letters").glob("part-*.jsonl")).read_text().splitlines()[0])
    assert isinstance(line["diagnoses"], list) and isinstance(line["decision_date"], str)


def test_schema_query_views_are_typed_for_every_format(datasets):
    sql = ("SELECT typeof(decision_date) AS d, typeof(reviewer_specialties) AS s, typeof(work_status) AS w, "
           "typeof(patient_age) AS a FROM letters LIMIT 1")
    types = {fmt: run_query(folder, sql).iloc[0].tolist() for fmt, folder in datasets.items()}
    assert types["parquet"][:2] == ["DATE", "VARCHAR[]"] and types["parquet"][3] == "BIGINT"
    assert types["parquet"][2].startswith("STRUCT(status VARCHAR") and types["parquet"][2].endswith("[]")
    assert types["csv"] == types["parquet"] == types["jsonl"]
    every = "SELECT * FROM letters ORDER BY doc_id"
    pd.testing.assert_frame_equal(run_query(datasets["parquet"], every), run_query(datasets["csv"], every))


def test_schema_marker_names_the_version(datasets):
    marker = json.loads((datasets["parquet"] / SCHEMA_FILE).read_text())
    assert marker["schema_version"] == SCHEMA_VERSION and marker["tables"]["letters"]["injury_date"] == "date"


@pytest.mark.parametrize("found", ["1", "99"])
def test_schema_other_version_is_refused_everywhere_naming_both(datasets, tmp_path, found):
    old = tmp_path / "old"
    shutil.copytree(datasets["parquet"], old)
    if found == "1":  # written before the schema was versioned: no marker
        (old / SCHEMA_FILE).unlink()
    else:
        (old / SCHEMA_FILE).write_text(json.dumps({"schema_version": found}))
    said = f"schema version {found}, and this imr-extractor reads version {SCHEMA_VERSION}"
    with pytest.raises(SchemaVersionError, match=said):
        extractor.read_table(old, "items")
    letter = str(ROOT / "corpora" / "test" / "cnh-21.txt")
    for args in (["query", str(old), "select count(*) from letters"],
                 ["export", str(old), "--duckdb", str(tmp_path / "x.duckdb")],
                 ["run", letter, "--out", str(old), "--resume"],
                 ["features", str(old)]):
        result = runner.invoke(app, args)
        text = " ".join(result.output.split())
        assert result.exit_code == 2 and said in text, (args, result.output)
        if "--resume" in args:
            assert "without --resume" in text
    assert not (tmp_path / "x.duckdb").exists()
    # A run without --resume rewrites the folder in this version.
    assert runner.invoke(app, ["run", letter, "--out", str(old)]).exit_code == 0
    assert len(extractor.read_table(old, "letters")) == 1


def test_schema_read_table_is_public_and_lazy():
    import subprocess
    import sys

    code = ("import sys, extractor; assert 'extractor.dataset' not in sys.modules; "
            "assert 'read_table' in extractor.__all__; f = extractor.read_table; "
            "assert 'spacy' not in sys.modules; print(f.__module__)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "extractor.dataset.reader"


def test_schema_a_date_far_outside_nanosecond_range_reads_back(tmp_path):
    # why: a misread year (OCR, a typo) must not stop the table from being read
    from extractor.dataset.writer import DatasetWriter

    writer = DatasetWriter(tmp_path / "ds")
    writer.add({"letters": [{"doc_id": "x", "decision_date": "6015-09-29", "injury_date": "2014-03-11"}]}, "p", "x")
    writer.close()
    letters = extractor.read_table(tmp_path / "ds", "letters")
    assert letters["decision_date"].dt.year.tolist() == [6015]
    assert letters["injury_date"].dt.strftime("%Y-%m-%d").tolist() == ["2014-03-11"]
