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


def test_hostile_malformed_utf16_has_its_own_error():
    from extractor.errors import ExtractionError
    from extractor.extract import extract_letters

    with pytest.raises(ExtractionError) as caught:
        extract_letters(b"\xff\xfe" + "Case Number".encode("utf-16-le") + b"\x00\xd8")  # a lone surrogate
    assert caught.value.code == "E019" and "UTF-16" in caught.value.message


def test_hostile_text_over_spacys_limit_has_its_own_error():
    from extractor import load
    from extractor.errors import ExtractionError
    from extractor.extract import extract_letters

    nlp = load()
    limit = nlp.max_length
    nlp.max_length = 2000  # the same check as at 1,000,000 characters, on a short letter
    try:
        with pytest.raises(ExtractionError) as caught:
            extract_letters((ROOT / "corpora" / "test" / "cnh-21.txt").read_bytes())
    finally:
        nlp.max_length = limit
    assert caught.value.code == "E020" and "over the 2,000" in caught.value.message


def test_hostile_zero_width_character_in_a_case_number_does_not_split_a_letter():
    from extractor.bundles import split_letters

    text = (ROOT / "corpora" / "dev" / "cnh-01.txt").read_text(encoding="utf-8")
    hidden = text.replace("CM15-0148213", "CM15-014821\u200b3", 1)  # invisible, inside the number
    assert "\u200b" in hidden
    # The same case twice in one file: never cut (case numbers must differ).
    assert len(split_letters([hidden + "\n" + text])) == len(split_letters([text + "\n" + text])) == 1


def test_hostile_hyphen_rejoining_reads_the_letter_once(monkeypatch):
    from extractor import cleaning

    reads = []
    real = cleaning._Words.read

    def counted(self):
        reads.append(self)
        return real(self)

    monkeypatch.setattr(cleaning._Words, "read", counted)
    text = "\n".join("the patient was medi-" if i % 2 == 0 else "cally treated and" for i in range(4000))
    cleaned = cleaning.clean_pages([text])
    assert "medically" in cleaned.text  # the decisions are the same as a search per hyphen gave
    assert len({id(r) for r in reads}) == 1  # one index of the letter, however many hyphens


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc (Linux)")
def test_hostile_inputs_all_accounted_for_and_nothing_left_behind():
    """The CI subset of ``make fuzz-hostile``: the same inputs, one killed start-up."""
    from extractor.quality.hostile import run_hostile

    report = run_hostile(kills=1, seed=3)
    assert report["ok"], report["problems"]
    assert report["letters"] + sum(report["errors"].values()) == report["inputs"]
    assert "E009" not in report["errors"]
