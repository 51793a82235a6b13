"""The imr-extract command: show, run (every format), bad inputs, exit status."""

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.dataset import read_table
from extractor.synth.render import render_pdf

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
LETTER = ROOT / "corpora" / "dev" / "cnh-01.txt"


def test_cli_show_prints_the_record_as_json():
    result = runner.invoke(app, ["show", str(LETTER)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["case_number"] and record["items"]
    assert "text" not in record


def test_cli_show_explains_a_bad_file(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["show", str(empty)])
    assert result.exit_code == 1
    assert "empty" in result.output


@pytest.fixture()
def mixed_inputs(tmp_path):
    folder = tmp_path / "letters"
    folder.mkdir()
    good = LETTER.read_text(encoding="utf-8")
    (folder / "a.txt").write_text(good, encoding="utf-8")
    (folder / "a-copy.txt").write_text(good, encoding="utf-8")  # same bytes: de-duplicated
    (folder / "b.pdf").write_bytes(render_pdf((ROOT / "corpora" / "dev" / "cnh-02.txt").read_text()))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<>> endobj trailer")
    (folder / "grocery.txt").write_text("Milk, eggs and bread.\nCall the plumber on Tuesday.\n")
    return folder


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_cli_run_writes_every_table_and_loses_nothing(tmp_path, mixed_inputs, fmt):
    out = tmp_path / f"out-{fmt}"
    result = runner.invoke(app, ["run", str(mixed_inputs), str(tmp_path / "missing" / "*.txt"),
                                 "--out", str(out), "--format", fmt, "--no-progress"])
    # four bad inputs and one pattern that matches nothing: non-zero exit that says how many
    assert result.exit_code == 1
    assert "5 input(s) failed" in result.output
    letters, items, mentions, errors = (read_table(out, t) for t in ("letters", "items", "mentions", "errors"))
    assert len(letters) == 2  # a.txt and b.pdf; the copy is the same letter
    assert set(letters["format"]) == {"text", "pdf"}
    assert len(items) == letters["n_items"].sum() > 0
    assert len(mentions) > 0 and set(mentions["doc_id"]) <= set(letters["doc_id"])
    reasons = dict(zip(errors["path"].map(lambda p: Path(p).name), errors["message"]))
    assert "empty" in reasons["empty.txt"]
    assert "PNG" in reasons["image.pdf"]
    assert "could not be opened" in reasons["broken.pdf"]
    assert "not an IMR determination" in reasons["grocery.txt"]
    assert "no file matches" in reasons["*.txt"]
    assert set(errors["stage"]) <= {"read", "record"}


def test_cli_run_in_process_gives_the_same_tables(tmp_path, mixed_inputs):
    tables = {}
    for mode in ([], ["--in-process"]):
        out = tmp_path / (mode[0].strip("-") if mode else "workers")
        result = runner.invoke(app, ["run", str(mixed_inputs), "--out", str(out), "--no-progress", "--workers", "1",
                                     *mode])
        assert result.exit_code == 1  # the bad inputs
        tables[out.name] = {t: read_table(out, t).sort_values("doc_id").reset_index(drop=True)
                            for t in ("letters", "errors")}
    assert len(tables["workers"]["letters"]) == 2
    for table in ("letters", "errors"):
        pd.testing.assert_frame_equal(tables["workers"][table].drop(columns=["seconds"], errors="ignore"),
                                      tables["in-process"][table].drop(columns=["seconds"], errors="ignore"))


def test_cli_run_all_good_exits_zero_and_prints_a_summary(tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(LETTER), "--out", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    for word in ("letters", "items", "upheld / overturned", "errors", "time"):
        assert word in result.output
    assert len(pd.read_parquet(out / "letters")) == 1


def test_cli_run_unwritable_output_fails_before_work(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(app, ["run", str(LETTER), "--out", str(blocker / "sub"), "--no-progress"])
    assert result.exit_code == 2
    assert "cannot write" in result.output


def test_cli_run_rejects_an_unknown_format(tmp_path):
    result = runner.invoke(app, ["run", str(LETTER), "--out", str(tmp_path), "--format", "xlsx"])
    assert result.exit_code == 2 and "unknown format" in result.output
