"""Disputed items: the label form, the 2013-14 sentence form, professional review, many items."""

import pytest

from extractor import extract_text

DECISIONS = ("IMR ISSUES, DECISIONS AND RATIONALES\n"
             "The Final Determination was based on decisions for the disputed items/services set forth below:\n")


def _letter(body: str) -> str:
    return ("Case Number: CM16-0000001\nCLINICAL CASE SUMMARY\nThe injured worker is a 40 year old male.\n"
            + DECISIONS + body)


def test_items_label_form_with_several_items_in_order():
    body = (
        "Norco 10/325mg #60: Overturned\n"
        "Claims Administrator guideline: Decision based on MTUS Chronic Pain Medical Treatment Guidelines.\n"
        "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment Guidelines, "
        "Section(s): Opioids, criteria for use.\n"
        "Decision rationale: Function improved. The request is medically necessary.\n"
        "Physical therapy two times a week for four weeks, lumbar spine: Upheld\n"
        "Claims Administrator guideline: Decision based on MTUS Low Back Complaints 2004.\n"
        "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): Physical Medicine. "
        "Decision based on Non-MTUS Citation Official Disability Guidelines (ODG), Low Back Chapter.\n"
        "Decision rationale: No gains were documented. The request is not medically necessary.\n"
    )
    record = extract_text(_letter(body))
    first, second = record.items
    assert (first.index, first.service, first.decision, first.medically_necessary) == (
        1, "Norco 10/325mg #60", "overturned", True)
    assert (first.category, first.quantity) == ("medication", "#60")
    assert first.guideline_sections == ["Opioids, criteria for use"]
    assert (second.category, second.body_region, second.quantity) == ("physical_therapy", "lumbar spine", "2x4")
    assert second.guideline_sources == ["MTUS", "ODG"]
    assert second.guideline_sections == ["Physical Medicine"]
    assert second.rationale == "No gains were documented. The request is not medically necessary."


def test_items_wrapped_decision_lines():
    body = (
        "Referral to chiropractor for evaluation of low back pain and left groin pain, twice a week\n"
        "for 3 weeks: Upheld\n"
        "Claims Administrator guideline: Decision based on MTUS.\n"
        "Decision rationale: Not supported.\n"
        "Additional physical therapy three times a week for two weeks of the right hip and foot:\n"
        "Upheld\n"
        "Decision rationale: Not supported either.\n"
    )
    record = extract_text(_letter(body))
    assert [i.service for i in record.items] == [
        "Referral to chiropractor for evaluation of low back pain and left groin pain, twice a week for 3 weeks",
        "Additional physical therapy three times a week for two weeks of the right hip and foot",
    ]
    assert record.items[1].laterality == "right" and record.items[1].quantity == "3x2"


def test_items_partial_request_keeps_the_remaining_portion():
    body = (
        "Acupuncture for 8 sessions was the original request. Acupuncture for 6 sessions was\n"
        "authorized by the Claims Administrator. The remaining IMR eligible portion of the\n"
        "original request, Acupuncture for 2 sessions is: Upheld\n"
        "Decision rationale: Six sessions were already authorized.\n"
    )
    item = extract_text(_letter(body)).items[0]
    assert item.service == "Acupuncture for 2 sessions"
    assert item.category == "acupuncture" and item.quantity == "2 sessions"


def test_items_sentence_form_of_2013_letters():
    text = (
        "MAXIMUS FEDERAL SERVICES, INC.\nIndependent Medical Review\nDated: December 20, 2013\n"
        "IMR Case Number: CM13-0012345\nDate of UR Decision: 10/2/2013\nDate of Injury: 3/14/2011\n"
        "Final Determination Letter\n1. Lidoderm patches 5% #30 is not medically necessary and appropriate.\n"
        "2. Physical therapy twice a week for six weeks for the lumbar spine is medically necessary and appropriate.\n"
        "HOW THE IMR FINAL DETERMINATION WAS MADE\n"
        "The physician reviewer is Board Certified in Anesthesiology and is licensed to practice in California.\n"
        "DOCUMENTS REVIEWED\n1. Utilization review determination\n"
        "CLINICAL CASE SUMMARY\nThe patient is a 52-year-old woman.\n"
        "IMR DECISION(S) AND RATIONALE(S)\n"
        "1. Lidoderm patches 5% #30 is not medically necessary and appropriate.\n"
        "The Claims Administrator based its decision on the Chronic Pain Medical Treatment Guidelines, page 56.\n"
        "The Expert Reviewer based his/her decision on the MTUS Chronic Pain Medical Treatment Guidelines, "
        "Lidoderm, page 56-57.\n"
        "Rationale for the Decision: There is no trial of first-line therapy.\n"
        "2. Physical therapy twice a week for six weeks for the lumbar spine is medically necessary and appropriate.\n"
        "The Claims Administrator based its decision on the MTUS.\n"
        "The Expert Reviewer based his/her decision on the MTUS Chronic Pain Medical Treatment Guidelines, "
        "Physical Medicine.\n"
        "Rationale for the Decision: Functional gains were documented.\n"
    )
    record = extract_text(text)
    assert record.layout == "maximus_letterhead"
    assert record.dates.decision == "2013-12-20" and record.dates.ur_denial == "2013-10-02"
    assert [(i.service, i.decision) for i in record.items] == [
        ("Lidoderm patches 5% #30", "upheld"),
        ("Physical therapy twice a week for six weeks for the lumbar spine", "overturned"),
    ]
    assert record.items[0].maximus_guideline.startswith("the MTUS Chronic Pain")
    assert record.items[0].rationale == "There is no trial of first-line therapy."
    assert record.items[1].quantity == "2x6"
    assert record.reviewer.specialties == ["Anesthesiology"] and record.reviewer.licensure == ["California"]


