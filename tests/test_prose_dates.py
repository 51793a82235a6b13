"""Dates told in the case summary of a body-only letter (no header block), each from its own event."""

import pytest

from extractor import extract_text
from extractor.recognizers.field_spans import date_span

INJURY = "sustained an industrial injury on 1-7-15"
UR = "The original utilization \n\nreview (9-10-15) denied"


@pytest.mark.parametrize(("old", "new", "field", "value", "evidence"), [
    (INJURY, "injured her right shoulder on March 2, 2011", "injury", "2011-03-02",
     "injured her right shoulder on March 2, 2011"),
    (INJURY, "strained his low back at work on 04/19/2015", "injury", "2015-04-19",
     "strained his low back at work on 04/19/2015"),
    (UR, "The utilization review decision was dated November 20, 2013. It denied", "ur_denial", "2013-11-20",
     "utilization review decision was dated November 20, 2013"),
    (UR, "On 01/27/2016, utilization review non-certified", "ur_denial", "2016-01-27",
     "01/27/2016, utilization review non-certified"),
])
def test_a_prose_date_is_read_with_its_evidence(seed_text, old, new, field, value, evidence):
    assert old in seed_text
    record = extract_text(seed_text.replace(old, new))
    assert getattr(record.dates, field) == value
    start, end = date_span(record.text, field, value)
    assert record.text[start:end] == evidence


@pytest.mark.parametrize(("old", "new", "field"), [
    # The date is the visit's, not the injury's.
    (INJURY, "injured her back and was seen on 3/3/2015", "injury"),
    # The date opens a sentence about a request; the review's decision comes later in it.
    (UR, "On 01/27/2016, the provider asked again, and utilization review non-certified", "ur_denial"),
    # "injured worker" names the person, not the event.
    (INJURY, "injured worker was examined on 3/3/2015", "injury"),
])
def test_a_date_of_another_event_in_the_sentence_is_not_taken(seed_text, old, new, field):
    record = extract_text(seed_text.replace(old, new))
    assert getattr(record.dates, field) is None
