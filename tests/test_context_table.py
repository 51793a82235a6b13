"""The ConText sentence table (tests/data/context_cases.jsonl): mentions, labels, flags, dates."""

import json
from pathlib import Path

import pytest

CASES = [json.loads(line) for line in (Path(__file__).parent / "data" / "context_cases.jsonl").read_text().splitlines()
         if line.strip()]
FLAGS = ("negated", "normal", "historical", "hypothetical", "uncertain", "family")
# Cases the rules do not get right yet, each with the reason; they must keep failing (strict).
KNOWN_GAPS = {
    "neg-long-04": "'locking' is listed as a symptom; in an exam sentence the table calls it a finding",
    "hyp-11": "'guidelines allow up to ...' is guideline talk with no cue before the mention",
}


def _wrap(case):
    # A sentence is placed in the section the table names, as a letter would hold it.
    if case["section"] == "rationale" and ": Upheld" not in case["text"] and ": Overturned" not in case["text"]:
        label = "" if case["text"].startswith(("Claims Administrator", "MAXIMUS")) else "Decision rationale: "
        return "IMR ISSUES, DECISIONS AND RATIONALES\nRequested service: Upheld\n" + label + case["text"]
    return "CLINICAL CASE SUMMARY\n" + case["text"]


def _lookup(mentions, text):
    text = text.lower()
    exact = [m for m in mentions if m["text"].lower() == text]
    return (exact or [m for m in mentions if text in m["text"].lower() or m["text"].lower() in text] or [None])[0]


def _cases():
    # A known gap is a strict xfail: the assertions run, and a fix shows up as a failure to update.
    for case in CASES:
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[case["id"]])] if case["id"] in KNOWN_GAPS else []
        yield pytest.param(case, id=case["id"], marks=marks)


@pytest.mark.parametrize("case", list(_cases()))
def test_context_case(nlp, case):
    record = nlp(_wrap(case))._.imr_record
    offset = record.text.index(case["text"][:20]) if case["text"][:20] in record.text else 0
    mentions = [m.__dict__ for m in record.mentions if m.start >= offset and m.text.lower() != "requested service"]
    for expected in case["mentions"]:
        got = _lookup(mentions, expected["text"])
        assert got is not None, f"{expected['text']} not found ({case['why']})"
        assert got["label"] == expected["label"], expected["text"]
        for flag in FLAGS:
            assert got[flag] == expected.get(flag, False), f"{expected['text']}.{flag} ({case['why']})"
        assert got["date"] == expected.get("date"), f"{expected['text']}.date"
    if not case["mentions"]:
        assert mentions == [], f"expected no mention ({case['why']})"