def test_items_professional_review_decision_from_conclusion():
    text = (
        "MEDICAL PROFESSIONAL REVIEW\nIMR Case Number: CM14-0200200\nDate of Injury: 2/2/2012\n"
        "ISSUE AT DISPUTE:\n1. Right knee arthroscopy\n"
        "CASE SUMMARY:\nThe claimant is a 48-year-old man with knee pain.\n"
        "DOCUMENTS REVIEWED FOR DETERMINATION:\nProgress notes\n"
        "MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY PROFESSIONAL\nREVIEWER AND WHY:\n"
        "ACOEM Knee Complaints, Surgical Considerations, applies to meniscal tears.\n"
        "RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT MEDICALLY NECESSARY:\n"
        "Mechanical symptoms are documented. Therefore, the request for right knee arthroscopy is medically necessary; "
        "the UR decision is overturned.\n"
        "MEDICAL REVIEWER QUALIFICATIONS:\nBoard certified in Orthopaedic Surgery; licensed in California.\n"
    )
    record = extract_text(text)
    item = record.items[0]
    assert (item.service, item.decision, item.category, item.laterality) == (
        "Right knee arthroscopy", "overturned", "surgery", "right")
    assert item.maximus_guideline.startswith("ACOEM Knee Complaints")
    assert item.guideline_sources == ["ACOEM"]


def test_items_professional_review_guideline_lines_item_by_item():
    text = (
        "MEDICAL PROFESSIONAL REVIEW\nIMR Case Number: CM14-0200201\nDate of Injury: 2/2/2012\n"
        "ISSUE AT DISPUTE:\n1. Front-wheeled walker\n2. 3-in-1 commode\n"
        "CASE SUMMARY:\nThe claimant is a 68-year-old woman after a knee replacement.\n"
        "MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY PROFESSIONAL REVIEWER AND WHY:\n"
        "1. Front-wheeled walker\nClaims Administrator guideline: Decision based on ODG Knee & Leg.\n"
        "MAXIMUS guideline: Decision based on ODG Knee & Leg, Section(s): Walking aids (canes, crutches,\n"
        "braces, orthoses, & walkers).\nODG addresses walking aids directly.\n"
        "2. 3-in-1 commode\nClaims Administrator guideline: Decision based on ODG Knee & Leg.\n"
        "MAXIMUS guideline: Decision based on ODG Knee & Leg, Section(s): Durable medical equipment (DME).\n"
        "ODG sets out when bathroom equipment is durable medical equipment.\n"
        "RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT MEDICALLY NECESSARY:\n"
        "1. Front-wheeled walker: the request is medically necessary.\n"
        "2. 3-in-1 commode: the request is not medically necessary.\n"
    )
    walker, commode = extract_text(text).items
    assert walker.claims_administrator_guideline == "Decision based on ODG Knee & Leg."
    assert walker.guideline_sections == ["Walking aids (canes, crutches, braces, orthoses, & walkers)"]
    assert commode.maximus_guideline == "Decision based on ODG Knee & Leg, Section(s): Durable medical equipment (DME)."


def test_items_letter_without_items_warns():
    record = extract_text("Case Number: CM16-0000002\nCLINICAL CASE SUMMARY\nThe worker is 30 years old.\n")
    assert record.items == []
    assert "no disputed items found" in record.warnings


def test_items_unknown_layout_still_finds_fields_and_warns():
    record = extract_text("Some cover sheet\nThe injured worker is a 33 year old male.\n"
                          "MRI of the lumbar spine: Upheld\n")
    assert record.layout == "unknown"
    assert any("layout not recognised" in w for w in record.warnings)
    assert [i.service for i in record.items] == ["MRI of the lumbar spine"]


