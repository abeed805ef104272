"""Keeping the reoffending counters (services/reoffending_facts.py) exact when reoffences arrive.

An import (services/reoffending_staging.merge) adds up to a million records set-based; the counters of the cases
of the people they name are recounted set-based too, in the import's transaction: only those people's cases, and
only the measures a reoffence can change.
  1. `before_import` (before the records are matched and added): the people the import can touch (a PNC id in the
     extract, or one that matches a record no one held so far), as the record kept when merged, and only those
     with a case, go into a temporary table; on PostgreSQL they are locked (id order, a statement of its own, as
     services/rollups.py locks a case's person) so that a change to one of their cases waits for the import, or
     the import for it; then the facts of their cases (reoffending_facts) are taken into temporary tables.
  2. `after_table_lock`: people a concurrent import made matchable while this one waited are added (step 1 for
     them alone).
  3. `after_import`: the same cases' facts again; the cases whose facts changed (EXCEPT, each way) give their
     before with a minus sign and their after with a plus sign, for the measures a reoffence can change; the
     differences, summed per counter with the months and years they fall in, are added to report_counts in
     primary-key order (the order services/rollups.py applies its own in, so the two never deadlock).
Anything pending in the session (cases changed and not yet counted) is settled first, so that no case is counted
by both this and services/rollups.settle.

A reoffence written through the ORM (a test, a script) is caught by a flush hook instead: the cases of its person
(and of the record it was merged into) are taken by rollups.capture_people, like any change to a person.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from diversion.domain import reoffending as rules
from diversion.domain import rollup_periods as periods
from diversion.models import Person, Reoffence, ReportCount
from diversion.services import rollups
from diversion.services import reoffending_facts as facts
from diversion.services.counter_sql import _constant, _unit_start

PEOPLE, DELTA, NEW = "reoffending_people", "reoffending_delta", "reoffending_new"
BEFORE, AFTER = "before", "after"
PHASES = (BEFORE, AFTER)
STAGING = "reoffence_staging"  # services/reoffending_staging.STAGING
TABLE = ReportCount.__table__
# The facts' day columns that depend on reoffences (the rest an import cannot change).
DEPEND_ON_REOFFENCES = {f"d_r{months}" for months in rules.FOLLOW_UPS} | {"d_during_r", "d_open_r"}
# The people an import can touch, as the record kept when merged: those named in the extract, and those whose PNC id
# matches a record no one held so far (match_earlier); then only those with a case.
_NAMED = (f"SELECT coalesce(p.merged_into_id, p.id) AS id FROM {STAGING} s JOIN people p ON p.pnc_id = s.pnc_id")
_MATCHABLE = ("SELECT coalesce(p.merged_into_id, p.id) AS id FROM people p WHERE p.pnc_id IS NOT NULL "
              "AND EXISTS (SELECT 1 FROM reoffences r WHERE r.pnc_id = p.pnc_id AND r.person_id IS NULL)")


def _add_people(connection, target: str, *sources: str) -> None:
    connection.execute(sa.text(
        f"INSERT INTO {target} (id) SELECT k.id FROM (SELECT DISTINCT id FROM ({' UNION ALL '.join(sources)}) u) k "
        "WHERE (EXISTS (SELECT 1 FROM contracts c WHERE c.person_id = k.id) "
        "       OR EXISTS (SELECT 1 FROM divert_referrals d WHERE d.person_id = k.id)) "
        f"AND NOT EXISTS (SELECT 1 FROM {PEOPLE} a WHERE a.id = k.id)"))


def _temp(connection) -> str:
    return "pg_temp." if connection.dialect.name == "postgresql" else "temp."


def before_import(session: Session) -> None:
    rollups.settle(session)
    connection = session.connection()
    _drop(connection, PEOPLE, DELTA, NEW, *(_facts_table(kind, phase) for kind in facts.KINDS for phase in PHASES))
    connection.execute(sa.text(f"CREATE TEMPORARY TABLE {PEOPLE} (id integer PRIMARY KEY)"))
    connection.execute(sa.text(f"CREATE TEMPORARY TABLE {DELTA} (scheme varchar(12), grouping varchar(20), "
                               "unit varchar(1), day date, measure varchar(80), key varchar(64), days integer, "
                               "n bigint)"))
    _add_people(connection, PEOPLE, _NAMED, _MATCHABLE)
    _create(connection, BEFORE)
    _lock_and_take(connection, PEOPLE)


def after_table_lock(session: Session) -> None:
    connection = session.connection()
    connection.execute(sa.text(f"CREATE TEMPORARY TABLE {NEW} (id integer PRIMARY KEY)"))
    _add_people(connection, NEW, _MATCHABLE)
    if connection.execute(sa.text(f"SELECT count(*) FROM {NEW}")).scalar_one():
        _lock_and_take(connection, NEW)
        connection.execute(sa.text(f"INSERT INTO {PEOPLE} (id) SELECT id FROM {NEW}"))
    _drop(connection, NEW)


def after_import(session: Session) -> None:
    connection = session.connection()
    _create(connection, AFTER)
    _take(connection, PEOPLE, AFTER)
    for kind in facts.KINDS:
        _differences(connection, kind)
    _apply(connection)
    _drop(connection, PEOPLE, DELTA, *(_facts_table(kind, phase) for kind in facts.KINDS for phase in PHASES))


def _drop(connection, *names: str) -> None:
    for name in names:
        connection.execute(sa.text(f"DROP TABLE IF EXISTS {_temp(connection)}{name}"))


def _facts_table(kind, phase: str) -> str:
    return f"reoffending_{phase}_{kind.name}"


def _lock_and_take(connection, people: str) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text(f"SELECT p.id FROM people p JOIN {people} a ON a.id = p.id "
                                   "ORDER BY p.id FOR NO KEY UPDATE OF p"))
    _take(connection, people, BEFORE)


def _create(connection, phase: str) -> None:
    """The phase's facts tables, empty (the columns of each kind's facts)."""
    for kind in facts.KINDS:
        empty = kind.facts().where(sa.false()).compile(dialect=connection.dialect,
                                                        compile_kwargs={"literal_binds": True})
        connection.exec_driver_sql(f"CREATE TEMPORARY TABLE {_facts_table(kind, phase)} AS {empty}")


def _take(connection, people: str, phase: str) -> None:
    """The facts of every case of these people, as they stand now, into the phase's tables."""
    whose = sa.select(sa.table(people, sa.column("id")).c.id)
    for kind in facts.KINDS:
        statement = kind.facts().where(kind.model.person_id.in_(whose))
        compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
        connection.exec_driver_sql(f"INSERT INTO {_facts_table(kind, phase)} {compiled}")


