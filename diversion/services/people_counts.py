"""The distinct-people figures (people referred to DIVERT, people diverted, people seen more than once) read from
counters (`people_event_counts`, `people_pair_counts`) kept exact in the transaction of every change: a period of
ten years reads a few thousand counter rows by the primary key, however many cases there are. The arithmetic is
domain/people_periods.py; the same figures counted from the cases are services/report_recount.py.

Streams. A stream is the days of some of a person's cases: `divert` (DIVERT referral dates), `contract` (contract
start dates), `diverted` (both of those), `referred` (Checkpoint and DIVERT referral dates). What a person adds
to the counters depends only on the sorted days of their streams.

Exactness, as services/rollups.py does it for the case counters (and inside its hooks, so that people are locked
in one statement with the rest): before a change that can alter a person's streams (a case added, deleted, moved
to another person, its date changed; a merge's bulk UPDATE, through `rollups.capture_people`) the person is
locked and what they add now is subtracted; at the end of the transaction (`settle`: before commit, or before a
figure is read inside it) what each such person adds afterwards is added, in one sorted INSERT ... ON CONFLICT
per table. A person created in the transaction added nothing before it. A rollback forgets everything pending; a
rollback to a savepoint forgets nothing (what a person adds afterwards is computed afresh at the end).
"""
from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from diversion import maintenance_limits
from diversion.domain import people_periods as pp
from diversion.models import CheckpointReferral, Contract, DivertReferral, PeopleEventCount, PeoplePairCount, Person

EVENTS, PAIRS = PeopleEventCount.__table__, PeoplePairCount.__table__
EVENT_COLUMNS = ("stream", "series", "unit", "day")
PAIR_COLUMNS = ("stream", "series", "unit", "next_unit", "day", "next_day")
ALL, FIRST = "all", "first"
CAPTURED, DELTA = "people_counts_captured", "people_counts_delta"
CHUNK = 500

# The dated cases a stream is made of: (model, its date column).
SOURCES = {"checkpoint_referral": (CheckpointReferral, CheckpointReferral.referral_date),
           "contract": (Contract, Contract.start_date),
           "divert_referral": (DivertReferral, DivertReferral.referral_date)}
WATCHED = {model: ("person_id", "person", column.key) for model, column in SOURCES.values()}


@dataclass(frozen=True)
class Stream:
    name: str
    sources: tuple[str, ...]
    firsts: bool  # keep the first events and first pairs too ("seen more than once")


DIVERT, CONTRACTS, DIVERTED, REFERRED = (Stream("divert", ("divert_referral",), True),
                                         Stream("contract", ("contract",), False),
                                         Stream("diverted", ("contract", "divert_referral"), False),
                                         Stream("referred", ("checkpoint_referral", "divert_referral"), True))
STREAMS = (DIVERT, CONTRACTS, DIVERTED, REFERRED)


def install() -> None:
    """Hook every Session (rollups.install calls this; the capture before a flush is called by rollups' own
    before_flush hook, which locks these people with its own)."""
    for name, hook in (("after_flush", _after_flush), ("before_commit", settle), ("after_soft_rollback", _forget)):
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)


def _captured(session: Session) -> set[int]:
    return session.info.setdefault(CAPTURED, set())


def _delta(session: Session) -> Counter:
    return session.info.setdefault(DELTA, Counter())


def _forget(session: Session, previous=None) -> None:
    if previous is not None and previous.parent is not None:
        return  # a savepoint rolled back: what was captured before it still stands
    session.info.pop(CAPTURED, None)
    session.info.pop(DELTA, None)


def _changed(obj, names: Iterable[str]) -> bool:
    state = sa.inspect(obj)
    return any(name in state.attrs and state.attrs[name].history.has_changes() for name in names)


def changing(session: Session) -> set[int]:
    """The people (already in the database) whose streams the coming flush changes: the person a case leaves and
    the one it joins, a deleted case's person, a new case's person."""
    found: set[int] = set()
    stored: dict[type, set[int]] = defaultdict(set)
    for obj in (*session.new, *session.dirty, *session.deleted):
        model = type(obj)
        if model not in WATCHED:
            continue
        state = sa.inspect(obj)
        if obj in session.new or obj in session.deleted or _changed(obj, WATCHED[model]):
            history = state.attrs.person_id.history
            found.update(v for v in (*history.deleted, *history.unchanged, *history.added) if v is not None)
            person = state.dict.get("person")
            if person is not None and sa.inspect(person).has_identity:
                found.add(person.id)
            if state.has_identity:
                stored[model].add(state.identity[0])  # its person as the database has it (an attribute may be expired)
    connection = session.connection()
    for model, ids in stored.items():
        values = sorted(ids)
        for start in range(0, len(values), CHUNK):
            found.update(connection.scalars(sa.select(model.person_id).where(model.id.in_(values[start:start + CHUNK]))))
    return found


