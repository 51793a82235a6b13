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
