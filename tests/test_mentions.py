"""Mentions: drug normalization with strength and quantity, SERVICE vs TREATMENT, pain, work status."""

import re

import pytest

from extractor import build, extract_text


def _summary(text):
    return extract_text("CLINICAL CASE SUMMARY\n" + text + "\n")


def _named(mentions, term):
    """The one mention whose words hold ``term`` (a mention reaches its whole phrase: "MRI of the knee")."""
    found = [m for m in mentions if re.search(rf"(?<!\w){re.escape(term)}(?!\w)", m.text)]
    assert len(found) == 1, (term, [m.text for m in mentions])
    return found[0]


def test_mentions_medication_normalized_with_strength_and_quantity():
    record = _summary("Current medications include Norco 10/325mg #60, gabapentin 600 mg daily "
                      "and Lidoderm 5% patches #30.")
    got = {m.text: (m.normalized, m.kind, m.strength, m.quantity) for m in record.mentions}
    assert got["Norco"] == ("hydrocodone/acetaminophen", "opioid", "10/325mg", "#60")
    assert got["gabapentin"] == ("gabapentin", "anticonvulsant", "600mg", None)
    assert got["Lidoderm"] == ("lidocaine", "topical", "5%", "#30")


def test_mentions_requested_treatment_is_a_service():
    record = _summary("Utilization review on 10/2/15 denied a request for a TENS unit. "
                      "She previously tried acupuncture.")
    labels = {m.text: (m.label, m.historical) for m in record.mentions}
    assert labels["TENS unit"] == ("SERVICE", False)
    assert labels["acupuncture"] == ("TREATMENT", True)


def test_mentions_what_a_study_reports_is_a_finding():
    record = _summary("She has a history of gastritis. Lumbar x-rays on 3/2/2016 showed no fracture. "
                      "An MRI of 4/1/2016 revealed a disc herniation at L4-5.")
    got = {m.text: (m.label, m.negated, m.date) for m in record.mentions}
    assert got["gastritis"][0] == "DIAGNOSIS"
    assert got["fracture"] == ("FINDING", True, "2016-03-02")
    assert got["disc herniation"] == ("FINDING", False, "2016-04-01")


def test_mentions_a_dated_visit_dates_the_next_sentences_of_its_paragraph():
    record = _summary("Visit 03-21-16. S: knee pain, catching. O: trace effusion; Lachman negative.\n"
                      "Prior care: naproxen; a hinged brace; physical therapy.\nShe reports nausea.")
    got = {m.text: (m.date, m.historical) for m in record.mentions}
    assert got["catching"][0] == got["effusion"][0] == "2016-03-21"
    assert got["nausea"][0] is None  # a new paragraph: the visit's account has ended
    # "Prior care:" before a colon makes the whole semicolon list history.
    assert got["naproxen"][1] and got["physical therapy"][1]


def test_mentions_list_under_a_history_lead_in_is_historical():
    record = _summary("Report of 4/12/2016 lists:\n1. Lumbar tenderness\n2. Positive straight leg raise\n"
                      "Treatment to date has included:\n1. Physical therapy, 12 visits\n2. Acupuncture\n"
                      "3. Chiropractic care\nCurrent medications:\n1. Gabapentin\n2. Naproxen")
    got = {m.text: (m.historical, m.date) for m in record.mentions}
    assert got["Acupuncture"] == (True, None) and got["Chiropractic care"][0]
    # The dated lead-in dates its items; a lead-in without a history cue leaves them current.
    leg_raise = _named(record.mentions, "straight leg raise")
    assert (leg_raise.historical, leg_raise.date) == (False, "2016-04-12")
    assert not got["Gabapentin"][0] and not got["Naproxen"][0]


@pytest.mark.parametrize(
    ("sentence", "scores"),
    [
        ("On 3/4/16 pain was rated 7/10.", [(7, "2016-03-04")]),
        ("Pain was 6 out of 10 at its worst and 3-4 at its best.", [(6, None)]),
        ("Strength was 5/5 and reflexes 2/4 on 3/4/16.", []),  # grades, not pain
        ("Pain decreased from 8/10 to 4/10 with medication on 5/1/15.", [(8, "2015-05-01"), (4, "2015-05-01")]),
        ("Visit 3/4/16. S: knee pain rated 7/10, worse on stairs.", [(7, "2016-03-04")]),  # the visit's date
        ("Her daughter called on 3/4/16. Pain is 7/10.", [(7, None)]),  # a date, but no visit
        ("On 6/2/16 she rated her back pain 3-6 out of 10.", [(6, "2016-06-02")]),  # a range: its upper bound
        ("On 6/2/16 the pain was rated 5/10 to 7/10.", [(7, "2016-06-02")]),  # one rating given as a range
        # A span of records dates no single visit.
        ("Notes from 1/5/16 to 2/9/16 were reviewed. Her pain was 4/10.", [(4, None)]),
    ],
)
def test_mentions_pain_scores(sentence, scores):
    assert [(p.score, p.date) for p in _summary(sentence).pain_scores] == scores


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("On 7-6-15 the work status was temporary totally disabled.", ("ttd", "2015-07-06")),
        ("She returned to modified duty on 2/1/16.", ("modified_duty", "2016-02-01")),
        ("He is working full duty.", ("full_duty", None)),
        ("He was declared permanent and stationary on March 3, 2016.", ("permanent_and_stationary", "2016-03-03")),
        # A sentence that opens with its date reports a visit: the statements after it share the date.
        ("On 08/14/13 her low back pain was severe. She was working modified duty.", ("modified_duty", "2013-08-14")),
        ("PR 01/06/14: clicking with abduction. O'Brien's positive. W/S: modified duty.",
         ("modified_duty", "2014-01-06")),
        # A date the status lasts until is not the date it was given; a dated report is a visit.
        ("Seen on 01/14/2016 for knee pain. Work status: off work until 03/15/2016.", ("ttd", "2016-01-14")),
        ("The treating physician's report of 06/28/2017 describes back pain. He is not currently working.",
         ("not_working", "2017-06-28")),
        # The injury's date is not a visit's.
        ("On 1-22-12 he stepped off a loading dock. He is working full duty.", ("full_duty", None)),
    ],
)
def test_mentions_work_status(sentence, status):
    text = "Date of Injury: 01/22/2012\n" + "CLINICAL CASE SUMMARY\n" + sentence + "\n"
    assert [(w.status, w.date) for w in extract_text(text).work_status] == [status]