def capture(session: Session, person_ids: Iterable[int]) -> None:
    """Subtract what these people add to the counters now (the first time each is met in the transaction). The
    caller has locked them (PostgreSQL), in a statement of its own, so this reads what the last commit left."""
    captured = _captured(session)
    new = set(person_ids) - captured - {None}
    if not new:
        return
    _contribute(session.connection(), new, -1, _delta(session))
    captured |= new


def _after_flush(session: Session, _context) -> None:
    """A new case's person who was new too (no id before the flush) added nothing before this transaction."""
    captured = _captured(session)
    for obj in session.new:
        if type(obj) in WATCHED and obj.person_id is not None:
            captured.add(obj.person_id)


def settle(session: Session) -> None:
    """Add what every captured person adds now, and apply the differences (before commit; before a read)."""
    if not session.info.get(CAPTURED):
        return
    session.flush()
    captured = _captured(session)
    if not captured:
        return
    connection = session.connection()
    delta = _delta(session)
    _contribute(connection, captured, +1, delta)
    _apply(connection, delta)
    _forget(session)


def _days_of(connection, person_ids: list[int]) -> dict[int, dict[str, list[date]]]:
    days: dict[int, dict[str, list[date]]] = defaultdict(lambda: defaultdict(list))
    for source, (model, column) in SOURCES.items():
        for person_id, day in connection.execute(sa.select(model.person_id, column)
                                                 .where(model.person_id.in_(person_ids))):
            days[person_id][source].append(day)
    return days


def _contribute(connection, person_ids: set[int], sign: int, into: Counter) -> None:
    """Add `sign` x what these people add to the counters, as their cases stand now, to `into`."""
    ids = sorted(person_ids)
    for start in range(0, len(ids), CHUNK):
        for by_source in _days_of(connection, ids[start:start + CHUNK]).values():
            for stream in STREAMS:
                days = [day for source in stream.sources for day in by_source.get(source, ())]
                if days:
                    _add(into, stream, pp.contribution(days), sign)


def _add(into: Counter, stream: Stream, made: pp.Contribution, sign: int) -> None:
    series = [(ALL, made.events, made.pairs)]
    if stream.firsts:
        series.append((FIRST, made.first, made.first_pair))
    for name, events, pairs in series:
        for day in events:
            for unit, start in pp.event_cells(day):
                into[("e", stream.name, name, unit, start)] += sign
        for day, next_day in pairs:
            for unit, start, next_unit, next_start in pp.pair_cells(day, next_day):
                into[("p", stream.name, name, unit, next_unit, start, next_start)] += sign


