"""One way to write: the `version` a client read, the stale check, and flush-or-409.

Every edit of a versioned record sends the `version` it read. `check` compares it with the record's and
`flush` turns the database's own refusals of a lost update (a stale version, a unique key taken at the same
moment) into a 409. A failed flush leaves the session unusable, so `flush` rolls it back at once (a page
that shows the conflict must still read the record again); the request ends in a rollback either way, and
the audit of what the user was shown is kept (audit.keep_reads_after_rollback).
"""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from diversion.errors import Conflict
from diversion.extensions import db
from diversion.services.parse import Problems


def version(data: dict, problems: Problems, *, required: bool = True, name: str = "version") -> int | None:
    """The version the client read, as a whole number (None when it is missing and not required)."""
    value = data.get(name)
    if value is None:
        if required:
            problems.add(name, "Send the version of the record you read")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        problems.add(name, "Send the version you read, as a whole number")
        return None
    return value


def check(record, read_version: int | None, what: str = "record") -> None:
    """409 when the record changed since the client read it."""
    if read_version is not None and read_version != record.version:
        raise Conflict(f"Someone else changed this {what} since you read it. Check it and try again.")


# PostgreSQL's answers when two transactions collided: a deadlock, or a serialisation failure.
COLLISIONS = ("40P01", "40001")


def flush(what: str = "record") -> None:
    """Flush; a concurrent change the database refused (stale version, duplicate key, deadlock) is a 409."""
    try:
        db.session.flush()
    except (StaleDataError, IntegrityError) as exc:
        db.session.rollback()
        raise Conflict(f"Someone else changed this {what} at the same time. Check it and try again.") from exc
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) not in COLLISIONS:
            raise
        db.session.rollback()
        raise Conflict(f"Someone else changed this {what} at the same time. Check it and try again.") from exc
