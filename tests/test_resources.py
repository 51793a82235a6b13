"""Reading the rule files of models/: caching, comments, and errors that name the line."""

import pytest

from extractor import resources
from extractor.recognizers import patient


def test_resources_are_read_once_per_process():
    assert resources.read_json("services.json") is resources.read_json("services.json")
    assert resources.read_csv("work_status.csv") is resources.read_csv("work_status.csv")
    assert resources.read_jsonl("vocabulary/medications.jsonl") is resources.read_jsonl("vocabulary/medications.jsonl")
    assert patient._rules() is patient._rules()


def test_resources_jsonl_skips_blank_and_comment_lines(monkeypatch):
    monkeypatch.setattr(resources, "read_text", lambda name: '// a comment\n\n{"a": 1}\n  // another\n{"b": 2}\n')
    assert resources.read_jsonl("test-comments.jsonl") == ({"a": 1}, {"b": 2})


def test_resources_jsonl_names_the_bad_line(monkeypatch):
    monkeypatch.setattr(resources, "read_text", lambda name: '{"a": 1}\n\n{"b": \n')
    with pytest.raises(ValueError, match=r"models/test-bad\.jsonl line 3: "):
        resources.read_jsonl("test-bad.jsonl")


def test_resources_list_models_of_a_subfolder():
    names = resources.list_models("vocabulary")
    assert "medications.jsonl" in names and "services.json" not in names
    assert "services.json" in resources.list_models()


@pytest.mark.parametrize("summary, age", [
    ("The injured worker is a 14 year old female.", 14),  # the youngest age read as an age
    ("The injured worker is a 100 year old male.", 100),  # the oldest
    ("In 2013 a 13 year old form was filed. She is a 45 year old female.", 45),  # 13 is no worker's age
    ("A 101 year old building. The injured worker is a 52 year old male.", 52),  # nor 101
    ("The injured worker is a 45 year old female. Her son is a 20 year old man.", 45),  # the first age
    ("Age: 45. Sex: female.", 45),  # a labelled age (the pattern's second form)
])
def test_resources_patient_age_bounds(summary, age):
    text = f"CLINICAL CASE SUMMARY\n{summary}\n"
    assert patient.patient(text, [])[0] == age


def test_resources_patient_sex_from_the_first_sentence_with_a_cue():
    text = ("CLINICAL CASE SUMMARY\nThe injured worker is a female who fell. "
            "The patient's husband, a man of 50, drove her.\n")
    assert patient.patient(text, [])[1] == "female"
