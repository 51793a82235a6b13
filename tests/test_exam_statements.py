"""Exam and study statements found by their form: one row per form, each with why."""

import pytest


def _absent(nlp, sentence):
    record = nlp("CLINICAL CASE SUMMARY\n" + sentence + "\n")._.imr_record
    return {m.text: (m.negated, m.normal) for m in record.mentions}


@pytest.mark.parametrize("sentence, expected", [
    # why: the mission's own example
    ("Cervical exam was noted to be normal.", {"Cervical exam": (True, True)}),
    # why: a noun the vocabulary does not know, stated normal
    ("Memory was intact, insight was average and social judgement was unimpaired.",
     {"Memory": (True, True), "insight": (True, True), "social judgement": (True, True)}),
    # why: a list that opens its clause shares the statement, however long
    ("Deep tendon reflexes, motor strength, and sensation were intact.",
     {"Deep tendon reflexes": (True, True), "motor strength": (True, True), "sensation": (True, True)}),
    # why: the state before the noun
    ("Examination of the hips revealed full range of motion.", {"range of motion": (True, True)}),
    # why: a negative test is absent, not normal
    ("Straight leg raise was negative.", {"Straight leg raise": (True, False)}),
])
def test_exam_statements_absent_findings(nlp, sentence, expected):
    found = _absent(nlp, sentence)
    for text, flags in expected.items():
        assert found.get(text) == flags, (text, found)


@pytest.mark.parametrize("sentence, present", [
    # why: a clause before the list is not part of it ("she had tenderness")
    ("She had tenderness, the abdomen was soft to palpation.", "tenderness"),
    # why: "full thickness" is a kind of tear, not a normal state
    ("MRI showed a full thickness tear of the supraspinatus.", "full thickness tear"),
])
def test_exam_statements_leave_present_findings_alone(nlp, sentence, present):
    found = _absent(nlp, sentence)
    assert present in found and found[present][0] is False, found


def test_exam_statements_only_for_their_form(nlp):
    # why: "appropriate" about a request is no exam statement
    assert _absent(nlp, "The treatment was appropriate and the request is not medically necessary.") == {}