def _apply(connection, delta: Counter) -> None:
    """Add the differences to the counters: per table, one statement per 500 rows, in primary-key order."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    for tag, table, columns in (("e", EVENTS, EVENT_COLUMNS), ("p", PAIRS, PAIR_COLUMNS)):
        rows = [dict(zip(columns, key[1:]), n=n) for key, n in sorted(delta.items()) if key[0] == tag and n]
        for start in range(0, len(rows), CHUNK):
            statement = insert(table).values(rows[start:start + CHUNK])
            connection.execute(statement.on_conflict_do_update(index_elements=list(columns),
                                                               set_={"n": table.c.n + statement.excluded.n}))


# ---- reading ------------------------------------------------------------------------------------------------

def _statement(streams: tuple[Stream, ...], start: date, end: date) -> tuple[sa.TextClause, dict]:
    """One statement: per stream and series, the events in the period (+) and the pairs inside it (−). A SELECT
    for each range of counters (an OR of the ranges would be read by a scan of the table), at most 5 + 16 of them
    whatever the period; for pairs, d's unit starts are listed (at most 31, 11 or 10), so that the index is
    entered once per start and reads only the cells whose n is in range, never every pair starting that day.
    The SQL depends only on the shape of the period (how many ranges, of which units, how many starts): it is
    made once per shape, and the dates are its parameters."""
    params: dict[str, date] = {}
    shape = []
    for i, (unit, first, last) in enumerate(pp.event_ranges(start, end)):
        shape.append(("e", unit, 0))
        params.update({f"e{i}_lo": first, f"e{i}_hi": last})
    for i, (unit, first, last, next_unit, next_first, next_last) in enumerate(pp.pair_ranges(start, end)):
        starts = pp.unit_starts(unit, first, last)
        shape.append(("p", unit, next_unit, len(starts)))
        params.update({f"p{i}_{k}": day for k, day in enumerate(starts)})
        params.update({f"p{i}_lo": next_first, f"p{i}_hi": next_last})
    series = (ALL, FIRST) if any(stream.firsts for stream in streams) else (ALL,)
    return _template(tuple(stream.name for stream in streams), series, tuple(shape)), params


@functools.lru_cache(maxsize=512)
def _template(names: tuple[str, ...], series: tuple[str, ...], shape: tuple) -> sa.TextClause:
    which = (f"stream IN ({', '.join(_quoted(name) for name in names)}) "
             f"AND series IN ({', '.join(_quoted(name) for name in series)})")
    parts, dates = [], []
    events = [part for part in shape if part[0] == "e"]
    for i, (_, unit, _) in enumerate(events):
        parts.append(f"SELECT stream, series, CAST(SUM(n) AS BIGINT) AS n FROM {EVENTS.name} WHERE {which} AND unit = '{unit}' "
                     f"AND day BETWEEN :e{i}_lo AND :e{i}_hi GROUP BY stream, series")
        dates += [f"e{i}_lo", f"e{i}_hi"]
    for i, (_, unit, next_unit, count) in enumerate(part for part in shape if part[0] == "p"):
        starts = [f"p{i}_{k}" for k in range(count)]
        parts.append(f"SELECT stream, series, -CAST(SUM(n) AS BIGINT) AS n FROM {PAIRS.name} WHERE {which} AND unit = '{unit}' "
                     f"AND next_unit = '{next_unit}' AND day IN ({', '.join(':' + s for s in starts)}) "
                     f"AND next_day BETWEEN :p{i}_lo AND :p{i}_hi GROUP BY stream, series")
        dates += [*starts, f"p{i}_lo", f"p{i}_hi"]
    return sa.text(" UNION ALL ".join(parts)).bindparams(*(sa.bindparam(name, type_=sa.Date) for name in dates))


def _quoted(name: str) -> str:
    """One of our own stream or series names written into the SQL."""
    assert name.isidentifier(), name
    return f"'{name}'"


def statement(streams: tuple[Stream, ...], start: date, end: date):
    """The read of these streams for the period as a SELECT of (stream, series, n) with its dates bound."""
    text, params = _statement(streams, start, end)
    return text.bindparams(**params).columns(sa.column("stream", sa.String), sa.column("series", sa.String),
                                             sa.column("n", sa.BigInteger))


# What each figure reads: a page showing them all prefetches these (services/counter_batch.py).
READS = {"divert_people": (DIVERT,), "people_diverted": (CONTRACTS, DIVERT, DIVERTED), "seen": (REFERRED,)}


def statements(start: date, end: date) -> list:
    return [statement(streams, start, end) for streams in READS.values()]


def _read(streams: tuple[Stream, ...], start: date, end: date) -> Counter:
    """{(stream, series): events − pairs} for the period, after settling this transaction's own changes."""
    from diversion.extensions import db
    from diversion.reporting_db import reporting_session
    from diversion.services import counter_batch

    db.session.flush()  # (what the flush changes is captured by its hook; settle adds it)
    settle(db.session)
    select = statement(streams, start, end)
    rows = counter_batch.take(db.session, select)
    if rows is None:
        reads = reporting_session()
        postgresql = db.session.get_bind().dialect.name == "postgresql"
        if postgresql:  # see _SERIAL
            previous = reads.scalar(sa.text(_SERIAL), {"value": "0"})
        rows = list(reads.execute(select))
        if postgresql:
            reads.scalar(sa.text(_SERIAL), {"value": previous})
    found: Counter = Counter()
    for stream, series, n in rows:
        found[(stream, series)] += int(n or 0)
    return found


# PostgreSQL plans the statement's ~20 small index reads as a parallel append (its estimates of the rows are
# high): starting the workers costs 20-40 ms, reading the rows a few. So parallel workers are turned off for this
# one statement (in this transaction only: `is_local`), and the setting put back after it.
_SERIAL = ("SELECT current_setting('max_parallel_workers_per_gather'), "
           "set_config('max_parallel_workers_per_gather', :value, true)")


def _people_and_repeated(found: Counter, stream: Stream) -> tuple[int, int]:
    people = found[(stream.name, ALL)]
    return people, people - found[(stream.name, FIRST)]


def divert_people(start: date, end: date) -> dict:
    """People referred to DIVERT in the period, and of them those with more than one DIVERT referral up to its end."""
    people, repeated = _people_and_repeated(_read(READS["divert_people"], start, end), DIVERT)
    return {"people": people, "people_seen_more_than_once": repeated}


