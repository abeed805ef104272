"""Date arithmetic of the schemes: calendar months with a month-end clamp, days left, working days."""
from __future__ import annotations

import calendar
from datetime import date, timedelta

CONTRACT_MONTHS = 4


def add_calendar_months(day: date, months: int) -> date:
    """`day` moved by whole calendar months; where the target month is shorter, its last day.

    31 Oct + 4 months is 28 Feb (29 Feb in a leap year); months may be negative.
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def contract_deadline(start: date) -> date:
    """The last day of a four-month contract that starts on `start`."""
    return add_calendar_months(start, CONTRACT_MONTHS)


def days_left(deadline: date, today: date) -> int:
    """Days from today to the deadline (0 on the day, negative once it has passed)."""
    return (deadline - today).days


def working_days_between(start: date, end: date, holidays: frozenset[date] = frozenset()) -> int:
    """Monday-to-Friday days after `start` up to and including `end`, less holidays (0 if end <= start)."""
    if end <= start:
        return 0
    count = 0
    day = start + timedelta(days=1)
    while day <= end:
        if day.weekday() < 5 and day not in holidays:
            count += 1
        day += timedelta(days=1)
    return count
