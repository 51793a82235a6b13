"""``extractor.context_flags``: the project's ConText on the caller's own targets."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor import context_cues, context_flags, context_pipeline
from extractor.cli import app
from extractor.quality.evaluate_context import evaluate_context, read_sentences


def _span(text, phrase):
    start = text.index(phrase)
    return start, start + len(phrase)


@pytest.mark.parametrize("text, target, flag", [
    # why: a denial before the target
    ("She denies numbness or tingling.", "tingling", "negated"),
    # why: past history
    ("History of diabetes, well controlled.", "diabetes", "historical"),
    # why: a relative's condition
    ("Her mother had breast cancer.", "breast cancer", "family"),
    # why: a possibility
    ("Findings are suspicious for a meniscal tear.", "meniscal tear", "uncertain"),
])
def test_context_flags_sets_the_flag_of_a_caller_target(text, target, flag):
    (flags,) = context_flags(text, [_span(text, target)])
    assert flags[flag] is True
    assert set(flags) == {"negated", "normal", "historical", "hypothetical", "uncertain", "family"}


def test_context_flags_keeps_the_callers_order_and_offsets():
    text = "No fever.\nShe reports cough."
    flags = context_flags(text, [_span(text, "cough"), _span(text, "fever")])
    # The results follow the spans as given, and the cue of one sentence stays in it.
    assert [f["negated"] for f in flags] == [False, True]


@pytest.mark.parametrize("spans, message", [
    ([(5, 3)], "span 0 (5, 3)"),  # why: end before start
    ([(0, 500)], "outside the text"),  # why: past the end
    ([(9, 9)], "empty or outside"),  # why: empty
    ([(0, 5), (3, 8)], "overlaps span 0"),  # why: overlapping targets
    ([(2, 3)], "only whitespace"),  # why: nothing to flag
    (["ab"], "not a (start, end) pair"),  # why: not a pair of numbers
])
def test_context_flags_rejects_bad_spans_naming_them(spans, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        context_flags("No  fever or chills today.", spans)


def test_context_flags_the_spacy_way_on_a_doc_with_ents():
    nlp = context_pipeline()
    doc = nlp.make_doc("Denies chest pain.")
    doc.ents = [doc.char_span(7, 17, label="SYMPTOM")]
    doc = nlp(doc)
    assert doc.ents[0]._.is_negated and not doc.ents[0]._.is_historical


def test_context_flags_odd_text_does_not_crash():
    text = "DENIES FEVER " * 2000 + "\n" + "x" * 5000
    flags = context_flags(text, [(7, 12), (len(text) - 10, len(text))])
    assert len(flags) == 2


@pytest.mark.parametrize("text, target, label, cue, flags", [
    # why: a negation cue before the target
    ("She denies numbness or tingling.", "tingling", None, "denies", ["negated"]),
    # why: a history cue
    ("History of diabetes, well controlled.", "diabetes", None, "History of", ["historical"]),
    # why: a relative's condition
    ("Her mother had breast cancer.", "breast cancer", None, "mother", ["family"]),
    # why: a possibility
    ("Findings are suspicious for a meniscal tear.", "meniscal tear", None, "suspicious for", ["uncertain"]),
    # why: one cue sets two flags (a normal exam is an absent finding)
    ("Cervical exam was normal.", "Cervical exam", "FINDING", "was normal", ["negated", "normal"]),
])
def test_context_cues_name_the_words_that_set_each_flag(text, target, label, cue, flags):
    span = _span(text, target)
    (cues,) = context_cues(text, [span], None if label is None else [label])
    assert [(c["text"], c["flags"]) for c in cues] == [(cue, flags)]
    (found,) = cues
    assert text[found["start"]:found["end"]] == cue and found["category"]


def test_context_cues_a_rule_for_some_labels_needs_the_label():
    # "was normal" modifies findings only: unlabelled targets are TARGETs, as context_flags has them.
    text = "Cervical exam was normal."
    assert context_cues(text, [_span(text, "Cervical exam")]) == [[]]
    assert context_flags(text, [_span(text, "Cervical exam")])[0]["normal"] is False


def test_context_cues_an_unflagged_target_has_none_and_order_is_kept():
    text = "No fever.\nShe reports cough."
    cues = context_cues(text, [_span(text, "cough"), _span(text, "fever")])
    assert cues[0] == [] and [c["text"] for c in cues[1]] == ["No"]


def test_context_cues_agree_with_context_flags_on_the_case_table():
    # Every flag context_flags sets has a cue, and every cue's flags are set.
    rows = [json.loads(line) for line in (Path(__file__).parent / "data" / "context_cases.jsonl").open()]
    checked = 0
    for row in rows:
        text = row["text"]
        spans, start = [], 0
        for mention in row["mentions"]:
            at = text.find(mention["text"], start)
            if at < 0:
                break
            spans.append((at, at + len(mention["text"])))
            start = at + len(mention["text"])
        else:
            flags = context_flags(text, spans)
            cues = context_cues(text, spans)
            for set_flags, found in zip(flags, cues):
                assert {f for f, on in set_flags.items() if on} == {f for c in found for f in c["flags"]}
                checked += 1
    assert checked > 50


@pytest.mark.parametrize("labels", [["FINDING"], ["FINDING", "SYMPTOM", "SYMPTOM"]])  # why: too few, too many
def test_context_cues_want_one_label_per_span(labels):
    text = "No fever or chills."
    with pytest.raises(ValueError, match="labels gives"):
        context_cues(text, [_span(text, "fever"), _span(text, "chills")], labels)


def test_evaluate_context_scores_each_flag_with_f1(tmp_path):
    rows = [
        {"id": "a", "style": "ed", "text": "Denies chest pain.", "target": "chest pain", "negated": True},
        {"id": "b", "style": "ed", "text": "Reports chest pain.", "target": "chest pain"},
        {"id": "c", "style": "radiology", "text": "No fracture.", "target": "fracture", "negated": True},
    ]
    path = tmp_path / "s.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    report = evaluate_context([path], baseline=False)
    negated = report["systems"]["imr-extractor"]["all"]["negated"]
    assert (negated["precision"], negated["recall"], negated["n"]) == (1.0, 1.0, 2)
    assert report["systems"]["imr-extractor"]["style:radiology"]["negated"]["n"] == 1


def test_evaluate_context_names_a_bad_line(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "pain and pain", "target": "pain"}))
    with pytest.raises(ValueError, match="s.jsonl:1: target must occur exactly once"):
        read_sentences([path])
    result = CliRunner().invoke(app, ["evaluate-context", str(path)])
    assert result.exit_code == 2 and "target must occur exactly once" in " ".join(result.output.split())


@pytest.mark.parametrize("names", [
    "context_pipeline, context_flags",  # why: the module was imported for context_pipeline first
    "context_cues, context_flags",  # why: the same, for context_cues
])
def test_context_flags_the_functions_import_in_any_order(names):
    # Importing extractor.context_flags sets the package's attribute of that name to the module:
    # it must not hide the function, whichever name of the module is imported first.
    import subprocess
    import sys

    code = f"from extractor import {names}; assert callable(context_flags), context_flags"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]



@pytest.mark.parametrize("text, target, label, flag, expected", [
    # why: a treatment that helped was received: history
    ("Physical therapy has helped with flexibility.", "Physical therapy", "TREATMENT", "historical", True),
    # why: relief with a treatment reports one already given
    ("She reported relief with acupuncture.", "acupuncture", "TREATMENT", "historical", True),
    # why: a denied history is absent, not past
    ("She denies any history of seizures.", "seizures", "DIAGNOSIS", "historical", False),
    ("She denies any history of seizures.", "seizures", "DIAGNOSIS", "negated", True),
    # why: a state after a measured value's comma gives that value's state
    ("Internal rotation 30 degrees, symmetric with the right.", "Internal rotation 30 degrees", "FINDING",
     "normal", True),
])
def test_context_flags_history_and_measured_states(text, target, label, flag, expected):
    from extractor.context_flags import context_cues

    start = text.index(target)
    cues = context_cues(text, [(start, start + len(target))], [label])[0]
    assert any(flag in cue["flags"] for cue in cues) is expected, cues
