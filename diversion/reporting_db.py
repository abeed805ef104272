"""Where report and export reads go: a PostgreSQL read replica when `REPORTING_DATABASE_URL` is set, else the
primary (issue 14, "scale out without new machinery").

The replica is a second engine (Flask-SQLAlchemy's bind "reporting"), used only by the statements that
`reporting_session().execute(...)` runs: the figures of the dashboard, the report API and the CSV exports. They run
inside the request's own session (its transaction, its erased-records rule) on a connection to the replica, so
nothing else changes: every ORM object, every flush and so every write (the audit record of a report view, an
export's disclosure) still goes to the primary, and a replica (read only, as a hot standby is) is never written to.
Figures read from a replica may lag the primary by its replication delay (usually well under a second).
"""
from __future__ import annotations

from flask import current_app

from diversion.extensions import db

BIND = "reporting"


class _ReportingReads:
    """The read methods of the session, run on the reporting engine."""

    def __init__(self, engine):
        self._bind = {"bind": engine}

    def execute(self, statement, params=None, *, execution_options=None, **kwargs):
        return db.session.execute(statement, params, execution_options=execution_options or {},
                                  bind_arguments=self._bind, **kwargs)

    def scalar(self, statement, params=None, *, execution_options=None, **kwargs):
        return db.session.scalar(statement, params, execution_options=execution_options or {},
                                 bind_arguments=self._bind, **kwargs)

    def scalars(self, statement, params=None, *, execution_options=None, **kwargs):
        return db.session.scalars(statement, params, execution_options=execution_options or {},
                                  bind_arguments=self._bind, **kwargs)


def configured() -> bool:
    return BIND in (current_app.config.get("SQLALCHEMY_BINDS") or {})


def reporting_session():
    """What report reads call `execute` (or `scalar`, `scalars`) on: the replica's reads, or the session itself."""
    if not configured():
        return db.session
    return _ReportingReads(db.engines[BIND])


def dialect_name() -> str:
    """The dialect of the database report reads go to (the replica's, where one is configured)."""
    return (db.engines[BIND] if configured() else db.session.get_bind()).dialect.name
