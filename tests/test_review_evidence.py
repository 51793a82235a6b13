"""The review page's evidence: where each field was read, found again in the record's text."""

from pathlib import Path

import pytest

from extractor import extract_text
from extractor.dates import parse_date
from extractor.recognizers.field_spans import (
    age_span,
    case_number_span,
    date_span,
    diagnosis_span,
    field_spans,
    priority_span,
    sex_span,
)
from extractor.review.evidence import Pages, field_evidence
from extractor.types import Item, Mention, Record, Source, TextSpan

ROOT = Path(__file__).resolve().parents[1]
LETTER = ROOT / "corpora" / "dev" / "cnh-01.txt"


def _text(text, span):
    return None if span is None else text[span[0]:span[1]]


@pytest.mark.parametrize("text, name, iso, expected", [
    # why: the header line, label and date as written
    ("Date of Injury: 03/11/2014\nDecision Date: 08/26/2015\n", "injury", "2014-03-11", "Date of Injury: 03/11/2014"),
    # why: another spelling of the label
    ("DOI: 3-11-14\n", "injury", "2014-03-11", "DOI: 3-11-14"),
    # why: a two-column header: the date after the next label is that label's, not this one's
    ("Date of Injury:   UR Denial Date: 06/30/2015\n", "injury", "2015-06-30", None),
    # why: a header date that is not the record's value is not its evidence
    ("Date of Injury: 03/11/2014\n", "injury", "2014-03-12", None),
    # why: no header label: the case summary's cue and the date after it
    ("She sustained an industrial injury on 1-7-15 while lifting.", "injury", "2015-01-07", "injury on 1-7-15"),
    # why: the UR decision told in the summary
    ("The original utilization review (9-10-15) denied it.", "ur_denial", "2015-09-10",
     "utilization review (9-10-15"),
    # why: a letterhead letter's own date line is its decision date
    ("MAXIMUS\nMay 2, 2014\nDear Sir,", "decision", "2014-05-02", "May 2, 2014"),
    # why: a date line dates the decision only, never the injury
    ("MAXIMUS\nMay 2, 2014\nDear Sir,", "injury", "2014-05-02", None),
])
def test_review_evidence_date_spans(text, name, iso, expected):
    assert _text(text, date_span(text, name, iso)) == expected


@pytest.mark.parametrize("finder, text, value, expected", [
    # why: the labelled case number, label and value
    (case_number_span, "IMR Case Number: CM15-0148213\n", "CM15-0148213", "IMR Case Number: CM15-0148213"),
    # why: no label: the number itself
    (case_number_span, "Re: CM15-0148213 (attached)", "CM15-0148213", "CM15-0148213"),
    # why: another case's number is not this one's evidence
    (case_number_span, "Case Number: CM15-0148214\n", "CM15-0148213", None),
    # why: the age as written
    (age_span, "The injured worker is a 52-year-old male.", 52, "52-year-old"),
    # why: a number that is not this age
    (age_span, "The injured worker is a 52-year-old male.", 53, None),
    # why: the sex word of a sentence about the worker
    (sex_span, "The injured worker is a 52-year-old male.", "male", "male"),
    # why: shorthand after the age
    (sex_span, "Pt is a 44 y/o F with neck pain.", "female", "F"),
    # why: a sentence whose first sex word is the other one is no evidence
    (sex_span, "The injured worker is a 52-year-old male.", "female", None),
    # why: the diagnosis as written after its cue, not an earlier mention of the same words
    (diagnosis_span, "Lumbar strain was ruled out. Diagnoses include lumbar strain and sciatica.",
     "lumbar strain", "lumbar strain"),
    # why: whole words only
    (diagnosis_span, "Diagnoses include lumbar strains.", "lumbar strain", None),
])
def test_review_evidence_field_spans(finder, text, value, expected):
    span = finder(text, value)
    assert _text(text, span) == expected
    if finder is diagnosis_span and span:
        assert span[0] > text.index("Diagnoses")


def test_review_evidence_every_field_of_a_letter_points_at_its_value():
    record = extract_text(LETTER.read_text(encoding="utf-8"))
    evidence = field_evidence(record)
    text = record.text
    assert record.case_number in text[evidence["case_number"].start:evidence["case_number"].end]
    for name in ("injury", "ur_denial", "assigned", "decision", "application_received"):
        span = evidence[f"date-{name}"]
        assert parse_date(text[span.start:span.end]) == getattr(record.dates, name)
    assert str(record.patient.age) in text[evidence["age"].start:evidence["age"].end]
    assert text[evidence["sex"].start:evidence["sex"].end].lower() == record.patient.sex
    for n, diagnosis in enumerate(record.diagnoses, 1):
        assert text[evidence[f"dx-{n}"].start:evidence[f"dx-{n}"].end] == diagnosis
    for n, status in enumerate(record.work_status, 1):
        assert (evidence[f"work-{n}"].start, evidence[f"work-{n}"].end) == (status.start, status.end)
    for item in record.items:
        assert evidence[f"item-{item.index}"].kind == "item"
    assert all(e.page == 1 for e in evidence.values())  # a text letter has one page


def test_review_evidence_a_value_not_in_the_text_gets_no_span():
    record = extract_text(LETTER.read_text(encoding="utf-8"))
    fields = {"case_number": record.case_number, "dates": {**record.dates.__dict__, "injury": "1999-01-01"},
              "diagnoses": ["a diagnosis the letter never names"], "patient": {"age": 99, "sex": None},
              "priority": "expedited"}
    found = {name for name, _, _ in field_spans(record.text, fields)}
    assert not {"dates.injury", "diagnoses.1", "patient.age", "priority"} & found
    assert {"case_number", "dates.decision"} <= found


def test_review_evidence_priority_span():
    text = "Priority: Standard\nDecision Date: 08/26/2015\n"
    assert _text(text, priority_span(text, "standard")) == "Priority: Standard"
    assert priority_span(text, "expedited") is None  # why: the label gives the other value


def test_review_evidence_a_page_is_given_only_where_the_record_tells_it():
    text = "a" * 100
    record = Record(doc_id="x", text=text, source=Source(format="pdf", pages=2, first_page=1, last_page=2),
                    mentions=[Mention("FINDING", "a", "a", 10, 11, 1), Mention("FINDING", "a", "a", 60, 61, 2)],
                    items=[Item(1, "MRI", evidence=TextSpan(80, 90, 2))])
    pages = Pages(record)
    assert pages.page(2, 5) == 1  # why: between the start of the text and a page-1 mention
    assert pages.page(30, 40) is None  # why: between a page-1 and a page-2 mention: either page
    assert pages.page(70, 75) == 2  # why: between two page-2 spans
    assert pages.page(95, 99) == 2  # why: after the last span, before the end of the last page
