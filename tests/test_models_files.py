"""Every data file under models/ loads and holds what its loader expects."""

import json

import pytest

from extractor.components.targets import load_rules
from extractor.resources import list_models, read_json, read_jsonl, read_text


@pytest.mark.parametrize("name", list_models())
def test_models_file_parses(name):
    if name.endswith(".json"):
        assert read_json(name)
    elif name.endswith(".csv"):
        assert len(read_text(name).splitlines()) > 1


def test_models_vocabulary_rules_load_and_are_large():
    rules = load_rules()
    assert len(rules) >= 500
    assert {r.category for r in rules} == {"FINDING", "SYMPTOM", "DIAGNOSIS", "TREATMENT"}
    norco = [r for r in rules if r.literal == "Norco"][0]
    assert norco.metadata["normalized"] == "hydrocodone/acetaminophen"


def test_models_context_rules_use_known_categories():
    allowed = {"NEGATED_EXISTENCE", "NORMAL", "POSSIBLE_EXISTENCE", "HISTORICAL", "HYPOTHETICAL", "FAMILY", "TERMINATE", "PSEUDO"}
    rules = read_json("context_rules.json")["context_rules"]
    assert {r["category"] for r in rules} <= allowed
    assert all(r["direction"] in {"FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO"} for r in rules)


def test_models_vocabulary_rows_have_normalized_names():
    for name in ("vocabulary/medications.jsonl", "vocabulary/findings.jsonl"):
        for row in read_jsonl(name):
            assert row["metadata"]["normalized"], row


def test_models_are_read_from_the_installed_package(tmp_path, monkeypatch):
    # rules come through importlib.resources, so a run from another folder finds them
    monkeypatch.chdir(tmp_path)
    assert json.loads(read_text("sections.json"))["section_rules"]
