"""The report counters (`report_counts`), kept exact in the transaction of every change.

Design. Each case (Checkpoint referral, contract, DIVERT referral) adds 1 to a handful of counters: per measure
(referrals, started, ended:completed, breach:reoffended, active, assessed ...), per grouping and group key, on
the day it counts (services/rollup_facts.py), and again on that day's month and year. A report for any period
sums the rows of the few ranges of whole years, whole months and edge days that make it up
(domain/rollup_periods.py): a few hundred to a few thousand rows, read by the primary key, whatever the period
and however many cases. Medians come from histogram rows (`days` holds the value).

Exactness. A change to a case (or to what its figures depend on: the person's gender, ethnicity or date of
birth; a DIVERT event) takes the case's contribution *before* it changes and marks it pending; at the end of
the transaction (`before_commit`, or before a report is read inside it) the contribution of every pending case
is computed afresh and the difference applied with `INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n`:
- ORM writes are seen by a `before_flush` hook (changed rows: before; new rows: pending after the flush; a
  changed child row, a DIVERT event or a need score, recounts its parent case);
- the two bulk UPDATEs that move or scrub cases (merges, erasure) call `capture_people` first;
- a rollback forgets everything pending (the counters were not touched); a rollback to a savepoint forgets
  nothing (each pending case's contribution afterwards is computed afresh at the end, from what is left).
Concurrency (PostgreSQL, READ COMMITTED). A case's "before" must be what the last committed transaction left,
or two transactions that both change its figures (one through its person or referral, without updating the
case's row, so no version check stops it) would both subtract the same "before". So a case's person, then the
case, is locked (in id order, in a statement of its own) before its "before" is read: a second transaction waits
for the first to commit, and its next statement (a new snapshot) reads what the first left. A change to a person
locks the person (`FOR NO KEY UPDATE`) before finding their cases, and a new case locks its person the same way
before it is counted, so a case created while its person's details change is counted by exactly one of the two.
Both contributions are computed by the database with the same SELECT, so the rule lives once. Applying all of a
transaction's differences in one sorted statement at its end means two transactions lock counter rows in the
same order (no deadlock between them) and hold them only for the commit; two transactions bumping one counter
serialise on its row. Counters that reach 0 are kept (a report ignores them); `rebuild` drops them.

The distinct-people counters (services/people_counts.py) ride on these hooks: the people whose dated cases a
flush changes are locked in the same statement as the rest, and their streams captured there.

`flask --app wsgi reports rebuild` recomputes every counter from the cases (upgrades; after loading cases with
SQL); `--check` compares the reports with a full recount (services/report_recount.py).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from diversion import maintenance_limits
from diversion.domain import rollup_periods as periods
from diversion.models import CheckpointReferral, Contract, DivertEvent, DivertReferral, Person, ReportCount
from diversion.models import NeedsAssessment, NeedScore, OnwardReferral
from diversion.services import people_counts
from diversion.services.counter_sql import _constant, _unit_start
from diversion.services.rollup_facts import CONTRACTS, DIVERT_REFERRALS, KINDS, REFERRALS, Kind
from diversion.services.rollup_facts import NEEDS_ASSESSMENTS, ONWARD_REFERRALS
from diversion.services import reoffending_facts  # counted with the cases they follow (see _contribute)

TABLE = ReportCount.__table__
COLUMNS = ("scheme", "grouping", "unit", "day", "measure", "key", "days")
PENDING, DELTA = "rollups_pending", "rollups_delta"
CHUNK = 500

# What a report figure reads from each kind of row (a change to anything else changes no figure).
WATCHED = {
    CheckpointReferral: ("person_id", "person", "referral_date", "eligible", "offence_category", "age_band",
                         "status", "custody_suite_code"),
    Contract: ("person_id", "person", "referral_id", "referral", "navigator_id", "navigator", "status", "start_date",
               "deadline", "outcome_date", "outcome_reason"),
    DivertReferral: ("person_id", "person", "referral_date", "source", "substance", "age_band", "referral_number",
                     "ever_assessed", "status"),
    Person: ("gender", "ethnicity", "date_of_birth"),
    NeedsAssessment: ("assessed_on", "scores"),
    OnwardReferral: ("scheme", "service_code", "pathway", "referred_on", "started_on", "did_not_start"),
}
KIND_OF = {CheckpointReferral: REFERRALS, Contract: CONTRACTS, DivertReferral: DIVERT_REFERRALS,
           NeedsAssessment: NEEDS_ASSESSMENTS, OnwardReferral: ONWARD_REFERRALS}
# The kinds of case that belong to a person (a change to the person, a merge or an erasure recounts them).
PERSON_KINDS = tuple(kind for kind in KINDS if kind.by_person)
# Rows whose every change (new, edited, deleted) changes the figures of their parent case: (kind, id column, link).
CHILDREN = {NeedScore: (NEEDS_ASSESSMENTS, "assessment_id", "assessment")}


def install() -> None:
    """Hook every Session (once, at import of the app factory)."""
    for name, hook in (("before_flush", _before_flush), ("after_flush", _after_flush),
                       ("before_commit", settle), ("after_soft_rollback", _forget)):
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)
    people_counts.install()


def _pending(session: Session) -> dict[str, set[int]]:
    return session.info.setdefault(PENDING, {kind.name: set() for kind in KINDS})


def _delta(session: Session) -> Counter:
    return session.info.setdefault(DELTA, Counter())


def _forget(session: Session, previous=None) -> None:
    if previous is not None and previous.parent is not None:
        return  # a savepoint rolled back: the outer transaction's changes (and their "before") still stand
    session.info.pop(PENDING, None)
    session.info.pop(DELTA, None)


def _changed(obj, names: Iterable[str]) -> bool:
    state = sa.inspect(obj)
    return any(name in state.attrs and state.attrs[name].history.has_changes() for name in names)


def _before_flush(session: Session, _context, _instances) -> None:
    ids: dict[str, set[int]] = {kind.name: set() for kind in KINDS}
    people: set[int] = set()
    referrals_moved: set[int] = set()
    new_cases_of = {_person_id(obj) for obj in session.new if KIND_OF.get(type(obj)) in PERSON_KINDS} - {None}
    for obj in (*session.dirty, *session.deleted):
        model = type(obj)
        if model in KIND_OF and obj.id is not None and (obj in session.deleted or _changed(obj, WATCHED[model])):
            ids[KIND_OF[model].name].add(obj.id)
            if model is CheckpointReferral:
                referrals_moved.add(obj.id)  # its contract's figures read the referral's date, category, band
        elif model is Person and obj.id is not None and _changed(obj, WATCHED[Person]):
            people.add(obj.id)
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, DivertEvent):
            referral_id = obj.referral_id if obj.referral_id is not None else getattr(obj.referral, "id", None)
            if referral_id is not None:
                ids[DIVERT_REFERRALS.name].add(referral_id)
    for obj in (*session.new, *session.dirty, *session.deleted):
        if type(obj) in CHILDREN:
            kind, column, link = CHILDREN[type(obj)]
            parent_id = getattr(obj, column)
            parent_id = parent_id if parent_id is not None else getattr(getattr(obj, link), "id", None)
            if parent_id is not None:
                ids[kind.name].add(parent_id)
    connection = session.connection()
    streams_of = people_counts.changing(session)  # people whose dated cases change (services/people_counts.py)
    _lock(connection, Person.id, people | new_cases_of | streams_of)  # people before cases: the same order everywhere
    if connection.dialect.name == "postgresql":
        # While we waited for a lock, a merge may have committed that moved one of these cases to another person
        # (its row's version unchanged): read the cases' people again, now, and lock whoever joined, until no one does.
        joined = people_counts.changing(session) - streams_of
        while joined:
            _lock(connection, Person.id, joined)
            streams_of |= joined
            joined = people_counts.changing(session) - streams_of
    people_counts.capture(session, streams_of)
    if referrals_moved:
        ids[CONTRACTS.name] |= _ids(connection, Contract.id, Contract.referral_id, referrals_moved)
    _capture(session, ids)
    if people:
        capture_people(session, people)


def _after_flush(session: Session, _context) -> None:
    pending = _pending(session)
    for obj in session.new:
        kind = KIND_OF.get(type(obj))
        if kind is not None and obj.id is not None:
            pending[kind.name].add(obj.id)


def capture_people(session: Session, person_ids: Iterable[int]) -> None:
    """Before a statement that changes people or moves their cases without the ORM seeing it (merges, erasure):
    take the contribution of every case of these people now; settle() adds what they contribute afterwards."""
    person_ids = set(person_ids)
    if not person_ids:
        return
    connection = session.connection()
    _lock(connection, Person.id, person_ids)
    people_counts.capture(session, person_ids)
    _capture(session, {kind.name: _ids(connection, kind.model.id, kind.model.person_id, person_ids)
                       for kind in PERSON_KINDS})


def _ids(connection, column, by, values: set[int]) -> set[int]:
    found: set[int] = set()
    values = sorted(values)
    for start in range(0, len(values), CHUNK):
        found.update(connection.scalars(sa.select(column).where(by.in_(values[start:start + CHUNK]))))
    return found


def _person_id(case) -> int | None:
    """The id of a new case's person, when that person is already in the database."""
    if case.person_id is not None:
        return case.person_id
    person = case.person
    return person.id if person is not None and sa.inspect(person).has_identity else None


