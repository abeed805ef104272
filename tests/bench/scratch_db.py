"""The benchmarks' databases: each made fresh (empty) on the PostgreSQL server that BENCH_POSTGRES_URL names, and
dropped when the benchmark ends, failed or not, unless it is to be kept."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


class Unreachable(Exception):
    """The server cannot be reached: the benchmark cannot run (its message is one line to print)."""


def url_of(name: str) -> str:
    return sa.make_url(SERVER).set(database=name).render_as_string(hide_password=False)


def create(prefix: str = "diversion_bench", name: str | None = None) -> str:
    """The URL of a new empty database (`name`, or the prefix and a random suffix)."""
    name = name or f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(SERVER, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        raise Unreachable("PostgreSQL is needed for the benchmark and is unreachable: "
                          f"{type(error).__name__}") from None
    finally:
        admin.dispose()
    return url_of(name)


def drop(url: str) -> None:
    admin = sa.create_engine(SERVER, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{sa.make_url(url).database}" WITH (FORCE)'))
    finally:
        admin.dispose()


@contextmanager
def fresh(prefix: str = "diversion_bench", *, name: str | None = None, keep: bool = False) -> Iterator[str]:
    """A new database's URL for the block; dropped after it unless `keep` (then its name is printed)."""
    url = create(prefix, name)
    try:
        yield url
    finally:
        if keep:
            print(f"kept database {sa.make_url(url).database}")
        else:
            drop(url)
