"""PDFs with a real password: opened with --password-file or $IMR_PDF_PASSWORD, the password never written out."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor import extract_bytes
from extractor.cli import app
from extractor.errors import ExtractionError
from extractor.options import RunOptions, pdf_password

ROOT = Path(__file__).resolve().parents[1]
LETTER = ROOT / "corpora" / "dev" / "cnh-01.txt"
SECRET = "Tr0ub4dor&3-xyzzy"
runner = CliRunner()


def locked_pdf(text: str, password: str = SECRET) -> bytes:
    """The letter as a PDF encrypted with a user password (nothing opens it without one)."""
    from io import BytesIO

    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, encrypt=StandardEncryption(password, ownerPassword="owner-" + password))
    y = 740
    for line in text.splitlines():
        if y < 72:
            pdf.showPage()
            y = 740
        pdf.drawString(72, y, line[:110])
        y -= 13
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def locked() -> bytes:
    return locked_pdf(LETTER.read_text(encoding="utf-8"))


@pytest.mark.parametrize("backend", ["pypdfium2", "pdfplumber"])
def test_the_right_password_opens_the_letter(locked, backend):
    record = extract_bytes(locked, password=SECRET, pdf_backend=backend)
    assert record.case_number == "CM15-0148213" and record.items


@pytest.mark.parametrize("backend", ["pypdfium2", "pdfplumber"])
@pytest.mark.parametrize(("password", "words"), [(None, "needs a password"), ("guess", "wrong password")])
def test_a_missing_or_wrong_password_is_E005(locked, backend, password, words):
    with pytest.raises(ExtractionError) as info:
        extract_bytes(locked, password=password, pdf_backend=backend)
    assert info.value.code == "E005" and words in info.value.message
    assert SECRET not in info.value.message and "guess" not in info.value.message


def test_the_password_comes_from_a_file_or_the_environment(tmp_path):
    secret = tmp_path / "pw"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    assert pdf_password(secret, environ={"IMR_PDF_PASSWORD": "other"}) == SECRET  # the file wins
    assert pdf_password(None, environ={"IMR_PDF_PASSWORD": SECRET}) == SECRET
    assert pdf_password(None, environ={}) is None
    (tmp_path / "empty").write_text("", encoding="utf-8")
    for bad in (tmp_path / "empty", tmp_path / "missing"):
        with pytest.raises(ValueError) as info:
            pdf_password(bad)
        assert str(bad) in str(info.value)
    options = RunOptions(pdf_password=SECRET)
    assert SECRET not in repr(options) and SECRET not in repr(options.letter)
    assert options.letter.pdf_password == SECRET


def test_show_reads_the_password_file(tmp_path, locked):
    (tmp_path / "letter.pdf").write_bytes(locked)
    (tmp_path / "pw").write_text(SECRET, encoding="utf-8")
    result = runner.invoke(app, ["show", str(tmp_path / "letter.pdf"), "--password-file", str(tmp_path / "pw")])
    assert result.exit_code == 0, result.output
    assert '"case_number": "CM15-0148213"' in result.stdout and SECRET not in result.output


def _every_file_text(folder: Path) -> str:
    return "\n".join(p.read_bytes().decode("latin-1") for p in folder.rglob("*") if p.is_file())


def test_run_with_the_password_in_the_environment_writes_it_nowhere(tmp_path, locked, monkeypatch):
    from extractor.dataset import read_table

    letters = tmp_path / "letters"
    letters.mkdir()
    (letters / "locked.pdf").write_bytes(locked)
    (letters / "other.pdf").write_bytes(locked_pdf(LETTER.read_text(encoding="utf-8"), "another one"))
    monkeypatch.setenv("IMR_PDF_PASSWORD", SECRET)
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(letters), "--out", str(out), "--format", "jsonl", "--no-progress",
                                 "--verbose"])
    assert result.exit_code == 1, result.output  # the letter with another password fails
    found = read_table(out, "letters")
    assert list(found["case_number"]) == ["CM15-0148213"]
    errors = read_table(out, "errors")
    assert list(errors["error"]) == ["E005"] and "wrong password" in errors["message"][0]
    assert SECRET not in _every_file_text(out) and SECRET not in result.output


def test_run_refuses_an_unreadable_password_file(tmp_path):
    result = runner.invoke(app, ["run", str(LETTER), "--out", str(tmp_path / "out"),
                                 "--password-file", str(tmp_path / "missing")])
    assert result.exit_code == 2 and "cannot read the password file" in result.output
