"""Reading: text encodings, PDFs through both backends, and inputs that are not letters."""

import pytest

from extractor.errors import ExtractionError
from extractor.reading import read_bytes, sniff_format
from extractor.synth.render import render_pdf

LETTER = "CLINICAL CASE SUMMARY\nThe injured worker is a 50 year old male.\n"


def test_reading_utf8_text():
    pages = read_bytes(LETTER.encode("utf-8"))
    assert pages.format == "text" and pages.encoding == "utf-8" and not pages.warnings


def test_reading_cp1252_text_warns():
    pages = read_bytes("Patient\u2019s knee \u2013 caf\u00e9\n".encode("cp1252"))
    assert pages.encoding == "cp1252"
    assert "cp1252" in pages.warnings[0]
    assert "\u2019" in pages.texts[0]


def test_reading_form_feeds_split_pages():
    assert len(read_bytes(b"page one\fpage two").texts) == 2


@pytest.mark.parametrize("backend", ["pypdfium2", "pdfplumber"])
def test_reading_pdf_backends(backend):
    pages = read_bytes(render_pdf(LETTER * 80), pdf_backend=backend)
    assert pages.format == "pdf" and len(pages.texts) >= 2
    assert "CLINICAL CASE SUMMARY" in pages.texts[0]


def test_reading_pdf_encrypted_with_empty_password_opens():
    pages = read_bytes(render_pdf(LETTER, encrypt=True))
    assert "50 year old" in pages.texts[0]


def test_reading_pdf_with_a_password_is_a_clear_error():
    from io import BytesIO

    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, encrypt=StandardEncryption("secret", ownerPassword="owner"))
    pdf.drawString(72, 720, "locked letter")
    pdf.showPage()
    pdf.save()
    with pytest.raises(ExtractionError) as info:
        read_bytes(buffer.getvalue())
    assert info.value.code == "E005" and "password" in info.value.message


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        (b"", "E001", "empty"),  # zero bytes
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "E024", "PNG image could not be read"),  # a broken image
        (b"GIF89a" + b"\x00" * 64, "E003", "GIF"),  # an image of a kind letters do not come in
        (b"PK\x03\x04" + b"\x00" * 64, "E003", "ZIP"),  # an Office document
        (bytes(range(256)) * 8, "E003", "NUL"),  # random binary
        (b"%PDF-1.4\n%garbage that is not a pdf", "E004", "could not be opened"),  # corrupt PDF
        (b"   \n\n  \t ", "E007", "no text"),  # blank text
    ],
)
def test_reading_bad_inputs_are_explained(data, code, words):
    with pytest.raises(ExtractionError) as info:
        read_bytes(data)
    assert info.value.code == code
    assert words.lower() in info.value.message.lower()
    assert info.value.stage == "read"


def test_reading_truncated_pdf_is_an_error_not_a_crash():
    data = render_pdf(LETTER)
    with pytest.raises(ExtractionError):
        read_bytes(data[: len(data) // 3])


def test_reading_sniffs_content_not_names():
    assert sniff_format(render_pdf(LETTER)) == "pdf"
    assert sniff_format(LETTER.encode()) == "text"
