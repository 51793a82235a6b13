"""Diagnoses as written: the cues that open a list, and what keeps one diagnosis together."""

import pytest

from extractor.recognizers.clinical import diagnoses


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Newer-era wording: "is documented as", "diagnosed as having".
        ("The current diagnosis is documented as chronic lumbar radiculopathy. Next.",
         ["chronic lumbar radiculopathy"]),
        ("The worker was diagnosed as having cervical strain, left shoulder bursitis and insomnia. Next.",
         ["cervical strain", "left shoulder bursitis", "insomnia"]),
        ("The treating surgeon has diagnosed right carpal tunnel syndrome. Next.", ["right carpal tunnel syndrome"]),
        ("The diagnoses listed in the progress notes are lumbar spondylosis and obesity. Next.",
         ["lumbar spondylosis", "obesity"]),
        ("Dx: knee sprain; patellar tendinitis.\nPT 6 visits.", ["knee sprain", "patellar tendinitis"]),
        # "status post" is an item after a label or a comma, a qualifier after a diagnosis.
        ("Current diagnoses: status post L5-S1 fusion, failed back surgery syndrome. Next.",
         ["status post L5-S1 fusion", "failed back surgery syndrome"]),
        ("Diagnoses include lumbar radiculopathy status post discectomy. Next.", ["lumbar radiculopathy"]),
        # A semicolon list keeps the commas inside its items.
        ("Diagnoses are documented as sprain of the muscle, fascia, and tendon of the neck; "
         "contusion of the left knee; and headache. Next.",
         ["sprain of the muscle, fascia, and tendon of the neck", "contusion of the left knee", "headache"]),
        # Shared nouns, qualifiers and places stay with their diagnosis.
        ("She was diagnosed with left and right sided carpal tunnel syndrome. Next.",
         ["left and right sided carpal tunnel syndrome"]),
        ("Diagnoses: depressive disorder, recurrent, moderate; anxiety.\nNext.",
         ["depressive disorder, recurrent, moderate", "anxiety"]),
        ("Diagnoses include lumbar disc displacement, lumbosacral region, and plantar fasciitis, improving. Next.",
         ["lumbar disc displacement, lumbosacral region", "plantar fasciitis, improving"]),
        ("Diagnoses include sprain in left wrist, hand, and thumb. Next.", ["sprain in left wrist, hand, and thumb"]),
        ("He is being treated for neck pain and rule out cervical radiculopathy rule out myelopathy. Next.",
         ["neck pain", "rule out cervical radiculopathy", "rule out myelopathy"]),
        ("Diagnoses include adjustment disorder with both anxiety and depressed mood. Next.",
         ["adjustment disorder with both anxiety and depressed mood"]),
        ("Diagnoses include morbid obesity (BMI 44) and hypertension. Next.", ["morbid obesity", "hypertension"]),
        # Numbered lists: one item a line, or inline up to the next number; commas stay inside.
        ("Diagnoses:\n1. Lumbar facet arthropathy\n2. Depressive disorder, not otherwise specified\nNext line.",
         ["Lumbar facet arthropathy", "Depressive disorder, not otherwise specified"]),
        ("Impression: 1. Medial meniscus tear. 2. Chondromalacia of the knee. 3.\nKnee pain, compensatory.\nNext.",
         ["Medial meniscus tear", "Chondromalacia of the knee", "Knee pain, compensatory"]),
        ("Dx: 1. R knee OA s/p TKA 2. DM type 2. W/S: TTD.", ["R knee OA s/p TKA", "DM type 2"]),
        ("Diagnoses: 1. Post-laminectomy syndrome, lumbar; 2. Left S1 radiculopathy, chronic.\nNext.",
         ["Post-laminectomy syndrome, lumbar", "Left S1 radiculopathy, chronic"]),
        ("Diagnoses:\n1) post-traumatic headache, chronic; 2) chronic migraine without aura; 3) occipital\n"
         "neuralgia, bilateral.\nNext.",
         ["post-traumatic headache, chronic", "chronic migraine without aura", "occipital neuralgia, bilateral"]),
        ("Diagnoses are complex regional pain syndrome type I of the right upper extremity and crush injury "
         "of the right hand. Next.",
         ["complex regional pain syndrome type I of the right upper extremity", "crush injury of the right hand"]),
        ("Diagnoses included insomnia, adjustment disorder with mixed anxiety and depressed mood, and depressive "
         "disorder, not otherwise specified. Next.",
         ["insomnia", "adjustment disorder with mixed anxiety and depressed mood",
          "depressive disorder, not otherwise specified"]),
        # A clause the list ran into is not a diagnosis.
        ("She is treated for tendinitis, while noting that carpal tunnel was possible. Next.", ["tendinitis"]),
        # A bare spinal level after "at" continues the diagnosis that places it.
        ("Diagnoses include disc protrusion at L4-5 and L5-S1 and radiculopathy. Next.",
         ["disc protrusion at L4-5 and L5-S1", "radiculopathy"]),
        ("Diagnoses include left hip [strain and bursitis. Next.", ["left hip strain", "bursitis"]),
    ],
)
def test_diagnoses_as_written(text, expected):
    assert diagnoses(text, 0, len(text)) == expected