def _lock(connection, column, ids: set[int]) -> None:
    """PostgreSQL: lock these rows (in id order, so two transactions lock in the same order) in a statement of its
    own. A transaction that changed them and still holds them is waited for; the caller's next statement takes a new
    snapshot (READ COMMITTED) and so reads what it committed. (Reading the facts with FOR UPDATE in one statement
    would not: a row another transaction only locked is returned, after the wait, joined with the person and
    referral as they were when the statement began.) People are locked FOR NO KEY UPDATE, which does not stop other
    rows referring to them. SQLite runs one writing transaction at a time: nothing to do."""
    if not ids or connection.dialect.name != "postgresql":
        return
    ids = sorted(ids)
    for start in range(0, len(ids), CHUNK):
        connection.execute(sa.select(column).where(column.in_(ids[start:start + CHUNK])).order_by(column)
                           .with_for_update(of=column.table, key_share=column.table is Person.__table__))


def _capture(session: Session, ids: dict[str, set[int]]) -> None:
    pending = _pending(session)
    connection = session.connection()
    new = {kind.name: ids.get(kind.name, set()) - pending[kind.name] for kind in KINDS}
    if connection.dialect.name == "postgresql" and any(new.values()):
        # the cases' people first, then the cases: every transaction takes its locks in the same order
        _lock(connection, Person.id, set().union(*(_ids(connection, kind.model.person_id, kind.model.id, new[kind.name])
                                                   for kind in PERSON_KINDS if new[kind.name])) - {None})
    for kind in KINDS:
        if new[kind.name]:
            _lock(connection, kind.model.id, new[kind.name])
            _contribute(connection, kind, new[kind.name], -1, _delta(session))
            pending[kind.name] |= new[kind.name]


