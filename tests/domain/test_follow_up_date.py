"""The worklist asks the database for follow-ups by a date: waited_since_on_or_before must agree with
working_days_waited for every day."""
from datetime import date, timedelta

from hypothesis import given, strategies as st

from diversion.domain.divert import waited_since_on_or_before, working_days_waited


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)), st.integers(0, 30),
       st.integers(0, 60))
def test_a_day_waits_long_enough_exactly_when_it_is_on_or_before_the_date(today, days, back):
    since = today - timedelta(days=back)
    assert (working_days_waited(since, today) >= days) == (since <= waited_since_on_or_before(today, days))


def test_five_working_days_before_a_wednesday_is_the_wednesday_before():
    assert waited_since_on_or_before(date(2026, 11, 18), 5) == date(2026, 11, 11)