def _differences(connection, kind) -> None:
    """The cases whose facts changed: their facts before with a minus sign and after with a plus sign (only the
    measures a reoffence can change), into the differences (day rows)."""
    before, after, name = _facts_table(kind, BEFORE), _facts_table(kind, AFTER), f"reoffending_changed_{kind.name}"
    connection.execute(sa.text(f"CREATE TEMPORARY TABLE {name} AS "
                               f"SELECT -1 AS sign, b.* FROM (SELECT * FROM {before} EXCEPT SELECT * FROM {after}) b "
                               f"UNION ALL "
                               f"SELECT 1 AS sign, a.* FROM (SELECT * FROM {after} EXCEPT SELECT * FROM {before}) a"))
    changed = sa.table(name, sa.column("sign"), *(sa.column(c.name) for c in kind.facts().selected_columns))
    delta = sa.table(DELTA, *(sa.column(c) for c in (*rollups.COLUMNS, "n")))
    for measure in kind.measures:
        if measure.day not in DEPEND_ON_REOFFENCES:
            continue
        day = changed.c[measure.day]
        measure_name = changed.c[measure.name_column] if measure.name is None else _constant(measure.name)
        days = changed.c[measure.days] if measure.days else _constant(0)
        for grouping in kind.groupings:
            key = changed.c["k_" + grouping]
            rows = (sa.select(_constant(kind.scheme), _constant(grouping), _constant(periods.DAY), day,
                              measure_name, key, days, sa.func.sum(changed.c.sign))
                    .where(day.is_not(None))
                    .group_by(day, key, measure_name, *([days] if measure.days else [])))
            connection.execute(delta.insert().from_select([*rollups.COLUMNS, "n"], rows))
    _drop(connection, name)


def _apply(connection) -> None:
    """The differences summed per counter, with their months and years, added to report_counts in key order."""
    delta = sa.table(DELTA, *(sa.column(c) for c in (*rollups.COLUMNS, "n")))
    for unit in (periods.MONTH, periods.YEAR):
        first = _unit_start(unit, delta.c.day)
        connection.execute(delta.insert().from_select(
            [*rollups.COLUMNS, "n"],
            sa.select(delta.c.scheme, delta.c.grouping, _constant(unit), first, delta.c.measure, delta.c.key,
                      delta.c.days, sa.func.sum(delta.c.n))
            .where(delta.c.unit == periods.DAY)
            .group_by(delta.c.scheme, delta.c.grouping, first, delta.c.measure, delta.c.key, delta.c.days)))
    columns = [delta.c[c] for c in rollups.COLUMNS]
    # In the order rollups._apply sorts its rows in (Python's, by code point: PostgreSQL's "C" collation).
    texts = {"scheme", "grouping", "unit", "measure", "key"}
    order = [sa.collate(c, "C") if c.name in texts and connection.dialect.name == "postgresql" else c
             for c in columns]
    summed = (sa.select(*columns, sa.func.sum(delta.c.n)).where(sa.true()).group_by(*columns)
              .having(sa.func.sum(delta.c.n) != 0).order_by(*order))
    pg_insert, sqlite_insert = rollups._insert()
    insert = (pg_insert if connection.dialect.name == "postgresql" else sqlite_insert)(TABLE)
    statement = insert.from_select([*rollups.COLUMNS, "n"], summed)
    connection.execute(statement.on_conflict_do_update(index_elements=list(rollups.COLUMNS),
                                                       set_={"n": TABLE.c.n + statement.excluded.n}))


# ---- reoffences written through the ORM ----------------------------------------------------------------------

def install() -> None:
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)


def _before_flush(session: Session, _context, _instances) -> None:
    people: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Reoffence):
            history = sa.inspect(obj).attrs.person_id.history
            people.update(p for p in (obj.person_id, *history.deleted) if p is not None)
    if people:
        kept = session.connection().scalars(sa.select(Person.merged_into_id).where(
            Person.id.in_(sorted(people)), Person.merged_into_id.is_not(None)))
        rollups.capture_people(session, people | set(kept))
