"""Span matching of mentions: placement, exact / overlap / partial credit, token F1, flag F1."""

import pytest

from extractor.mention_scoring import place_gold, score_mentions

TEXT = ("CLINICAL CASE SUMMARY\nShe reports pain in the neck, low back and right shoulder. "
        "Cervical exam was noted to be normal. No numbness. Norco was continued.")


def _pred(text, phrase, label="SYMPTOM", occurrence=0, **flags):
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(phrase, start + 1)
    return {"label": label, "text": phrase, "start": start, "end": start + len(phrase),
            "section": "case_summary", **flags}


@pytest.mark.parametrize("gold, expected", [
    # why: context pins the third "pain" (the others are in other phrases)
    ({"text": "pain", "context": "The pain was in"}, "pain"),
    # why: line-break hyphens and spacing in the annotator's copy do not stop placement
    ({"text": "low back", "context": "in the neck, low   back and"}, "low back"),
    # why: a phrase that is not in the text is not placed anywhere
    ({"text": "migraine"}, None),
])
def test_mention_scoring_places_gold_phrases(gold, expected):
    text = "Pain scale: pain-free. No pain. The pain was in the neck, low back and hip."
    (span,) = place_gold([{"label": "SYMPTOM", **gold}], text)
    if expected is None:
        assert span is None
    else:
        assert text[span[0]:span[1]] == expected
        if "context" in gold and gold["text"] == "pain":
            assert span[0] == text.index("The pain") + 4


def test_mention_scoring_places_mentions_in_reading_order():
    text = "tenderness of the knee; later tenderness of the hip"
    spans = place_gold([{"label": "FINDING", "text": "tenderness"}] * 2, text)
    assert spans == [(0, 10), (30, 40)]


def test_mention_scoring_a_short_prediction_earns_partial_credit():
    gold = [{"label": "SYMPTOM", "text": "pain in the neck, low back and right shoulder"}]
    tally = score_mentions(gold, [_pred(TEXT, "pain")], TEXT, summary_only=True)
    figures = tally.figures(with_precision=True)
    # "pain" covers 4 of the 45 characters the two spans cover together.
    assert figures["mentions.recall"][0] == pytest.approx(4 / 45)
    assert figures["mentions.recall_overlap"][0] == 1.0
    assert figures["mentions.recall_exact"][0] == 0.0
    # Token level: 1 of the 9 gold words is inside a predicted span, no extra predicted word.
    assert figures["mentions.token_f1"][0] == pytest.approx(2 * 1 * (1 / 9) / (1 + 1 / 9))


def test_mention_scoring_exact_match_and_precision_over_the_summary_only():
    gold = [{"label": "FINDING", "text": "Cervical exam", "negated": True, "normal": True},
            {"label": "SYMPTOM", "text": "numbness", "negated": True}]
    pred = [_pred(TEXT, "Cervical exam", "FINDING", negated=True, normal=True),
            _pred(TEXT, "numbness", "SYMPTOM", negated=False),
            _pred(TEXT, "Norco", "TREATMENT"),
            {**_pred(TEXT, "CLINICAL", "FINDING"), "section": "header"},  # outside the summary
            _pred(TEXT, "right shoulder", "SERVICE")]  # SERVICE is scored with the items
    figures = score_mentions(gold, pred, TEXT, summary_only=True).figures(with_precision=True)
    assert figures["mentions.recall_exact"][0] == 1.0
    assert figures["mentions.precision_exact"] == (2 / 3, 3)  # Norco is not in the gold
    # The absent findings: both are found, one is flagged negated.
    assert figures["mentions.absent_found"] == (0.5, 2)
    # negated: 1 true positive, 1 false negative -> P 1, R 0.5
    assert figures["mentions.negated"][0] == pytest.approx(2 / 3)
    assert figures["mentions.normal"][0] == 1.0
    assert figures["mentions.TREATMENT.precision"] == (0.0, 1)


def test_mention_scoring_pairs_one_to_one_by_best_overlap():
    text = "low back pain and leg pain"
    gold = [{"label": "SYMPTOM", "text": "low back pain"}, {"label": "SYMPTOM", "text": "leg pain"}]
    pred = [_pred(text, "back pain"), _pred(text, "low back pain")]
    tally = score_mentions(gold, pred, text, summary_only=True)
    # The exact prediction takes "low back pain"; "back pain" has no other gold mention to take.
    assert (tally.overlap, tally.exact, tally.pred) == (1, 1, 2)
    assert tally.figures(True)["mentions.precision_overlap"][0] == 0.5


def test_mention_scoring_without_blind_gold_reports_no_precision():
    gold = [{"label": "SYMPTOM", "text": "numbness"}]
    figures = score_mentions(gold, [_pred(TEXT, "numbness")], TEXT).figures(with_precision=False)
    assert "mentions.precision" not in figures and figures["mentions.recall"][0] == 1.0


def test_mention_scoring_a_wrong_flag_is_listed_as_a_miss():
    gold = [{"label": "TREATMENT", "text": "Norco", "hypothetical": True}]
    tally = score_mentions(gold, [_pred(TEXT, "Norco", "TREATMENT")], TEXT)
    assert tally.flag_misses == [("TREATMENT 'Norco'", "hypothetical", True, False)]
