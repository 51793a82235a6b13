"""ICD-10-CM codes of diagnoses: one row per way a code is found, each with why."""

import csv
import gzip

import pytest

from extractor.recognizers import icd10
from extractor.resources import read_bytes, read_text


@pytest.mark.parametrize("diagnosis, code", [
    ("thoracic spine sprain/strain", "S23.3XXA"),  # sprain and strain named together: the sprain
    ("left elbow strain/sprain", "S53.402A"),
    # words after "without" are absent: not "with obstruction, without gangrene" (K42.0)
    ("umbilical hernia without obstruction or gangrene", "K42.9"),
    # the category's title holds the rest of the words ("Abdominal and pelvic pain"), the side picks the code
    ("right lower quadrant abdominal pain", "R10.31"),
    # "Unspecified intracranial injury" has no child that only adds "unspecified": no loss of consciousness claimed
    ("traumatic brain injury", "S06.9"),
    # both sides named and no code for both: the category, not "unspecified side"
    ("left and right sided sciatica", "M54.3"),
    # of two titles read alike, the one that says least beyond the diagnosis
    ("unspecified injury of the right lower leg", "S89.91XA"),
    ("pelvic muscle strain", "S39.013A"),  # an adjective and its noun ("pelvis")
    ("strain of the muscle, fascia, and tendon of the low back", "S39.012A"),  # "low" and "lower"
    ("other specific arthropathies of the left knee", "M12.862"),  # "not elsewhere classified" says nothing
    ("cervical spine strain/bilateral trapezius strain", "S16.1XXA"),  # two diagnoses after a slash: the first
    ("lumbar radiculitis", "M54.16"),  # radiculitis is indexed to radiculopathy
    ("gastritis", "K29.7"),  # "Gastritis, unspecified", not "Acute gastritis"; bleeding is not claimed
    ("complex regional pain syndrome of the left lower extremity", "G90.522"),  # an extremity is a limb
])
def test_icd10_matching(diagnosis, code):
    assert icd10.code_diagnosis(diagnosis)["code"] == code
    assert icd10.is_valid(code)


@pytest.mark.parametrize("diagnosis, code, match", [
    ("lumbar strain", "S39.012A", "synonym"),  # an injury: the initial encounter
    ("left knee pain", "M25.562", "synonym"),  # the side moves the code to its sibling
    ("bilateral carpal tunnel syndrome", "G56.03", "synonym"),
    ("strain of the left hip", "S76.012A", "synonym"),  # word order and a side of a 7-character code
    ("cervical spine strain with radicular complaints", "S16.1XXA", "synonym"),  # the qualifier dropped
    ("Sprain of ligaments of lumbar spine", "S33.5XXA", "title"),  # a title word for word
    ("right hand contusion", "S60.221A", "title"),  # a title's words in another order, and a side
    ("right elbow lateral epicondylitis", "M77.11", "title"),
    ("contusion to the head", "S00.93XA", "words"),  # every word in one title, which has one more
])
def test_icd10_codes(diagnosis, code, match):
    found = icd10.code_diagnosis(diagnosis)
    assert (found["code"], found["match"]) == (code, match)
    assert found["title"] and 0 < found["score"] <= 1


@pytest.mark.parametrize("diagnosis", [
    "neck and back pain with no code of its own here xyz",  # words that no title holds together
    "status post",  # no condition at all
    "the",
])
def test_icd10_no_fit_gives_no_code(diagnosis):
    assert icd10.code_diagnosis(diagnosis) is None


def test_icd10_every_table_code_is_valid():
    # The shipped code set is the CDC release; every synonym must name one of its codes.
    rows = list(csv.DictReader(read_text("icd10/synonyms.csv").splitlines()))
    assert len(rows) > 50
    bad = [row for row in rows if not icd10.is_valid(row["code"])]
    assert not bad


def test_icd10_code_set_is_whole():
    lines = gzip.decompress(read_bytes("icd10/icd10cm.tsv.gz")).decode().splitlines()
    assert lines[0] == "code\ttitle\tterms" and len(lines) > 90_000
    assert icd10.is_valid("M54.50") and not icd10.is_valid("M54.5X")


def test_icd10_codes_reach_the_record_and_mentions(nlp):
    text = ("CLINICAL CASE SUMMARY\nThe injured worker is undergoing treatment for lumbar strain and "
            "left knee pain.\n")
    record = nlp(text)._.imr_record
    codes = {c["text"]: c["code"] for c in record.diagnosis_codes}
    assert codes.get("lumbar strain") == "S39.012A"
    assert all(icd10.is_valid(c["code"]) for c in record.diagnosis_codes if c["code"])
