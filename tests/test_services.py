"""Service classification: one table row per rule, each with why."""

import pytest

from extractor.recognizers import guidelines, services


@pytest.mark.parametrize(
    ("service", "category", "region", "side", "quantity"),
    [
        ("Norco 10/325mg #60", "medication", None, None, "#60"),  # brand drug, count
        ("Lidoderm 5% patch #30", "medication", None, None, "#30"),  # topical
        ("Ketophene 20% cream, 167 grams", "medication", None, None, "167 grams"),  # compound, amount
        ("MRI of the cervical spine", "imaging", "cervical spine", None, None),
        ("Right shoulder MRI", "imaging", "shoulder", "right", None),
        ("EMG/NCV of the bilateral lower extremities", "lab", "lower extremity", "bilateral", None),
        ("Urine drug screen", "lab", None, None, None),
        ("Physical therapy 2x4 lumbar spine", "physical_therapy", "lumbar spine", None, "2x4"),
        ("Myofascial release to the low back two times a week times six weeks",
         "physical_therapy", "lumbar spine", None, "2x6"),  # not a surgical release
        ("Chiropractic 12 sessions for the neck", "chiropractic", "cervical spine", None, "12 sessions"),
        ("Acupuncture for 2 sessions", "acupuncture", None, None, "2 sessions"),
        ("Left L4-5 transforaminal epidural steroid injection", "injection", "lumbar spine", "left", None),
        ("Right carpal tunnel release", "surgery", "wrist", "right", None),
        ("Associated surgical service: Cold therapy unit 7 day rental",
         "dme", None, None, None),  # classified by what follows
        ("TENS unit purchase", "dme", None, None, None),
        ("Home health care 4 hours a day", "home_health", None, None, "4 hours"),
        ("Functional restoration program 80 hours", "program", None, None, "80 hours"),
        ("Pain management consultation", "consultation", None, None, None),
        ("Re-exam with chiropractor for the lumbar spine flare-up",
         "consultation", "lumbar spine", None, None),  # a visit, not a course
        ("Pulsed Ultrasound 2 times a week for 4 weeks",
         "physical_therapy", None, None, "2x4"),  # therapeutic ultrasound
        ("Knee brace for the left and right knee", "dme", "knee", "bilateral", None),
        ("Physical therapy 1 to 2 times per week for 4 weeks", "physical_therapy", None, None, "1-2x4"),
        # Talk therapies, memberships and rides are none of the named categories.
        ("Cognitive behavioral therapy 6 sessions", "other", None, None, "6 sessions"),
        ("Gym membership for 6 months", "other", None, None, None),
        ("Transportation to and from medical appointments", "other", None, None, None),
        ("Psychiatric medication management, 6 visits", "consultation", None, None, "6 visits"),
        ("Vitamin D level", "lab", None, None, None),  # a drug's name, but a blood test
        ("Bilateral hearing aids", "dme", "head", "bilateral", None),
        ("Dental implants for teeth 8 and 9", "surgery", "head", None, None),
        ("Botox injections for migraines 155 units", "injection", "head", None, "155 units"),
        # A bone's "head" is not the head; bones and nerves name their region.
        ("Right radial head excision", "surgery", "elbow", "right", None),
        ("Left ulnar nerve transposition", "surgery", "elbow", "left", None),
        ("Right clavicle ORIF", "surgery", "shoulder", "right", None),
        ("Injection of the left greater trochanteric bursa", "injection", "hip", "left", None),
        ("X-rays of the right femur", "imaging", "lower extremity", "right", None),
        ("Bunionectomy, left foot", "surgery", "foot", "left", None),
        ("Left de Quervain's release", "surgery", "wrist", "left", None),
        # The quantity as the corpus writes it.
        ("Outpatient physical therapy, twice weekly for six weeks", "physical_therapy", None, None, "2x6"),
        ("Two physical therapy sessions for the lumbar", "physical_therapy", "lumbar spine", None, "2 sessions"),
        ("Synapryn (10mg/1ml oral suspension) 500ml", "medication", None, None, "500 ml"),  # not the 1 ml
    ],
)
def test_services_classification(service, category, region, side, quantity):
    assert services.category(service) == category
    assert services.body_region(service) == region
    assert services.laterality(service) == side
    assert services.quantity(service) == quantity