def test_items_guideline_sections_keep_brackets_and_stop_at_a_second_chapter():
    from extractor.recognizers.guidelines import sections

    assert sections("ODG, Hip & Pelvis Chapter, Section(s): Arthroplasty, Walking aids (canes, crutches, "
                    "braces, & walkers), Cold packs. The ODG is relied upon.") == [
        "Arthroplasty", "Walking aids (canes, crutches, braces, & walkers)", "Cold packs"]
    assert sections("the MTUS ACOEM Neck and Upper Back Complaints chapter (2004), Section(s): Special Studies, "
                    "and on the Official Disability Guidelines (ODG), Neck and Upper Back chapter, "
                    "Section(s): Magnetic resonance imaging (MRI).") == [
        "Special Studies", "Magnetic resonance imaging (MRI)"]


def test_items_professional_review_issue_lines_with_their_decisions():
    text = (
        "MEDICAL PROFESSIONAL REVIEW\nIMR Case Number: CM17-0100001\nDate of Injury: 2/2/2015\n"
        "ISSUE AT DISPUTE:\n1. Botox injections for migraines 155 units: Upheld\n"
        "2. Bilateral greater occipital nerve blocks: Overturned\n"
        "CASE SUMMARY:\nThe claimant is a 41-year-old woman with daily headaches.\n"
        "RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT MEDICALLY NECESSARY:\n"
        "Botox: the criteria are not met.\nNerve blocks: an option for occipital neuralgia.\n"
    )
    botox, blocks = extract_text(text).items
    assert (botox.service, botox.decision) == ("Botox injections for migraines 155 units", "upheld")
    assert (blocks.service, blocks.decision) == ("Bilateral greater occipital nerve blocks", "overturned")


# The opening of a 2013-era letter, down to its decisions.
LETTERHEAD = ("MAXIMUS FEDERAL SERVICES, INC.\nIndependent Medical Review\nCase Number: {case}\n"
              "IMR DECISION(S) AND RATIONALE(S)\n")


def test_items_sentence_form_with_labelled_guideline_lines():
    text = (
        LETTERHEAD.format(case="CM13-0000002")
        + "1. Bilateral hearing aids is medically necessary and appropriate.\n"
        "Claims Administrator guideline: Decision based on Non-MTUS Citation ODG Head, Hearing aids.\n"
        "MAXIMUS guideline: The Expert Reviewer based his/her decision on the ODG Head, Hearing aids.\n"
        "Decision rationale: Hearing loss from the blast is documented.\n"
    )
    item = extract_text(text).items[0]
    assert item.claims_administrator_guideline == "Decision based on Non-MTUS Citation ODG Head, Hearing aids."
    assert item.maximus_guideline == "the ODG Head, Hearing aids."
    assert item.decision == "overturned" and item.rationale.startswith("Hearing loss")


def test_items_guideline_lines_under_rationale_used_by_headings():
    text = (
        LETTERHEAD.format(case="CM13-0000003")
        + "1. Right carpal tunnel release is medically necessary and appropriate.\n\n"
        "Rationale Used by the Claims Administrator/UR Vendor:\n\n"
        "The Claims Administrator based its decision on the ACOEM Practice Guidelines, Chapter 11, page 270.\n\n"
        "Rationale Used by Medical Reviewer:\n\n"
        "The Physician Reviewer based his/her decision on the MTUS/ACOEM Practice Guidelines, Chapter 11.\n\n"
        "Decision rationale:\n\nSymptoms persist after splinting.\n"
    )
    item = extract_text(text).items[0]
    assert item.claims_administrator_guideline == "the ACOEM Practice Guidelines, Chapter 11, page 270."
    assert item.maximus_guideline == "the MTUS/ACOEM Practice Guidelines, Chapter 11."


@pytest.mark.parametrize("services", [["Lidoderm 5% patch #30", "Urine drug screen"], ["Lidoderm 5% patch #30"]])
def test_items_professional_review_guideline_line_after_the_items_name(services):
    lines = {"Lidoderm 5% patch #30": "Decision based on MTUS Chronic Pain Medical Treatment Guidelines 2009, "
                                      "Section(s): Lidoderm (lidocaine patch).",
             "Urine drug screen": "Decision based on MTUS Chronic Pain Medical Treatment Guidelines 2009, "
                                  "Section(s): Drug testing."}
    numbered = list(enumerate(services, start=1))
    text = (
        "MEDICAL PROFESSIONAL REVIEW\nIMR Case Number: CM16-0100002\nDate of Injury: 2/2/2014\n"
        "ISSUE AT DISPUTE:\n" + "".join(f"{i}. {s}: Upheld\n" for i, s in numbered)
        + "CASE SUMMARY:\nThe applicant is a 58-year-old man with back pain.\n"
        "MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY PROFESSIONAL REVIEWER AND WHY:\n"
        + "".join(f"{i}. {s}: {lines[s]}\nThe MTUS addresses this directly.\n" for i, s in numbered)
        + "RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT MEDICALLY NECESSARY:\nNot supported.\n"
    )
    items = extract_text(text).items
    assert [i.maximus_guideline for i in items] == [lines[s] for s in services]
    assert items[0].guideline_sections == ["Lidoderm (lidocaine patch)"]