def people_diverted(start: date, end: date) -> dict:
    """Distinct people with a contract started or a DIVERT referral made in the period, and by scheme."""
    found = _read(READS["people_diverted"], start, end)
    total, checkpoint, divert = (found[(s.name, ALL)] for s in (DIVERTED, CONTRACTS, DIVERT))
    return {"people_diverted": total, "people_diverted_by_scheme": {
        "checkpoint": checkpoint, "divert": divert, "both": checkpoint + divert - total}}


def seen_more_than_once(start: date, end: date) -> dict:
    """People referred in the period (either scheme), and of them those with more than one referral across both
    schemes up to its end."""
    referred, repeated = _people_and_repeated(_read(READS["seen"], start, end), REFERRED)
    return {"people_referred": referred, "people_seen_more_than_once": repeated}


# ---- rebuild: every counter from the cases, in SQL ----------------------------------------------------------

def _stream_rows(stream: Stream) -> sa.Select:
    """Each event of the stream with the day of the same person's next event (NULL: none) and its place (1: the
    person's first). Same-day events are ordered arbitrarily but in one way for both window functions: the pairs'
    days, and the first event's and first pair's, are the same whichever way."""
    events = sa.union_all(*(sa.select(model.person_id.label("person_id"), column.label("day"))
                            for model, column in (SOURCES[source] for source in stream.sources))).subquery()
    window = {"partition_by": events.c.person_id, "order_by": events.c.day}
    return sa.select(events.c.day, sa.func.lead(events.c.day).over(**window).label("next_day"),
                     sa.func.row_number().over(**window).label("place"))


def rebuild(connection) -> int:
    """Recompute every people counter from the cases (deleting the old ones); returns how many rows it wrote. Each
    stream's events go once into a temporary table (with the next day and place), the day counters are grouped
    from it, then the months' and years' from the days'."""
    from diversion.services.counter_sql import _constant, _unit_start

    maintenance_limits.lift(connection)  # long work by design (an upgrade, the CLI): no request limits
    connection.execute(EVENTS.delete())
    connection.execute(PAIRS.delete())
    for stream in STREAMS:
        name = f"people_stream_{stream.name}"
        rows = _stream_rows(stream).compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
        connection.execute(sa.text(f"DROP TABLE IF EXISTS {name}"))
        connection.exec_driver_sql(f"CREATE TEMPORARY TABLE {name} AS {rows}")
        table = sa.table(name, sa.column("day"), sa.column("next_day"), sa.column("place"))
        for series in (ALL, FIRST) if stream.firsts else (ALL,):
            only = table.c.place == 1 if series == FIRST else sa.true()
            keys = (_constant(stream.name), _constant(series), _constant("d"))
            connection.execute(EVENTS.insert().from_select(
                [*EVENT_COLUMNS, "n"], sa.select(*keys, table.c.day, sa.func.count()).where(only)
                .group_by(table.c.day)))
            connection.execute(PAIRS.insert().from_select(
                [*PAIR_COLUMNS, "n"], sa.select(*keys, _constant("d"), table.c.day, table.c.next_day, sa.func.count())
                .where(only, table.c.next_day.is_not(None)).group_by(table.c.day, table.c.next_day)))
        connection.execute(sa.text(f"DROP TABLE {name}"))
    for unit in ("m", "y"):
        start = _unit_start(unit, EVENTS.c.day)
        connection.execute(EVENTS.insert().from_select(
            [*EVENT_COLUMNS, "n"], sa.select(EVENTS.c.stream, EVENTS.c.series, _constant(unit), start,
                                             sa.func.sum(EVENTS.c.n))
            .where(EVENTS.c.unit == "d").group_by(EVENTS.c.stream, EVENTS.c.series, start)))
    for unit in pp.UNITS:
        for next_unit in pp.UNITS:
            if unit == next_unit == "d":
                continue
            start = PAIRS.c.day if unit == "d" else _unit_start(unit, PAIRS.c.day)
            next_start = PAIRS.c.next_day if next_unit == "d" else _unit_start(next_unit, PAIRS.c.next_day)
            connection.execute(PAIRS.insert().from_select(
                [*PAIR_COLUMNS, "n"], sa.select(PAIRS.c.stream, PAIRS.c.series, _constant(unit), _constant(next_unit),
                                                start, next_start, sa.func.sum(PAIRS.c.n))
                .where(PAIRS.c.unit == "d", PAIRS.c.next_unit == "d")
                .group_by(PAIRS.c.stream, PAIRS.c.series, start, next_start)))
    return sum(connection.scalar(sa.select(sa.func.count()).select_from(table)) for table in (EVENTS, PAIRS))
