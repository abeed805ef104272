"""Distinct people from event and pair counters (domain/people_periods.py) equal a direct count, for random
people's event days (same-day events included) and random periods, read through the unit cells and ranges."""
from collections import Counter
from datetime import date, timedelta

from hypothesis import given, settings, strategies as st

from diversion.domain import people_periods as pp

EPOCH = date(2019, 12, 20)
days = st.integers(0, 800).map(lambda n: EPOCH + timedelta(days=n))
streams = st.lists(st.lists(days, min_size=1, max_size=6), max_size=8)
periods = st.tuples(days, days).map(sorted)


def _counters(people):
    events, pairs = Counter(), Counter()
    for person in people:
        made = pp.contribution(person)
        for series, found, linked in (("all", made.events, made.pairs), ("first", made.first, made.first_pair)):
            for day in found:
                for cell in pp.event_cells(day):
                    events[(series, *cell)] += 1
            for day, next_day in linked:
                for cell in pp.pair_cells(day, next_day):
                    pairs[(series, *cell)] += 1
    return events, pairs


def _read(events, pairs, series, start, end):
    added = sum(n for (s, unit, day), n in events.items() if s == series and any(
        unit == u and first <= day <= last for u, first, last in pp.event_ranges(start, end)))
    taken = sum(n for (s, unit, day, next_unit, next_day), n in pairs.items() if s == series and any(
        unit == u and next_unit == nu and first <= day <= last and next_first <= next_day <= next_last
        for u, first, last, nu, next_first, next_last in pp.pair_ranges(start, end)))
    return added - taken


@settings(max_examples=300, deadline=None)
@given(streams, periods)
def test_people_and_people_seen_more_than_once_from_the_counters_equal_a_direct_count(people, period):
    start, end = period
    events, pairs = _counters(people)
    in_period = [p for p in people if any(start <= d <= end for d in p)]
    repeated = [p for p in in_period if sum(d <= end for d in p) > 1]
    found = _read(events, pairs, "all", start, end)
    assert found == len(in_period)
    assert found - _read(events, pairs, "first", start, end) == len(repeated)


@given(periods)
def test_the_pair_ranges_cover_each_ordered_pair_of_days_of_the_period_once(period):
    start, end = period
    ranges = pp.pair_ranges(start, end)
    probe = [start, end, start + (end - start) // 2, start + (end - start) // 3]
    for d in probe:
        for n in probe:
            if d <= n:
                cells = set(pp.pair_cells(d, n))
                hits = [r for r in ranges if any(c[0] == r[0] and c[2] == r[3] and r[1] <= c[1] <= r[2]
                                                 and r[4] <= c[3] <= r[5] for c in cells)]
                assert len(hits) == 1, (d, n, hits)


def test_same_day_events_make_a_pair_on_that_day_whatever_their_order():
    day = date(2026, 3, 4)
    made = pp.contribution([day + timedelta(days=9), day, day])
    assert made.pairs == ((day, day), (day, day + timedelta(days=9)))
    assert made.first_pair == ((day, day),)


def _starts(unit, first, last):
    found, cursor = [], first
    while cursor <= last:
        found.append(cursor)
        cursor = pp.rollup_periods.unit_start(unit, cursor + timedelta(days={"d": 1, "m": 32, "y": 366}[unit]))
    return found


def test_ten_years_read_at_most_a_few_thousand_cells():
    cells = 0
    for unit, first, last, next_unit, next_first, next_last in pp.pair_ranges(date(2016, 1, 15), date(2026, 1, 14)):
        cells += sum(1 for d in _starts(unit, first, last) for n in _starts(next_unit, next_first, next_last)
                     if d <= n or unit != "d" or next_unit != "d")
    assert 1000 < cells < 5000, cells
