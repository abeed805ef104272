"""The Drug Testing on Arrest monthly return: counts from two GROUP BY queries, the arithmetic in
domain/dtoa_return.py (where the counting rule is written down).

Two statements whatever the number of tests or months asked for:
  1. tests of the months by (month, result, trigger offence), found by ix_dtoa_tests_test_date;
  2. the positive tests of the months by (month, which kinds of event each has had), found by the same index and
     joined to their events by ix_dtoa_events_test_id; the inner query groups a test's events into one row of
     flags, the outer counts tests per pattern of flags (at most 2^8 patterns a month).
No row of a test reaches Python: only counts.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from diversion import clock
from diversion.domain import dtoa_return as rules
from diversion.domain.dtoa import EVENTS, POSITIVE_RESULTS
from diversion.erased_records import INCLUDE as INCLUDE_ERASED
from diversion.errors import ValidationFailed
from diversion.reporting_db import reporting_session
from diversion.models import DrugTest, DrugTestEvent
from diversion.services.report_sql import year_month

# Erased people's tests still count: their coded facts stay so that a return does not change (erased_records).
FIGURES = {INCLUDE_ERASED: True}
EVENT_KINDS = tuple(EVENTS)


def month_arg(args, today: date | None = None) -> date:
    """The first day of the month asked for as `month=YYYY-MM`; 422 naming `month` when it is missing, not a month,
    or in the future."""
    today = today or clock.today()
    first = rules.parse_month(args.get("month"))
    problem = rules.month_problem(first, today)
    if problem:
        raise ValidationFailed(fields={"month": [problem]})
    return first


def arguments(args, today: date | None = None) -> tuple[date, str | None]:
    """The API's query: the month (as month_arg) and `format` (json, csv or none given); one 422 naming both."""
    problems: dict[str, list[str]] = {}
    try:
        first = month_arg(args, today)
    except ValidationFailed as failure:
        problems.update(failure.fields)
        first = None
    chosen = args.get("format") or None
    if chosen not in (None, "json", "csv"):
        problems["format"] = ["Choose json or csv"]
    if problems:
        raise ValidationFailed(fields=problems)
    return first, chosen


def counts_by_month(first: date, last: date) -> dict[str, tuple[list, list]]:
    """{"YYYY-MM": (tests, progress)} for every month from `first` to the end of `last`'s month, months without a
    test included (with empty lists): the tuples domain/dtoa_return.figures takes."""
    start, end = first.replace(day=1), rules.last_day(last.replace(day=1))
    months: dict[str, tuple[list, list]] = {}
    cursor = start
    while cursor <= end:
        months[f"{cursor:%Y-%m}"] = ([], [])
        cursor = rules.next_month(cursor)
    in_period = DrugTest.test_date.between(start, end)
    month = year_month(DrugTest.test_date).label("m")
    tests = sa.select(month, DrugTest.result, DrugTest.trigger_offence, sa.func.count()).where(in_period) \
        .group_by(month, DrugTest.result, DrugTest.trigger_offence)
    for m, result, trigger, count in reporting_session().execute(tests, execution_options=FIGURES):
        months[m][0].append((result, bool(trigger), count))
    for m, events, count in _progress(in_period):
        months[m][1].append((events, count))
    return months


def _progress(in_period):
    flags = [sa.func.max(sa.case((DrugTestEvent.event == kind, 1), else_=0)).label(f"e{i}")
             for i, kind in enumerate(EVENT_KINDS)]
    per_test = (sa.select(year_month(DrugTest.test_date).label("m"), *flags)
                .select_from(DrugTest).outerjoin(DrugTestEvent, DrugTestEvent.test_id == DrugTest.id)
                .where(in_period, DrugTest.result.in_(sorted(POSITIVE_RESULTS)))
                .group_by(DrugTest.id, DrugTest.test_date).subquery())
    columns = [per_test.c[f"e{i}"] for i in range(len(EVENT_KINDS))]
    patterns = sa.select(per_test.c.m, *columns, sa.func.count()).group_by(per_test.c.m, *columns)
    for m, *row in reporting_session().execute(patterns, execution_options=FIGURES):
        *marks, count = row
        yield m, frozenset(kind for kind, mark in zip(EVENT_KINDS, marks) if mark), count


def _with_rates(counts: dict) -> dict:
    return {**counts, "rates": rules.rates(counts)}


def monthly_return(first: date, today: date | None = None) -> dict:
    """The contract's monthly return for the month starting `first` (its keys, then this app's extras)."""
    today = today or clock.today()
    tests, progress = counts_by_month(first, first)[f"{first:%Y-%m}"]
    return _shaped(f"{first:%Y-%m}", first, rules.last_day(first), rules.figures(tests, progress), today)


def _shaped(label: str, start: date, end: date, counts: dict, today: date) -> dict:
    ordered = {"month": label, **{key: counts[key] for key in rules.CONTRACT_KEYS},
               **{key: counts[key] for key in rules.EXTRA_KEYS}}
    return {**_with_rates(ordered), "period": {"from": start.isoformat(), "to": end.isoformat()},
            "as_of": today.isoformat(), "counting": "cohort"}


def page_figures(first: date, today: date | None = None) -> dict:
    """What the manager's page shows: the month, the month before, the year to date (January to the month) and
    the twelve months to the month, from one pair of queries."""
    today = today or clock.today()
    trend_months = rules.months_back(first, 12)
    earliest = min(trend_months[0], first.replace(month=1))
    by_month = counts_by_month(earliest, first)
    figures = {m: rules.figures(*by_month[m]) for m in by_month}
    previous = rules.previous_month(first)
    year = [f"{m:%Y-%m}" for m in _months(first.replace(month=1), first)]
    year_tests = [t for m in year for t in by_month[m][0]]
    year_progress = [p for m in year for p in by_month[m][1]]
    previous_counts = figures[f"{previous:%Y-%m}"]  # the twelve months of the trend hold it, January or not
    return {
        "month": _shaped(f"{first:%Y-%m}", first, rules.last_day(first), figures[f"{first:%Y-%m}"], today),
        "previous": _shaped(f"{previous:%Y-%m}", previous, rules.last_day(previous), previous_counts, today),
        "year_to_date": _shaped(f"{first:%Y}-01 to {first:%Y-%m}", first.replace(month=1), rules.last_day(first),
                                rules.figures(year_tests, year_progress), today),
        "trend": [{"month": m, **figures[f"{m:%Y-%m}"]} for m in trend_months],
    }


def _months(first: date, last: date) -> list[date]:
    months, cursor = [], first
    while cursor <= last:
        months.append(cursor)
        cursor = rules.next_month(cursor)
    return months


CSV_HEADER = ("Figure", "Code", "Value", "95% interval low", "95% interval high")


def csv_rows(report: dict):
    """The return as a spreadsheet: one row a figure (words, the API's key, the value), then the rates with their
    intervals. The same numbers as the JSON."""
    yield CSV_HEADER
    yield ("Month", "month", report["month"], None, None)
    yield ("As of", "as_of", report["as_of"], None, None)
    for key, value in rules.flat(report).items():
        yield (rules.LABELS[key], key, value, None, None)
    for name, (_n, _d, meaning) in rules.RATES.items():
        figure = report["rates"][name]
        low, high = figure["ci95"] or (None, None)
        yield (meaning, f"rates.{name}", figure["rate"], low, high)
