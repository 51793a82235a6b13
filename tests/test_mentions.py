"""Mentions: drug normalization with strength and quantity, SERVICE vs TREATMENT, pain, work status."""

import pytest

from extractor import build, extract_text


def _summary(text):
    return extract_text("CLINICAL CASE SUMMARY\n" + text + "\n")


def test_mentions_medication_normalized_with_strength_and_quantity():
    record = _summary("Current medications include Norco 10/325mg #60, gabapentin 600 mg daily and Lidoderm 5% patches #30.")
    got = {m.text: (m.normalized, m.kind, m.strength, m.quantity) for m in record.mentions}
    assert got["Norco"] == ("hydrocodone/acetaminophen", "opioid", "10/325mg", "#60")
    assert got["gabapentin"] == ("gabapentin", "anticonvulsant", "600mg", None)
    assert got["Lidoderm"] == ("lidocaine", "topical", "5%", "#30")


def test_mentions_requested_treatment_is_a_service():
    record = _summary("Utilization review on 10/2/15 denied a request for a TENS unit. She previously tried acupuncture.")
    labels = {m.text: (m.label, m.historical) for m in record.mentions}
    assert labels["TENS unit"] == ("SERVICE", False)
    assert labels["acupuncture"] == ("TREATMENT", True)


@pytest.mark.parametrize(
    ("sentence", "scores"),
    [
        ("On 3/4/16 pain was rated 7/10.", [(7, "2016-03-04")]),
        ("Pain was 6 out of 10 at its worst and 3-4 at its best.", [(6, None)]),
        ("Strength was 5/5 and reflexes 2/4 on 3/4/16.", []),  # grades, not pain
        ("Pain decreased from 8/10 to 4/10 with medication on 5/1/15.", [(8, "2015-05-01"), (4, "2015-05-01")]),
    ],
)
def test_mentions_pain_scores(sentence, scores):
    assert [(p.score, p.date) for p in _summary(sentence).pain_scores] == scores


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("On 7-6-15 the work status was temporary totally disabled.", ("ttd", "2015-07-06")),
        ("She returned to modified duty on 2/1/16.", ("modified_duty", "2016-02-01")),
        ("He is working full duty.", ("full_duty", None)),
        ("He was declared permanent and stationary on March 3, 2016.", ("permanent_and_stationary", "2016-03-03")),
    ],
)
def test_mentions_work_status(sentence, status):
    assert [(w.status, w.date) for w in _summary(sentence).work_status] == [status]


def test_mentions_pyrush_sentence_splitter_is_available():
    nlp = build(sentence_splitter="pyrush")
    assert "medspacy_pyrush" in nlp.pipe_names
    record = nlp("CLINICAL CASE SUMMARY\nCervical exam was noted to be normal.\n")._.imr_record
    exam = [m for m in record.mentions if m.text == "Cervical exam"][0]
    assert exam.negated and exam.normal


def test_mentions_letter_without_mentions_is_valid():
    record = _summary("The file was reviewed.")
    assert record.mentions == [] and record.warnings
