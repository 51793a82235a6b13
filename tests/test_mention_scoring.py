"""Span matching of mentions: placement, exact / overlap / partial credit, token F1, flag F1."""

import pytest

from extractor.quality.mention_scoring import place_gold, score_mentions

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


def test_mention_scoring_service_paired_with_gold_counts_in_precision():
    # A SERVICE mention the gold annotates (a planned MRI) is counted on both sides of precision,
    # so precision never passes 1; an unpaired SERVICE mention is still left out.
    text = "CLINICAL CASE SUMMARY\nThe plan included an MRI of the knee. MRI was requested."
    gold = [{"label": "TREATMENT", "text": "MRI of the knee", "hypothetical": True}]
    pred = [_pred(text, "MRI of the knee", "SERVICE"), _pred(text, "MRI", "SERVICE", occurrence=1)]
    figures = score_mentions(gold, pred, text, summary_only=True).figures(with_precision=True)
    assert figures["mentions.precision_overlap"] == (1.0, 1)
    assert figures["mentions.recall_exact"][0] == 1.0


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


def test_mention_scoring_figures_from_known_counts():
    from extractor.quality.mention_scoring import MentionTally

    a = MentionTally(gold=10, pred=8, overlap=6, exact=4, credit=5.0, token_tp=12, token_fp=4, token_fn=8,
                     label_agree=5, absent_gold=4, absent_found=3, date_right=2, date_total=4)
    a.flags["negated"] = [3, 1, 1]
    a.labels["FINDING"] = [6, 4, 5, 4]
    b = MentionTally(gold=2, pred=4, overlap=2, exact=2, credit=1.0, token_tp=0, token_fp=0, token_fn=0,
                     label_agree=1, absent_gold=0, absent_found=0, date_right=1, date_total=1)
    b.flags["negated"] = [1, 0, 1]
    b.labels["FINDING"] = [1, 1, 0, 0]
    b.labels["SYMPTOM"] = [1, 1, 4, 2]
    a.add(b)
    f = a.figures(with_precision=True)
    # Pooled: gold 12, pred 12, overlap 8, exact 6, credit 6.
    assert f["mentions.recall"] == (0.5, 12) and f["mentions.precision"] == (0.5, 12)
    assert f["mentions.f1"] == (0.5, 12)
    assert f["mentions.recall_overlap"] == (8 / 12, 12) and f["mentions.precision_overlap"] == (8 / 12, 12)
    assert f["mentions.recall_exact"] == (0.5, 12) and f["mentions.precision_exact"] == (0.5, 12)
    # Tokens: tp 12, fp 4, fn 8 -> P 0.75, R 0.6, F1 2/3.
    assert f["mentions.token_f1"] == (pytest.approx(2 * 0.75 * 0.6 / 1.35), 20)
    assert f["mentions.label_agreement"] == (6 / 8, 8)
    assert f["mentions.absent_found"] == (0.75, 4)
    # negated: tp 4, fp 1, fn 2 -> P 0.8, R 4/6.
    assert f["mentions.negated"] == (pytest.approx(2 * 0.8 * (4 / 6) / (0.8 + 4 / 6)), 6)
    assert "mentions.historical" not in f  # never true, never predicted: no figure
    assert f["mentions.date"] == (0.6, 5)
    assert f["mentions.FINDING.recall"] == (5 / 7, 7) and f["mentions.FINDING.precision"] == (0.8, 5)
    assert f["mentions.SYMPTOM.recall"] == (1.0, 1) and f["mentions.SYMPTOM.precision"] == (0.5, 4)


def test_mention_scoring_empty_tally_is_perfect_not_an_error():
    from extractor.quality.mention_scoring import MentionTally

    f = MentionTally().figures(with_precision=True)
    assert f["mentions.recall"] == (1.0, 0) and f["mentions.precision"] == (1.0, 0)
    assert f["mentions.token_f1"] == (1.0, 0) and "mentions.date" not in f


def test_mention_scoring_counts_a_letter_end_to_end():
    text = "CLINICAL CASE SUMMARY\nOn 01/02/2016 she denied fever. Knee pain was severe."
    gold = [{"label": "SYMPTOM", "text": "fever", "negated": True, "date": "2016-01-02"},
            {"label": "SYMPTOM", "text": "Knee pain", "date": None},
            {"label": "FINDING", "text": "absent thing"}]
    pred = [{**_pred(text, "fever", "FINDING", negated=True), "date": "2016-01-02"},
            {**_pred(text, "pain", "SYMPTOM"), "date": "2016-01-02"},
            _pred(text, "severe", "FINDING")]
    tally = score_mentions(gold, pred, text, summary_only=True)
    assert (tally.gold, tally.pred, tally.unplaced, tally.overlap, tally.exact) == (3, 3, 1, 2, 1)
    assert tally.credit == pytest.approx(1 + 4 / 9)  # "pain" covers 4 of "Knee pain"'s 9 characters
    assert (tally.label_agree, tally.absent_gold, tally.absent_found) == (1, 1, 1)
    assert (tally.date_right, tally.date_total) == (1, 2)
    assert (tally.token_tp, tally.token_fp, tally.token_fn) == (2, 1, 1)
    assert tally.labels["SYMPTOM"] == [2, 2, 1, 1] and tally.labels["FINDING"] == [1, 0, 2, 1]
    assert tally.flags["negated"] == [1, 0, 0]
    assert ("SYMPTOM 'Knee pain'", "date", None, "2016-01-02") in tally.flag_misses


def test_mention_scoring_lists_gold_mentions_nothing_overlaps():
    text = "Neck pain and back pain."
    gold = [{"label": "SYMPTOM", "text": "Neck pain"}, {"label": "SYMPTOM", "text": "back pain"},
            {"label": "SYMPTOM", "text": "hip pain"}]
    missing = [g["text"] for g in score_mentions(gold, [_pred(text, "back")], text).missed]
    assert missing == ["Neck pain", "hip pain"]


def test_mention_scoring_context_not_found_falls_back_to_the_text():
    text = "She has neck pain."
    (span,) = place_gold([{"label": "SYMPTOM", "text": "neck pain", "context": "words not in the letter"}], text)
    assert text[span[0]:span[1]] == "neck pain"
