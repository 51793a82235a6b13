"""Odd inputs: HTML, a 1,000-page PDF, several letters in one file, a utilization review letter."""

from pathlib import Path

import pytest

from extractor import extract_bytes, extract_text
from extractor.errors import ExtractionError
from extractor.extract import extract_letters

ROOT = Path(__file__).resolve().parents[1]
LETTER = (ROOT / "corpora" / "dev" / "cnh-01.txt").read_text(encoding="utf-8")
OTHER = (ROOT / "corpora" / "dev" / "cnh-02.txt").read_text(encoding="utf-8")


def test_hostile_html_letter_is_read_without_markup():
    markup = ("<!DOCTYPE html><html><head><style>p {color: red}</style><script>alert(1)</script></head>"
              f"<body><p>{LETTER.replace(chr(10), '<br>')}</p></body></html>")
    record = extract_bytes(markup.encode("utf-8"))
    expected = extract_text(LETTER)
    assert [i.service for i in record.items] == [i.service for i in expected.items]
    assert record.case_number == expected.case_number
    assert "file is HTML; its text was read without the markup" in record.warnings
    assert "alert" not in record.text


def test_hostile_thousand_page_pdf_is_refused_clearly():
    from io import BytesIO

    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    pdf = canvas.Canvas(buffer)
    for number in range(1000):
        pdf.drawString(72, 720, f"page {number}")
        pdf.showPage()
    pdf.save()
    with pytest.raises(ExtractionError) as info:
        extract_bytes(buffer.getvalue())
    assert info.value.code == "E014" and "1000 pages" in info.value.message


def test_hostile_two_letters_in_one_file_are_split():
    letters = extract_letters((LETTER + "\n" + OTHER).encode("utf-8"))
    assert [r.case_number for r in letters] == [extract_text(LETTER).case_number, extract_text(OTHER).case_number]
    record = extract_text(LETTER + "\n" + OTHER)  # the one-record API: the first, with a warning
    assert record.case_number == letters[0].case_number
    assert any(w.startswith("file holds 2 letters") for w in record.warnings)


def test_hostile_utilization_review_letter_is_not_a_determination():
    ur = (
        "UTILIZATION REVIEW DETERMINATION\nDear Provider,\nWe have reviewed your request for physical "
        "therapy. After review by our physician advisor, the request is non-certified because the "
        "guidelines were not met. You may request Independent Medical Review.\nSincerely,\nReview Unit\n"
    )
    with pytest.raises(ExtractionError) as info:
        extract_text(ur)
    assert info.value.stage == "record" and "not an IMR determination" in info.value.message
