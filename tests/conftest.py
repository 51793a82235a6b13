"""Shared fixtures: the pipeline (built once), the seed letter, the corpus and its PDF renderings."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / "corpora"
SHARED = ROOT.parent / "shared"
SAMPLE = SHARED / "samples" / "imr-sample-1.txt"
REAL = SHARED / "real" / "dev"
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def nlp():
    """The process-wide pipeline."""
    from extractor import load

    return load()


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The published sample letter (skips when shared/ is not beside the project)."""
    if not SAMPLE.exists():
        pytest.skip(f"seed letter not found at {SAMPLE}")
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def corpus_letters() -> list[Path]:
    """Every written corpus letter."""
    return sorted(CORPORA.glob("*/*.txt"))


@pytest.fixture(scope="session")
def rendered(tmp_path_factory, corpus_letters) -> Path:
    """The corpus rendered to PDFs (same relative paths under a temporary folder)."""
    from extractor.render import render_folder

    dest = tmp_path_factory.mktemp("pdf")
    render_folder(CORPORA, dest)
    return dest


@pytest.fixture(scope="session")
def corpus_dataset(tmp_path_factory) -> Path:
    """The dataset ``imr-extract run corpora`` writes (Parquet), built once per session."""
    from extractor.engines import run_local

    out = tmp_path_factory.mktemp("corpus-dataset") / "dataset"
    summary = run_local([str(CORPORA)], out, workers=2)
    assert summary.errors == 0 and summary.letters > 50
    return out


@pytest.fixture(scope="session")
def tesseract() -> None:
    """Install Debian's tesseract-ocr when it is missing, as the setup does."""
    import shutil
    import subprocess

    if shutil.which("tesseract"):
        return
    try:
        subprocess.run(["apt-get", "install", "-y", "-qq", "tesseract-ocr"], check=True, capture_output=True,
                       timeout=600, env={"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.fail(f"could not install Debian's tesseract-ocr: {exc}")


def _scanned(text: str) -> bytes:
    """A letter as a scan: its PDF rendering rasterized to 200 dpi images, with no text layer."""
    import io

    import pypdfium2 as pdfium

    from extractor.render import render_pdf

    pdf = pdfium.PdfDocument(render_pdf(text))
    images = [page.render(scale=200 / 72, grayscale=True).to_pil().convert("L") for page in pdf]
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", save_all=True, append_images=images[1:], resolution=200)
    return buffer.getvalue()


@pytest.fixture(scope="session")
def scan():
    """Makes a scan of a letter's text: PDF pages that are images only (read by OCR)."""
    return _scanned
