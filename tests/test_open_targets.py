"""Mentions found by their form (models/open_targets.json): one row per form, each with why."""

import pytest


def _mentions(nlp, sentence):
    record = nlp("CLINICAL CASE SUMMARY\n" + sentence + "\n")._.imr_record
    return {m.text: m for m in record.mentions}


@pytest.mark.parametrize("sentence, expected", [
    # why: a motion with a copula and its degrees
    ("Lumbar flexion was 50 degrees, extension was 20 degrees.",
     {"Lumbar flexion was 50 degrees": "FINDING", "extension was 20 degrees": "FINDING"}),
    # why: degrees first, then "of" the motion; the degree sign
    ("Range of motion included 90° of abduction and 25 degrees of adduction.",
     {"90° of abduction": "FINDING", "25 degrees of adduction": "FINDING"}),
    # why: a joint abbreviation before the motion, a range of degrees
    ("MCP flexion was 60-70 degrees.", {"MCP flexion was 60-70 degrees": "FINDING"}),
    # why: a vocabulary match inside a measured motion joins it
    ("Lateral bending 15 degrees.", {"Lateral bending 15 degrees": "FINDING"}),
    # why: diagnosis suffixes name conditions the vocabulary does not list, premodifiers kept
    ("Diagnoses: dorsalgia, cervical myofascialgia, tricompartmental osteoarthrosis.",
     {"dorsalgia": "DIAGNOSIS", "cervical myofascialgia": "DIAGNOSIS", "osteoarthrosis": "DIAGNOSIS"}),
    # why: procedure suffixes name treatments
    ("She underwent a left knee arthroscopy and a lumbar arthrodesis.",
     {"lumbar arthrodesis": "TREATMENT"}),
])
def test_open_targets_found_by_form(nlp, sentence, expected):
    found = _mentions(nlp, sentence)
    for text, label in expected.items():
        assert text in found and found[text].label == label, (text, {k: v.label for k, v in found.items()})


@pytest.mark.parametrize("sentence, absent", [
    # why: "diagnosis" and "prognosis" end in -osis but name no condition
    ("The diagnosis is unclear and the prognosis is fair.", "diagnosis"),
    ("The diagnosis is unclear and the prognosis is fair.", "prognosis"),
    # why: degrees of a temperature or an angle with no motion are no measured motion
    ("The room was 70 degrees.", "70 degrees"),
])
def test_open_targets_not_found(nlp, sentence, absent):
    assert absent not in _mentions(nlp, sentence)


def test_open_targets_flags_from_context(nlp):
    # why: the component runs before ConText, so its mentions get their flags
    found = _mentions(nlp, "There was no tendinitis. She has a history of cephalalgia.")
    assert found["tendinitis"].negated
    assert found["cephalalgia"].historical


@pytest.mark.parametrize("sentence, text, flags", [
    # why: normal mental status descriptors are absent findings by themselves
    ("Mental status: appropriately dressed and well groomed, alert and oriented times 3.",
     "alert and oriented times 3", (True, True)),
    ("Mental status: appropriately dressed and well groomed.", "well groomed", (True, True)),
    # why: psychiatric symptoms are present symptoms
    ("He felt hopeless and helpless with spells of terror and panic.", "hopeless", (False, False)),
])
def test_open_targets_vocabulary_of_mental_status(nlp, sentence, text, flags):
    found = _mentions(nlp, sentence)
    assert text in found and (found[text].negated, found[text].normal) == flags, sorted(found)
