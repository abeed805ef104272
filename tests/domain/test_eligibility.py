"""Checkpoint eligibility, decided on the referral date, listing every rule that fails.

The rules (domain.md "Checkpoint eligibility"; api-contract.md "Referral"), in the contract's order:
  under_18                 not yet 18 on the referral date (an 18th birthday on that day is eligible)
  offence_too_old          offence more than 3 months before the referral date (the limit is policy)
  denied_offence           denied in interview (admitted or no comment is fine)
  evidential_test_not_met  not enough evidence to charge
  excluded_offence         the offence category is marked excluded
  hate_crime               always ineligible
  current_court_order      court order, suspended sentence or conditional discharge
  on_bail                  police or court bail
  co_accused               there is a co-accused
  detained_mental_health   detained for court or under the Mental Health Act
An eligible referral whose category is marked "specific terms" needs a manager's approval.
"""
from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings, strategies as st

from diversion.domain.eligibility import (
    CATEGORY_ELIGIBILITY, DEFAULT_OFFENCE_AGE_LIMIT_MONTHS, INTERVIEW_ANSWERS, REASONS, Decision, Screening,
    age_on, explain, offence_cutoff, screen,
)

PROPERTY = settings(max_examples=200, deadline=None)

# Written out from the contract, not taken from the module.
CONTRACT_ORDER = (
    "under_18", "offence_too_old", "denied_offence", "evidential_test_not_met", "excluded_offence",
    "hate_crime", "current_court_order", "on_bail", "co_accused", "detained_mental_health", "live_contract",
)

REFERRAL = date(2025, 6, 15)


def screening(**changes) -> Screening:
    """A screening that passes every rule, changed as a test needs."""
    eligible = Screening(
        date_of_birth=date(1990, 4, 2), referral_date=REFERRAL, offence_date=date(2025, 6, 1),
        interview="admitted", evidential_test_met=True, category_eligibility="eligible",
    )
    return replace(eligible, **changes)


def reasons_for(**changes) -> tuple[str, ...]:
    return screen(screening(**changes)).reasons


# --- Independent statements of the two date rules, for the property tests ------------------------

