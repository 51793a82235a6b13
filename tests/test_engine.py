"""The local engine at scale: resume after SIGKILL, per-letter time and memory limits, crashed workers, DuckDB."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import extractor.extract as extract_module
from extractor.cli import app
from extractor.dataset import read_table
from extractor.dataset.state import HOLD_AFTER_PARTS
from extractor.engines import letter_job, local, pool
from extractor.quality.hostile import huge_page_pdf

ROOT = Path(__file__).resolve().parents[1]
# A one-page letter: OCR of a scan of it takes a few seconds.
SHORT_LETTER = """Case Number: CM16-0219557
Date Assigned: 11/18/2016
Date of Injury: 10/10/2016
Decision Date: 12/19/2016
HOW THE IMR FINAL DETERMINATION WAS MADE
State(s) of Licensure: California
CLINICAL CASE SUMMARY
The injured worker is a female who sustained an industrial injury on 10-10-16.
IMR ISSUES, DECISIONS AND RATIONALES
MRI of the left shoulder: Upheld
"""


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


def _descendants(pid: int) -> list[int]:
    """Processes below ``pid`` (Linux /proc), children first."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def test_engine_resume_after_sigkill_gives_the_same_dataset(tmp_path, letters):
    whole = tmp_path / "whole"
    CliRunner().invoke(app, ["run", str(letters), "--out", str(whole), "--no-progress", "--batch-size", "3",
                             "--workers", "1"])
    killed = tmp_path / "killed"
    command = [sys.executable, "-m", "extractor", "run", str(letters), "--out", str(killed),
               "--no-progress", "--batch-size", "3", "--workers", "1"]
    # The run holds still once it has committed 2 of its 8 parts: the kill lands at that point
    # however fast or slow the machine is.
    env = {**os.environ, HOLD_AFTER_PARTS: "2"}
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.time() + 300  # only a bound on a broken run, not a timing window
    while time.time() < deadline and len(list((killed / "_state").glob("part-*.json"))) < 2:
        time.sleep(0.05)
    helpers = _descendants(process.pid)  # its fork server and workers
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.time() + 30
    while time.time() < deadline and any(os.path.exists(f"/proc/{pid}") for pid in helpers):
        time.sleep(0.1)
    assert helpers and not [pid for pid in helpers if os.path.exists(f"/proc/{pid}")], "a killed run left processes"
    committed = len(list((killed / "_state").glob("part-*.json")))
    assert committed == 2, "the run should have been killed after its second part"
    result = CliRunner().invoke(app, ["run", str(letters), "--out", str(killed), "--no-progress",
                                      "--batch-size", "3", "--workers", "1", "--resume"])
    assert result.exit_code == 0, result.output
    assert "already done (resumed)" in result.output
    a, b = _tables(whole), _tables(killed)
    for table in a:
        pd.testing.assert_frame_equal(a[table], b[table], check_dtype=False)
    assert len(b["letters"]) == 24 and b["letters"]["doc_id"].is_unique


def test_engine_time_limits_cost_one_letter_each_and_name_the_step(tmp_path, letters, monkeypatch):
    # One letter hangs while its file is read (a PDF library stuck), one while fields are extracted.
    stuck_reading, stuck_nlp = letters / "letter-005.txt", letters / "letter-009.txt"
    hangs_in_reading = stuck_reading.read_bytes()
    real_read, real_run = extract_module.read_bytes, extract_module._run

    def hang():
        # The limit's timer going off, then a hang: what a letter past its limit looks like,
        # whatever the machine's load (the limit itself is far above any letter's time).
        signal.raise_signal(signal.SIGALRM)
        time.sleep(600)

    def read_bytes(data, **kwargs):
        if data == hangs_in_reading:
            hang()
        return real_read(data, **kwargs)

    def run(nlp, text, source):
        if source["path"] == str(stuck_nlp):
            hang()
        return real_run(nlp, text, source)

    monkeypatch.setattr(extract_module, "read_bytes", read_bytes)
    monkeypatch.setattr(extract_module, "_run", run)
    summary = local.run_local([str(letters)], tmp_path / "out", workers=2, time_limit=300, start_method="fork")
    errors = read_table(tmp_path / "out", "errors").set_index("path")
    assert summary.letters == 22 and summary.errors == 2
    assert set(read_table(tmp_path / "out", "letters")["path"]) == {
        str(p) for p in letters.iterdir() if p not in (stuck_reading, stuck_nlp)}
    reading, nlp = errors.loc[str(stuck_reading)], errors.loc[str(stuck_nlp)]
    assert (reading["error"], reading["stage"]) == ("E010", "read")
    assert reading["message"] == "letter timed out after 300 s while reading the file (--time-limit)"
    assert (nlp["error"], nlp["stage"]) == ("E010", "nlp")
    assert "while extracting fields" in nlp["message"]


