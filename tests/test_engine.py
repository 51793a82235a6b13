"""The local engine at scale: resume after SIGKILL, per-letter time limit, crashed workers, DuckDB."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.dataset import read_table
from extractor.engines import local

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def letters(tmp_path_factory) -> Path:
    """24 distinct letters (the corpus, each copy given its own reference line)."""
    folder = tmp_path_factory.mktemp("letters")
    texts = sorted((ROOT / "corpora").glob("*/cnh-*.txt"))
    for i in range(24):
        text = texts[i % len(texts)].read_text(encoding="utf-8")
        (folder / f"letter-{i:03d}.txt").write_text(f"{text.rstrip()}\nReference: run-{i}\n", encoding="utf-8")
    return folder


def _tables(out: Path) -> dict:
    frames = {}
    for table, key in (("letters", ["doc_id"]), ("items", ["doc_id", "index"]), ("mentions", ["doc_id", "start"])):
        frame = read_table(out, table).drop(columns=["path"], errors="ignore")
        frames[table] = frame.sort_values(key).reset_index(drop=True)
    return frames


def test_engine_resume_after_sigkill_gives_the_same_dataset(tmp_path, letters):
    whole = tmp_path / "whole"
    CliRunner().invoke(app, ["run", str(letters), "--out", str(whole), "--no-progress", "--batch-size", "3", "--workers", "1"])
    killed = tmp_path / "killed"
    command = [sys.executable, "-m", "extractor", "run", str(letters), "--out", str(killed),
               "--no-progress", "--batch-size", "3", "--workers", "1"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and len(list((killed / "_state").glob("part-*.json"))) < 2:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)  # mid-run, between or during batches
    process.wait()
    committed = len(list((killed / "_state").glob("part-*.json")))
    assert 0 < committed < 8, "the run should have been killed part-way"
    result = CliRunner().invoke(app, ["run", str(letters), "--out", str(killed), "--no-progress",
                                      "--batch-size", "3", "--workers", "1", "--resume"])
    assert result.exit_code == 0, result.output
    assert "already done (resumed)" in result.output
    a, b = _tables(whole), _tables(killed)
    for table in a:
        pd.testing.assert_frame_equal(a[table], b[table], check_dtype=False)
    assert len(b["letters"]) == 24 and b["letters"]["doc_id"].is_unique


def test_engine_time_limit_costs_one_letter(tmp_path, letters, monkeypatch):
    slow = letters / "letter-005.txt"
    real = local.extract_bytes

    def sometimes_hangs(data, path=None, **kwargs):
        if path == str(slow):
            time.sleep(30)
        return real(data, path=path, **kwargs)

    monkeypatch.setattr(local, "extract_bytes", sometimes_hangs)
    summary = local.run_local([str(letters)], tmp_path / "out", workers=1, time_limit=1)
    errors = read_table(tmp_path / "out", "errors")
    assert summary.letters == 23 and summary.errors == 1
    assert errors.loc[0, "error"] == "E010" and "timed out" in errors.loc[0, "message"]


def test_engine_crashed_worker_costs_one_letter(tmp_path, letters, monkeypatch):
    bad = letters / "letter-007.txt"
    real = local.extract_bytes

    def crashes(data, path=None, **kwargs):
        if path == str(bad):
            os._exit(11)  # what a segfault in a C library looks like from Python
        return real(data, path=path, **kwargs)

    monkeypatch.setattr(local, "extract_bytes", crashes)
    summary = local.run_local([str(letters)], tmp_path / "out", workers=2, time_limit=0)
    errors = read_table(tmp_path / "out", "errors")
    assert summary.letters == 23 and summary.errors == 1
    assert errors.loc[0, "path"] == str(bad) and errors.loc[0, "error"] == "E012"


def test_engine_replaces_workers_after_their_share_of_letters(tmp_path, letters, monkeypatch):
    real = local.extract_bytes

    def tagged(data, path=None, **kwargs):  # the letter's path records the worker that read it
        return real(data, path=f"{path}|{os.getpid()}", **kwargs)

    monkeypatch.setattr(local, "extract_bytes", tagged)
    summary = local.run_local([str(letters)], tmp_path / "recycled", workers=2, letters_per_worker=3)
    local.run_local([str(letters)], tmp_path / "kept", workers=2, letters_per_worker=0)

    def workers(out):
        return {p.rsplit("|", 1)[1] for p in read_table(out, "letters")["path"]}

    assert summary.letters == 24
    assert len(workers(tmp_path / "recycled")) >= 4  # a fresh pool every 6 letters
    assert len(workers(tmp_path / "kept")) <= 2
    recycled, kept = _tables(tmp_path / "recycled"), _tables(tmp_path / "kept")
    for table in recycled:
        pd.testing.assert_frame_equal(recycled[table], kept[table], check_dtype=False)


def test_engine_query_answers_sql_with_duckdb(tmp_path, letters):
    out = tmp_path / "ds"
    CliRunner().invoke(app, ["run", str(letters), "--out", str(out), "--no-progress", "--workers", "1"])
    result = CliRunner().invoke(app, ["query", str(out), "--format", "csv",
                                      "SELECT category, count(*) AS n, avg(CASE WHEN decision = 'upheld' THEN 1 ELSE 0 END) AS uphold_rate "
                                      "FROM items JOIN letters USING (doc_id) GROUP BY category ORDER BY category"])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(pd.io.common.StringIO(result.stdout))
    items = read_table(out, "items")
    assert frame["n"].sum() == len(items)
    expected = items.groupby("category")["decision"].apply(lambda d: (d == "upheld").mean())
    for row in frame.itertuples():
        assert abs(row.uphold_rate - expected[row.category]) < 1e-9
    bad = CliRunner().invoke(app, ["query", str(tmp_path), "SELECT 1"])
    assert bad.exit_code == 2 and "no 'letters' table" in bad.output
