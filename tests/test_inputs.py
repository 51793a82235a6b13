"""Every input accounted for: odd names, unreadable folders, non-files, huge files, the run's own output."""

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.dataset import read_table
from extractor.dataset.rows import display_path
from extractor.engines.inputs import expand_inputs

ROOT = Path(__file__).resolve().parents[1]
LETTER = (ROOT / "corpora" / "test" / "cnh-21.txt").read_bytes()


def _run(args):
    return CliRunner().invoke(app, ["run", *args, "--no-progress", "--workers", "1"])


def test_inputs_non_utf8_file_name_is_stored_with_escapes(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    odd = os.path.join(os.fsencode(folder), b"\xff-letter.txt")
    with open(odd, "wb") as handle:
        handle.write(LETTER)
    (folder / "ok.txt").write_bytes(LETTER.replace(b"CM", b"CM", 1) + b"\nReference: ok\n")
    first = _run([str(folder), "--out", str(tmp_path / "out")])
    assert first.exit_code == 0, first.output
    paths = set(read_table(tmp_path / "out", "letters")["path"])
    assert paths == {str(folder / "\\xff-letter.txt"), str(folder / "ok.txt")}
    # --resume finds both committed: nothing to do, nothing crashes.
    again = _run([str(folder), "--out", str(tmp_path / "out"), "--resume"])
    assert again.exit_code == 0, again.output
    assert len(read_table(tmp_path / "out", "letters")) == 2
    review = CliRunner().invoke(app, ["review", str(folder), "--out", str(tmp_path / "site")])
    assert review.exit_code == 0, review.output
    pages = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "site").glob("*.html"))
    assert "\\xff-letter.txt" in pages


def test_inputs_display_path_keeps_valid_names():
    assert display_path("letters/déjà vu.pdf") == "letters/déjà vu.pdf"
    assert display_path(os.fsdecode(b"a/\xffb")) == "a/\\xffb"


def test_inputs_unreadable_folder_is_an_error_row(tmp_path, monkeypatch):
    (tmp_path / "in" / "locked").mkdir(parents=True)
    (tmp_path / "in" / "a.txt").write_bytes(LETTER)
    real = os.scandir

    def scandir(path="."):
        if os.fspath(path).endswith("locked"):  # what a folder without read permission gives
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = dict(expand_inputs([str(tmp_path / "in")]))
    locked = found[str(tmp_path / "in" / "locked")]
    assert locked.code == "E021" and "Permission denied" in locked.message
    assert found[str(tmp_path / "in" / "a.txt")] is None


@pytest.mark.parametrize("make, code, words", [
    (lambda p: os.mkfifo(p), "E017", "FIFO"),  # why: reading a FIFO blocks for ever
    (lambda p: os.symlink("/dev/zero", p), "E017", "character device"),  # why: endless bytes
    (lambda p: os.truncate(open(p, "wb").name, 3 << 20) or None, "E018", "over the --max-file-mb limit of 1 MB"),
])
def test_inputs_non_files_and_huge_files_are_refused_before_reading(tmp_path, make, code, words):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ok.txt").write_bytes(LETTER)
    make(str(folder / "bad.txt"))
    for spec in ([str(folder)], [str(folder / "bad.txt"), str(folder / "ok.txt")]):  # walked, or named
        out = tmp_path / f"out-{len(spec)}"
        result = _run([*spec, "--out", str(out), "--max-file-mb", "1"])
        assert result.exit_code == 1, result.output
        errors = read_table(out, "errors")
        assert list(errors["path"]) == [str(folder / "bad.txt")]
        assert errors.loc[0, "error"] == code and words in errors.loc[0, "message"]
        assert len(read_table(out, "letters")) == 1


def test_inputs_output_folder_inside_the_input_is_not_read(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(LETTER)
    for _ in range(2):  # the second run would read the first one's part files
        result = _run([str(folder), "--out", str(folder / "dataset")])
        assert result.exit_code == 0, result.output
    assert list(read_table(folder / "dataset", "letters")["path"]) == [str(folder / "a.txt")]
    assert read_table(folder / "dataset", "errors").empty
