"""``extractor.context_flags``: the project's ConText on the caller's own targets."""

import json

import pytest
from typer.testing import CliRunner

from extractor import context_flags, context_pipeline
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
