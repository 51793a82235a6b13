"""Image letters: TIFF (multi-page, fax G3/G4), PNG and JPEG files are read by OCR like scanned PDFs."""

from pathlib import Path

import pytest

from extractor import extract_bytes, extract_file
from extractor.errors import ExtractionError
from extractor.reading import read_bytes, sniff_format
from extractor.synth.render import render_pdf
from extractor.synth.scan import ScanStyle, scan_pages, to_image, to_tiff

ROOT = Path(__file__).resolve().parents[1]
LETTER = ROOT / "corpora" / "dev" / "cnh-01.txt"
HEADER = ("case_number", "priority")
DATES = ("injury", "ur_denial", "assigned", "decision", "application_received")


@pytest.fixture(scope="module")
def expected():
    return extract_file(LETTER)


@pytest.fixture(scope="module")
def pages():
    """The letter's pages as a 200-dpi scan: slight skew and speckle."""
    return scan_pages(render_pdf(LETTER.read_text(encoding="utf-8")), ScanStyle(), seed=3)


def _same_header(record, expected) -> None:
    for name in HEADER:
        assert getattr(record, name) == getattr(expected, name), name
    for name in DATES:
        assert getattr(record.dates, name) == getattr(expected.dates, name), name


def test_image_files_are_sniffed_as_images(pages):
    for data in (to_tiff(pages[:1]), to_image(pages[0], "PNG"), to_image(pages[0], "JPEG")):
        assert sniff_format(data) == "image"


def test_a_fax_tiff_g4_of_several_pages_gives_the_letter(tesseract, pages, expected):
    fax = [page.point(lambda v: 255 if v > 160 else 0).convert("1") for page in pages]
    record = extract_bytes(to_tiff(fax, "group4"), path="letter.tif")
    assert record.source.format == "image" and record.source.ocr is True
    assert record.source.ocr_pages == list(range(1, len(pages) + 1)) == list(range(1, record.source.pages + 1))
    assert len(record.source.ocr_confidence) == len(pages)
    assert all(60 < c <= 100 for c in record.source.ocr_confidence)
    _same_header(record, expected)
    assert [(i.decision, i.category) for i in record.items] == [(i.decision, i.category) for i in expected.items]
    assert not [w for w in record.warnings if "OCR" in w or "header" in w]


def test_a_fax_at_standard_resolution_is_stretched_back(tesseract, pages, expected):
    # G3 fax "standard" mode: 204 x 98 dpi, every other row dropped.
    first = pages[0].resize((round(pages[0].width * 204 / 200), round(pages[0].height * 98 / 200)))
    pages_read = read_bytes(to_tiff([first], "group3", dpi=(204, 98)))
    assert pages_read.format == "image" and "Case Number: CM15-0148213" in pages_read.texts[0]


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_png_and_jpeg_pages_are_read(tesseract, pages, expected, fmt):
    pages_read = read_bytes(to_image(pages[0], fmt))
    assert pages_read.format == "image" and pages_read.ocr_pages == [1]
    text = pages_read.texts[0]
    assert "CM15-0148213" in text and "Decision Date: 08/26/2015" in text
    assert pages_read.ocr_confidence[0] > 60


def test_an_upside_down_page_is_turned_and_read(tesseract, pages):
    pages_read = read_bytes(to_image(pages[0].rotate(180), "PNG"))
    assert "CM15-0148213" in pages_read.texts[0]
    assert pages_read.warnings == ["page 1 was upside down: it was turned and read again"]


def test_a_blank_page_is_named_in_a_warning(tesseract, pages, expected):
    from PIL import Image

    blank = Image.new("L", pages[0].size, 255)
    record = extract_bytes(to_tiff([*pages, blank], "group4"))
    assert f"page {len(pages) + 1}: OCR found no text (the page is blank)" in record.warnings
    _same_header(record, expected)


def test_an_image_that_is_not_a_letter_is_an_error(tesseract):
    from PIL import Image, ImageDraw

    picture = Image.new("L", (1700, 2200), 255)
    draw = ImageDraw.Draw(picture)
    draw.text((200, 200), "Milk, eggs and bread. Call the plumber on Tuesday.", fill=0, font_size=40)
    with pytest.raises(ExtractionError) as info:
        extract_bytes(to_image(picture, "PNG"))
    assert info.value.code == "E008" and "not an IMR determination" in info.value.message


def test_images_without_ocr_and_damaged_images_are_explained(pages):
    with pytest.raises(ExtractionError) as info:
        read_bytes(to_image(pages[0], "PNG"), ocr=False)
    assert info.value.code == "E025" and "PNG" in info.value.message and "--no-ocr" in info.value.message
    data = to_tiff(pages[:1])
    with pytest.raises(ExtractionError) as info:
        read_bytes(data[: len(data) // 2])
    assert info.value.code == "E024" and info.value.message.startswith("TIFF image could not be read")


def test_a_real_letter_scanned_keeps_its_header_and_items(tesseract, real_letters):
    """A published letter (ruled two-column header table) as a skewed, speckled 200-dpi scan."""
    from extractor.synth.scan import to_pdf

    original = extract_file(real_letters / "CM16-0219557.pdf")
    scan = to_pdf(scan_pages((real_letters / "CM16-0219557.pdf").read_bytes(), ScanStyle(skew=(0.8, 1.0)), seed=5))
    record = extract_bytes(scan)
    assert record.source.ocr_pages == [1, 2] and min(record.source.ocr_confidence) > 80
    _same_header(record, original)
    assert [(i.decision, i.category, i.body_region) for i in record.items] == \
        [(i.decision, i.category, i.body_region) for i in original.items]
    assert not [w for w in record.warnings if "header" in w or "OCR" in w]
