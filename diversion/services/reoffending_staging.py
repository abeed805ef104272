"""Loading proven reoffences set-based: rows go into a temporary staging table (COPY on PostgreSQL, executemany
in batches on SQLite), then one INSERT ... SELECT matches every PNC id to its person in SQL and adds the records
not already held. Nothing here is committed: the request or command does that once.

Duplicates: a record is the same record when its (PNC id, offence date, disposal date) are the same; an import of
the same extract (or an overlapping one) adds nothing, and a repeat inside one extract is added once. The unique
constraint on those three says so. On PostgreSQL the staged rows are grouped (a repeat once) and records already
held are left out by an anti-join, and the rest inserted plainly, in the unique index's order: cheaper than ON
CONFLICT DO NOTHING, which pays for a speculative insertion on every row. What makes that safe against a second
import at the same moment is a lock on the table that lets readers read (reports, subject access) but makes other
writers (another import, an erasure) wait until this import is committed. SQLite has one writer at a time anyway,
and keeps ON CONFLICT DO NOTHING.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa

from diversion import clock, maintenance_limits
from diversion.extensions import db
from diversion.models.base import UTCDateTime
from diversion.services import reoffending_import_counts as counters

STAGING = "reoffence_staging"
BATCH = 10_000


@dataclass
class Outcome:
    received: int
    matched: int
    added: int

    @property
    def unmatched(self) -> int:
        return self.received - self.matched


def is_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def no_statement_timeout() -> None:
    """Lift the web requests' limits (config.py) for this transaction: a command-line import of a large extract
    runs longer than any page should, and its operator can stop it."""
    maintenance_limits.lift(db.session.connection())


def open_staging() -> None:
    """An empty temporary staging table on the session's own connection (gone at the end of the session)."""
    connection = db.session.connection()
    if is_postgresql():
        connection.execute(sa.text(f"DROP TABLE IF EXISTS pg_temp.{STAGING}"))
        connection.execute(sa.text(f"CREATE TEMPORARY TABLE {STAGING} (pnc_id varchar(20) COLLATE \"C\" NOT NULL, "
                                   "offence_date date NOT NULL, disposal_date date NOT NULL) ON COMMIT DROP"))
    else:
        connection.execute(sa.text(f"DROP TABLE IF EXISTS temp.{STAGING}"))
        connection.execute(sa.text(f"CREATE TEMPORARY TABLE {STAGING} (pnc_id varchar(20) NOT NULL, "
                                   "offence_date date NOT NULL, disposal_date date NOT NULL)"))


def stage(rows: Iterable[tuple[str, str, str]]) -> None:
    """Add checked rows (normalised PNC id, offence date and disposal date as YYYY-MM-DD) to the staging table."""
    if is_postgresql():
        _copy(rows)
    else:
        _insert_batches(rows)


def stage_text(chunks: Iterable[str]) -> None:
    """PostgreSQL only: rows written as COPY text lines."""
    raw = db.session.connection().connection.driver_connection
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY {STAGING} (pnc_id, offence_date, disposal_date) FROM STDIN") as copy:
            for chunk in chunks:
                copy.write(chunk)


def copy_csv(columns: tuple[str, ...], chunks: Iterable[bytes]) -> None:
    """PostgreSQL only: CSV lines (no header) holding the staging table's three columns in the order given."""
    raw = db.session.connection().connection.driver_connection
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY {STAGING} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)") as copy:
            for chunk in chunks:
                copy.write(chunk)


def _copy(rows: Iterable[tuple[str, str, str]]) -> None:
    stage_text(_copy_lines(rows))


def _copy_lines(rows: Iterable[tuple[str, str, str]]) -> Iterator[str]:
    """COPY's text format, many rows to a chunk. Checked PNC ids and dates hold no tab, newline or backslash."""
    batch = []
    for pnc, offence, disposal in rows:
        batch.append(f"{pnc}\t{offence}\t{disposal}\n")
        if len(batch) == BATCH:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def _insert_batches(rows: Iterable[tuple[str, str, str]]) -> None:
    raw = db.session.connection().connection.driver_connection
    statement = f"INSERT INTO {STAGING} (pnc_id, offence_date, disposal_date) VALUES (?, ?, ?)"
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            raw.executemany(statement, batch)
            batch = []
    if batch:
        raw.executemany(statement, batch)


