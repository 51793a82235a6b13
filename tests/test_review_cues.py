"""The review page's cues: the words behind each mention's flags, found again at page-build time."""

import pytest

from extractor import extract_text
from extractor.review.cues import FLAG_WORDS, exam_statement_cue, history_cue, mention_cues
from extractor.types import Mention, Record


def _mention(text, phrase, label="FINDING", **flags):
    start = text.index(phrase)
    return Mention(label, phrase, phrase.lower(), start, start + len(phrase), 1, **flags)


@pytest.mark.parametrize("text, phrase, flags, cue, source", [
    # why: a ConText negation cue
    ("Examination noted spasm without neurological changes.", "neurological changes", {"negated": True},
     "without", "NEGATED_EXISTENCE"),
    # why: a ConText normal cue sets two flags at once
    ("Cervical exam was noted to be normal.", "Cervical exam", {"negated": True, "normal": True},
     "was noted to be normal", "NORMAL"),
    # why: history set by a list's lead-in line, outside ConText
    ("Treatment to date has included:\n- Physical therapy\n- Ibuprofen\n", "Ibuprofen", {"historical": True},
     "Treatment to date", "history list"),
])
def test_review_cues_name_the_words_behind_each_flag(text, phrase, flags, cue, source):
    mention = _mention(text, phrase, **flags)
    record = Record(doc_id="x", text=text, mentions=[mention])
    (cues,) = mention_cues(record)
    assert [(c.text, c.source) for c in cues] == [(cue, source)]
    assert set(cues[0].flags) == {f for f, on in flags.items() if on}
    assert text[cues[0].start:cues[0].end] == cue


def test_review_cues_a_flag_without_its_cue_says_so():
    text = "The knee was examined."
    record = Record(doc_id="x", text=text, mentions=[_mention(text, "knee", family=True)])
    (cues,) = mention_cues(record)
    assert [(c.flags, c.source, c.text) for c in cues] == [(("family",), "not found", "")]


def test_review_cues_an_unflagged_mention_has_none():
    text = "Examination noted spasm."
    assert mention_cues(Record(doc_id="x", text=text, mentions=[_mention(text, "spasm")])) == [[]]


@pytest.mark.parametrize("text, phrase, cue", [
    ("Reflexes, strength, and sensation were intact.", "sensation", "were intact"),  # why: statement after
    ("There was intact sensation in both legs.", "sensation", "intact"),  # why: state word before
    ("Sensation was decreased; reflexes were intact.", "Sensation", None),  # why: another clause's statement
])
def test_review_cues_exam_statements(text, phrase, cue):
    start = text.index(phrase)
    span = exam_statement_cue(text, start, start + len(phrase))
    assert (None if span is None else text[span[0]:span[1]]) == cue


@pytest.mark.parametrize("text, phrase, cue", [
    ("Prior care: PT and naproxen.", "naproxen", "Prior care"),  # why: the lead-in in its own sentence
    ("Treatment to date:\n1. PT\n2. Naproxen\n", "Naproxen", "Treatment to date"),  # why: the list's lead line
    ("Plan:\n1. PT\n2. Naproxen\n", "Naproxen", None),  # why: a list under another lead is no history
])
def test_review_cues_history_lists(text, phrase, cue):
    span = history_cue(text, text.index(phrase))
    assert (None if span is None else text[span[0]:span[1]]) == cue


def test_review_cues_explain_the_flags_of_a_whole_letter(seed_text):
    record = extract_text(seed_text)
    cues = mention_cues(record)
    flagged = [(m, c) for m, c in zip(record.mentions, cues) if c]
    assert flagged
    for mention, found in flagged:
        # Each flag the record holds is named by exactly the cues that explain it.
        assert {f for c in found for f in c.flags} == {f for f in FLAG_WORDS if getattr(mention, f)}
    negated = next(c for m, c in flagged if m.text == "neurological changes")
    assert [c.text for c in negated] == ["without"]
