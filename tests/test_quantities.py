"""Quantities as numbers: one table row per form the letters use, each with why."""

import pytest

from extractor.recognizers.quantities import quantity_fields


@pytest.mark.parametrize("service, total, unit, frequency, duration", [
    ("Norco 10/325mg #60", 60, "count", None, None),  # a count after '#'
    ("Physical therapy 2x4 lumbar spine", 8, "sessions", "2 per week", "4 weeks"),  # shorthand course
    ("Acupuncture 3 times a week for 2 weeks, neck", 6, "sessions", "3 per week", "2 weeks"),  # course in words
    ("Chiropractic care two times a week for four weeks", 8, "sessions", "2 per week", "4 weeks"),  # number words
    ("3 visits per week for 2 weeks", 6, "visits", "3 per week", "2 weeks"),  # the unit between the numbers
    ("Additional physical therapy two times four visits (8)",
     8, "visits", "2 per week", "4 weeks"),  # the letter's total
    ("Physical therapy 2 times a week for 6 weeks (12 sessions)", 12, "sessions", "2 per week", "6 weeks"),
    ("Physical therapy 1 to 2 times per week for 4 weeks",
     8, "sessions", "1-2 per week", "4 weeks"),  # range: upper bound
    ("Physical exam 2 times 8", 16, "sessions", "2 per week", "8 weeks"),  # 'N times M' is a course
    ("Physical therapy times 6", 6, "sessions", None, None),  # 'times N' alone
    ("Eight sessions of chiropractic", 8, "sessions", None, None),  # a number word
    ("Two physical therapy sessions for the lumbar", 2, "sessions", None, None),  # the noun after the therapy
    ("Chiropractic treatment for the lumbar spine, 12 visits", 12, "visits", None, None),
    ("Associated surgical service: Physical Therapy sessions, 12", 12, "sessions", None, None),  # number after
    ("One (1) x-ray of the knee", 1, "count", None, None),  # the number restated in parentheses
    ("NCV of the bilateral lower extremities, 2", 2, "count", None, None),  # a count that ends the line
    ("Synapryn (10mg/1ml oral suspension) 500ml", 500, "ml", None, None),  # not the concentration's 1 ml
    ("Ketophene 20% cream, 167 grams", 167, "g", None, None),
    ("Lidocaine ointment 5% 106.32gm", None, "g", None, None),  # not a whole number: no total
    ("Cold compression therapy 30 day rental", 30, "days", None, "30 days"),
    ("Outpatient physical therapy, twice weekly for six weeks", 12, "sessions", "2 per week", "6 weeks"),  # "weekly"
    ("Physical therapy 3x week for 4 weeks", 12, "sessions", "3 per week", "4 weeks"),  # "3x week"
    ("Aquatic therapy 2 x week x 5 weeks", 10, "sessions", "2 per week", "5 weeks"),
    ("Physical therapy 1-2 times per week for 6-8 weeks",
     16, "sessions", "1-2 per week", "6-8 weeks"),  # a range of weeks: its upper bound
    ("Physical therapy three (3) times a week for four (4) weeks",
     12, "sessions", "3 per week", "4 weeks"),  # numbers in words and digits, read once
    ("Hydrocodone 10/325mg, 120 count", 120, "count", None, None),  # a count written after the number
    ("Tramadol 50mg, quantity 90", 90, "count", None, None),
    ("Omeprazole 20mg Qty: 30", 30, "count", None, None),
    ("Additional chiropractic x 6 visits", 6, "visits", None, None),  # "times N" with its noun
    ("Cryotherapy unit, seven day use", 7, "days", None, "7 days"),
    ("Brace rental x 3 months", 3, "months", None, "3 months"),
    ("Home health care 4 hours a day", 4, "hours", None, None),
    ("MRI of the lumbar spine", None, None, None, None),  # no quantity stated
    ("Retrospective E-stim (DOS 12/29/16)", None, None, None, None),  # a date is no quantity
    ("Physical therapy often for 4 weeks", 4, "weeks", None, "4 weeks"),  # "ten" inside "often" is no number
])
def test_quantities_forms(service, total, unit, frequency, duration):
    got = quantity_fields(service)
    assert (got["quantity_total"], got["quantity_unit"], got["frequency"], got["duration"]) == (
        total, unit, frequency, duration)


@pytest.mark.parametrize("service, refills, total", [
    ("Pantoprazole 40mg twice a day #60 with one refill", 1, 60),  # the refill is not the count
    ("Norco 10/325mg #90 with 2 refills", 2, 90),
    ("Norco 10/325mg #90", None, 90),
])
def test_quantities_refills_are_their_own_field(service, refills, total):
    got = quantity_fields(service)
    assert (got["refills"], got["quantity_total"]) == (refills, total)
