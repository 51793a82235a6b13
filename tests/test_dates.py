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
    ],
)
def test_dates_forms(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize("text", ["2.5/10", "5-/5", "L4-5", "10/10", "7/10 pain", "C5-6", "#60"])
def test_dates_not_dates(text):
    # pain scores, strength grades, spinal levels and counts are not dates
    assert list(find_dates(text)) == []


def test_dates_offsets_point_into_text():
    text = "Seen on 8/10/15 and again on September 1, 2015."
    found = list(find_dates(text))
    assert [text[d.start:d.end] for d in found] == ["8/10/15", "September 1, 2015"]