def merge(import_id: int) -> Outcome:
    """Count the staged rows, match earlier records no person held, then match and add the staged rows."""
    connection = db.session.connection()
    if is_postgresql():
        # The sort below in memory; no JIT compilation (longer than it saves here); the staging table's statistics
        # from a small sample, enough for the planner to know it holds a million rows and not a few.
        connection.execute(sa.text("SET LOCAL work_mem = '256MB'"))
        connection.execute(sa.text("SET LOCAL jit = off"))
        connection.execute(sa.text("SET LOCAL default_statistics_target = 10"))
        connection.execute(sa.text(f"ANALYZE pg_temp.{STAGING}"))
        connection.execute(sa.text("RESET default_statistics_target"))
    received, matched = connection.execute(sa.text(
        f"SELECT count(*), count(p.id) FROM {STAGING} s LEFT JOIN people p ON p.pnc_id = s.pnc_id")).one()
    values = {"import_id": import_id, "now": clock.now()}
    counters.before_import(db.session)  # the reoffending counters of the people named (before and after)
    if is_postgresql():
        connection.execute(sa.text("LOCK TABLE reoffences IN SHARE ROW EXCLUSIVE MODE"))
    counters.after_table_lock(db.session)
    # Before the insert: the records added now are matched by it already, and need not be read again.
    match_earlier()
    if is_postgresql():
        # Grouped by sorting, as the insert needs them sorted anyway (a hash first would be a second pass).
        connection.execute(sa.text("SET LOCAL enable_hashagg = off"))
        added = connection.execute(_ADD_POSTGRESQL, values).rowcount
        connection.execute(sa.text("RESET enable_hashagg"))
    else:
        added = connection.execute(_ADD_SQLITE, values).rowcount
    counters.after_import(db.session)
    connection.execute(sa.text(f"DROP TABLE {'pg_temp.' if is_postgresql() else 'temp.'}{STAGING}"))
    return Outcome(received=received, matched=matched, added=added)


_COLUMNS = "INSERT INTO reoffences (pnc_id, offence_date, disposal_date, person_id, import_id, imported_at) "
# One sort does three things: the repeats in the extract fall together (grouped), the anti-join with the unique
# index walks it in step, and the inserts visit each index page once rather than at random.
_ADD_POSTGRESQL = sa.text(
    _COLUMNS + "SELECT s.pnc_id, s.offence_date, s.disposal_date, s.person_id, :import_id, :now FROM ("
    "  SELECT s.pnc_id, s.offence_date, s.disposal_date, max(p.id) AS person_id"
    f"  FROM {STAGING} s LEFT JOIN people p ON p.pnc_id = s.pnc_id"
    "  GROUP BY s.pnc_id, s.offence_date, s.disposal_date) s "
    "WHERE NOT EXISTS (SELECT FROM reoffences r WHERE r.pnc_id = s.pnc_id AND r.offence_date = s.offence_date"
    "                  AND r.disposal_date = s.disposal_date) "
    "ORDER BY s.pnc_id, s.offence_date, s.disposal_date").bindparams(sa.bindparam("now", type_=UTCDateTime()))
_ADD_SQLITE = sa.text(
    _COLUMNS + f"SELECT s.pnc_id, s.offence_date, s.disposal_date, p.id, :import_id, :now FROM {STAGING} s "
    "LEFT JOIN people p ON p.pnc_id = s.pnc_id WHERE true ORDER BY s.pnc_id, s.offence_date, s.disposal_date "
    "ON CONFLICT (pnc_id, offence_date, disposal_date) DO NOTHING").bindparams(
        sa.bindparam("now", type_=UTCDateTime()))


def match_earlier() -> int:
    """Records that matched nobody when imported, matched now that a person holds their PNC id (a person referred
    after the extract, or given their PNC id later). Looked up by PNC id through the duplicate check's index."""
    return db.session.connection().execute(sa.text(
        "UPDATE reoffences SET person_id = (SELECT p.id FROM people p WHERE p.pnc_id = reoffences.pnc_id) "
        "WHERE person_id IS NULL AND pnc_id IN (SELECT pnc_id FROM people WHERE pnc_id IS NOT NULL)")).rowcount

