"""What a user meets around a run: the failure summary, -v from workers, resume and re-run edge cases."""

import shutil
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from extractor.cli import app

ROOT = Path(__file__).resolve().parents[1]
LETTER = ROOT / "corpora" / "test" / "cnh-21.txt"


def _said(result) -> str:
    """The command's output with the terminal's line wrapping undone."""
    return " ".join(result.output.split())


def _folder(tmp_path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(LETTER, folder / "good.txt")
    for name in ("empty-1.txt", "empty-2.txt"):
        (folder / name).write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    return folder


def test_run_summary_lists_failures_by_code_with_file_names(tmp_path):
    result = CliRunner().invoke(app, ["run", str(_folder(tmp_path)), "--out", str(tmp_path / "o"), "--no-progress"])
    assert result.exit_code == 1
    assert "3 input(s) failed" in _said(result)
    assert "E001 x2: file is empty (0 bytes)" in _said(result) and "empty-1.txt, empty-2.txt" in _said(result)
    assert "E003 x1" in _said(result) and "binary.txt" in _said(result)


def test_run_verbose_logs_failed_letters_from_the_workers(tmp_path):
    done = subprocess.run([sys.executable, "-m", "extractor", "run", str(_folder(tmp_path)), "--out",
                           str(tmp_path / "o"), "--no-progress", "-v", "--workers", "2"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert "letter failed: path=" in done.stderr and "empty-1.txt" in done.stderr  # logged by a worker


def test_run_resume_in_another_format_is_refused(tmp_path):
    folder = _folder(tmp_path)
    CliRunner().invoke(app, ["run", str(folder), "--out", str(tmp_path / "o"), "--no-progress"])
    result = CliRunner().invoke(app, ["run", str(folder), "--out", str(tmp_path / "o"), "--no-progress",
                                      "--resume", "--format", "csv"])
    assert result.exit_code == 2 and "holds a parquet dataset; resume it with --format parquet" in _said(result)
    assert not list((tmp_path / "o" / "letters").glob("*.csv"))


def test_run_fresh_run_removes_the_old_features_table(tmp_path):
    folder = _folder(tmp_path)
    out = tmp_path / "o"
    CliRunner().invoke(app, ["run", str(folder), "--out", str(out), "--no-progress", "--features"])
    assert list((out / "features").glob("part-*"))
    CliRunner().invoke(app, ["run", str(folder), "--out", str(out), "--no-progress"])
    assert not list((out / "features").glob("part-*"))  # it described the old run's letters


def test_show_a_folder_says_so(tmp_path):
    result = CliRunner().invoke(app, ["show", str(tmp_path)])
    assert result.exit_code == 2 and "is a folder" in _said(result)


def test_bench_outside_the_repository_needs_a_corpus_for_corpus_letters(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no ./corpora here
    result = CliRunner().invoke(app, ["bench", "--letters", "corpus"])
    assert result.exit_code == 2 and "--letters corpus needs --corpus FOLDER" in _said(result)
    result = CliRunner().invoke(app, ["bench", "--corpus", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "is not a folder" in _said(result)
