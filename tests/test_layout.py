"""Layout cleanup on PDFs built with reportlab: a header laid out in two columns, running headers
and page numbers, and words hyphenated at line ends."""

from io import BytesIO
from pathlib import Path

import pytest

from extractor import extract_bytes, extract_file, extract_text
from extractor.reading import read_bytes
from extractor.reading.layout import looks_interleaved
from extractor.reading.pdf import _read_pdfium
from extractor.synth.render import render_pdf

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "real" / "dev"
HEADER_KEYS = ("layout", "case_number", "dates", "priority", "reviewer", "patient")


def _items(record) -> list[dict]:
    return [{k: v for k, v in item.items() if k not in ("evidence", "rationale")} for item in record["items"]]


def test_layout_interleaved_text_is_told_from_a_normal_header():
    assert looks_interleaved("Case Number:\nDate Assigned:\nDate of Injury:\nCM15-0148213\n07/22/2015\n")
    # The published two-column header as pypdfium2 reads it: one label wraps, values stay near.
    assert not looks_interleaved("Case Number: CM16-0219557\nDate Assigned: 11/18/2016 Date of Injury: "
                                 "10/10/2016\nPriority: Standard Application \nReceived: \n11/14/2016\n")
    assert not looks_interleaved("CLINICAL CASE SUMMARY\nThe applicant is a 34-year-old male.\n")


def _assert_same_record(data: bytes, letter: Path) -> list[dict]:
    """Both PDF backends give the text letter's header fields and items; returns their records."""
    want = extract_file(letter).to_dict()
    records = []
    for backend in ("pypdfium2", "pdfplumber"):
        got = extract_bytes(data, pdf_backend=backend).to_dict()
        for key in HEADER_KEYS:
            assert got[key] == want[key], (backend, key)
        assert _items(got) == _items(want), backend
        records.append(got)
    return records


@pytest.mark.parametrize("name", ["cnh-01", "cnh-06", "var-01", "pro-01", "mxl-02", "mxl-03"])
def test_layout_two_column_header_gives_the_record_of_the_text(name):
    letter = ROOT / "corpora" / "dev" / f"{name}.txt"
    text = letter.read_text(encoding="utf-8")
    data = render_pdf(text, grid_header=True)
    _assert_same_record(data, letter)
    # The bulk path re-read only the header page from word positions.
    assert extract_bytes(data).source.layout_pages == [1]


def test_layout_two_column_header_is_wrong_from_plain_text_alone():
    # Why the re-read exists: the labels column comes out before its values.
    letter = ROOT / "corpora" / "dev" / "cnh-01.txt"
    data = render_pdf(letter.read_text(encoding="utf-8"), grid_header=True)
    plain = _read_pdfium(data)
    assert looks_interleaved(plain[0]) and not any(looks_interleaved(page) for page in plain[1:])
    expected = extract_file(letter)
    assert extract_text("\f".join(plain)).dates != expected.dates
    assert extract_bytes(data).dates == expected.dates


@pytest.mark.parametrize("name", ["cnh-08", "cnh-12", "cnh-18", "mxl-07"])
def test_layout_hyphenated_pdf_gives_the_record_of_the_text(name):
    letter = ROOT / "corpora" / "dev" / f"{name}.txt"
    data = render_pdf(letter.read_text(encoding="utf-8"), hyphenate=True, grid_header=True)
    for got in _assert_same_record(data, letter):
        assert "Guideli-nes" not in got["text"] and "Guidel-ines" not in got["text"]


def _drawn(lines_per_page: list[list[str]]) -> bytes:
    """A PDF with exactly these lines, a running header and a page number on every page."""
    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(612, 792))
    for number, lines in enumerate(lines_per_page, start=1):
        pdf.setFont("Helvetica", 8)
        pdf.drawString(72, 752, "State of California - Independent Medical Review")
        pdf.drawCentredString(306, 30, f"Page {number} of {len(lines_per_page)}")
        pdf.setFont("Helvetica", 10.5)
        for row, line in enumerate(lines):
            pdf.drawString(72, 720 - 13.5 * row, line)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.mark.parametrize("backend", ["pypdfium2", "pdfplumber"])
def test_layout_line_end_hyphens_furniture_and_page_numbers(backend):
    pages = [
        ["CLINICAL CASE SUMMARY",
         "The injured worker was medically stable. At the visit she was medi-",
         "cally stable again and was seen at the follow-",
         "up visit on 12-21-",
         "2016 with anti-",
         "inflammatory medication and an H2-",
         "receptor blocker. The treatment was"],
        ["continued with a 15-",
         "pound lifting limit for the low back.",
         "IMR ISSUES, DECISIONS AND RATIONALES",
         "Physical therapy 2 times a week for 4 weeks: Upheld"],
    ]
    text = extract_bytes(_drawn(pages), pdf_backend=backend).text
    assert "she was medically stable again and was seen at the follow-up visit on 12-21-2016 with " \
           "anti-inflammatory medication and an H2-receptor blocker. The treatment was continued " \
           "with a 15-pound lifting limit" in text
    assert "Page 1 of 2" not in text and "Page 2" not in text
    assert "State of California" not in text


def test_layout_real_letters_stay_on_the_fast_path(real_letters):
    letters = sorted(REAL.glob("*.pdf"))
    assert letters and not [p.name for p in letters if read_bytes(p.read_bytes()).layout_pages]
