"""Dates in every form the letters use."""

import pytest

from extractor.dates import find_dates, parse_date


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("1-7-15", "2015-01-07"),  # dashes, two-digit year
        ("8/10/15", "2015-08-10"),  # slashes
        ("09/10/2015", "2015-09-10"),  # zero-padded, four-digit year
        ("September 10, 2015", "2015-09-10"),  # month name
        ("Sept. 3, 2014", "2014-09-03"),  # abbreviated month with period
        ("3 March 2016", "2016-03-03"),  # day first
        ("(12-21-16)", "2016-12-21"),  # in parentheses, as case summaries write it
        ("2015-09-10", "2015-09-10"),  # ISO
        ("10/14/\n2016", "2016-10-14"),  # a date wrapped at the line end
        ("2/30/2015", None),  # no such day
        ("3/15/40", "1940-03-15"),  # the pivot year itself is the 1900s
        ("3/15/41", "1941-03-15"),  # after the pivot: an old injury
        ("3/15/39", "2039-03-15"),  # before the pivot: this century
        ("3/15/00", "2000-03-15"),  # the century's first year
    ],
)
def test_dates_forms(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize("text", ["2.5/10", "5-/5", "L4-5", "10/10", "7/10 pain", "C5-6", "#60"])
def test_dates_not_dates(text):
    # pain scores, strength grades, spinal levels and counts are not dates
    assert list(find_dates(text)) == []


def test_dates_found_at_the_start_of_the_text():
    # A date that opens the text is found when no start is given.
    assert [d.iso for d in find_dates("01/02/2015 MRI of the knee")] == ["2015-01-02"]


def test_dates_offsets_point_into_text():
    text = "Seen on 8/10/15 and again on September 1, 2015."
    found = list(find_dates(text))
    assert [text[d.start:d.end] for d in found] == ["8/10/15", "September 1, 2015"]


def test_dates_lookahead_and_digit_test_change_nothing(corpus_letters):
    # DATE_RE without its first-character lookahead, scanned over every range: the same dates.
    import random
    import re

    from extractor import dates

    plain = re.compile(dates.DATE_RE.pattern.replace("(?=[\\dadfjmnos])", "", 1), dates.DATE_RE.flags)
    assert plain.pattern != dates.DATE_RE.pattern
    rng = random.Random(2)
    for path in corpus_letters[::3]:
        text = path.read_text(encoding="utf-8")
        for _ in range(40):
            start = rng.randrange(len(text))
            end = start + rng.randrange(300)
            expected = [(m.start(), m.end()) for m in plain.finditer(text, start, end) if dates._from_match(m)]
            assert [(d.start, d.end) for d in find_dates(text, start, end)] == expected
    assert list(find_dates("no digits here, only March and May")) == []


def test_dates_month_names_with_letters_that_match_ascii_case_blind():
    # Re's case-blind matching takes these for s, i and k; they must not break the lookup.
    text = "Seen \u017fept 3, 2015, then Apr\u0131l 9, 2016 and 4 APR\u0130L 2017."
    assert [d.iso for d in find_dates(text)] == ["2015-09-03", "2016-04-09", "2017-04-04"]
