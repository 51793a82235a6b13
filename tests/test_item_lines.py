"""Decision lines and item headings found whatever the line breaks (scans, other typesetters)."""

import re

import pytest

from extractor import extract_text

HEADING = "Magnetic resonance imaging (MRI) 3D of the cervical spine: Upheld"
SECOND = ("Physical therapy 2 times a week for 4 weeks for the lumbar spine: Overturned \n"
          "Claims Administrator guideline: Decision based on MTUS Low Back Complaints 2004. \n"
          "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment Guidelines, "
          "Section(s): Physical Medicine. \n"
          "Decision rationale: Therapy is supported for this flare. The request is medically necessary. \n")


@pytest.fixture(scope="module")
def two_items(seed_text) -> str:
    """The seed letter with a second item after the first."""
    text = re.sub(r"[ \t]*\n(?:[ \t]*\n)+", "\n", seed_text)  # one line break between lines
    return text.rstrip() + "\n" + SECOND


def _items(text: str) -> list[tuple]:
    return [(i.service, i.decision, i.claims_administrator_guideline, i.maximus_guideline is not None)
            for i in extract_text(text).items]


def test_the_two_items_as_printed(two_items):
    items = _items(two_items)
    assert [(s, d) for s, d, _, _ in items] == [
        ("Magnetic resonance imaging (MRI) 3D of the cervical spine", "upheld"),
        ("Physical therapy 2 times a week for 4 weeks for the lumbar spine", "overturned")]


def test_a_decision_word_that_does_not_end_its_line(two_items):
    joined = re.sub(r"Upheld\s*\nClaims", "Upheld Claims", two_items)
    assert HEADING + " Claims Administrator guideline:" in joined
    assert _items(joined) == _items(two_items)


def test_an_item_heading_glued_to_the_previous_paragraph(two_items):
    glued = re.sub(r"not medically necessary\.\s*\nPhysical therapy", "not medically necessary. Physical therapy",
                   two_items)
    assert glued != two_items
    items = _items(glued)
    assert items == _items(two_items)
    record = extract_text(glued)
    # The first item's rationale ends where the glued heading begins.
    assert record.items[0].rationale.endswith("is not medically necessary.")
    assert record.text[record.items[1].evidence.start:].startswith("Physical therapy 2 times")


def test_a_short_service_with_a_full_stop_is_kept_whole(two_items):
    text = two_items.replace("Physical therapy 2 times a week for 4 weeks for the lumbar spine:",
                             "Tylenol No. 3 #60:")
    assert _items(text)[1][:2] == ("Tylenol No. 3 #60", "overturned")