@pytest.mark.parametrize(
    ("line", "sources", "sections"),
    [
        ("Decision based on MTUS Neck and Upper Back Complaints 2004, Section(s): Special Studies.",
         ["MTUS"], ["Special Studies"]),
        ("Decision based on Non-MTUS Citation Official Disability Guidelines (ODG), Knee Chapter.",
         ["ODG"], []),  # Non-MTUS is not MTUS
        (
            "Decision based on MTUS Low Back Complaints 2004, Section(s): Summary, "
            "and Chronic Pain Medical Treatment 2016, Section(s): Facet blocks. "
            "Decision based on Non-MTUS Citation ACOEM Occupational Medicine Practice Guidelines, 3rd ed.",
            ["MTUS", "ACOEM"],
            ["Summary", "Facet blocks"],
        ),
        (
            "Decision based on MTUS Chronic Pain Medical Treatment Guidelines, "
            "Section(s): NSAIDs, GI symptoms & cardiovascular risk, Proton Pump Inhibitors (PPIs).",
            ["MTUS"],
            ["NSAIDs, GI symptoms & cardiovascular risk", "Proton Pump Inhibitors (PPIs)"],
        ),  # a known title keeps its comma
        (
            "Decision based on MTUS Forearm, Wrist, and Hand Complaints 2004, Section(s): Special Studies, "
            "and Forearm, Wrist, and Hand Complaints 2004, Section(s): Diagnostic Criteria.",
            ["MTUS"],
            ["Special Studies", "Diagnostic Criteria"],
        ),  # a chapter name with commas between two section lists
        ("Decision based on Other Medical Treatment Guidelines www.mdguidelines.com.", ["Other"], []),
        # A semicolon or comma that opens the next source ends the section list.
        (
            "Decision based on MTUS Neck and Upper Back Complaints, Section(s): Surgical Considerations; "
            "ODG Neck & Upper Back (Acute & Chronic), Section(s): Fusion, anterior cervical.",
            ["MTUS", "ODG"],
            ["Surgical Considerations", "Fusion, anterior cervical"],
        ),
        (
            "Decision based on MTUS Shoulder Complaints, Section(s): Special Studies, the Official Disability "
            "Guidelines (ODG), Shoulder (Acute & Chronic), Section(s): MR arthrogram.",
            ["MTUS", "ODG"],
            ["Special Studies", "MR arthrogram"],
        ),
        (
            "Decision based on MTUS Chronic Pain Medical Treatment Guidelines, Section(s): Psychological evaluations; "
            "and Non-MTUS Citation Gatchel RJ, Okifuji A. Evidence-based data. J Pain 2006.",
            ["MTUS", "Other"],
            ["Psychological evaluations"],
        ),
    ],
)
def test_services_guideline_sources_and_sections(line, sources, sections):
    assert guidelines.sources(line) == sources
    assert guidelines.sections(line) == sections


def test_services_mtus_named_but_not_cited():
    # "outside of the MTUS Guidelines" names the MTUS only to say it was not used
    line = ("The Expert Reviewer based their decision on recommendation(s) outside of the MTUS Guidelines. "
            "Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) Low Back, preoperative testing.")
    assert guidelines.sources(line) == ["ODG"]


def test_drug_name_tree_matches_the_same_services():
    import re

    from extractor.resources import read_jsonl

    names = sorted({r["literal"].lower() for r in read_jsonl("vocabulary/medications.jsonl") if r.get("literal")},
                   key=len, reverse=True)
    plain = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b", re.IGNORECASE)
    tree = services._drug_names()
    probes = []
    for name in names:
        probes += [name, name.upper(), f"{name} 10mg #60", f"x{name}", f"{name}s", f"({name})", name[:-1]]
    for probe in probes:
        assert (tree.search(probe) is None) == (plain.search(probe) is None), probe


def test_body_region_is_the_first_region_named():
    # One search over all regions gives the (position, table order) minimum of separate searches.
    rules = services._rules()
    words = ["left knee", "neck", "low back", "L4-5", "C5-6", "shoulder", "hand", "spine", "back brace",
             "bilateral lower extremities", "right hip", "TMJ", "chest", "foot", "MRI", "upper back"]
    import itertools

    for a, b, c in itertools.permutations(words, 3):
        service = f"{a} and {b} {c}"
        best = min(((m.start(), i, name) for i, (name, p) in enumerate(rules["regions"])
                    if (m := p.search(service))), default=None)
        expected = best[2] if best else (rules["fallback"][0] if rules["fallback"][1].search(service) else None)
        assert services.body_region(service) == expected, service


# Written by hand from services of real letters whose region a term inside a word used to give.
@pytest.mark.parametrize("service, region", [
    ("Facet joint injections L4-5, L5-S1", "lumbar spine"),  # "face" in "Facet"
    ("Tribenzor 40/10/25mg #30", None),  # "rib" in "Tribenzor"
    ("Distribution of TENS supplies", None),  # "rib" in "Distribution"
    ("Digital x-ray of the lumbar spine", "lumbar spine"),  # "digit" in "Digital"
    ("Ultrasound of the right knee for effusion", "knee"),  # "fusion" in "effusion" is no surgery
    ("Meniscectomy of the left knee", "knee"),  # a term meant as a word start ("menisc...")
    ("MRI of the right knee", "knee"),  # a plain region
    ("Cervical epidural steroid injection C5-6", "cervical spine"),  # a region named first
])
def test_services_body_region_on_whole_words_only(service, region):
    assert services.body_region(service) == region


@pytest.mark.parametrize("service, category", [
    ("Ultrasound of the right knee for effusion", "imaging"),  # not surgery ("fusion")
    ("Cost estimate for home care", "home_health"),  # not physical therapy ("E-stim")
    ("E-stim unit rental", "dme"),  # the device, not the therapy
    ("Facet joint injections L4-5, L5-S1", "injection"),
    ("Electroencephalogram", "lab"),  # a diagnostic test that is not imaging
    ("Cold compression therapy 30 day rental", "dme"),  # a compression device, rented
    ("Shoulder wrap for purchase", "dme"),  # a wrap, bought
])
def test_services_category_on_whole_words_only(service, category):
    assert services.category(service) == category
