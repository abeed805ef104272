"""A report period as the fewest whole years, whole months and single days (the units the report counters are
kept in: services/rollups.py). Ten years from the 15th of a month to the 14th is 17 days + 11 months + 9 years
+ 11 months + 14 days: at most 4 ranges of units, whatever the length of the period.

Pure date arithmetic: no database here.
"""
from __future__ import annotations

from datetime import date, timedelta

DAY, MONTH, YEAR = "d", "m", "y"
UNITS = (DAY, MONTH, YEAR)


def unit_start(level: str, day: date) -> date:
    """The first day of the unit of `level` that holds `day`."""
    if level == DAY:
        return day
    if level == MONTH:
        return day.replace(day=1)
    if level == YEAR:
        return day.replace(month=1, day=1)
    raise ValueError(f"unknown unit {level!r}")


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _month_end(day: date) -> date:
    return _next_month(day) - timedelta(days=1)


def month_ranges(start: date, end: date) -> list[tuple[str, date, date]]:
    """As `ranges`, in whole months and days only (for figures month by month)."""
    return ranges(start, end, years=False)


def ranges(start: date, end: date, *, years: bool = True) -> list[tuple[str, date, date]]:
    """[(unit, first, last)]: the units whose start lies in first..last (inclusive) cover each day of start..end
    exactly once. Empty when start is after end."""
    if start > end:
        return []
    found: list[tuple[str, date, date]] = []
    first_month = start if start.day == 1 else _next_month(start)
    if start.day != 1:  # the days before the first whole month
        found.append((DAY, start, min(end, _month_end(start))))
    last_month = end.replace(day=1) if end == _month_end(end) else end.replace(day=1) - timedelta(days=1)
    last_month = last_month.replace(day=1)
    if first_month > end:
        return found
    if end != _month_end(end):  # the days after the last whole month
        found.append((DAY, end.replace(day=1), end))
    if first_month <= last_month:
        found.extend(_months_and_years(first_month, last_month) if years else [(MONTH, first_month, last_month)])
    return found


def _months_and_years(first: date, last: date) -> list[tuple[str, date, date]]:
    """Whole months first..last (each the 1st of its month) as whole years and the months either side."""
    first_year = first.year if first.month == 1 else first.year + 1
    last_year = last.year if last.month == 12 else last.year - 1
    if first_year > last_year:
        return [(MONTH, first, last)]
    found = [(YEAR, date(first_year, 1, 1), date(last_year, 1, 1))]
    if first < date(first_year, 1, 1):
        found.append((MONTH, first, date(first_year - 1, 12, 1)))
    if last > date(last_year, 12, 1):
        found.append((MONTH, date(last_year + 1, 1, 1), last))
    return found


def days_covered(found: list[tuple[str, date, date]]) -> list[date]:
    """Every day the ranges cover, in order, repeats kept (for tests: exactly the period, once each)."""
    days = []
    for level, first, last in found:
        cursor = first
        while cursor <= last:
            if level == DAY:
                days.append(cursor)
                cursor += timedelta(days=1)
            elif level == MONTH:
                days.extend(_each_day(cursor, _month_end(cursor)))
                cursor = _next_month(cursor)
            else:
                days.extend(_each_day(cursor, date(cursor.year, 12, 31)))
                cursor = date(cursor.year + 1, 1, 1)
    return sorted(days)


def _each_day(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
