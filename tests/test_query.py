"""imr-extract query: SQL over the dataset's views, locked down to reading the dataset."""

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.dataset.query import connect, run_query
from extractor.engines import run_local

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture(scope="module")
def letters(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("letters")
    for name in ("cnh-21.txt", "pro-09.txt"):
        shutil.copy(ROOT / "corpora" / "test" / name, folder)
    return folder


@pytest.fixture(scope="module")
def dataset(tmp_path_factory, letters) -> Path:
    out = tmp_path_factory.mktemp("query") / "dataset"
    assert run_local([str(letters)], out, workers=1, start_method="fork").letters == 2
    (out / "notes.csv").write_text("secret\nkept out\n")  # not a table: a query must not read it
    return out


@pytest.fixture()
def outside(tmp_path) -> Path:
    secret = tmp_path / "secret.csv"
    secret.write_text("secret\nhunter2\n")
    return secret


def _query(dataset: Path, sql: str, *options: str):
    return runner.invoke(app, ["query", str(dataset), sql, *options])


@pytest.mark.parametrize("sql", [
    "SELECT * FROM read_csv('/etc/passwd')",  # why: reading any file on the machine
    "SELECT * FROM read_csv('{outside}')",  # why: the same, for a file the test owns
    "SELECT * FROM read_text('{dataset}/notes.csv')",  # why: a file beside the tables is not a table
    "SELECT * FROM read_json('{dataset}/_state/part-00000.json')",  # why: nor is the run state
    "SELECT * FROM glob('/root/**')",  # why: listing folders
    "SELECT * FROM glob('{dataset}/*')",  # why: even the dataset's own folder
    "SELECT * FROM 'https://example.com/letters.csv'",  # why: downloading
    "COPY (SELECT 1) TO '{written}'",  # why: writing anywhere
    "COPY items TO '{dataset}/items/part-00000.parquet' (FORMAT parquet, USE_TMP_FILE false)",  # why: a table
    "EXPORT DATABASE '{written}'",  # why: writing a folder of files
    "ATTACH '{written}' AS other",  # why: creating a database file
    "INSTALL httpfs",  # why: downloading an extension
    "LOAD httpfs",  # why: loading one
    "SET enable_external_access = true; SELECT * FROM read_csv('{outside}')",  # why: undoing the lock
    "SELECT 1; COPY (SELECT 1) TO '{written}'",  # why: a write after a harmless statement
])
def test_query_refuses_files_outside_the_dataset(dataset, outside, tmp_path, sql):
    written = tmp_path / "written"
    before = (dataset / "items" / "part-00000.parquet").read_bytes()
    result = _query(dataset, sql.format(dataset=dataset, outside=outside, written=written))
    assert result.exit_code == 2, result.output
    assert "--allow-files" in result.output
    assert "root:" not in result.output and "hunter2" not in result.output and "kept out" not in result.output
    assert not written.exists()
    assert (dataset / "items" / "part-00000.parquet").read_bytes() == before


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_query_dataset_views_work_in_the_sandbox(tmp_path, letters, fmt):
    out = tmp_path / fmt
    run_local([str(letters)], out, workers=1, start_method="fork", fmt=fmt)
    result = _query(out, "SELECT count(*) AS n FROM letters JOIN items USING (doc_id)", "--format", "json")
    assert result.exit_code == 0, result.output
    assert '"n":' in result.stdout
    for sql in ("DESCRIBE items", "SHOW TABLES", "SUMMARIZE letters", "EXPLAIN SELECT * FROM mentions",
                "SELECT count(*) FROM errors"):
        assert _query(out, sql).exit_code == 0, sql


def test_query_relative_dataset_path(dataset, monkeypatch):
    monkeypatch.chdir(dataset.parent)
    frame = run_query(Path(dataset.name), "SELECT count(*) AS n FROM letters")
    assert frame["n"].tolist() == [2]


def test_query_allow_files_lifts_the_sandbox(dataset, outside):
    sql = f"SELECT count(*) AS n FROM read_csv('{outside}')"
    assert _query(dataset, sql).exit_code == 2
    result = _query(dataset, sql, "--allow-files", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == ["n", "1"]


def test_query_python_connection_is_locked(dataset, outside):
    import duckdb

    con = connect(dataset)
    assert con.execute("SELECT count(*) FROM letters").fetchone()[0] == 2
    with pytest.raises(duckdb.Error, match="locked"):
        con.execute("SET lock_configuration = false")
    with pytest.raises(duckdb.PermissionException):
        con.execute(f"SELECT * FROM read_csv('{outside}')")
    with pytest.raises(ValueError, match="COPY statement refused"):
        run_query(dataset, f"COPY letters TO '{outside}.copy.csv'")
    assert connect(dataset, allow_files=True).execute(f"SELECT count(*) FROM read_csv('{outside}')").fetchone() == (1,)


def test_query_for_people_limit_out_and_unknown_tables(tmp_path, dataset):
    from typer.testing import CliRunner

    from extractor.cli import app

    runner = CliRunner()
    cut = runner.invoke(app, ["query", str(dataset), "select * from mentions", "--limit", "3"])
    assert cut.exit_code == 0 and "3 of" in " ".join(cut.output.split()) and "rows shown" in cut.output
    written = runner.invoke(app, ["query", str(dataset), "select doc_id, label from mentions",
                                  "--out", str(tmp_path / "m.parquet")])
    assert written.exit_code == 0
    import pandas as pd

    assert len(pd.read_parquet(tmp_path / "m.parquet")) > 3  # files are never cut
    unknown = runner.invoke(app, ["query", str(dataset), "select * from features"])
    said = " ".join(unknown.output.split())
    assert unknown.exit_code == 2 and "the tables of" in said and "letters, items, mentions, errors" in said