def settle(session: Session) -> None:
    """Bring the counters up to date with everything this transaction has changed (before it commits, and before
    a report is read inside it)."""
    if session.info.get(PENDING) is None and not session.new and not session.dirty and not session.deleted:
        return
    session.flush()
    pending = session.info.get(PENDING)
    if not pending or not any(pending.values()):
        return
    connection = session.connection()
    delta = _delta(session)
    for kind in KINDS:
        if pending[kind.name]:
            _contribute(connection, kind, pending[kind.name], +1, delta)
    _apply(connection, delta)
    _forget(session)


def _contribute(connection, kind: Kind, ids: set[int], sign: int, into: Counter) -> None:
    """Add `sign` x what the cases `ids` count for, as they stand in the database now, to `into`."""
    for companion in reoffending_facts.COMPANIONS.get(kind.name, ()):  # the same cases' reoffending counters
        _contribute(connection, companion, ids, sign, into)
    ids = sorted(ids)
    for start in range(0, len(ids), CHUNK):
        rows = connection.execute(kind.facts().where(kind.model.id.in_(ids[start:start + CHUNK]))).mappings()
        for row in rows:
            for measure in kind.measures:
                day = row[measure.day]
                if day is None:
                    continue
                name = kind.measure_name(measure, row)
                days = row[measure.days] if measure.days else 0
                for grouping in kind.groupings:
                    key = row["k_" + grouping]
                    for unit in periods.UNITS:
                        into[(kind.scheme, grouping, unit, periods.unit_start(unit, day), name, key, days)] += sign


