"""The Spark engine (local mode) writes the local engine's dataset: the same cells, dtypes, paths and run state."""

import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import assert_same_dataset, require
from typer.testing import CliRunner

import extractor.engines.spark as engine
from extractor.cli import app
from extractor.dataset import read_table
from extractor.dataset.state import HOLD_AFTER_PARTS
from extractor.engines import run_local
from extractor.engines.standalone import free_port

ROOT = Path(__file__).resolve().parents[1]
# Progress bars of Spark's console would interleave with pytest's output.
QUIET = {"spark.ui.showConsoleProgress": "false"}


@pytest.fixture(autouse=True)
def _spark_prerequisites():
    """pyspark (the spark extra) and Java, both installed by `make test`."""
    import importlib.util

    require(importlib.util.find_spec("pyspark") is not None, "pyspark not installed (the spark extra)")
    require(shutil.which("java") is not None, "Spark needs Java; `make test` installs it")


def _distinct_letters(folder: Path, count: int) -> Path:
    """``count`` distinct letters (corpus letters, each copy given its own reference line)."""
    folder.mkdir(parents=True)
    texts = sorted((ROOT / "corpora").glob("*/cnh-*.txt"))
    for i in range(count):
        text = texts[i % len(texts)].read_text(encoding="utf-8")
        (folder / f"letter-{i:03d}.txt").write_text(f"{text.rstrip()}\nReference: spark-{i}\n", encoding="utf-8")
    return folder


def _counts(summary) -> dict:
    """A run summary without what depends on the machine (time, memory)."""
    return {k: v for k, v in dataclasses.asdict(summary).items() if k not in ("seconds", "worker_peak_mb")}


def _manifests(out: Path) -> list:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((out / "_state").glob("part-*.json"))]


def test_spark_dataset_equals_the_local_one_cell_by_cell(tmp_path, monkeypatch):
    letters = tmp_path / "letters"
    shutil.copytree(ROOT / "corpora" / "test", letters, ignore=shutil.ignore_patterns("*.gold.json"))
    (letters / "copy.txt").write_bytes((letters / "cnh-21.txt").read_bytes())  # a duplicate
    (letters / "empty.txt").write_bytes(b"")  # a bad input
    (letters / "nested").mkdir()
    (letters / "nested" / "with space #1 %20.txt").write_bytes((letters / "hx-01.txt").read_bytes() + b"\n")
    with open(os.path.join(os.fsencode(letters), b"\xff-name.txt"), "wb") as handle:  # not UTF-8
        handle.write((letters / "hx-02.txt").read_bytes() + b"\n")
    later = tmp_path / "later"
    later.mkdir()
    # Named after the folder, but sorting before it: the first in input order is kept, as locally.
    (later / "a-copy.txt").write_bytes((letters / "cnh-22.txt").read_bytes())
    monkeypatch.chdir(tmp_path)
    inputs = ["letters", "later", "missing.txt"]  # relative, as a user types them

    local = run_local(inputs, tmp_path / "local", workers=1, with_text=True)
    spark = engine.run_spark(inputs, tmp_path / "spark", conf=QUIET, with_text=True)

    assert_same_dataset(tmp_path / "local", tmp_path / "spark")  # path, dtypes and all
    assert _counts(spark) == _counts(local)
    assert spark.duplicates == 2 and spark.errors == 2 and spark.letters == len(read_table("spark", "letters"))
    assert spark.worker_peak_mb > 0  # reported by the letter workers inside the Spark tasks
    kept = set(read_table("spark", "letters")["path"])
    assert "letters/cnh-22.txt" in kept and "later/a-copy.txt" not in kept
    assert "letters/\\xff-name.txt" in kept and "letters/nested/with space #1 %20.txt" in kept
    # The run state is the local engine's: a Spark dataset resumes with either engine.
    (ours,), (theirs,) = _manifests(tmp_path / "spark"), _manifests(tmp_path / "local")
    assert sorted(zip(ours["paths"], ours["doc_ids"])) == sorted(zip(theirs["paths"], theirs["doc_ids"]))


