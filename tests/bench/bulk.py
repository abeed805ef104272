"""Loading a benchmark's big tables quickly: drop a table's secondary indexes and its keys for the load, and build
them again after it from their definitions as the migrations made them (read back from the catalogue), as a bulk
load would. The table is made unlogged (unless another table refers to it): a benchmark's database is thrown away, and reads are the same."""
from __future__ import annotations

from contextlib import contextmanager

import sqlalchemy as sa


@contextmanager
def without_indexes(connection, *tables: str):
    dropped = [(table, _drop(connection, table)) for table in tables]
    yield
    for table, (indexes, constraints, referencing) in dropped:
        for constraint, definition in constraints:
            connection.execute(sa.text(f'ALTER TABLE "{table}" ADD CONSTRAINT "{constraint}" {definition}'))
        for _index, definition in indexes:
            connection.execute(sa.text(definition))
        for other, constraint, definition in referencing:
            connection.execute(sa.text(f'ALTER TABLE {other} ADD CONSTRAINT "{constraint}" {definition}'))


def _drop(connection, table: str):
    indexes = connection.execute(sa.text(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = :table AND indexname <> :pk"),
        {"table": table, "pk": f"pk_{table}"}).all()
    # The primary key and foreign keys (a per-row check trigger) go too, and come back checked in one pass each;
    # so do other tables' foreign keys to this one (they need its primary key).
    constraints = connection.execute(sa.text(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = CAST(:table AS regclass) "
        "AND contype IN ('p', 'f') ORDER BY contype DESC"), {"table": table}).all()
    referencing = connection.execute(sa.text(
        "SELECT CAST(conrelid AS regclass)::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE confrelid = CAST(:table AS regclass) AND conrelid <> confrelid AND contype = 'f'"),
        {"table": table}).all()
    for other, constraint, _definition in referencing:
        connection.execute(sa.text(f'ALTER TABLE {other} DROP CONSTRAINT "{constraint}"'))
    for index, _definition in indexes:
        connection.execute(sa.text(f'DROP INDEX "{index}"'))
    for constraint, _definition in constraints:
        connection.execute(sa.text(f'ALTER TABLE "{table}" DROP CONSTRAINT "{constraint}"'))
    if not referencing:  # (a logged table may not refer to an unlogged one)
        connection.execute(sa.text(f'ALTER TABLE "{table}" SET UNLOGGED'))
    return indexes, constraints, referencing
