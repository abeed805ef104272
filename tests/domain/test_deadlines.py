"""Date arithmetic of the schemes.

The rules (domain.md "The contract"; api-contract.md "Contract"):
- deadline = start_date plus four calendar months; where that month is shorter, its last day
  (2025-10-31 -> 2026-02-28, 2027-10-31 -> 2028-02-29);
- days left count down to 0 on the deadline day and go negative once it has passed;
- working days are Monday to Friday, after the start up to and including the end, less holidays.
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given, settings, strategies as st

from diversion.domain.deadlines import (
    CONTRACT_MONTHS, add_calendar_months, contract_deadline, days_left, working_days_between,
)

PROPERTY = settings(max_examples=200, deadline=None)
WIDE_DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))


def last_day_of_month(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def months_between(earlier: date, later: date) -> int:
    """How many calendar months separate the two dates' months (ignoring the day)."""
    return (later.year - earlier.year) * 12 + (later.month - earlier.month)


# ---------------------------------------------------------------------------------------------
# contract_deadline: examples
# ---------------------------------------------------------------------------------------------

def test_a_contract_lasts_four_calendar_months():
    assert CONTRACT_MONTHS == 4


@pytest.mark.parametrize("start, deadline", [
    (date(2025, 10, 31), date(2026, 2, 28)),
    (date(2027, 10, 31), date(2028, 2, 29)),
])
def test_the_month_end_examples_from_the_api_contract(start, deadline):
    assert contract_deadline(start) == deadline


@pytest.mark.parametrize("start, deadline", [
    (date(2025, 1, 15), date(2025, 5, 15)),
    (date(2025, 3, 1), date(2025, 7, 1)),
    (date(2025, 4, 30), date(2025, 8, 30)),
    (date(2025, 6, 10), date(2025, 10, 10)),
])
def test_an_ordinary_start_date_keeps_its_day_of_the_month(start, deadline):
    assert contract_deadline(start) == deadline


@pytest.mark.parametrize("start, deadline", [
    (date(2025, 9, 10), date(2026, 1, 10)),
    (date(2025, 11, 30), date(2026, 3, 30)),
    (date(2025, 12, 31), date(2026, 4, 30)),
    (date(1999, 12, 1), date(2000, 4, 1)),
])
def test_a_deadline_in_the_following_year_rolls_the_year_over(start, deadline):
    assert contract_deadline(start) == deadline


@pytest.mark.parametrize("start, deadline", [
    (date(2025, 10, 28), date(2026, 2, 28)),
    (date(2025, 10, 29), date(2026, 2, 28)),
    (date(2025, 10, 30), date(2026, 2, 28)),
    (date(2027, 10, 29), date(2028, 2, 29)),
    (date(2027, 10, 30), date(2028, 2, 29)),
    (date(2026, 5, 31), date(2026, 9, 30)),
    (date(2099, 10, 31), date(2100, 2, 28)),   # 2100 is not a leap year
    (date(2399, 10, 31), date(2400, 2, 29)),   # 2400 is
])
def test_a_shorter_target_month_clamps_to_its_last_day(start, deadline):
    assert contract_deadline(start) == deadline


def test_the_clamp_only_shortens_it_never_stretches_a_short_start_to_a_month_end():
    assert contract_deadline(date(2025, 2, 28)) == date(2025, 6, 28)
    assert contract_deadline(date(2024, 2, 29)) == date(2024, 6, 29)


# ---------------------------------------------------------------------------------------------
# add_calendar_months: examples
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("day, months, expected", [
    (date(2025, 6, 15), 0, date(2025, 6, 15)),
    (date(2025, 1, 31), 1, date(2025, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2025, 1, 15), 24, date(2027, 1, 15)),
    (date(2025, 11, 15), 2, date(2026, 1, 15)),
])
def test_adding_months(day, months, expected):
    assert add_calendar_months(day, months) == expected


@pytest.mark.parametrize("day, months, expected", [
    (date(2025, 6, 15), -3, date(2025, 3, 15)),
    (date(2025, 1, 15), -1, date(2024, 12, 15)),
    (date(2025, 5, 31), -3, date(2025, 2, 28)),
    (date(2024, 5, 31), -3, date(2024, 2, 29)),
    (date(2025, 3, 31), -13, date(2024, 2, 29)),
    (date(2025, 1, 31), -3, date(2024, 10, 31)),
    (date(2025, 12, 31), -1, date(2025, 11, 30)),
])
def test_negative_months_go_back_with_the_same_clamp(day, months, expected):
    assert add_calendar_months(day, months) == expected


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------

@PROPERTY
@given(start=WIDE_DATES)
def test_every_deadline_is_in_the_fourth_month_after_the_start(start):
    deadline = contract_deadline(start)
    assert months_between(start, deadline) == 4
    assert deadline.day <= last_day_of_month(deadline)
    assert deadline.day == min(start.day, last_day_of_month(deadline))
    assert deadline > start


@PROPERTY
@given(start=WIDE_DATES)
def test_a_deadline_is_between_three_and_four_months_of_days_after_the_start(start):
    # Four months are 120 to 123 days; a clamp from the 31st can take off at most three days.
    assert 117 <= (contract_deadline(start) - start).days <= 123


@PROPERTY
@given(day=WIDE_DATES, months=st.integers(min_value=-1200, max_value=1200))
def test_moving_by_n_months_lands_n_months_away_on_the_same_or_clamped_day(day, months):
    moved = add_calendar_months(day, months)
    assert months_between(day, moved) == months
    assert moved.day == min(day.day, last_day_of_month(moved))


