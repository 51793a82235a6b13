"""imr-extract export DIR --duckdb FILE: typed tables and views in one database file; never overwritten by surprise."""

import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

import extractor
from extractor.cli import app
from extractor.dataset.query import VIEWS
from extractor.dataset.schema import TABLES
from extractor.engines import run_local

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    letters = tmp_path_factory.mktemp("letters")
    for name in ("cnh-21.txt", "pro-09.txt"):
        shutil.copy(ROOT / "corpora" / "test" / name, letters)
    out = tmp_path_factory.mktemp("export") / "dataset"
    run_local([str(letters)], out, workers=1, start_method="fork", fmt="jsonl")
    return out


def _said(result) -> str:
    return " ".join(result.output.split())


def test_export_writes_typed_tables_and_views(dataset, tmp_path):
    target = tmp_path / "imr.duckdb"
    result = runner.invoke(app, ["export", str(dataset), "--duckdb", str(target)])
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(target), read_only=True)
    names = {row[0] for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert names == set(TABLES) | set(VIEWS)
    for table in TABLES:
        assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == len(extractor.read_table(dataset, table))
    types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                             "WHERE table_name = 'letters'").fetchall())
    assert types["decision_date"] == "DATE" and types["reviewer_specialties"] == "VARCHAR[]"
    assert types["patient_age"] == "BIGINT" and types["work_status"].startswith("STRUCT(")
    row = con.execute("SELECT decision_year, days_ur_denial_to_decision, reviewer_specialties FROM items_with_letters "
                      "WHERE case_number = 'CM16-0129944'").fetchone()
    assert row == (2016, 51, ["Physical Medicine & Rehabilitation"])  # decided 2016-07-28, UR denial 2016-06-07
    assert con.execute("SELECT count(*) FROM item_specialties").fetchone()[0] == 5  # 1 item x 1 specialty + 2 items x 2
    assert ("S39.012A", "S") in con.execute("SELECT code, code_letter FROM letter_diagnoses").fetchall()


def test_export_refuses_to_overwrite_without_force(dataset, tmp_path):
    target = tmp_path / "imr.duckdb"
    target.write_bytes(b"someone's file")
    result = runner.invoke(app, ["export", str(dataset), "--duckdb", str(target)])
    assert result.exit_code == 2 and "exists; --force replaces it" in _said(result)
    assert target.read_bytes() == b"someone's file"
    assert runner.invoke(app, ["export", str(dataset), "--duckdb", str(target), "--force"]).exit_code == 0
    assert duckdb.connect(str(target), read_only=True).execute("SELECT count(*) FROM letters").fetchone() == (2,)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["imr.duckdb"]  # no temporary file left


@pytest.mark.parametrize("case, message", [
    ("missing", "does not exist"),  # why: a typo in the folder name
    ("foreign", "has no 'letters' table"),  # why: a folder that is not a dataset
    ("folder", "is a folder"),  # why: --duckdb names a folder, not a file
    ("no-target", "--duckdb FILE"),  # why: nothing to write named
])
def test_export_clear_errors(dataset, tmp_path, case, message):
    source, target = dataset, tmp_path / "imr.duckdb"
    if case == "missing":
        source = tmp_path / "nope"
    elif case == "foreign":
        source = tmp_path / "photos"
        source.mkdir()
        (source / "a.jpg").write_bytes(b"\xff\xd8")
    elif case == "folder":
        target.mkdir()
    args = ["export", str(source)] + ([] if case == "no-target" else ["--duckdb", str(target)])
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and message in _said(result), result.output
    assert case == "folder" or not target.exists()
