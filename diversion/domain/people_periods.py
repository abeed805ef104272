"""Distinct people in a period from counters that do not depend on the period (services/people_counts.py keeps
them): pure date arithmetic, no database.

A person's "stream" is the sorted list of the days of their events (say, every DIVERT referral of theirs). Link
each event to the next one of the same stream (same day allowed: two events on one day are a pair (d, d)). Then,
for a period [a, b]:
- the people with an event in it = the events in it − the consecutive pairs (d, n) with a <= d and n <= b
  (a person's events inside the period are a run of k consecutive events: k events, k − 1 pairs);
- of them, those with exactly one event up to b = the first events in [a, b] − the first pairs (d1, d2) with
  a <= d1 and d2 <= b (their first event is in the period and their second is after b or there is none).
Since d <= n, "a <= d and n <= b" is "d and n both in [a, b]". Pairs are counted in cells keyed by (unit of d,
start of that unit, unit of n, start of that unit) for every combination of day, month and year; the period is
split into whole years, months and edge days (domain/rollup_periods.py) on each side, and each combination of a
part for d with a part for n reads the cells of its units: a few thousand cells at most, whatever the data.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from diversion.domain import rollup_periods

UNITS = rollup_periods.UNITS


@dataclass(frozen=True)
class Contribution:
    """What one person's stream adds to the counters: every event's day, and the consecutive pairs of days; the
    first event and the first pair alone again (for "more than once")."""
    events: tuple[date, ...]
    pairs: tuple[tuple[date, date], ...]

    @property
    def first(self) -> tuple[date, ...]:
        return self.events[:1]

    @property
    def first_pair(self) -> tuple[tuple[date, date], ...]:
        return self.pairs[:1]


def contribution(days: Iterable[date]) -> Contribution:
    """Sorted, the days give the same pairs whatever order same-day events are taken in."""
    ordered = tuple(sorted(days))
    return Contribution(ordered, tuple(zip(ordered, ordered[1:])))


def event_cells(day: date) -> list[tuple[str, date]]:
    """The counters one event adds 1 to: its day, month and year."""
    return [(unit, rollup_periods.unit_start(unit, day)) for unit in UNITS]


def pair_cells(day: date, next_day: date) -> list[tuple[str, date, str, date]]:
    """The counters one pair adds 1 to: (unit, start, next unit, next start) for each of the nine combinations."""
    return [(unit, rollup_periods.unit_start(unit, day), next_unit, rollup_periods.unit_start(next_unit, next_day))
            for unit in UNITS for next_unit in UNITS]


def unit_starts(unit: str, first: date, last: date) -> list[date]:
    """The starts of the units of `unit` from `first` to `last` (both starts of such units)."""
    found, cursor = [], first
    while cursor <= last:
        found.append(cursor)
        cursor = rollup_periods.unit_start(unit, cursor + timedelta(days={"d": 1, "m": 31, "y": 366}[unit]))
    return found


def event_ranges(start: date, end: date) -> list[tuple[str, date, date]]:
    """(unit, first, last): the event counters whose sum is the events in [start, end]."""
    return rollup_periods.ranges(start, end)


def pair_ranges(start: date, end: date) -> list[tuple[str, date, date, str, date, date]]:
    """(unit, first, last, next unit, next first, next last): the pair counters whose sum is the pairs with both
    days in [start, end]. The parts of the period are disjoint, so a part for d wholly after the part for n can
    hold no pair (d <= n) and is left out."""
    parts = rollup_periods.ranges(start, end)
    return [(unit, first, last, next_unit, next_first, next_last)
            for unit, first, last in parts for next_unit, next_first, next_last in parts if first <= next_last]