@PROPERTY
@given(day=WIDE_DATES, months=st.integers(min_value=-1200, max_value=1200))
def test_moving_there_and_back_returns_to_the_start_unless_the_day_was_clamped(day, months):
    back = add_calendar_months(add_calendar_months(day, months), -months)
    assert (back.year, back.month) == (day.year, day.month)
    assert back <= day
    if day.day <= 28:  # every month has a 28th, so nothing is clamped
        assert back == day


@PROPERTY
@given(day=WIDE_DATES, first=st.integers(-600, 600), second=st.integers(-600, 600))
def test_months_compose_when_no_clamp_is_involved(day, first, second):
    day = day.replace(day=min(day.day, 28))
    step_by_step = add_calendar_months(add_calendar_months(day, first), second)
    assert step_by_step == add_calendar_months(day, first + second)


@PROPERTY
@given(day=WIDE_DATES, months=st.integers(min_value=1, max_value=1200))
def test_adding_months_moves_forward_and_subtracting_moves_back(day, months):
    assert add_calendar_months(day, months) > day
    assert add_calendar_months(day, -months) < day


# ---------------------------------------------------------------------------------------------
# days_left
# ---------------------------------------------------------------------------------------------

def test_days_left_is_zero_on_the_deadline_day():
    assert days_left(date(2026, 2, 28), date(2026, 2, 28)) == 0


def test_days_left_counts_down_to_the_deadline():
    assert days_left(date(2026, 2, 28), date(2026, 2, 27)) == 1
    assert days_left(date(2026, 3, 1), date(2026, 2, 1)) == 28


def test_days_left_is_negative_once_the_deadline_has_passed():
    assert days_left(date(2026, 2, 28), date(2026, 3, 1)) == -1


@PROPERTY
@given(today=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
       offset=st.integers(-3000, 3000))
def test_days_left_is_the_number_of_days_from_today_to_the_deadline(today, offset):
    assert days_left(today + timedelta(days=offset), today) == offset


# ---------------------------------------------------------------------------------------------
# working_days_between
# ---------------------------------------------------------------------------------------------

MONDAY = date(2025, 6, 2)
FRIDAY = date(2025, 6, 6)
NEXT_MONDAY = date(2025, 6, 9)


def test_the_weekend_does_not_count():
    assert working_days_between(FRIDAY, NEXT_MONDAY) == 1


def test_the_start_day_is_excluded_and_the_end_day_included():
    assert working_days_between(MONDAY, FRIDAY) == 4
    assert working_days_between(MONDAY, MONDAY + timedelta(days=1)) == 1


def test_a_full_week_has_five_working_days():
    assert working_days_between(MONDAY, NEXT_MONDAY) == 5


def test_a_saturday_to_sunday_span_has_no_working_days():
    assert working_days_between(date(2025, 6, 7), date(2025, 6, 8)) == 0


@pytest.mark.parametrize("end", [MONDAY, MONDAY - timedelta(days=1), MONDAY - timedelta(days=30)])
def test_no_working_days_when_the_end_is_not_after_the_start(end):
    assert working_days_between(MONDAY, end) == 0


def test_a_holiday_on_a_weekday_is_not_a_working_day():
    bank_holiday = date(2025, 8, 25)  # a Monday
    assert working_days_between(date(2025, 8, 22), date(2025, 8, 26), frozenset({bank_holiday})) == 1


def test_a_holiday_at_the_weekend_takes_nothing_more_off():
    saturday = date(2025, 6, 7)
    assert working_days_between(MONDAY, NEXT_MONDAY, frozenset({saturday})) == 5


def test_holidays_outside_the_span_change_nothing():
    holidays = frozenset({MONDAY, date(2025, 12, 25)})  # the start itself is already excluded
    assert working_days_between(MONDAY, NEXT_MONDAY, holidays) == 5


def brute_force_working_days(start: date, end: date, holidays: frozenset[date]) -> int:
    days = [start + timedelta(days=k) for k in range(1, (end - start).days + 1)]
    return len([d for d in days if d.isoweekday() <= 5 and d not in holidays])


SPAN_STARTS = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


@PROPERTY
@given(start=SPAN_STARTS, length=st.integers(-30, 400),
       holidays=st.frozensets(st.dates(min_value=date(1999, 12, 1), max_value=date(2042, 3, 1)), max_size=20),
       near=st.lists(st.integers(0, 400), max_size=10))
def test_working_days_equal_a_brute_force_count(start, length, holidays, near):
    holidays = holidays | {start + timedelta(days=k) for k in near}  # make sure some fall in the span
    end = start + timedelta(days=length)
    assert working_days_between(start, end, holidays) == brute_force_working_days(start, end, holidays)


@PROPERTY
@given(start=SPAN_STARTS, weeks=st.integers(0, 100))
def test_every_whole_week_has_five_working_days(start, weeks):
    assert working_days_between(start, start + timedelta(weeks=weeks)) == 5 * weeks


@PROPERTY
@given(start=SPAN_STARTS, first=st.integers(0, 200), second=st.integers(0, 200))
def test_working_days_over_consecutive_spans_add_up(start, first, second):
    middle, end = start + timedelta(days=first), start + timedelta(days=first + second)
    in_parts = working_days_between(start, middle) + working_days_between(middle, end)
    assert working_days_between(start, end) == in_parts


@PROPERTY
@given(start=SPAN_STARTS, length=st.integers(1, 400), pick=st.integers(1, 400))
def test_a_holiday_removes_one_working_day_exactly_when_it_is_a_weekday_in_the_span(start, length, pick):
    end = start + timedelta(days=length)
    holiday = start + timedelta(days=pick)
    without = working_days_between(start, end)
    with_holiday = working_days_between(start, end, frozenset({holiday}))
    takes_a_day = holiday <= end and holiday.isoweekday() <= 5
    assert without - with_holiday == (1 if takes_a_day else 0)