def test_diagnoses_overlapping_cues_give_one_list():
    text = "The current diagnosis is documented as lumbar strain. Next."
    assert diagnoses(text, 0, len(text)) == ["lumbar strain"]


def test_diagnoses_every_cue_holds_a_cue_word():
    # Cues are tried only near the cue words; a cue without one would never fire.
    import json
    import re

    from extractor.resources import model_path

    rules = json.loads(model_path("diagnoses.json").read_text(encoding="utf-8"))
    words = re.compile(rules["cue_words"].replace(r"\b", ""), re.IGNORECASE)
    assert all(words.search(cue) for cue in rules["cues"])


@pytest.mark.parametrize("sentence, expected", [
    # why: two body parts share the condition named after the last one
    ("The injured worker is undergoing treatment for neck and back pain.", ["neck and back pain"]),
    # why: a list of parts up to a side and its condition is one diagnosis
    ("Diagnoses include neck, back and right shoulder pain, and depression.",
     ["neck, back and right shoulder pain", "depression"]),
    # why: a part with its own condition after it is not shared
    ("Diagnoses: neck, lumbar strain.", ["neck", "lumbar strain"]),
    # why: whole diagnoses stay apart
    ("She was diagnosed with cervical strain, lumbar sprain, and left knee contusion.",
     ["cervical strain", "lumbar sprain", "left knee contusion"]),
    # why: a diagnosis never runs on into the next sentence
    ("Diagnoses include lumbar pain with radiculopathy. On a handwritten progress note dated "
     "12/01/2016, she reported pain.", ["lumbar pain with radiculopathy"]),
])
def test_diagnoses_shared_nouns_and_sentence_ends(sentence, expected):
    assert diagnoses(sentence, 0, len(sentence)) == expected


@pytest.mark.parametrize("sentence, expected", [
    # why: a closing quote after the period still ends the sentence
    ('He was diagnosed with "lumbar pain with radiculopathy." On a handwritten note dated 3/1/2016 he was seen.',
     ["lumbar pain with radiculopathy"]),
    # why: a period the PDF left without a space still ends the list
    ("The worker is undergoing treatment for cervical radiculitis and chronic pain.Treatment to date has "
     "included medications.", ["cervical radiculitis", "chronic pain"]),
    # why: professional reviews name the condition claimed, up to "reportedly associated with"
    ("The applicant is a 48-year-old man who has filed a claim for chronic neck and upper back pain reportedly "
     "associated with an industrial injury of May 3, 2014.", ["chronic neck and upper back pain"]),
    ("The applicant has filed a claim for wrist, elbow, and shoulder pain reportedly associated with "
     "cumulative trauma.", ["wrist, elbow, and shoulder pain"]),
    # why: symptoms that share the place named after the last are one diagnosis
    ("She is being treated for numbness and tingling in both hands and cervical radiculopathy.",
     ["numbness and tingling in both hands", "cervical radiculopathy"]),
    # why: body parts after a condition placed with "in" continue it, the low back included
    ("He is undergoing treatment for pain in the neck, low back and left hip.",
     ["pain in the neck, low back and left hip"]),
    # why: more ways to open a list
    ("The diagnosis was noted to be cervical strain and thoracic strain.", ["cervical strain", "thoracic strain"]),
    ("The diagnoses were reported to include lumbar stenosis and obesity.", ["lumbar stenosis", "obesity"]),
    ("The diagnostic impression was right shoulder impingement.", ["right shoulder impingement"]),
    ("Diagnoses are as follows: lumbar radiculopathy, chronic pain and insomnia.",
     ["lumbar radiculopathy", "chronic pain", "insomnia"]),
    ("On 12/1/2016 the treating physician diagnosed the injured worker with lumbar disc herniation.",
     ["lumbar disc herniation"]),
    ("The claimant is under treatment for plantar fasciitis.", ["plantar fasciitis"]),
    ("The diagnoses given by the surgeon consist of rotator cuff tear and biceps tendinosis.",
     ["rotator cuff tear", "biceps tendinosis"]),
    # why: the sentence going on after the list is not a diagnosis
    ("The patient was diagnosed with knee pain and started on physical therapy.", ["knee pain"]),
    ("He was diagnosed with a left wrist fracture in 2014 and treated with a cast.", ["left wrist fracture"]),
    ("He was released with a diagnosis of neck strain, and since then he has been followed by his physician.",
     ["neck strain"]),
    ("She has been treated for headaches ever since the fall.", ["headaches"]),
    # why: a cue found near an earlier cue word ("claim") is read whole, not cut where that word's window ends
    ("This case involves a 40-year-old with an occupational claim from 3/2/2016. The mechanism of injury is "
     "detailed as lifting a heavy crate off a pallet and twisting. The current diagnoses are documented as "
     "strain in right hip and knee.",
     ["strain in right hip and knee"]),
])
def test_diagnoses_whole_and_ended(sentence, expected):
    assert diagnoses(sentence, 0, len(sentence)) == expected
