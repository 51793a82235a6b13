"""Every data file under models/ loads and holds what its loader expects."""

import json
import re

import pytest

from extractor.components.targets import load_rules
from extractor.resources import list_models, read_json, read_jsonl, read_text


@pytest.mark.parametrize("name", list_models())
def test_models_file_parses(name):
    if name.endswith(".json"):
        assert read_json(name)
    elif name.endswith(".csv"):
        assert len(read_text(name).splitlines()) > 1


# Rule files in medspaCy's own format (checked by its rule classes) or read by other tools.
NOT_TYPED_HERE = {"context_rules.json", "sections.json", "features.json"}


@pytest.mark.parametrize("name", sorted(set(list_models()) - NOT_TYPED_HERE))
def test_models_every_json_rule_file_has_a_typed_loader(name):
    from extractor.rule_files import RULE_FILES

    if name.endswith(".json"):
        assert name in RULE_FILES, f"models/{name} has no typed loader in extractor/rule_files.py"
        assert RULE_FILES[name].load()


@pytest.mark.parametrize("change, message", [
    # why: a misspelt key would silently turn its rule off
    (lambda d: d.update(case_numbr=d.pop("case_number")), "models/header.json: unknown key 'case_numbr'"),
    # why: a nested key is named with its path
    (lambda d: d["priority"].update(lable="x"), "models/header.json.priority: unknown key 'lable'"),
    # why: a missing key names the key
    (lambda d: d.pop("dates"), "models/header.json: missing key 'dates'"),
    # why: a number where a list of patterns belongs
    (lambda d: d["case_number"].update(labels=3), "models/header.json.case_number.labels: expected a list"),
    # why: true is not a distance
    (lambda d: d.update(max_value_distance=True), "max_value_distance: expected a whole number, found true/false"),
])
def test_models_typed_loader_names_the_file_and_key(change, message):
    from extractor.rule_files import HeaderRules, RuleFileError

    data = json.loads(read_text("header.json"))
    change(data)
    with pytest.raises(RuleFileError, match=message.replace(".", r"\.").replace("(", r"\(")):
        HeaderRules.from_dict(data, "models/header.json")


def test_models_documentation_keys_are_not_rules():
    from extractor.rule_files import ReviewerRules

    data = json.loads(read_text("reviewer.json"))
    data["licensure_label_about"] = "why the label is written this way"
    assert ReviewerRules.from_dict(data, "models/reviewer.json").licensure_label == data["licensure_label"]


def test_models_vocabulary_rules_load_and_are_large():
    rules = load_rules()
    assert len(rules) >= 500
    assert {r.category for r in rules} == {"FINDING", "SYMPTOM", "DIAGNOSIS", "TREATMENT"}
    norco = [r for r in rules if r.literal == "Norco"][0]
    assert norco.metadata["normalized"] == "hydrocodone/acetaminophen"


def test_models_context_rules_use_known_categories():
    allowed = {"NEGATED_EXISTENCE", "NORMAL", "POSSIBLE_EXISTENCE", "HISTORICAL", "HYPOTHETICAL", "FAMILY", "TERMINATE",
               "PSEUDO"}
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


# Words that hold a term of some table inside them (written by hand from real letters).
WORDS_HOLDING_TERMS = [
    "Facet", "Preface", "surface", "Prescribed", "described", "Tribenzor", "Distribution", "attributed",
    "Digital", "peroneal", "therapist", "incidental", "effusion", "confusion", "herniation", "estimate",
    "retraction", "paraspinal", "pneumothorax", "unsupported", "revisited", "calcaneal", "intracranial",
    "Scapular", "handicap", "Shipment", "armored", "kneeling", "legislation", "Backward", "headway",
    "often", "someone", "attend", "network", "sixteenth",
]


def _term_patterns():
    from extractor.recognizers import clinical, reviewer, services

    rules = services._rules()
    yield "services.json categories", [p for _, p, _ in rules["categories"]]
    yield "services.json unless", [u for _, _, u in rules["categories"] if u is not None]
    yield "services.json body_regions", [p for _, p in rules["regions"]] + [rules["any_region"], rules["fallback"][1]]
    yield "services.json laterality", [p for _, p in rules["laterality"]]
    yield "work_status.csv", [clinical._rules()["work"]]
    yield "specialties.csv, us_states.csv", [reviewer._rules()["specialty_re"], reviewer._rules()["state_re"]]
    from extractor.recognizers import quantities

    yield "quantities.json", [p for _, p in quantities._rules()["patterns"]] + [quantities._rules()["refills"]]


@pytest.mark.parametrize("table, patterns", list(_term_patterns()), ids=lambda v: v if isinstance(v, str) else "")
def test_models_terms_never_fire_inside_a_word(table, patterns):
    for word in WORDS_HOLDING_TERMS:
        text = f"the {word} was"
        inside = (4, 4 + len(word))
        for pattern in patterns:
            for m in pattern.finditer(text):
                cuts = [edge for edge in (m.start(), m.end()) if inside[0] < edge < inside[1]]
                assert not cuts, f"{table}: {pattern.pattern[:60]}... matches {m.group()!r} inside {word!r}"


def test_models_vocabulary_never_fires_inside_a_word(nlp):
    text = "CLINICAL CASE SUMMARY\n" + " ".join(f"The {w} was noted." for w in WORDS_HOLDING_TERMS)
    record = nlp(text)._.imr_record
    for mention in record.mentions:
        before = record.text[mention.start - 1] if mention.start else " "
        after = record.text[mention.end] if mention.end < len(record.text) else " "
        assert not before.isalnum() and not after.isalnum(), mention.text


@pytest.mark.parametrize("cls_name, file, change, message", [
    # why: a broken pattern would only fail (or silently match nothing) when first used
    ("DiagnosesRules", "diagnoses.json", lambda d: d.update(list_stop="[.;"),
     "models/diagnoses.json.list_stop: the pattern does not compile"),
    # why: a pattern inside a list names its index
    ("DiagnosesRules", "diagnoses.json", lambda d: d["cues"].append("(?:diagnos"),
     "models/diagnoses.json.cues[17]: the pattern does not compile"),
    ("WorkStatusRules", "work_status.json", lambda d: d.update(event_date="\\b(?:CT|MRI"),
     "models/work_status.json.event_date: the pattern does not compile"),
    ("QuantitiesRules", "quantities.json", lambda d: d["patterns"][0].update(pattern="#(?P<n"),
     "models/quantities.json.patterns[0].pattern: the pattern does not compile"),
    # why: a number where a pattern belongs
    ("WorkStatusRules", "work_status.json", lambda d: d.update(range_joiner=3),
     "models/work_status.json.range_joiner: expected a pattern"),
])
def test_models_patterns_that_do_not_compile_fail_at_load(cls_name, file, change, message):
    from extractor import rule_files

    data = json.loads(read_text(file))
    change(data)
    with pytest.raises(rule_files.RuleFileError, match=re.escape(message)):
        getattr(rule_files, cls_name).from_dict(data, f"models/{file}")
