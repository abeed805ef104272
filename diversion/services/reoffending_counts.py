"""The proven reoffending figures read from the report counters (`report_counts`, scheme "reoffending"): three
statements reading the primary key, a few hundred rows whatever the number of cases and whatever the period.

What each case counts for is in services/reoffending_facts.py; services/rollups.py keeps those counters exact in
the transaction of every change to a case or a person (merges and erasures too), and
services/reoffending_import_counts.py when reoffences are imported.

Same figures, same shape as reoffending_recount.figures.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import sqlalchemy as sa

from diversion import maintenance_limits
from diversion.domain import rollup_periods
from diversion.extensions import db
from diversion.models import ReportCount
from diversion.reporting_db import reporting_session
from diversion.services import counter_batch, reports, rollups
from diversion.services import reoffending_facts as facts
from diversion.services.rollup_facts import EVERYONE
from diversion.services.counter_sql import _constant, _unit_start

TABLE = ReportCount.__table__
GROUPS = (*facts.CONTRACT_GROUPS, *facts.DIVERT_GROUPS)


def unsettled(session) -> bool:
    """Has this transaction changed cases (or their people, or reoffences) it has not yet counted? Then the
    counters are behind it until services/rollups.settle, and the figures are read from the cases instead."""
    session.flush()
    pending = session.info.get(rollups.PENDING)
    return bool(pending and any(pending.values()))


def _period(start: date, end: date):
    parts = [sa.and_(TABLE.c.unit == unit, TABLE.c.day.between(first, last))
             for unit, first, last in rollup_periods.ranges(start, end)]
    return sa.or_(*parts) if parts else sa.false()


def _read(statement):
    """The statement's rows: prefetched with the page's other counters (services/counter_batch.py), or read now."""
    rows = counter_batch.take(db.session, statement)
    if rows is not None:
        return rows
    return reporting_session().execute(statement, execution_options=reports.FIGURES).all()


def _measures(months: int) -> dict[str, str]:
    wanted = {group: group for group in GROUPS}
    wanted.update({facts.reoffended_measure(months, group): group for group in GROUPS})
    return wanted


def _during_names() -> tuple[dict, dict]:
    names = {facts.DURING + g: (g, 0) for g in facts.CONTRACT_GROUPS}
    names.update({facts.DURING_REOFFENDED + g: (g, 1) for g in facts.CONTRACT_GROUPS})
    open_names = {facts.OPEN + g: (g, 0) for g in facts.CONTRACT_GROUPS}
    open_names.update({facts.OPEN_REOFFENDED + g: (g, 1) for g in facts.CONTRACT_GROUPS})
    return names, open_names


def statements(start: date, last: date, end: date, months: int, grouped: str | None, today: date) -> list:
    """The three statements `figures` reads, in its order: the cohort's counters, the contracts started in the
    period, and those of them not over by today."""
    n = sa.cast(sa.func.sum(TABLE.c.n), sa.BigInteger).label("n")
    names, open_names = _during_names()
    return [
        sa.select(TABLE.c.measure, TABLE.c.key, n)
        .where(TABLE.c.scheme == facts.SCHEME, TABLE.c.grouping == (grouped or EVERYONE), _period(start, last),
               TABLE.c.measure.in_(sorted(_measures(months))))
        .group_by(TABLE.c.measure, TABLE.c.key),
        sa.select(TABLE.c.measure, n)
        .where(TABLE.c.scheme == facts.SCHEME, TABLE.c.grouping == EVERYONE, _period(start, end),
               TABLE.c.measure.in_(sorted(names))).group_by(TABLE.c.measure),
        sa.select(TABLE.c.day, TABLE.c.measure, TABLE.c.days, TABLE.c.n)
        .where(TABLE.c.scheme == facts.SCHEME, TABLE.c.grouping == EVERYONE, TABLE.c.unit == rollup_periods.DAY,
               TABLE.c.day >= today, TABLE.c.measure.in_(sorted(open_names)))]


def figures(start: date, last: date, end: date, months: int, grouped: str | None, today: date):
    """Starts from `start` to `last` followed up for `months`; contracts started `start` to `end` over by
    `today` for reoffending during the contract."""
    wanted = _measures(months)
    cohort_statement, started, not_over = statements(start, last, end, months, grouped, today)
    cohort: dict = defaultdict(lambda: [0, 0])
    for measure, key, count in _read(cohort_statement):
        cohort[(wanted[measure], key if grouped else reports.OVERALL)][0 if measure in GROUPS else 1] += count
    cohort = defaultdict(lambda: [0, 0], {k: v for k, v in cohort.items() if v[0]})
    return cohort, _during_contract(start, end, started, not_over)


def _during_contract(start: date, end: date, started, not_over) -> dict:
    """Contracts started from `start` to `end` (every one, counted on its start day) less those not over by
    `today` (the day rows of their "ended" day, today or later; each row's `days` is the contract's length)."""
    names, open_names = _during_names()
    found: dict = defaultdict(lambda: [0, 0])
    for measure, count in _read(started):
        group, which = names[measure]
        found[group][which] += count
    for day, measure, length, count in _read(not_over):
        if start <= day - timedelta(days=length) <= end:
            group, which = open_names[measure]
            found[group][which] -= count
    return {group: tuple(values) for group, values in found.items() if values[0]}


def rebuild(connection) -> None:
    """Recompute the reoffending counters (only) from the cases, set-based: for the upgrade that adds them."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SET LOCAL jit = off"))  # compiling the facts' expressions took seconds
    maintenance_limits.lift(connection)  # an upgrade's work, not a web request's
    connection.execute(TABLE.delete().where(TABLE.c.scheme == facts.SCHEME))
    for kind in facts.KINDS:
        rollups._rebuild_days(connection, kind)
    for unit in (rollup_periods.MONTH, rollup_periods.YEAR):
        first = _unit_start(unit, TABLE.c.day)
        days = (sa.select(TABLE.c.scheme, TABLE.c.grouping, _constant(unit), first, TABLE.c.measure, TABLE.c.key,
                          TABLE.c.days, sa.func.sum(TABLE.c.n))
                .where(TABLE.c.scheme == facts.SCHEME, TABLE.c.unit == rollup_periods.DAY)
                .group_by(TABLE.c.scheme, TABLE.c.grouping, first, TABLE.c.measure, TABLE.c.key, TABLE.c.days))
        connection.execute(TABLE.insert().from_select([*rollups.COLUMNS, "n"], days))
