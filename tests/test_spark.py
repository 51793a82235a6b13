"""The Spark engine in local mode gives the same records as the local engine."""

import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import require
from typer.testing import CliRunner

from extractor.cli import app
from extractor.dataset import read_table

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _spark_prerequisites():
    """pyspark (the spark extra) and Java, both installed by `make test`."""
    import importlib.util

    require(importlib.util.find_spec("pyspark") is not None, "pyspark not installed (the spark extra)")
    require(shutil.which("java") is not None, "Spark needs Java; `make test` installs it")


def _sorted(out, table, key):
    frame = read_table(out, table).drop(columns=["path"], errors="ignore")
    return frame.sort_values(key).reset_index(drop=True)


def test_spark_engine_matches_the_local_engine(tmp_path):
    letters = tmp_path / "letters"
    shutil.copytree(ROOT / "corpora" / "test", letters, ignore=shutil.ignore_patterns("*.gold.json"))
    (letters / "copy.txt").write_bytes((letters / "cnh-21.txt").read_bytes())  # a duplicate
    (letters / "empty.txt").write_bytes(b"")  # a bad input
    runner = CliRunner()
    local = runner.invoke(app, ["run", str(letters), "--out", str(tmp_path / "local"), "--no-progress",
                                "--workers", "1"])
    spark = runner.invoke(app, ["run", str(letters), "--out", str(tmp_path / "spark"), "--engine", "spark"])
    assert local.exit_code == spark.exit_code == 1  # the empty file, in both
    for table, key in (("letters", ["doc_id"]), ("items", ["doc_id", "index"]), ("mentions", ["doc_id", "start"])):
        a, b = _sorted(tmp_path / "local", table, key), _sorted(tmp_path / "spark", table, key)
        pd.testing.assert_frame_equal(a, b, check_dtype=False)
    errors = read_table(tmp_path / "spark", "errors")
    assert list(errors["error"]) == ["E001"]


def test_spark_csv_quotes_formula_cells(tmp_path):
    from test_csv_safe import _cells

    from extractor.engines.spark import run_spark

    # No double quotes in it: Spark's CSV writer escapes them with a backslash, not by doubling.
    service = "@SUM(1+1) CT scan of the lumbar spine"
    letters = tmp_path / "letters"
    letters.mkdir()
    text = (ROOT / "corpora" / "test" / "cnh-21.txt").read_text(encoding="utf-8")
    (letters / "formula.txt").write_text(
        text.replace("CT scan of the lumbar spine without contrast: Upheld", f"{service}: Upheld"), encoding="utf-8")
    for raw in (False, True):
        out = tmp_path / f"raw-{raw}"
        run_spark([str(letters)], out, fmt="csv", csv_raw=raw)
        written = "".join(p.read_text(encoding="utf-8") for p in (out / "items").glob("part-*.csv"))
        assert (service if raw else f"'{service}") in _cells(written, "service")
    assert service in read_table(tmp_path / "raw-False", "items")["service"].tolist()
