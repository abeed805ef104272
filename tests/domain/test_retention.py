"""The retention review rule (MoPI, DPA 2018 s.39): a record is reviewed N years after the person's last case
ended; nothing is due while a case is open; a retain decision's later date is never pulled back."""
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diversion.domain import retention as rules
from diversion.domain.retention import CHECKPOINT_REFERRAL, CONTRACT, DIVERT_REFERRAL, Case

SIX = 6


def contract(status, outcome_date=None):
    return Case(CONTRACT, status, (outcome_date,))


def referral(status, decided_on=None, referral_date=date(2020, 1, 1)):
    return Case(CHECKPOINT_REFERRAL, status, (decided_on, referral_date))


def divert(status, since=None, last_event=None, referral_date=date(2020, 1, 1)):
    return Case(DIVERT_REFERRAL, status, (since, last_event, referral_date))


def test_the_review_is_six_years_after_a_completed_contract():
    assert rules.review_date([contract("completed", date(2020, 3, 14))], SIX) == date(2026, 3, 14)


def test_the_last_case_to_end_decides_whatever_the_scheme():
    cases = [contract("breached", date(2019, 5, 1)), divert("completed", since=date(2021, 8, 9)),
             referral("ineligible", referral_date=date(2018, 2, 2))]
    assert rules.last_ended(cases) == date(2021, 8, 9)
    assert rules.review_date(cases, SIX) == date(2027, 8, 9)


@pytest.mark.parametrize("case", [
    contract("active"), contract("overdue"), referral("awaiting_approval"), referral("awaiting_navigator"),
    divert("referred"), divert("contacted"), divert("assessment_booked"), divert("assessed")])
def test_nothing_is_due_while_any_case_is_open(case):
    ended = contract("completed", date(2015, 1, 1))
    assert rules.review_date([ended, case], SIX) is None
    assert rules.review_date([ended, case], SIX, retained_until=date(2030, 1, 1)) is None
    assert rules.has_open_case([case])


def test_a_referral_that_became_a_contract_is_counted_once_as_its_contract():
    contracted = referral("contracted")
    assert not contracted.is_open and contracted.ended_on is None
    assert rules.review_date([contracted, contract("discontinued", date(2022, 6, 30))], SIX) == date(2028, 6, 30)


@pytest.mark.parametrize("status", ["ineligible", "not_approved", "declined"])
def test_a_refused_declined_or_ineligible_referral_ends_on_its_decision_day_else_its_referral_date(status):
    assert referral(status, decided_on=date(2021, 4, 3), referral_date=date(2021, 4, 1)).ended_on == date(2021, 4, 3)
    assert referral(status, referral_date=date(2021, 4, 1)).ended_on == date(2021, 4, 1)


@pytest.mark.parametrize("status", ["completed", "declined", "disengaged"])
def test_a_divert_referral_ends_on_the_day_it_reached_its_end_else_its_last_event_else_its_referral(status):
    assert divert(status, since=date(2022, 1, 9), last_event=date(2022, 1, 8)).ended_on == date(2022, 1, 9)
    assert divert(status, last_event=date(2022, 1, 8)).ended_on == date(2022, 1, 8)
    assert divert(status, referral_date=date(2022, 1, 2)).ended_on == date(2022, 1, 2)


def test_29_february_is_reviewed_on_28_february_when_that_year_has_no_29th():
    assert rules.review_date([contract("completed", date(2024, 2, 29))], SIX) == date(2030, 2, 28)
    assert rules.review_date([contract("completed", date(2024, 2, 29))], 4) == date(2028, 2, 29)


def test_the_period_is_the_policy_value():
    assert rules.review_date([contract("completed", date(2020, 3, 14))], 10) == date(2030, 3, 14)


def test_a_later_retain_decision_wins_and_an_earlier_one_does_not_pull_the_date_back():
    cases = [contract("completed", date(2020, 3, 14))]
    assert rules.review_date(cases, SIX, retained_until=date(2029, 1, 1)) == date(2029, 1, 1)
    assert rules.review_date(cases, SIX, retained_until=date(2025, 1, 1)) == date(2026, 3, 14)


def test_no_case_ended_means_no_review_date():
    assert rules.review_date([], SIX) is None


def test_a_retain_decision_needs_a_future_date_within_25_years():
    today = date(2026, 11, 27)
    assert rules.next_review_problem(today, today) == "The next review date must be in the future"
    assert rules.next_review_problem(date(2026, 11, 28), today) is None
    assert rules.next_review_problem(date(2051, 11, 27), today) is None
    assert "within 25 years" in rules.next_review_problem(date(2051, 11, 28), today)
    assert rules.default_next_review(today, SIX) == date(2032, 11, 27)


def test_only_opening_or_ending_a_case_moves_the_review_date():
    assert rules.moves_review(DIVERT_REFERRAL, "assessed", "completed")
    assert not rules.moves_review(DIVERT_REFERRAL, "contacted", "assessment_booked")
    assert not rules.moves_review(DIVERT_REFERRAL, "completed", "completed")


def test_the_summary_counts_each_kind_of_case():
    cases = [contract("completed", date(2020, 1, 1)), referral("contracted"), divert("completed"), divert("declined")]
    assert rules.summary(cases) == "1 Checkpoint contract, 2 DIVERT referrals"
    assert rules.summary([]) == "No cases"


# --- Properties --------------------------------------------------------------------------------------------------

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))
statuses = {kind: open_ + ended for kind, (open_, ended) in rules.STATUSES.items()}
statuses[CHECKPOINT_REFERRAL] += ("contracted",)
cases = st.one_of(
    st.builds(contract, st.sampled_from(statuses[CONTRACT]), days),
    st.builds(referral, st.sampled_from(statuses[CHECKPOINT_REFERRAL]), st.none() | days, days),
    st.builds(divert, st.sampled_from(statuses[DIVERT_REFERRAL]), st.none() | days, st.none() | days, days))


@given(st.lists(cases, max_size=8), st.integers(1, 25), st.none() | days)
def test_the_review_is_never_before_the_last_case_ended_and_never_set_while_a_case_is_open(found, years, retained):
    review = rules.review_date(found, years, retained)
    if rules.has_open_case(found):
        assert review is None
    elif rules.last_ended(found) is not None:
        assert review is not None and review > rules.last_ended(found)
        assert review >= rules.add_years(rules.last_ended(found), years)
        assert retained is None or review >= retained
    else:
        assert review == retained


@given(days, st.integers(1, 25))
def test_adding_years_keeps_the_day_except_29_february(day, years):
    moved = rules.add_years(day, years)
    assert moved.year == day.year + years and moved.month == day.month
    assert moved.day == day.day or (day.month, day.day, moved.day) == (2, 29, 28)
