"""Header fields in the three layouts, including the interleaved two-column header."""

import pytest

from extractor import extract_text

TWO_COLUMN = """Case Number: CM16-0219557
Date Assigned: 11/18/2016 Date of Injury: 10/10/2016
Decision Date: 12/19/2016 UR Denial Date: 11/09/2016
Priority: Standard Application
Received:
11/14/2016
HOW THE IMR FINAL DETERMINATION WAS MADE
The Expert Reviewer has the following credentials:
State(s) of Licensure: Texas,New York,California
Certification(s)/Specialty: Physical Medicine & Rehabilitation, Pain Management
CLINICAL CASE SUMMARY
The injured worker is a female who sustained an industrial injury on 10-10-16.
IMR ISSUES, DECISIONS AND RATIONALES
MRI of the left shoulder: Upheld
"""

ONE_PER_LINE = """IMR Case Number:  CM15-0101010
Date Assigned:  06/02/2015
Date of Injury:  3-4-13
Decision Date:  July 1, 2015
UR Denial Date:  05/12/2015
Priority:  Expedited
Application Received:  05/20/2015
HOW THE IMR FINAL DETERMINATION WAS MADE
State(s) of Licensure: California
Certification(s)/Specialty: Orthopedic Surgery
CLINICAL CASE SUMMARY
The patient is a 61-year-old man injured at work.
IMR ISSUES, DECISIONS AND RATIONALES
Knee brace: Overturned
"""


def test_header_two_column_interleaved():
    record = extract_text(TWO_COLUMN)
    assert record.case_number == "CM16-0219557"
    assert record.dates.assigned == "2016-11-18"
    assert record.dates.injury == "2016-10-10"
    assert record.dates.decision == "2016-12-19"
    assert record.dates.ur_denial == "2016-11-09"
    assert record.dates.application_received == "2016-11-14"
    assert record.priority == "standard"
    assert record.layout == "case_number_header"


def test_header_one_field_per_line_with_two_spaces():
    record = extract_text(ONE_PER_LINE)
    assert record.case_number == "CM15-0101010"
    assert record.dates.injury == "2013-03-04"
    assert record.dates.decision == "2015-07-01"
    assert record.dates.application_received == "2015-05-20"
    assert record.priority == "expedited"


def test_header_reviewer_states_list():
    record = extract_text(TWO_COLUMN)
    assert record.reviewer.licensure == ["Texas", "New York", "California"]
    assert record.reviewer.specialties == ["Physical Medicine & Rehabilitation", "Pain Management"]


@pytest.mark.parametrize(
    ("sentence", "age", "sex"),
    [
        ("The injured worker is a 35-year-old female who sustained an injury.", 35, "female"),
        ("The injured worker is a 57 year old male, who sustained an industrial injury.", 57, "male"),
        ("This case involves a now 36-year-old female with a history of a claim.", 36, "female"),
        ("The injured worker is a female who sustained an industrial injury.", None, "female"),  # no age
        ("The applicant is a 29-year-old who has filed a claim for knee pain.", 29, None),  # no sex
        ("The patient, a 44 y/o gentleman, fell from a ladder.", 44, "male"),
        ("51 y/o F, cashier. Temp 98 F.", 51, "female"),  # shorthand after an age only
        ("Temp 98 F. The worker is a 38-year-old man.", 38, "male"),
    ],
)
def test_header_patient_age_and_sex(sentence, age, sex):
    record = extract_text(f"CLINICAL CASE SUMMARY\n{sentence}\nIMR ISSUES, DECISIONS AND RATIONALES\nMRI: Upheld\n")
    assert (record.patient.age, record.patient.sex) == (age, sex)


def test_header_reviewer_from_prose():
    text = (
        "MEDICAL PROFESSIONAL REVIEW\nCase Number: CM14-0000001\nISSUE AT DISPUTE:\nTENS unit\n"
        "RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT MEDICALLY NECESSARY:\n"
        "The TENS unit is not medically necessary.\nMEDICAL REVIEWER QUALIFICATIONS:\n"
        "The reviewer is board certified in Physical Medicine and Rehabilitation and Pain Medicine "
        "and is licensed in California and Nevada.\n"
    )
    record = extract_text(text)
    assert record.layout == "professional_review"
    assert record.reviewer.licensure == ["California", "Nevada"]
    assert record.reviewer.specialties == ["Physical Medicine and Rehabilitation", "Pain Medicine"]


def test_header_reviewer_board_name_is_not_a_specialty():
    text = (
        "MEDICAL PROFESSIONAL REVIEW\nCase Number: CM14-0000002\nISSUE AT DISPUTE:\nBrain MRI\n"
        "RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT MEDICALLY NECESSARY:\n"
        "The MRI is not medically necessary.\nMEDICAL REVIEWER QUALIFICATIONS:\n"
        "The reviewer is certified by the American Board of Psychiatry and Neurology in Neurology, "
        "with added certification in Headache Medicine, and is licensed in California.\n"
    )
    assert extract_text(text).reviewer.specialties == ["Neurology", "Headache Medicine"]


def test_header_specialty_line_joined_to_the_next_sentence_ends_at_the_specialty():
    text = ("Case Number: CM15-0000001\nCLINICAL CASE SUMMARY\nA summary.\n"
            "State(s) of Licensure: California\n"
            "Certification(s)/Specialty: Physical Medicine & Rehabilitation, Pain Medicine\n"
            "The reviewer has no material professional, familial or financial affiliation with any party.\n")
    assert extract_text(text).reviewer.specialties == ["Physical Medicine & Rehabilitation", "Pain Medicine"]


def test_header_injury_date_told_by_how_it_happened():
    text = ("MEDICAL PROFESSIONAL REVIEW\nCASE SUMMARY:\nThe claimant is a 34-year-old laborer who fell eight feet "
            "from a scaffold on 04/19/2015 and sustained an ankle fracture. He was seen on 5/1/2015.\n")
    assert extract_text(text).dates.injury == "2015-04-19"


def test_header_patient_in_shorthand():
    record = extract_text("CLINICAL CASE SUMMARY\nPt is a 44 y/o male laborer w/ DOI 4/2/12.\n")
    assert (record.patient.age, record.patient.sex) == (44, "male")


@pytest.mark.parametrize("printed, canonical, known", [
    ("Sports Medicinea", "Sports Medicine", True),  # a typo maps to the nearest listed specialty
    ("sports medicine", "Sports Medicine", True),  # case as the list writes it
    ("Underwater Basket Weaving", "Underwater Basket Weaving", False),  # unknown: kept, flagged
])
def test_header_specialties_are_normalized(printed, canonical, known):
    from extractor.recognizers.reviewer import normalize_specialty

    assert normalize_specialty(printed) == (canonical, known)


def test_header_unknown_specialty_gives_a_warning(nlp):
    text = ("Case Number: CM16-0000001\nHOW THE IMR FINAL DETERMINATION WAS MADE\n"
            "State(s) of Licensure: California\nCertification(s)/Specialty: Sports Medicinea, Basket Weaving\n"
            "CLINICAL CASE SUMMARY\nThe injured worker is a 40 year old male.\n"
            "IMR ISSUES, DECISIONS AND RATIONALES\nMRI of the knee: Upheld\n")
    record = nlp(text)._.imr_record
    assert record.reviewer.specialties == ["Sports Medicine", "Basket Weaving"]
    assert any("'Basket Weaving' is not in the list of specialties" in w for w in record.warnings)
