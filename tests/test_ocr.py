"""Scanned letters: PDF pages without a text layer are read by Tesseract; --no-ocr reports them."""

from pathlib import Path

import pytest

from extractor import extract_bytes, extract_file
from extractor.errors import ExtractionError

ROOT = Path(__file__).resolve().parents[1]
LETTERS = [ROOT / "corpora" / "dev" / "cnh-01.txt", ROOT / "corpora" / "test" / "cnh-21.txt"]


@pytest.mark.parametrize("letter", LETTERS, ids=[p.stem for p in LETTERS])
def test_ocr_scanned_letter_reaches_the_same_decisions(letter, tesseract, scan):
    text = letter.read_text(encoding="utf-8")
    expected = extract_file(letter)
    record = extract_bytes(scan(text), path=f"{letter.stem}-scan.pdf")
    assert record.source.ocr is True and record.source.ocr_pages == list(range(1, record.source.pages + 1))
    assert [(i.decision, i.category) for i in record.items] == [(i.decision, i.category) for i in expected.items]
    assert record.case_number == expected.case_number
    for got, want in zip(record.items, expected.items):
        assert got.service.lower().split()[:3] == want.service.lower().split()[:3]


def test_ocr_turned_off_reports_the_scan(scan):
    data = scan(LETTERS[0].read_text(encoding="utf-8"))
    with pytest.raises(ExtractionError) as info:
        extract_bytes(data, ocr=False)
    assert info.value.code == "E006" and "--no-ocr" in info.value.message
