"""Late entry (issue 9, finding 11): a referral entered more than 7 days after its referral date needs a reason."""
from datetime import date, timedelta

from hypothesis import given, strategies as st

from diversion.domain.referrals import LATE_ENTRY_DAYS, days_after_referral, is_late_entry

ENTERED = date(2026, 3, 27)


def test_the_limit_is_a_week():
    assert LATE_ENTRY_DAYS == 7


def test_entered_on_the_referral_date_is_zero_days_after():
    assert days_after_referral(ENTERED, ENTERED) == 0 and not is_late_entry(ENTERED, ENTERED)


def test_seven_days_after_is_on_time_and_eight_is_late():
    assert not is_late_entry(ENTERED - timedelta(days=7), ENTERED)
    assert is_late_entry(ENTERED - timedelta(days=8), ENTERED)
    assert days_after_referral(ENTERED - timedelta(days=8), ENTERED) == 8


def test_days_are_calendar_days_across_a_month_end_and_a_leap_day():
    assert days_after_referral(date(2028, 2, 25), date(2028, 3, 4)) == 8  # 29 February counts
    assert is_late_entry(date(2028, 2, 25), date(2028, 3, 4))
    assert not is_late_entry(date(2027, 2, 25), date(2027, 3, 4))  # 7 days in a common year


@given(referral=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), days=st.integers(0, 4000))
def test_late_exactly_when_more_than_seven_days_after(referral, days):
    entered = referral + timedelta(days=days)
    assert days_after_referral(referral, entered) == days
    assert is_late_entry(referral, entered) == (days > LATE_ENTRY_DAYS)