def eighteenth_birthday(date_of_birth: date) -> date:
    """The day someone turns 18; born on 29 February, 1 March when the 18th year has no 29 February."""
    year = date_of_birth.year + 18
    if (date_of_birth.month, date_of_birth.day) == (2, 29) and not calendar.isleap(year):
        return date(year, 3, 1)
    return date(year, date_of_birth.month, date_of_birth.day)


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier, or the last day of that month if it is shorter."""
    year, month = day.year, day.month - months
    while month < 1:
        month += 12
        year -= 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# ---------------------------------------------------------------------------------------------
# The reason codes
# ---------------------------------------------------------------------------------------------

def test_the_reason_codes_are_those_of_the_contract_in_its_order():
    assert tuple(REASONS) == CONTRACT_ORDER


def test_the_default_offence_age_limit_is_three_months():
    assert DEFAULT_OFFENCE_AGE_LIMIT_MONTHS == 3


def test_a_screening_that_passes_every_rule_is_eligible_with_no_reasons():
    assert screen(screening()) == Decision(eligible=True, reasons=(), needs_approval=False)


@pytest.mark.parametrize("changes, reason", [
    ({"date_of_birth": date(2008, 1, 1)}, "under_18"),
    ({"offence_date": date(2025, 1, 1)}, "offence_too_old"),
    ({"interview": "denied"}, "denied_offence"),
    ({"evidential_test_met": False}, "evidential_test_not_met"),
    ({"category_eligibility": "excluded"}, "excluded_offence"),
    ({"hate_crime": True}, "hate_crime"),
    ({"court_order": True}, "current_court_order"),
    ({"on_bail": True}, "on_bail"),
    ({"co_accused": True}, "co_accused"),
    ({"detained_mental_health": True}, "detained_mental_health"),
    ({"live_contract": True}, "live_contract"),
], ids=CONTRACT_ORDER)
def test_each_rule_alone_makes_the_referral_ineligible_with_its_own_reason(changes, reason):
    assert screen(screening(**changes)) == Decision(eligible=False, reasons=(reason,), needs_approval=False)


def test_every_failing_rule_is_listed_at_once_in_the_contract_order():
    everything_wrong = screening(
        date_of_birth=date(2010, 1, 1), offence_date=date(2024, 1, 1), interview="denied",
        evidential_test_met=False, category_eligibility="excluded", hate_crime=True, court_order=True,
        on_bail=True, co_accused=True, detained_mental_health=True, live_contract=True,
    )
    assert screen(everything_wrong) == Decision(eligible=False, reasons=CONTRACT_ORDER, needs_approval=False)


def test_two_failing_rules_are_both_listed():
    assert reasons_for(on_bail=True, interview="denied") == ("denied_offence", "on_bail")


# ---------------------------------------------------------------------------------------------
# under_18: judged on the referral date
# ---------------------------------------------------------------------------------------------

def test_an_18th_birthday_on_the_referral_date_is_eligible():
    assert screen(screening(date_of_birth=date(2007, 6, 15))).eligible


def test_the_day_before_the_18th_birthday_is_under_18():
    assert reasons_for(date_of_birth=date(2007, 6, 16)) == ("under_18",)


def test_age_is_judged_on_the_referral_date_not_the_offence_date():
    # 17 when the offence was committed, 18 by the time of the referral.
    decision = screen(screening(date_of_birth=date(2007, 6, 10), offence_date=date(2025, 6, 1)))
    assert decision.eligible


def test_someone_born_on_29_february_is_under_18_on_28_february_of_a_common_year():
    assert reasons_for(date_of_birth=date(2004, 2, 29), referral_date=date(2022, 2, 28),
                       offence_date=date(2022, 2, 1)) == ("under_18",)


def test_someone_born_on_29_february_is_18_on_1_march_of_a_common_year():
    assert screen(screening(date_of_birth=date(2004, 2, 29), referral_date=date(2022, 3, 1),
                            offence_date=date(2022, 2, 1))).eligible


@pytest.mark.parametrize("date_of_birth, on, age", [
    (date(2007, 6, 15), date(2025, 6, 15), 18),
    (date(2007, 6, 16), date(2025, 6, 15), 17),
    (date(2007, 12, 31), date(2025, 1, 1), 17),
    (date(2007, 1, 1), date(2025, 12, 31), 18),
    (date(2004, 2, 29), date(2022, 2, 28), 17),
    (date(2004, 2, 29), date(2022, 3, 1), 18),
    (date(1950, 5, 5), date(2025, 5, 5), 75),
])
def test_age_on_counts_whole_years_with_the_birthday_itself_counting(date_of_birth, on, age):
    assert age_on(date_of_birth, on) == age


@PROPERTY
@given(referral=st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)),
       birth_day=st.dates(min_value=date(2000, 1, 1), max_value=date(2000, 12, 31)))  # 2000 has a 29 Feb
def test_under_18_switches_off_exactly_on_the_18th_birthday(referral, birth_day):
    year = referral.year - 18
    if (birth_day.month, birth_day.day) == (2, 29):
        while not calendar.isleap(year):  # keep the awkward birthday: born in the leap year before
            year -= 1
    date_of_birth = birth_day.replace(year=year)
    birthday = eighteenth_birthday(date_of_birth)
    assert screen(screening(date_of_birth=date_of_birth, referral_date=birthday,
                            offence_date=birthday)).eligible
    day_before = birthday - timedelta(days=1)
    assert screen(screening(date_of_birth=date_of_birth, referral_date=day_before,
                            offence_date=day_before)).reasons == ("under_18",)


# ---------------------------------------------------------------------------------------------
# offence_too_old: at most 3 calendar months before the referral date
# ---------------------------------------------------------------------------------------------

def test_an_offence_on_the_referral_date_is_in_time():
    assert screen(screening(offence_date=REFERRAL)).eligible


def test_an_offence_exactly_three_calendar_months_before_the_referral_is_in_time():
    assert screen(screening(referral_date=date(2025, 6, 15), offence_date=date(2025, 3, 15))).eligible


def test_an_offence_a_day_more_than_three_months_before_the_referral_is_too_old():
    reasons = reasons_for(referral_date=date(2025, 6, 15), offence_date=date(2025, 3, 14))
    assert reasons == ("offence_too_old",)


@pytest.mark.parametrize("referral_date, earliest_in_time", [
    (date(2025, 5, 31), date(2025, 2, 28)),   # no 31 February: the last day of February
    (date(2025, 5, 29), date(2025, 2, 28)),
    (date(2024, 5, 31), date(2024, 2, 29)),   # leap year
    (date(2024, 5, 30), date(2024, 2, 29)),
    (date(2025, 7, 31), date(2025, 4, 30)),
    (date(2025, 1, 31), date(2024, 10, 31)),  # back over the new year
    (date(2025, 3, 31), date(2024, 12, 31)),
    (date(2025, 2, 28), date(2024, 11, 28)),
])
def test_the_three_month_limit_at_month_ends(referral_date, earliest_in_time):
    def decide(offence_date):
        return screen(screening(referral_date=referral_date, offence_date=offence_date))

    assert decide(earliest_in_time).eligible
    assert decide(earliest_in_time - timedelta(days=1)).reasons == ("offence_too_old",)


@pytest.mark.parametrize("referral_date, limit, cutoff", [
    (date(2025, 6, 15), 3, date(2025, 3, 15)),
    (date(2025, 5, 31), 3, date(2025, 2, 28)),
    (date(2025, 6, 15), 0, date(2025, 6, 15)),
    (date(2025, 6, 15), 12, date(2024, 6, 15)),
    (date(2024, 8, 31), 6, date(2024, 2, 29)),
])
def test_offence_cutoff_is_the_earliest_offence_date_still_in_time(referral_date, limit, cutoff):
    assert offence_cutoff(referral_date, limit) == cutoff


def test_a_custom_offence_age_limit_is_honoured():
    five_months_old = screening(referral_date=date(2025, 6, 15), offence_date=date(2025, 1, 15))
    assert screen(five_months_old).reasons == ("offence_too_old",)
    assert screen(five_months_old, offence_age_limit_months=6).eligible
    assert screen(five_months_old, offence_age_limit_months=5).eligible
    assert screen(five_months_old, offence_age_limit_months=4).reasons == ("offence_too_old",)


def test_a_one_month_limit_refuses_an_offence_two_months_old():
    two_months_old = screening(referral_date=date(2025, 6, 15), offence_date=date(2025, 4, 15))
    assert screen(two_months_old, offence_age_limit_months=1).reasons == ("offence_too_old",)


@PROPERTY
@given(referral=st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)), limit=st.integers(0, 24))
def test_an_offence_exactly_limit_months_before_is_in_time_and_a_day_earlier_is_too_old(referral, limit):
    earliest = months_before(referral, limit)
    in_time = screening(referral_date=referral, offence_date=earliest, date_of_birth=date(1970, 1, 1))
    assert screen(in_time, offence_age_limit_months=limit).eligible
    too_old = replace(in_time, offence_date=earliest - timedelta(days=1))
    assert screen(too_old, offence_age_limit_months=limit).reasons == ("offence_too_old",)


@PROPERTY
@given(referral=st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)),
       age_in_days=st.integers(0, 800), limit=st.integers(0, 24))
def test_an_offence_in_time_under_a_limit_is_in_time_under_any_longer_limit(referral, age_in_days, limit):
    s = screening(referral_date=referral, offence_date=referral - timedelta(days=age_in_days),
                  date_of_birth=date(1970, 1, 1))
    if screen(s, offence_age_limit_months=limit).eligible:
        assert screen(s, offence_age_limit_months=limit + 1).eligible


# ---------------------------------------------------------------------------------------------
# Interview, evidence, category, hate crime
# ---------------------------------------------------------------------------------------------

def test_the_interview_answers_are_those_of_the_contract():
    assert set(INTERVIEW_ANSWERS) == {"admitted", "no_comment", "denied"}


@pytest.mark.parametrize("interview", ["admitted", "no_comment"])
def test_an_admission_or_no_comment_in_interview_is_fine(interview):
    assert screen(screening(interview=interview)).eligible


def test_denying_the_offence_in_interview_is_denied_offence():
    assert reasons_for(interview="denied") == ("denied_offence",)


def test_without_enough_evidence_to_charge_the_evidential_test_is_not_met():
    assert reasons_for(evidential_test_met=False) == ("evidential_test_not_met",)


def test_the_category_eligibility_values_are_those_of_the_contract():
    assert set(CATEGORY_ELIGIBILITY) == {"eligible", "excluded", "specific_terms"}


def test_an_excluded_category_is_refused_as_excluded_offence():
    assert screen(screening(category_eligibility="excluded")) == Decision(
        eligible=False, reasons=("excluded_offence",), needs_approval=False)


def test_a_specific_terms_category_is_eligible_but_needs_a_managers_approval():
    assert screen(screening(category_eligibility="specific_terms")) == Decision(
        eligible=True, reasons=(), needs_approval=True)


def test_an_ordinary_eligible_category_needs_no_approval():
    assert screen(screening(category_eligibility="eligible")).needs_approval is False


def test_a_specific_terms_referral_that_fails_another_rule_is_ineligible_and_needs_no_approval():
    assert screen(screening(category_eligibility="specific_terms", on_bail=True)) == Decision(
        eligible=False, reasons=("on_bail",), needs_approval=False)


@pytest.mark.parametrize("category", ["eligible", "specific_terms"])
def test_a_hate_crime_is_never_eligible_whatever_its_category(category):
    assert screen(screening(hate_crime=True, category_eligibility=category)) == Decision(
        eligible=False, reasons=("hate_crime",), needs_approval=False)


def test_a_hate_crime_is_never_eligible_whatever_the_offence_age_limit():
    assert screen(screening(hate_crime=True), offence_age_limit_months=120).reasons == ("hate_crime",)


# ---------------------------------------------------------------------------------------------
# The whole rule set, for arbitrary screenings
# ---------------------------------------------------------------------------------------------

def near(day: date, spread: int):
    """Dates within `spread` days of `day`, so boundaries are hit often."""
    return st.integers(-spread, spread).map(lambda k: day + timedelta(days=k))


@st.composite
def screenings(draw):
    referral = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)))
    limit = draw(st.integers(0, 12))
    date_of_birth = draw(st.one_of(
        st.dates(min_value=referral - timedelta(days=25 * 365),
                 max_value=referral - timedelta(days=12 * 365)),
        near(eighteenth_birthday_for(referral), 2),
    ))
    offence = draw(st.one_of(
        st.dates(min_value=referral - timedelta(days=400), max_value=referral),
        near(months_before(referral, limit), 2),
    ))
    s = Screening(
        date_of_birth=date_of_birth, referral_date=referral, offence_date=offence,
        interview=draw(st.sampled_from(["admitted", "no_comment", "denied"])),
        evidential_test_met=draw(st.booleans()),
        category_eligibility=draw(st.sampled_from(["eligible", "excluded", "specific_terms"])),
        hate_crime=draw(st.booleans()), court_order=draw(st.booleans()), on_bail=draw(st.booleans()),
        co_accused=draw(st.booleans()), detained_mental_health=draw(st.booleans()),
        live_contract=draw(st.booleans()),
    )
    return s, limit


def eighteenth_birthday_for(referral: date) -> date:
    """A date of birth whose 18th birthday is the referral date (or as near as the calendar allows)."""
    year = referral.year - 18
    return date(year, referral.month, min(referral.day, calendar.monthrange(year, referral.month)[1]))


def failing_rules(s: Screening, limit: int) -> set[str]:
    """The rules of domain.md, stated independently of the module."""
    failing = set()
    if s.referral_date < eighteenth_birthday(s.date_of_birth):
        failing.add("under_18")
    if s.offence_date < months_before(s.referral_date, limit):
        failing.add("offence_too_old")
    if s.interview == "denied":
        failing.add("denied_offence")
    if not s.evidential_test_met:
        failing.add("evidential_test_not_met")
    if s.category_eligibility == "excluded":
        failing.add("excluded_offence")
    if s.hate_crime:
        failing.add("hate_crime")
    if s.court_order:
        failing.add("current_court_order")
    if s.on_bail:
        failing.add("on_bail")
    if s.co_accused:
        failing.add("co_accused")
    if s.detained_mental_health:
        failing.add("detained_mental_health")
    if s.live_contract:
        failing.add("live_contract")
    return failing


@PROPERTY
@given(case=screenings())
def test_the_reasons_are_exactly_the_failing_rules_in_the_contract_order(case):
    s, limit = case
    decision = screen(s, offence_age_limit_months=limit)
    expected = failing_rules(s, limit)
    assert decision.reasons == tuple(code for code in CONTRACT_ORDER if code in expected)
    assert decision.eligible == (not decision.reasons)
    assert decision.needs_approval == (decision.eligible and s.category_eligibility == "specific_terms")


@settings(max_examples=50, deadline=None)
@given(case=screenings())
def test_the_default_limit_is_three_months(case):
    s, _ = case
    assert screen(s) == screen(s, offence_age_limit_months=3)


# ---------------------------------------------------------------------------------------------
# explain
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("reason", CONTRACT_ORDER)
def test_every_reason_has_a_plain_english_explanation(reason):
    text = explain(reason)
    assert text.strip() and "{" not in text and reason not in text


def test_the_offence_too_old_explanation_states_the_limit_in_force():
    assert "3 months" in explain("offence_too_old")
    assert "6 months" in explain("offence_too_old", offence_age_limit_months=6)


def test_the_under_18_explanation_says_checkpoint_is_for_adults():
    assert "18" in explain("under_18") and "adults" in explain("under_18")
