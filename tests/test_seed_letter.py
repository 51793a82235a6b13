"""The published sample letter: every field the domain primer works through, from text and PDF."""

import pytest

from extractor import extract_bytes, extract_text
from extractor.synth.render import render_pdf


@pytest.fixture(scope="module", params=["text", "pdf"])
def seed(request, seed_text):
    if request.param == "text":
        return extract_text(seed_text)
    return extract_bytes(render_pdf(seed_text), path="seed.pdf")


def test_seed_patient_and_dates(seed):
    assert seed.patient.age == 35
    assert seed.patient.sex == "female"
    assert seed.dates.injury == "2015-01-07"
    assert seed.dates.ur_denial == "2015-09-10"


def test_seed_reviewer(seed):
    assert seed.reviewer.licensure == ["California"]
    assert seed.reviewer.specialties == ["Preventive Medicine", "Occupational Medicine"]


def test_seed_item(seed):
    assert len(seed.items) == 1
    item = seed.items[0]
    assert item.service == "Magnetic resonance imaging (MRI) 3D of the cervical spine"
    assert item.category == "imaging"
    assert item.body_region == "cervical spine"
    assert item.decision == "upheld"
    assert item.medically_necessary is False
    assert "MTUS Neck and Upper Back Complaints 2004" in item.claims_administrator_guideline
    assert "MTUS Neck and Upper Back Complaints 2004" in item.maximus_guideline
    assert item.guideline_sources == ["MTUS"]
    assert item.guideline_sections == ["Special Studies"]
    assert item.rationale.startswith("MTUS Guidelines support MRI studies")
    assert item.rationale.endswith("is not medically necessary.")


def test_seed_evidence_points_at_decision_line(seed):
    item = seed.items[0]
    line = seed.text[item.evidence.start:item.evidence.end]
    assert line.endswith("Upheld")
    assert line.startswith("Magnetic resonance imaging")
    assert item.evidence.page >= 1


def test_seed_diagnoses_pain_and_work_status(seed):
    assert seed.diagnoses[:2] == ["disc herniation", "left leg radiculopathy"]
    assert [(p.score, p.date) for p in seed.pain_scores] == [(4, "2015-08-20")]
    assert [(w.status, w.date) for w in seed.work_status] == [("ttd", "2015-07-06")]


def _find(record, text, label=None):
    hits = [m for m in record.mentions if text.lower() in m.text.lower() and (label is None or m.label == label)]
    assert hits, f"no mention of {text!r}"
    return hits


def test_seed_mentions_in_context(seed):
    spasm = _find(seed, "cervical spasm")[0]
    assert (spasm.negated, spasm.date) == (False, "2015-08-10")
    changes = _find(seed, "neurological changes")[0]
    assert changes.negated and changes.date == "2015-08-10"
    exam = _find(seed, "cervical exam")[0]
    assert exam.negated and exam.normal and exam.date == "2015-08-20"
    red_flags = [m for m in _find(seed, "red flag") if m.section == "rationale" and not m.hypothetical]
    assert red_flags and all(m.negated for m in red_flags)
    dysfunction = [m for m in _find(seed, "neurological dysfunction") if not m.hypothetical]
    assert dysfunction and all(m.negated for m in dysfunction)
    assert not _find(seed, "paravertebral muscle spasm")[0].negated
    slr = _find(seed, "straight leg raise")[0]
    assert not slr.negated and slr.date == "2015-08-20"


def test_seed_past_treatments_are_historical(seed):
    for name in ("Tramadol", "Norco", "physical therapy", "chiropractic", "acupuncture", "Ibuprofen"):
        mention = _find(seed, name, "TREATMENT")[0]
        assert mention.historical, name
    assert _find(seed, "Norco")[0].normalized == "hydrocodone/acetaminophen"
