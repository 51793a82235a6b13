"""A mention's sentence and item, and the record's field evidence: what readers of the dataset use."""

from pathlib import Path

from extractor import extract_text
from extractor.components.mention_context import SENTENCE_WINDOW, item_of, sentence_window

ROOT = Path(__file__).resolve().parents[1]
LETTER = ROOT / "corpora" / "dev" / "cnh-01.txt"


def test_sentence_window_keeps_a_short_sentence_whole():
    text = "First one. The MRI showed a small tear.\nNext line."
    start = text.index("small tear")
    assert sentence_window(text, start, start + 10, 11, 39) == "The MRI showed a small tear."


def test_sentence_window_cuts_a_long_sentence_around_the_mention_on_word_boundaries():
    words = " ".join(f"word{i}" for i in range(200))
    text = words + " lumbar tenderness " + words + "."
    start = text.index("lumbar")
    window = sentence_window(text, start, start + len("lumbar tenderness"), 0, len(text))
    assert "lumbar tenderness" in window
    assert len(window) <= SENTENCE_WINDOW
    # why: no word is cut at either edge
    assert all(w.startswith("word") and w[4:].isdigit() or w in ("lumbar", "tenderness") for w in window.split())
    # why: the mention sits near the middle, with context on both sides
    assert window.index("lumbar") > SENTENCE_WINDOW // 4


def test_item_of_decision_line_and_rationale():
    items = [{"index": 1, "evidence": {"start": 100, "end": 150}, "rationale_span": [200, 400]},
             {"index": 2, "evidence": {"start": 160, "end": 190}, "rationale_span": None}]
    assert item_of(120, items) == 1
    assert item_of(170, items) == 2
    assert item_of(300, items) == 1
    assert item_of(50, items) is None


def test_record_mentions_carry_sentence_and_item():
    record = extract_text(LETTER.read_text(encoding="utf-8"))
    text = record.text
    for mention in record.mentions:
        # why: the mention's own words are in its sentence
        assert " ".join(text[mention.start:mention.end].split()) in mention.sentence
        assert len(mention.sentence) <= max(SENTENCE_WINDOW, mention.end - mention.start)
    in_rationale = [m for m in record.mentions if m.section == "rationale"]
    assert in_rationale and all(m.item_index is not None for m in in_rationale)
    indexes = {i.index for i in record.items}
    assert {m.item_index for m in record.mentions if m.item_index is not None} <= indexes
    summary = [m for m in record.mentions if m.section == "case_summary" and m.label != "SERVICE"]
    assert summary and all(m.item_index is None for m in summary)


def test_record_evidence_points_at_each_header_value():
    record = extract_text(LETTER.read_text(encoding="utf-8"))
    spans = {e.field: record.text[e.start:e.end] for e in record.evidence}
    assert record.case_number in spans["case_number"]
    assert spans["priority"].lower().endswith(record.priority)
    assert str(record.patient.age) in spans["patient.age"]
    assert all(record.reviewer.specialties[0] in spans["reviewer.specialties"] for _ in [0])
    assert {f"dates.{n}" for n in ("injury", "ur_denial", "assigned", "decision", "application_received")} <= set(spans)
    assert all(e.page == 1 for e in record.evidence)