def test_mentions_pyrush_sentence_splitter_is_available():
    nlp = build(sentence_splitter="pyrush")
    assert "medspacy_pyrush" in nlp.pipe_names
    record = nlp("CLINICAL CASE SUMMARY\nCervical exam was noted to be normal.\n")._.imr_record
    exam = [m for m in record.mentions if m.text == "Cervical exam"][0]
    assert exam.negated and exam.normal


def test_mentions_letter_without_mentions_is_valid():
    record = _summary("The file was reviewed.")
    assert record.mentions == [] and record.warnings


def test_work_status_scan_per_sentence_matches_one_scan():
    import re

    from extractor.recognizers import clinical

    pattern = clinical._rules()["work"]
    text = ("He is off work. Full duty since May. Modified duty&more here.\n"
            "Returned to regular work without restrictions. TTD")
    spans = list(clinical.sentences(text, 0, len(text)))
    expected = [[m.span() for m in pattern.finditer(text, a, b)] for a, b in spans]
    got = clinical._matches_by_sentence(pattern, text, spans, len(text), clinical._WORK_STOP)
    assert [[m.span() for m in ms] for ms in got] == expected
    assert sum(map(len, expected)) >= 4
    # A sentence end before a character the closing lookahead refuses: scanned per sentence.
    word = re.compile(r"\bab(?!c)")
    text = "ab.c ab"
    spans = [(0, 2), (3, 7)]
    got = clinical._matches_by_sentence(word, text, spans, len(text), re.compile(r"c"))
    assert [[m.span() for m in ms] for ms in got] == [[m.span() for m in word.finditer(text, a, b)] for a, b in spans]


def test_mentions_without_the_entity_table_read_span_extensions(nlp):
    from extractor.components.targets import ENTITY_TABLE_KEY

    text = ("CLINICAL CASE SUMMARY\nOn 8/10/15 the patient denied numbness. History of Norco 10/325mg #60. "
            "Cervical exam was normal.\n")
    doc = nlp.make_doc(text)
    for name, proc in nlp.pipeline:
        if name == "extractor_mentions":
            break
        doc = proc(doc)
    with_table = nlp.get_pipe("extractor_mentions")(doc)._.imr_fields["mentions"]
    doc.user_data.pop(ENTITY_TABLE_KEY)
    without = nlp.get_pipe("extractor_mentions")(doc)._.imr_fields["mentions"]
    assert with_table == without
    assert any(m["negated"] for m in without) and any(m["strength"] for m in without)


def test_mentions_shorthand_negative_either_side():
    record = _summary("Exam: drop arm neg, Neer's +. Negative Spurling's test.")
    assert _named(record.mentions, "drop arm").negated and _named(record.mentions, "Spurling's test").negated
    # "neg" reaches back only: the next comma item stands on its own
    assert not _named(record.mentions, "Neer's").negated


def test_mentions_negation_stops_at_a_clause_with_its_own_subject():
    record = _summary("If the therapy does not improve her sleep, he would consider a trial of trazodone. "
                      "She has no tenderness, swelling, or erythema.")
    got = {m.text: m.negated for m in record.mentions}
    assert not got["trazodone"]
    assert got["tenderness"] and got["swelling"] and got["erythema"]  # a list stays in reach


@pytest.mark.parametrize("sentence, text, historical", [
    # why: a study with its date and result was done before the letter
    ("A right shoulder MRI performed on 12/08/2016 documented a high-grade tear.", "MRI", True),
    ("Diagnostic studies included an MRI of the right shoulder dated 10/27/2016.", "MRI", True),
    ("Treatment rendered included activity modification and medication.", "medication", True),
    # why: the finding a past study showed is a finding, not history
    ("Diagnostic studies included an MRI that revealed tendinitis.", "tendinitis", False),
    # why: a requested study is not done yet
    ("The treating physician requested an MRI of the knee.", "MRI", False),
])
def test_mentions_studies_already_done_are_historical(nlp, sentence, text, historical):
    record = nlp("CLINICAL CASE SUMMARY\n" + sentence + "\n")._.imr_record
    assert _named(record.mentions, text).historical is historical
