"""A full disk mid-run: a clear error, no half-written table, and --resume completes the dataset."""

import errno
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from extractor import cli
from extractor.cli import app
from extractor.dataset import read_table, writer
from extractor.dataset.query import connect

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def _letters(folder: Path, n: int = 9) -> Path:
    folder.mkdir()
    texts = sorted((ROOT / "corpora" / "dev").glob("cnh-*.txt"))
    for i in range(n):
        text = texts[i % len(texts)].read_text(encoding="utf-8")
        (folder / f"letter-{i:02d}.txt").write_text(f"{text.rstrip()}\nReference: disk-{i}\n", encoding="utf-8")
    return folder


def test_full_disk_mid_run_leaves_only_complete_batches(tmp_path, monkeypatch):
    letters = _letters(tmp_path / "letters")
    real_write = writer._write
    calls = {"n": 0}

    def fill_up(rows, table, path, fmt):
        calls["n"] += 1
        if calls["n"] == 6:  # the second batch: letters written, then items hits a full disk
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(rows, table, path, fmt)

    monkeypatch.setattr(writer, "_write", fill_up)
    out = tmp_path / "out"
    args = ["run", str(letters), "--out", str(out), "--no-progress", "--batch-size", "3", "--workers", "1"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "No space left on device" in result.output and "--resume" in result.output
    # Only the first batch is visible, in every table, to pandas and to DuckDB alike.
    letters_rows = read_table(out, "letters")
    assert len(letters_rows) == 3
    assert set(read_table(out, "items")["doc_id"]) <= set(letters_rows["doc_id"])
    assert connect(out).execute("select count(*) from letters").fetchone()[0] == 3
    assert not list(out.rglob("*.tmp"))

    monkeypatch.setattr(writer, "_write", real_write)
    result = runner.invoke(app, args + ["--resume"])
    assert result.exit_code == 0, result.output
    whole = tmp_path / "whole"
    assert runner.invoke(app, ["run", str(letters), "--out", str(whole), "--no-progress",
                               "--workers", "1"]).exit_code == 0
    for table, key in (("letters", ["doc_id"]), ("items", ["doc_id", "index"])):
        a = read_table(whole, table).drop(columns=["path"], errors="ignore").sort_values(key).reset_index(drop=True)
        b = read_table(out, table).drop(columns=["path"], errors="ignore").sort_values(key).reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b, check_dtype=False)


def test_too_little_free_space_is_refused_before_work(tmp_path, monkeypatch):
    letters = _letters(tmp_path / "letters", n=1)
    monkeypatch.setattr(cli, "MIN_FREE_MB", 10**12)
    result = runner.invoke(app, ["run", str(letters), "--out", str(tmp_path / "out"), "--no-progress"])
    assert result.exit_code == 2
    assert "MB free on the disk holding" in result.output
    assert not (tmp_path / "out" / "letters").exists()
