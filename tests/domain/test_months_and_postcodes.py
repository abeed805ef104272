"""How people type months and postcodes (issue 10, item 7).

  * A GOV.UK date input's month box takes a number or a month's name or abbreviation: "Feb", "february",
    "Sept" (the Design System asks services to accept them).
  * A postcode is normalised ("dh13hp" → "DH1 3HP") and must have the shape of a UK postcode; one domain
    function decides it for every form and the API.
"""
from __future__ import annotations

import pytest

from diversion.domain.months import month_number
from diversion.domain.people import uk_postcode
from diversion.pages import date_from_form


@pytest.mark.parametrize("typed, month", [
    ("2", 2), ("02", 2), ("12", 12), ("Feb", 2), ("feb", 2), ("FEB", 2), ("february", 2), ("February", 2),
    ("Sept", 9), ("sep", 9), ("September", 9), (" may ", 5), ("Jan.", 1), ("dec", 12),
])
def test_a_month_may_be_a_number_or_a_name(typed, month):
    assert month_number(typed) == month


@pytest.mark.parametrize("typed", ["0", "13", "", "Febr", "Ju", "jule", "٢", "²", "1.5", None])
def test_anything_else_is_not_a_month(typed):
    assert month_number(typed) is None


@pytest.mark.parametrize("month", ["Feb", "february", "2"])
def test_a_date_input_reads_a_month_name(month):
    problems: dict = {}
    form = {"dob-day": "14", "dob-month": month, "dob-year": "1994"}
    assert date_from_form("dob", "Date of birth", problems, "dob", form) == "1994-02-14"
    assert problems == {}


def test_a_date_input_still_refuses_what_is_not_a_month():
    problems: dict = {}
    form = {"dob-day": "14", "dob-month": "Smarch", "dob-year": "1994"}
    assert date_from_form("dob", "Date of birth", problems, "dob", form) == ""
    assert problems == {"dob": ["Date of birth must be a real date"]}


@pytest.mark.parametrize("typed, written", [
    ("dh13hp", "DH1 3HP"), ("DH1 3HP", "DH1 3HP"), (" dh1  3hp ", "DH1 3HP"), ("sw1a1aa", "SW1A 1AA"),
    ("m11ae", "M1 1AE"), ("b338th", "B33 8TH"), ("cr26xh", "CR2 6XH"), ("w1a0ax", "W1A 0AX"),
    ("ec1a1bb", "EC1A 1BB"), ("gir0aa", "GIR 0AA"),
])
def test_a_postcode_is_written_the_uk_way(typed, written):
    assert uk_postcode(typed) == written


@pytest.mark.parametrize("typed", [
    "DH1", "12345", "DH1 3H", "DH1 3HPX", "DHH1 3HP", "D 3HP", "DH1 33P", "DH١ 3HP", "DH1 ３HP", "not a postcode",
])
def test_what_is_not_shaped_like_a_uk_postcode_is_refused(typed):
    assert uk_postcode(typed) is None
