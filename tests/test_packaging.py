"""The built wheel holds every subpackage and every rule file (a run from any folder finds them)."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_packaging_wheel_contents(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                    "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True, timeout=300)
    wheel = next(tmp_path.glob("imr_extractor-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for package in ("reading", "components", "dataset", "engines", "recognizers", "decision", "quality", "review",
                    "synth"):
        assert f"extractor/{package}/__init__.py" in names, package
    models = {p.relative_to(ROOT / "models").as_posix() for p in (ROOT / "models").rglob("*")
              if p.suffix in (".json", ".jsonl", ".csv")}
    assert models and all(f"extractor/models/{m}" in names for m in models), models - names
    assert "extractor/review/style.css" in names


def test_packaging_schema_doc_is_current():
    """docs/schema.md is written from the code; every column has its meaning."""
    from extractor.dataset.schema import COLUMN_DOCS, COLUMNS, schema_markdown

    assert {t: set(c) for t, c in COLUMN_DOCS.items()} == {t: set(c) for t, c in COLUMNS.items()}
    assert (ROOT / "docs" / "schema.md").read_text(encoding="utf-8") == schema_markdown(), \
        "docs/schema.md is out of date: run python scripts/write_schema_doc.py"
