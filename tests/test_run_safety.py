"""One writer per dataset, clears that can always be redone, no process outliving a killed run."""

import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.dataset import read_table
from extractor.dataset.state import run_lock
from extractor.quality.hostile import marked_processes as _marked

ROOT = Path(__file__).resolve().parents[1]
LETTERS = sorted((ROOT / "corpora" / "test").glob("cnh-*.txt"))


def _folder(tmp_path, n=4) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for i, path in enumerate(LETTERS[:n]):
        (folder / f"{i}.txt").write_bytes(path.read_bytes())
    return folder


def test_run_safety_second_run_into_a_held_folder_is_refused(tmp_path):
    folder = _folder(tmp_path, 1)
    with run_lock(tmp_path / "out"):
        result = CliRunner().invoke(app, ["run", str(folder), "--out", str(tmp_path / "out"), "--no-progress"])
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "being written by another run" in said and f"pid {os.getpid()}" in said
    # Released when the first run ends: the same command now works.
    again = CliRunner().invoke(app, ["run", str(folder), "--out", str(tmp_path / "out"), "--no-progress"])
    assert again.exit_code == 0, again.output


def test_run_safety_failed_clear_leaves_no_manifest_and_can_be_rerun(tmp_path, monkeypatch):
    folder = _folder(tmp_path)
    out = tmp_path / "out"
    assert CliRunner().invoke(app, ["run", str(folder), "--out", str(out), "--no-progress"]).exit_code == 0
    real_unlink = Path.unlink

    def unlink(self, *args, **kwargs):
        if self.parent.name == "items":  # a table folder that cannot be written
            raise PermissionError(13, "Permission denied", str(self))
        return real_unlink(self, *args, **kwargs)

    monkeypatch.setattr(Path, "unlink", unlink)
    failed = CliRunner().invoke(app, ["run", str(folder), "--out", str(out), "--no-progress"])
    assert failed.exit_code == 2 and "cannot remove the previous run's tables" in " ".join(failed.output.split())
    assert "--resume" not in failed.output  # nothing to resume: the message says to run again
    assert not list((out / "_state").glob("part-*.json"))  # no manifest names rows that are gone
    monkeypatch.setattr(Path, "unlink", real_unlink)
    again = CliRunner().invoke(app, ["run", str(folder), "--out", str(out), "--no-progress"])
    assert again.exit_code == 0 and len(read_table(out, "letters")) == 4


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc (Linux)")
def test_run_safety_kill_during_start_up_leaves_no_process(tmp_path):
    folder = _folder(tmp_path)
    rng = random.Random(5)
    for attempt in range(5):
        marker = f"IMR_TEST_MARK={uuid.uuid4()}"
        env = {**os.environ, "IMR_TEST_MARK": marker.split("=", 1)[1]}
        run = subprocess.Popen([sys.executable, "-m", "extractor", "run", str(folder), "--out",
                                str(tmp_path / f"out-{attempt}"), "--no-progress", "--workers", "2"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 3.5))  # anywhere in start-up: imports, fork server, workers
        run.kill()
        run.wait()
        deadline = time.time() + 10
        while _marked(marker) and time.time() < deadline:
            time.sleep(0.2)
        assert not _marked(marker), f"attempt {attempt}: processes outlived the killed run"


def _run_under_way(tmp_path, workers: int) -> subprocess.Popen:
    """``imr-extract run`` of 8 letters in a child process, returned once it has committed a batch."""
    folder = _folder(tmp_path, 8)
    run = subprocess.Popen([sys.executable, "-m", "extractor", "run", str(folder), "--out", str(tmp_path / "out"),
                            "--no-progress", "--workers", str(workers), "--batch-size", "1"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while not list((tmp_path / "out" / "_state").glob("part-*.json")) and time.time() < deadline:
        time.sleep(0.1)
    return run


def test_run_safety_sigint_says_how_to_resume(tmp_path):
    run = _run_under_way(tmp_path, workers=1)
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=120)
    assert run.returncode == 130, err[-2000:]
    assert "interrupted" in err and "--resume" in err


def test_run_safety_show_and_review_run_letters_in_an_isolated_worker(tmp_path, monkeypatch):
    from extractor.engines import letter_job

    folder = _folder(tmp_path, 3)
    bad = folder / "1.txt"
    real = letter_job.extract_letters

    def crashes(data, path=None, **kwargs):
        if path == str(bad):
            os._exit(11)  # a crash inside a C library, as the worker sees it
        return real(data, path=path, **kwargs)

    monkeypatch.setattr(letter_job, "extract_letters", crashes)
    shown = CliRunner().invoke(app, ["show", str(bad)])
    assert shown.exit_code == 1 and "worker process crashed" in shown.output
    review = CliRunner().invoke(app, ["review", str(folder), "--out", str(tmp_path / "site")])
    assert review.exit_code == 0, review.output
    assert "2 letters, 1 failed" in review.output  # the crash cost that letter only


def test_run_safety_killed_run_prints_no_leaked_semaphore_warning(tmp_path):
    run = _run_under_way(tmp_path, workers=2)  # workers run, and hold semaphores
    run.kill()
    _, err = run.communicate(timeout=60)  # the pipe closes when the resource tracker has cleaned up
    assert "leaked semaphore" not in err, err[-1000:]
