"""Work status: one table row per phrasing, each with why."""

import pytest

from extractor.recognizers.clinical import work_status


def _statuses(text):
    return [w["status"] for w in work_status(text, 0, len(text))]


@pytest.mark.parametrize("text, statuses", [
    ("The injured worker is temporarily totally disabled.", ["ttd"]),
    ("Per the progress report, the IW has not returned to work.", ["not_working"]),  # not modified duty
    ("The patient continued to work with restrictions.", ["modified_duty"]),
    ("She is working modified duties at this time.", ["modified_duty"]),
    ("He returned to regular job duties in March.", ["full_duty"]),
    ("Her inability to work was noted.", ["not_working"]),
    # A sentence that says the status is unknown gives none (never a guess).
    ("It was not explicitly stated whether she was or was not working.", []),
    ("Current work status is unclear.", []),
    # Restrictions listed among past treatments are a treatment, not a status.
    ("Relevant treatments have included: physical therapy, work restrictions, and medications.", []),
    # ... but a status stated after a treatment in the same sentence is still a status.
    ("He was treated with night splints, and he is working modified duty.", ["modified_duty"]),
])
def test_work_status_phrasings(text, statuses):
    assert _statuses(text) == statuses


@pytest.mark.parametrize("text, statuses", [
    # Words of a phrase may be split by a line break of the PDF.
    ("The injured worker remains temporarily\ntotally disabled.", ["ttd"]),
    # A qualifier between the words of a TTD phrase.
    ("Her current work status is temporarily and totally psychologically disabled.", ["ttd"]),
    ("He remains totally disabled per his orthopedist.", ["ttd"]),
    ("She has been on temporary partial disability since the fall.", ["modified_duty"]),
    ("The claimant has not worked since the plant closed.", ["not_working"]),
    ("The attending provider's remarks suggest the applicant was not, in fact, working.", ["not_working"]),
    ("He was found permanently and totally disabled by the agreed medical evaluator.", ["permanent_and_stationary"]),
    # "has not worked since" beside a status that already says he is off work: one status.
    ("He was declared permanent and stationary on 4/2/2015 and has not worked since.", ["permanent_and_stationary"]),
    ("She has not returned to work and remains temporarily totally disabled.", ["ttd"]),
    # ... but beside modified duty it is news, and a present "not working" is kept.
    ("Modified duty was offered, but she is not working.", ["modified_duty", "not_working"]),
])
def test_work_status_more_phrasings(text, statuses):
    assert _statuses(text) == statuses


def _dated(text):
    return [(w["status"], w["date"]) for w in work_status(text, 0, len(text))]


@pytest.mark.parametrize("text, dated", [
    # The sentence's own date.
    ("On 02/11/2016 he was returned to modified duty.", [("modified_duty", "2016-02-11")]),
    # Never the date of a study or procedure the sentence names.
    ("He underwent an MRI of the knee on 5/2/2016 and was kept off work.", [("ttd", None)]),
    ("Following the arthroscopy on 7/9/2015, she has remained off work.", [("ttd", None)]),
    # A visit named after the study dates the statement.
    ("The MRI was reviewed at the visit of 6/1/2016, and she was returned to full duty.",
     [("full_duty", "2016-06-01")]),
    # The visit whose account the sentence continues.
    ("A progress note dated 3/8/2016 reported knee pain. Exam showed an effusion. He remains off work.",
     [("ttd", "2016-03-08")]),
    # ... but not across a summary of the history.
    ("A progress note dated 3/8/2016 reported knee pain. Treatment to date has included bracing and "
     "medications. He remains off work.", [("ttd", None)]),
    ("A progress note dated 3/8/2016 reported knee pain. Current medications include ibuprofen. "
     "He remains off work.", [("ttd", None)]),
    # A span of records is not one visit.
    ("Records from 01/04/2016 to 02/20/2016 described back pain. The claimant is not working.",
     [("not_working", None)]),
])
def test_work_status_dates(text, dated):
    assert _dated(text) == dated
