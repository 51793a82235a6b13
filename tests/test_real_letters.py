"""The real published letters in ../shared/real/dev: every one parses, nothing is lost."""

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from conftest import REAL
from typer.testing import CliRunner

from extractor.cli import app
from extractor.dataset import read_table

pytestmark = pytest.mark.usefixtures("real_letters")
DECISION_LINE = re.compile(r"(?:^|:)\s*(Upheld|Overturned)\s*$", re.MULTILINE)


def _decisions(path: Path) -> list[str]:
    """Decision words at line ends, read straight from the PDF's text layer."""
    pdf = pdfium.PdfDocument(str(path))
    text = "\n".join(page.get_textpage().get_text_range().replace("\r", "") for page in pdf)
    return [m.group(1).lower() for m in DECISION_LINE.finditer(text)]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    out = tmp_path_factory.mktemp("real")
    result = CliRunner().invoke(app, ["run", str(REAL), "--out", str(out), "--no-progress", "--workers", "2"])
    assert result.exit_code == 0, result.output
    return {t: read_table(out, t) for t in ("letters", "items", "errors")}


def test_real_letters_all_parse(dataset):
    assert len(dataset["errors"]) == 0
    assert len(dataset["letters"]) == len(list(REAL.glob("*.pdf")))
    # A page with no text layer is read by OCR; one that is blank says so (W012), and nothing else warns.
    warned = [[w for w in ws if "(the page is blank)" not in w] for ws in dataset["letters"]["warnings"]]
    assert not any(warned), [w for w in warned if w]


def test_real_letters_items_match_decision_lines(dataset):
    letters = dataset["letters"].set_index("case_number")
    expected_total = {"upheld": 0, "overturned": 0}
    for path in sorted(REAL.glob("*.pdf")):
        decisions = _decisions(path)
        row = letters.loc[path.stem]
        assert row["n_items"] == len(decisions), path.name
        assert row["n_upheld"] == decisions.count("upheld"), path.name
        for word in decisions:
            expected_total[word] += 1
    items = dataset["items"]
    assert (items["decision"] == "upheld").sum() == expected_total["upheld"]
    assert (items["decision"] == "overturned").sum() == expected_total["overturned"]


def test_real_letters_header_fields_present(dataset):
    letters = dataset["letters"]
    for column in ("case_number", "injury_date", "ur_denial_date", "assigned_date", "decision_date",
                   "application_received_date", "priority", "reviewer_licensure", "reviewer_specialties"):
        assert letters[column].notna().all(), column
    assert set(letters["layout"]) == {"case_number_header"}
