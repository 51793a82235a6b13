"""Scanned letters: PDF pages without a text layer are read by Tesseract; --no-ocr reports them."""

import io
import shutil
import subprocess
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from extractor import extract_bytes, extract_file
from extractor.errors import ExtractionError
from extractor.render import render_pdf

ROOT = Path(__file__).resolve().parents[1]
LETTERS = [ROOT / "corpora" / "dev" / "cnh-01.txt", ROOT / "corpora" / "test" / "cnh-21.txt"]


def _tesseract() -> None:
    """Install Debian's tesseract-ocr when it is missing, as the setup does."""
    if shutil.which("tesseract"):
        return
    try:
        subprocess.run(["apt-get", "install", "-y", "-qq", "tesseract-ocr"], check=True, capture_output=True,
                       timeout=600, env={"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.fail(f"could not install Debian's tesseract-ocr: {exc}")


def scanned(text: str) -> bytes:
    """A letter as a scan: its PDF rendering rasterized to 200 dpi images, with no text layer."""
    pdf = pdfium.PdfDocument(render_pdf(text))
    images = [page.render(scale=200 / 72, grayscale=True).to_pil().convert("L") for page in pdf]
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", save_all=True, append_images=images[1:], resolution=200)
    return buffer.getvalue()


@pytest.mark.parametrize("letter", LETTERS, ids=[p.stem for p in LETTERS])
def test_ocr_scanned_letter_reaches_the_same_decisions(letter):
    _tesseract()
    text = letter.read_text(encoding="utf-8")
    expected = extract_file(letter)
    record = extract_bytes(scanned(text), path=f"{letter.stem}-scan.pdf")
    assert record.source.ocr is True and record.source.ocr_pages == list(range(1, record.source.pages + 1))
    assert [(i.decision, i.category) for i in record.items] == [(i.decision, i.category) for i in expected.items]
    assert record.case_number == expected.case_number
    for got, want in zip(record.items, expected.items):
        assert got.service.lower().split()[:3] == want.service.lower().split()[:3]


def test_ocr_turned_off_reports_the_scan():
    data = scanned(LETTERS[0].read_text(encoding="utf-8"))
    with pytest.raises(ExtractionError) as info:
        extract_bytes(data, ocr=False)
    assert info.value.code == "E006" and "--no-ocr" in info.value.message