def test_engine_worker_stuck_past_the_time_limit_costs_one_letter(tmp_path, letters, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    for path in sorted(letters.iterdir())[:6]:
        shutil.copy(path, folder)
    stuck = (folder / "letter-002.txt").read_bytes()
    real_read = extract_module.read_bytes

    def read_bytes(data, **kwargs):
        if data == stuck:  # stuck as in a C library's loop: the time limit's signal never lands
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(600)
        return real_read(data, **kwargs)

    monkeypatch.setattr(extract_module, "read_bytes", read_bytes)
    # Letters run under a limit no letter reaches, however loaded the machine; a worker counts as
    # stuck after 15 s, far above what a task of 4 letters takes under load.
    monkeypatch.setattr(pool, "stuck_after", lambda time_limit: 15.0 if time_limit > 0 else None)
    summary = local.run_local([str(folder)], tmp_path / "out", workers=2, time_limit=300, start_method="fork")
    errors = read_table(tmp_path / "out", "errors")
    assert summary.letters == 5 and summary.errors == 1
    assert errors.loc[0, "path"] == str(folder / "letter-002.txt") and errors.loc[0, "error"] == "E010"
    assert "stuck inside a library call" in errors.loc[0, "message"]


def test_engine_memory_limit_costs_one_letter_each(tmp_path, letters, monkeypatch, tesseract, scan):
    folder = tmp_path / "in"
    shutil.copytree(letters, folder)
    (folder / "huge-scan.pdf").write_bytes(huge_page_pdf())
    # A normal scan must still be read by OCR under the limit (OCR needs address space too).
    (folder / "normal-scan.pdf").write_bytes(scan(SHORT_LETTER))
    greedy = folder / "letter-007.txt"
    greedy_bytes = greedy.read_bytes()
    real_read = extract_module.read_bytes

    def read_bytes(data, **kwargs):
        if data == greedy_bytes:
            bytearray(4 << 30)  # a reader that wants 4 GB
        return real_read(data, **kwargs)

    monkeypatch.setattr(extract_module, "read_bytes", read_bytes)
    summary = local.run_local([str(folder)], tmp_path / "out", workers=2, time_limit=60, memory_limit=512,
                              start_method="fork")
    errors = read_table(tmp_path / "out", "errors").set_index("path")
    letters_table = read_table(tmp_path / "out", "letters")
    assert summary.letters == 24 and summary.errors == 2, errors.to_dict("records")
    assert set(errors.index) == {str(greedy), str(folder / "huge-scan.pdf")}
    assert set(errors["error"]) == {"E015"} and set(errors["stage"]) == {"read"}
    assert "needed more than the --memory-limit of 512 MB" in errors.loc[str(greedy), "message"]
    assert errors.loc[str(folder / "huge-scan.pdf"), "message"].startswith(
        "out of memory while reading scanned pages with OCR")
    scanned = letters_table.set_index("path").loc[str(folder / "normal-scan.pdf")]
    assert scanned["ocr"] and scanned["case_number"] == "CM16-0219557" and scanned["n_upheld"] == 1


def test_engine_memory_limit_is_lifted_after_reading():
    import resource

    from extractor.reading.limits import address_space, memory_budget

    before = resource.getrlimit(resource.RLIMIT_AS)
    with memory_budget(64):
        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        assert 0 < soft - address_space() <= 64 << 20
        with pytest.raises(MemoryError):
            bytearray(256 << 20)
    assert resource.getrlimit(resource.RLIMIT_AS) == before
    assert len(bytearray(256 << 20)) == 256 << 20


@pytest.mark.parametrize("workers", [1, 2])
def test_engine_crashed_worker_costs_one_letter(tmp_path, letters, monkeypatch, workers):
    bad = letters / "letter-007.txt"
    real = letter_job.extract_letters

    def crashes(data, path=None, **kwargs):
        if path == str(bad):
            os._exit(11)  # what a segfault in a C library looks like from Python
        return real(data, path=path, **kwargs)

    monkeypatch.setattr(letter_job, "extract_letters", crashes)
    summary = local.run_local([str(letters)], tmp_path / "out", workers=workers, time_limit=0, start_method="fork")
    errors = read_table(tmp_path / "out", "errors")
    assert summary.letters == 23 and summary.errors == 1
    assert errors.loc[0, "path"] == str(bad) and errors.loc[0, "error"] == "E012"


def test_engine_replaces_workers_after_their_share_of_letters(tmp_path, letters, monkeypatch):
    real = letter_job.extract_letters

    def tagged(data, path=None, **kwargs):  # the letter's path records the worker that read it
        return real(data, path=f"{path}|{os.getpid()}", **kwargs)

    monkeypatch.setattr(letter_job, "extract_letters", tagged)
    summary = local.run_local([str(letters)], tmp_path / "recycled", workers=2, letters_per_worker=3,
                              start_method="fork")
    local.run_local([str(letters)], tmp_path / "kept", workers=2, letters_per_worker=0, start_method="fork")

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
                                      "SELECT category, count(*) AS n, "
                                      "avg(CASE WHEN decision = 'upheld' THEN 1 ELSE 0 END) AS uphold_rate "
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


def test_engine_script_without_a_main_guard_runs(tmp_path, letters):
    # The default start method forks: workers do not re-run the calling script.
    script = tmp_path / "script.py"
    script.write_text(
        "from extractor.engines import run_local\n"
        f"s = run_local([{str(letters)!r}], {str(tmp_path / 'out')!r}, workers=2)\n"
        "print(s.letters, s.errors)\n"
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=600)
    assert done.stdout.split()[-2:] == ["24", "0"], done.stderr[-2000:]
