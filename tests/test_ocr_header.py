"""Header fields of OCRed letters: digits misread as letters repaired only where the pattern demands a digit."""

import pytest

from extractor.recognizers import header, ocr_header

HEAD = """Case Number: {case}
Date Assigned: {assigned}     Date of Injury: {injury}
Decision Date: {decision}     UR Denial Date: {ur}
Priority: Standard            Application Received: {received}
HOW THE IMR FINAL DETERMINATION WAS MADE
"""
GOOD = {"case": "CM16-0219557", "assigned": "11/18/2016", "injury": "10/10/2016", "decision": "12/19/2016",
        "ur": "11/09/2016", "received": "11/14/2016"}


def _read(**changes):
    text = HEAD.format(**{**GOOD, **changes})
    dates = header.header_dates(text, [])
    case, priority = header.case_number(text), header.priority(text, [])
    case, priority, warnings = ocr_header.repair(text, [], case, dates, priority)
    return case, dates, priority, warnings + ocr_header.check(case, dates, priority)


def test_a_clean_header_needs_no_repair_and_no_warning():
    case, dates, priority, warnings = _read()
    assert case == "CM16-0219557" and priority == "standard" and warnings == []
    assert dates == {"assigned": "2016-11-18", "injury": "2016-10-10", "decision": "2016-12-19",
                     "ur_denial": "2016-11-09", "application_received": "2016-11-14"}


@pytest.mark.parametrize(("read", "value"), [("CM16-O2l9557", "CM16-0219557"), ("CMI6-0219SS7", "CM16-0219557"),
                                             ("CM16 - 02B9557", "CM16-0289557")])
def test_case_number_letters_where_digits_belong_are_repaired(read, value):
    case, _, _, warnings = _read(case=read)
    assert case == value
    assert warnings == [f"case number was read by OCR as '{read}' and repaired to {value}"]


def test_a_case_number_that_breaks_the_pattern_is_not_guessed():
    case, _, _, warnings = _read(case="CM16-02X9557")  # X is no digit OCR confuses
    assert case is None and "case number not found in the header" in warnings


def test_dates_with_misread_digits_are_repaired_and_warned_about():
    _, dates, _, warnings = _read(decision="12/l9/2OI6", injury="1O/1O/2016")
    assert dates["decision"] == "2016-12-19" and dates["injury"] == "2016-10-10"
    assert "decision date was read by OCR as '12/l9/2OI6' and repaired to 2016-12-19" in warnings
    assert "date of injury was read by OCR as '1O/1O/2016' and repaired to 2016-10-10" in warnings


def test_a_repair_that_is_no_date_or_out_of_order_is_dropped():
    # "B" stands for 8: 1B/09/2016 would be month 18, no date at all.
    _, dates, _, warnings = _read(ur="1B/09/2016")
    assert dates["ur_denial"] is None and "UR denial date not found in the header" in warnings
    # 12/IB/2016 reads as 2016-12-18, after the assignment (2016-11-18) that must follow the
    # application: the repair fails its check.
    _, dates, _, warnings = _read(received="12/IB/2016")
    assert dates["application_received"] is None


def test_dates_read_as_printed_but_out_of_order_are_kept_and_warned_about():
    _, dates, _, warnings = _read(decision="10/19/2016")
    assert dates["decision"] == "2016-10-19"
    assert warnings == ["decision date (2016-10-19) is out of order with date assigned (2016-11-18): "
                        "one of them may be misread"]


def test_labels_whose_spaces_ocr_dropped_are_still_read():
    text = HEAD.format(**GOOD).replace("Date of Injury:", "Dateof Injury:").replace("Priority:", "Priority :")
    dates = header.header_dates(text, [])
    assert dates["injury"] is None  # the plain rules want the spaces
    case, priority, warnings = ocr_header.repair(text, [], header.case_number(text), dates, None)
    assert dates["injury"] == "2016-10-10" and priority == "standard" and warnings == []


def test_a_case_number_split_by_a_space_keeps_its_seven_digits():
    case, _, _, warnings = _read(case="CM17-001631 1")
    assert case == "CM17-0016311"
    assert warnings == ["case number was read by OCR as 'CM17-001631 1' and repaired to CM17-0016311"]


def test_a_case_number_with_a_digit_lost_is_left_out():
    case, _, _, warnings = _read(case="CM17-001631")
    assert case is None
    assert "case number read by OCR as 'CM17-001631' is not CM, 2 digits, a hyphen and 7 digits: it was left out" \
        in warnings
