"""How far a mention reaches (models/mention_extents.json): one row per rule, each with why."""

import pytest


def _mentions(nlp, sentence):
    record = nlp("CLINICAL CASE SUMMARY\n" + sentence + "\n")._.imr_record
    return {m.text: m for m in record.mentions}


@pytest.mark.parametrize("sentence, expected", [
    # why: a bare head takes the places after it, a list of them included; severity is dropped
    ("She complained of severe pain in the neck, low back and right shoulder.",
     ["pain in the neck, low back and right shoulder"]),
    # why: places before the head share it, across a list
    ("He reported neck, shoulder, and arm pain.", ["neck, shoulder, and arm pain"]),
    # why: a study takes its body part and its contrast
    ("The plan is for an MRI of the right knee without contrast.", ["MRI of the right knee without contrast"]),
    # why: a diagnosis named with "of": the places chain with "of" too
    ("Diagnoses: sprain of the ligaments of the lumbar spine.", ["sprain of the ligaments of the lumbar spine"]),
    # why: the places right before the next mention belong to it
    ("Diagnoses: contusion to the head, neck strain.", ["contusion to the head", "neck strain"]),
    # why: two names joined by a slash are one mention
    ("Diagnoses: cervical spine strain/sprain.", ["cervical spine strain/sprain"]),
    # why: an exam qualifier and a test's own word are part of the finding
    ("There was decreased cervical range of motion and a positive straight leg raise test.",
     ["decreased cervical range of motion", "positive straight leg raise test"]),
    # why: a finding's stated state or value follows it in its span
    ("Kemp's sign was positive and motor strength was 5-/5 in bilateral legs.",
     ["Kemp's sign was positive", "motor strength was 5-/5"]),
    # why: the maneuver that provokes pain makes it an exam finding
    ("Examination revealed pain with range of motion of the neck.", ["pain with range of motion"]),
    # why: a drug's form, and a spelled-out name in brackets, are the same mention
    ("She uses LidoPro ointment. DTR (deep tendon reflexes) are 1+.",
     ["LidoPro ointment", "DTR (deep tendon reflexes) are 1+"]),
])
def test_mention_extents_spans(nlp, sentence, expected):
    found = _mentions(nlp, sentence)
    for text in expected:
        assert text in found, (text, sorted(found))


@pytest.mark.parametrize("sentence, kept, not_found", [
    # why: a bracket that lists several drugs is not one name spelled out
    ("Treatment to date: NSAIDs (meloxicam, then diclofenac).", ["NSAIDs", "meloxicam", "diclofenac"],
     ["NSAIDs (meloxicam, then diclofenac)"]),
    # why: tenderness keeps no trailing location (mention guide)
    ("There was tenderness over the trapezius.", ["tenderness"], ["tenderness over"]),
    # why: a normal state is not part of the exam element
    ("Straight leg raise was negative.", ["Straight leg raise"], ["Straight leg raise was negative"]),
])
def test_mention_extents_stop_where_the_name_ends(nlp, sentence, kept, not_found):
    found = _mentions(nlp, sentence)
    for text in kept:
        assert text in found, (text, sorted(found))
    for text in not_found:
        assert text not in found, (text, sorted(found))


def test_mention_extents_keep_the_flags_of_the_head(nlp):
    # why: ConText ran on the head; the grown span carries its flags
    found = _mentions(nlp, "There was no pain in the neck and face. History of right knee MRI without contrast.")
    assert found["pain in the neck and face"].negated
    assert found["right knee MRI without contrast"].historical


@pytest.mark.parametrize("sentence, absent", [
    # why: "the pain" points back at a pain already named
    ("She has low back pain. The pain was rated 7 out of 10.", "pain"),
    # why: a list's heading is not a treatment
    ("Current medications include Norco and Baclofen.", "medications"),
    # why: an exam heading before what it noted is not a finding
    ("Cervical exam noted tenderness to palpation.", "Cervical exam"),
    # why: range of motion before its measured motions: the measures are the findings
    ("Range of motion of the lumbar spine was noted as 55 degrees of flexion.", "Range of motion"),
])
def test_mention_extents_not_a_patient_mention(nlp, sentence, absent):
    assert absent not in _mentions(nlp, sentence)


def test_mention_extents_no_mentions_no_change():
    import spacy

    from extractor.components.mention_extents import MentionExtents

    nlp = spacy.blank("en")
    doc = nlp("Nothing clinical here.")
    assert MentionExtents(nlp, "extents", "mention_extents.json")(doc).ents == ()