def test_spark_resume_after_a_killed_run_gives_the_dataset_of_one_run(tmp_path, monkeypatch):
    letters = _distinct_letters(tmp_path / "letters", 10)
    run_local([str(letters)], tmp_path / "whole", workers=1)
    killed = tmp_path / "killed"
    script = ("import extractor.engines.spark as engine\n"
              "engine.FILES_PER_COMMIT = 3\n"
              f"engine.run_spark([{str(letters)!r}], {str(killed)!r}, conf={QUIET!r})\n")
    # The run holds still once it has committed 2 parts of 3 letters; the kill ends its driver,
    # its JVM and its Python workers (one process group) at that point.
    run = subprocess.Popen([sys.executable, "-c", script], env={**os.environ, HOLD_AFTER_PARTS: "2"},
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while len(list((killed / "_state").glob("part-*.json"))) < 2:
            assert run.poll() is None and time.monotonic() < deadline, "the run ended before its second part"
            time.sleep(0.5)
    finally:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
    committed = [p for m in _manifests(killed) for p in m["paths"]]
    assert len(committed) == 6 and set(read_table(killed, "letters")["path"]) == set(committed)
    # What a kill during the next part leaves: a part in the making and a part moved but not
    # committed. Readers see neither; the resumed run removes both.
    (killed / ".spark-00002" / "letters").mkdir(parents=True)
    stray = killed / "letters" / "part-00002-00000.parquet"
    shutil.copy(next((killed / "letters").glob("part-00000-*")), stray)
    assert len(read_table(killed, "letters")) == 6

    monkeypatch.setattr(engine, "FILES_PER_COMMIT", 3)
    summary = engine.run_spark([str(letters)], killed, resume=True, conf=QUIET)

    assert summary.resumed == 6 and summary.inputs == 4 and summary.letters == 4
    assert_same_dataset(tmp_path / "whole", killed)
    assert not (killed / ".spark-00002").exists() and len(_manifests(killed)) == 4
    again = CliRunner().invoke(app, ["run", str(letters), "--out", str(killed), "--engine", "spark", "--resume",
                                     *(f"--spark-conf={k}={v}" for k, v in QUIET.items())])
    assert again.exit_code == 0, again.output  # everything committed: nothing to do
    assert_same_dataset(tmp_path / "whole", killed)


def test_spark_reads_uris_through_hadoop_and_files_it_cannot_read_become_rows(tmp_path, monkeypatch):
    letters = _distinct_letters(tmp_path / "letters", 4)
    (letters / "sub").mkdir()
    (letters / "sub" / "scan [1] %20.txt").write_bytes((letters / "letter-000.txt").read_bytes() + b"\n")
    run_local([str(letters)], tmp_path / "local", workers=1)
    (letters / "_draft.txt").write_bytes((letters / "letter-001.txt").read_bytes() + b"\n")  # Spark skips "_"
    gone_here, gone_there = str(tmp_path / "gone.txt"), f"file:{tmp_path}/gone.txt"
    real = engine._hadoop_listed

    def listed(spark, inputs, options, out):
        # Every input through Hadoop's file system, as s3a:// or gs:// would be; then two files the
        # driver listed that are gone when the executors read them, by path and by URI.
        for spec in inputs:
            yield from real(spark, spec, options.max_file_mb)
        yield engine.Listed(gone_here, gone_here, gone_here, False, None)
        yield engine.Listed(gone_there, gone_there, gone_there, True, None)

    monkeypatch.setattr(engine, "_listed", listed)
    uri = f"file://{letters}"
    summary = engine.run_spark([uri], tmp_path / "spark", conf=QUIET)

    errors = read_table(tmp_path / "spark", "errors").set_index("path")
    assert summary.errors == 3 and set(errors["error"]) == {"E002"}
    assert errors.loc[gone_here, "message"] == f"file not found: {gone_here}"
    assert errors.loc[gone_there, "message"].startswith("cannot read file: Spark could not read it")
    assert "names that start with '_'" in errors.loc[f"{uri}/_draft.txt", "message"]
    assert read_table(tmp_path / "local", "errors").empty
    assert_same_dataset(tmp_path / "local", tmp_path / "spark", path=lambda p: p.replace("file://", "", 1),
                        tables=("letters", "items", "mentions"))


def test_spark_unreachable_master_fails_fast_and_names_it(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("an earlier run's files stay")
    master = f"spark://127.0.0.1:{free_port()}"  # nothing listens there
    started = time.monotonic()
    with pytest.raises(engine.MasterUnreachable, match=f"cannot reach the Spark master {master}"):
        engine.run_spark([str(tmp_path)], tmp_path / "out", master=master)
    result = CliRunner().invoke(app, ["run", str(tmp_path), "--out", str(tmp_path / "out"), "--engine", "spark",
                                      "--master", master])
    assert result.exit_code == 2 and master in result.output
    assert time.monotonic() - started < 60
    assert (tmp_path / "out" / "keep.txt").exists()


def test_spark_check_master_reads_every_address_of_a_url():
    port = free_port()
    with pytest.raises(engine.MasterUnreachable) as failed:
        engine.check_master(f"spark://127.0.0.1:{port},localhost:{port}", timeout=2)
    assert failed.value.args[0].count(str(port)) >= 3
    engine.check_master("local[2]")  # nothing to reach
    engine.check_master("yarn")


def test_spark_csv_and_jsonl_datasets_equal_the_local_ones(tmp_path, monkeypatch):
    letters = _distinct_letters(tmp_path / "letters", 4)
    (letters / "copy.txt").write_bytes((letters / "letter-002.txt").read_bytes())
    monkeypatch.chdir(tmp_path)
    for fmt in ("csv", "jsonl"):
        run_local(["letters"], tmp_path / f"local-{fmt}", workers=1, fmt=fmt)
        engine.run_spark(["letters"], tmp_path / f"spark-{fmt}", fmt=fmt, conf=QUIET)
        assert_same_dataset(tmp_path / f"local-{fmt}", tmp_path / f"spark-{fmt}")
        assert {p.suffix for p in (tmp_path / f"spark-{fmt}" / "items").iterdir()} == {f".{fmt}"}


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
