"""A period as whole years, months and days: every day once, and never many ranges."""
from datetime import date, timedelta

from hypothesis import given, settings, strategies as st

from diversion.domain import rollup_periods as periods

DAYS = st.dates(min_value=date(1999, 1, 1), max_value=date(2031, 12, 31))


@settings(max_examples=400, deadline=None)
@given(DAYS, st.integers(min_value=0, max_value=4000))
def test_the_ranges_cover_every_day_of_the_period_exactly_once(start, length):
    end = start + timedelta(days=length)
    found = periods.ranges(start, end)
    assert periods.days_covered(found) == [start + timedelta(days=n) for n in range(length + 1)]
    assert len(found) <= 5
    for level, first, last in found:
        assert periods.unit_start(level, first) == first and periods.unit_start(level, last) == last


def test_examples():
    assert periods.ranges(date(2026, 3, 5), date(2026, 3, 9)) == [("d", date(2026, 3, 5), date(2026, 3, 9))]
    assert periods.ranges(date(2026, 1, 1), date(2026, 12, 31)) == [("y", date(2026, 1, 1), date(2026, 1, 1))]
    assert periods.ranges(date(2025, 7, 1), date(2026, 6, 30)) == [("m", date(2025, 7, 1), date(2026, 6, 1))]
    assert periods.ranges(date(2016, 7, 15), date(2026, 7, 14)) == [
        ("d", date(2016, 7, 15), date(2016, 7, 31)), ("d", date(2026, 7, 1), date(2026, 7, 14)),
        ("y", date(2017, 1, 1), date(2025, 1, 1)), ("m", date(2016, 8, 1), date(2016, 12, 1)),
        ("m", date(2026, 1, 1), date(2026, 6, 1))]
    assert periods.ranges(date(2026, 2, 1), date(2026, 1, 31)) == []


@settings(max_examples=200, deadline=None)
@given(DAYS, st.integers(min_value=0, max_value=1500))
def test_month_ranges_cover_the_period_in_months_and_days_only(start, length):
    end = start + timedelta(days=length)
    found = periods.month_ranges(start, end)
    assert periods.days_covered(found) == [start + timedelta(days=n) for n in range(length + 1)]
    assert {level for level, _, _ in found} <= {"d", "m"} and len(found) <= 3
