"""Shared fixtures: the pipeline (built once), the seed letter, the corpus and its PDF renderings."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / "corpora"
SHARED = ROOT.parent / "shared"
SAMPLE = SHARED / "samples" / "imr-sample-1.txt"
REAL = SHARED / "real" / "dev"
DATA = Path(__file__).parent / "data"


def assert_same_dataset(expected: Path, got: Path, path=None, tables=None) -> None:
    """Two datasets hold the same tables cell by cell: columns, dtypes and rows (in any order).

    ``path`` maps the ``path`` column of ``got`` before the comparison (URIs to paths);
    ``tables`` names the tables to compare (default: the four, and ``texts`` where ``expected`` has it).
    """
    import pandas as pd

    from extractor.dataset import read_table
    from extractor.dataset.schema import COLUMNS, TABLES

    if tables is None:
        tables = [*TABLES, *(["texts"] if (Path(expected) / "texts").is_dir() else [])]
        assert (Path(got) / "texts").is_dir() == ("texts" in tables)
    for table in tables:
        a, b = read_table(expected, table), read_table(got, table)
        if path is not None and "path" in b:
            b["path"] = b["path"].map(path)
        assert list(a.columns) == list(COLUMNS[table]) == list(b.columns), table
        assert len(a) == len(b), (table, len(a), len(b))
        a, b = _in_row_order(a), _in_row_order(b)
        pd.testing.assert_frame_equal(a, b, check_dtype=True, obj=table)


def _in_row_order(frame):
    """``frame``'s rows sorted by all their cells (list and struct cells by their text), index reset."""
    keys = ["\x1f".join(map(str, row)) for row in frame.itertuples(index=False)]
    return frame.iloc[sorted(range(len(keys)), key=keys.__getitem__)].reset_index(drop=True)


def require(present: bool, what: str) -> None:
    """Skip a test whose prerequisite is missing; under CI a missing one fails the run instead.

    CI has ``../shared`` beside the clone and runs ``make test``, which installs Java, Tesseract
    and Chromium: a missing one there means the suite would pass without checking anything.
    """
    if present:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what}: CI must have it (`make test` installs the tools; ../shared sits beside the clone)",
                    pytrace=False)
    pytest.skip(what)


@pytest.fixture(scope="session")
def real_letters() -> Path:
    """The real published letters in ../shared/real/dev."""
    require(REAL.is_dir(), f"real letters not found at {REAL}")
    return REAL


@pytest.fixture(scope="session")
def nlp():
    """The process-wide pipeline."""
    from extractor import load

    return load()


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The published sample letter (skips when shared/ is not beside the project)."""
    require(SAMPLE.exists(), f"seed letter not found at {SAMPLE}")
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def corpus_letters() -> list[Path]:
    """Every written corpus letter."""
    return sorted(CORPORA.glob("*/*.txt"))


@pytest.fixture(scope="session")
def rendered(tmp_path_factory, corpus_letters) -> Path:
    """The corpus rendered to PDFs (same relative paths under a temporary folder)."""
    from extractor.synth.render import render_folder

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
    """Tesseract on the PATH (``make`` installs Debian's tesseract-ocr; tests never install)."""
    require(shutil.which("tesseract") is not None, "tesseract not found (`make test` installs tesseract-ocr)")


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory) -> Path:
    """A folder for files a person may want to look at after the run (screenshots), outside the repo."""
    folder = Path(os.environ.get("IMR_TEST_ARTIFACTS") or tmp_path_factory.getbasetemp() / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _scanned(text: str) -> bytes:
    """A letter as a scan: its PDF rendering rasterized to 200 dpi images, with no text layer."""
    import io

    import pypdfium2 as pdfium

    from extractor.synth.render import render_pdf

    pdf = pdfium.PdfDocument(render_pdf(text))
    images = [page.render(scale=200 / 72, grayscale=True).to_pil().convert("L") for page in pdf]
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", save_all=True, append_images=images[1:], resolution=200)
    return buffer.getvalue()


@pytest.fixture(scope="session")
def scan():
    """Makes a scan of a letter's text: PDF pages that are images only (read by OCR)."""
    return _scanned
