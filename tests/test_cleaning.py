"""Cleaning: hard-wrapped PDF text becomes one line per sentence group, with a page map."""

from extractor.cleaning import clean_pages


def test_cleaning_joins_wrapped_prose():
    clean = clean_pages(["The injured worker reported pain in the back\nwith lower extremity radiation.\n"])
    assert clean.text == "The injured worker reported pain in the back with lower extremity radiation."


def test_cleaning_keeps_labels_and_titles_on_their_own_lines():
    page = (
        "CLINICAL CASE SUMMARY\nThe patient is a 40 year old man.\nIMR ISSUES, DECISIONS AND RATIONALES\n"
        "Physical therapy for the lumbar spine, two times a week\nfor four weeks: Upheld\n"
        "Claims Administrator guideline: Decision based on MTUS Low Back\nComplaints 2004.\n"
    )
    lines = clean_pages([page]).text.split("\n")
    assert "Physical therapy for the lumbar spine, two times a week for four weeks: Upheld" in lines
    assert "Claims Administrator guideline: Decision based on MTUS Low Back Complaints 2004." in lines
    assert lines[0] == "CLINICAL CASE SUMMARY"


def test_cleaning_joins_a_lone_decision_word():
    text = clean_pages(["Additional physical therapy for the right hip and foot:\nUpheld\n"]).text
    assert text == "Additional physical therapy for the right hip and foot: Upheld"


def test_cleaning_joins_titles_wrapped_over_two_lines():
    text = clean_pages(["MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY PROFESSIONAL\n"
                        "REVIEWER AND WHY:\nThe MTUS applies.\n"]).text
    assert text.split("\n")[0] == "MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY PROFESSIONAL REVIEWER AND WHY:"


def test_cleaning_drops_page_numbers_and_running_headers():
    pages = [
        "Independent Medical Review letter\nFirst page text ends here.\nPage 1 of 2\n",
        "Independent Medical Review letter\nSecond page text.\nPage 2 of 2\n",
    ]
    clean = clean_pages(pages)
    assert "Page 1 of 2" not in clean.text and "Independent Medical Review letter" not in clean.text
    assert clean.text == "First page text ends here.\nSecond page text."


def test_cleaning_maps_offsets_to_pages_and_source():
    pages = ["Alpha line one.\n", "Beta line two.\n"]
    clean = clean_pages(pages)
    beta = clean.text.index("Beta")
    assert clean.page_of(0) == 1 and clean.page_of(beta) == 2
    assert clean.source[clean.to_source(beta):].startswith("Beta")


def test_cleaning_joins_sentences_across_a_page_break():
    clean = clean_pages(["The Utilization Review\n", "documentation dated 1-6-17 non-certified the request.\n"])
    assert clean.text == "The Utilization Review documentation dated 1-6-17 non-certified the request."
    assert clean.page_of(clean.text.index("documentation")) == 2


def test_cleaning_treats_double_spaced_dumps_as_single_spaced():
    page = "The patient reported pain \n\nin the back.\n\nCervical exam was normal.\n\n"
    assert clean_pages([page]).text == "The patient reported pain in the back.\nCervical exam was normal."


def test_cleaning_normalizes_quotes_ligatures_and_pdf_hyphens():
    text = clean_pages(["\u201cred \ufb02ag\u201d findings were non\ufffecertified\u2014not \u2018seen\u2019."]).text
    assert text == "\"red flag\" findings were non-certified-not 'seen'."


def test_cleaning_offset_map_has_one_source_offset_per_character():
    pages = ["A  line   with spaces\nand a wrapped\nline.\n", "Page two, a \u201cquote\u201d.\n"]
    clean = clean_pages(pages)
    assert len(clean.source_index) == len(clean.text)
    for offset, ch in enumerate(clean.text):
        source = clean.source[clean.to_source(offset)]
        # joins map to the line break they replace; mapped quotes to the quote they were
        assert ch == source or (ch == " " and source == "\n") or source in "\u201c\u201d"


def test_cleaning_keeps_a_short_line_whose_next_word_would_have_fitted():
    prose = "The worker lifted a mattress and felt pain across the lower back at work that day\n" * 3
    page = (prose + "ISSUE AT DISPUTE:\nBilateral lumbar medial branch blocks at L4-L5\n"
            "Work hardening program, 10 sessions\nThe request was made by the treating doctor and\n"
            "Dr. Lee reviewed it.\n")
    lines = clean_pages([page]).text.split("\n")
    assert "Bilateral lumbar medial branch blocks at L4-L5" in lines
    assert "Work hardening program, 10 sessions" in lines
    # A line that ends with "and" runs on, however short.
    assert "The request was made by the treating doctor and Dr. Lee reviewed it." in lines


def test_cleaning_joins_a_line_that_ends_with_a_semicolon():
    page = "Diagnoses: knee osteoarthritis, left worse than right;\nobesity; hypertension.\n"
    assert clean_pages([page]).text == "Diagnoses: knee osteoarthritis, left worse than right; obesity; hypertension."


_WRAPPED = [  # wrapped at ~90 characters, as a PDF dump is
    "On 01/27/2014 she described numbness and tingling in the right thumb and the index finger.",
    "Two-point discrimination was normal at 5 mm in all digits and her grip strength was equal.",
    "There was no thenar atrophy, and abductor pollicis brevis strength was 5/5 on the right.",
    "She continues to work full duty at an adjusted workstation with breaks from the keyboard.",
    "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment Guidelines, page 9.",
    "The MTUS addresses this request directly, so no other guideline was needed for the item.",
    "It is short.",
]


def test_cleaning_a_full_line_that_ends_a_sentence_runs_on_into_the_next():
    text = clean_pages(["\n".join(_WRAPPED)]).text
    # The next word did not fit: one paragraph, so the visit's date reaches its last sentence.
    assert "index finger. Two-point discrimination" in text
    assert "equal. There was no thenar atrophy" in text and "5/5 on the right. She continues" in text
    # A guideline line ends at its sentence: the reviewer's note on why stands on its own line.
    assert "page 9.\nThe MTUS addresses" in text


def test_cleaning_blank_lines_around_page_furniture_are_not_paragraph_breaks():
    page = "Motor strength was 5/5 throughout and the\n\nPage 1 of 3\n\nAchilles reflexes were symmetric.\n"
    assert clean_pages([page]).text == "Motor strength was 5/5 throughout and the Achilles reflexes were symmetric."