def _insert():
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return pg_insert, sqlite_insert


def _apply(connection, delta: Counter) -> None:
    """Add the differences to the counters: one statement per 500 rows, in primary-key order."""
    rows = [dict(zip(COLUMNS, key), n=n) for key, n in sorted(delta.items()) if n]
    if not rows:
        return
    pg_insert, sqlite_insert = _insert()
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    for start in range(0, len(rows), CHUNK):
        statement = insert(TABLE).values(rows[start:start + CHUNK])
        connection.execute(statement.on_conflict_do_update(index_elements=list(COLUMNS),
                                                           set_={"n": TABLE.c.n + statement.excluded.n}))


# ---- rebuild: every counter from the cases, in SQL ----------------------------------------------------------

def rebuild(connection, *, people: bool = True) -> int:
    """Recompute every counter from the cases (deleting the old ones), and with `people` the distinct-people
    counters too (services/people_counts.py); returns how many rows it wrote. Set-based: each kind's facts go once
    into a temporary table, then one INSERT ... SELECT ... GROUP BY per grouping and measure, then months and
    years from the days. Maintenance, not a request: on PostgreSQL the requests' limits are lifted for this
    transaction (a national database's rebuild, in an upgrade too, takes minutes)."""
    maintenance_limits.lift(connection)
    connection.execute(TABLE.delete())
    for kind in (*KINDS, *reoffending_facts.KINDS):
        _rebuild_days(connection, kind)
    for unit in (periods.MONTH, periods.YEAR):
        start = _unit_start(unit, TABLE.c.day)
        days = sa.select(TABLE.c.scheme, TABLE.c.grouping, _constant(unit), start,
                         TABLE.c.measure, TABLE.c.key, TABLE.c.days, sa.func.sum(TABLE.c.n)) \
            .where(TABLE.c.unit == periods.DAY) \
            .group_by(TABLE.c.scheme, TABLE.c.grouping, start, TABLE.c.measure, TABLE.c.key, TABLE.c.days)
        connection.execute(TABLE.insert().from_select([*COLUMNS, "n"], days))
    people_rows = people_counts.rebuild(connection) if people else 0
    return connection.scalar(sa.select(sa.func.count()).select_from(TABLE)) + people_rows


def _rebuild_days(connection, kind: Kind) -> None:
    name = f"rollup_facts_{kind.name}"
    facts = kind.facts().compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    connection.execute(sa.text(f"DROP TABLE IF EXISTS {name}"))
    connection.exec_driver_sql(f"CREATE TEMPORARY TABLE {name} AS {facts}")
    table = sa.table(name, *(sa.column(c.name) for c in kind.facts().selected_columns))
    for measure in kind.measures:
        day = table.c[measure.day]
        named = measure.name is None
        measure_name = table.c[measure.name_column] if named else _constant(measure.name)
        days = table.c[measure.days] if measure.days else _constant(0)
        for grouping in kind.groupings:
            key = table.c["k_" + grouping]
            grouped = [day, key, *([measure_name] if named else []), *([days] if measure.days else [])]
            rows = (sa.select(_constant(kind.scheme), _constant(grouping), _constant(periods.DAY), day,
                              measure_name, key, days, sa.func.count())
                    .where(day.is_not(None)).group_by(*grouped))
            connection.execute(TABLE.insert().from_select([*COLUMNS, "n"], rows))
    connection.execute(sa.text(f"DROP TABLE {name}"))
