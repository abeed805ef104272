"""Maintenance work in one transaction (rebuilding the report counters or checking them against a full recount,
importing an extract, an upgrade's recount or index build) is not a web request: on PostgreSQL the limits every
connection starts with for requests (config.py: the statement timeout, and no parallel workers) are lifted for that
transaction only. Parallel workers go back to PostgreSQL's built-in default (two per step), not to a value a DBA
set in postgresql.conf: a session that started with its own value cannot read the server's. The lock timeout
stays: maintenance that cannot get its lock within it fails, rather than queueing every request behind it."""
from __future__ import annotations

import sqlalchemy as sa

# PostgreSQL's own default for parallel workers (its built-in value, which a session cannot otherwise get back
# once the connection's options have set it).
_PARALLEL_AS_BUILT = sa.text(
    "SELECT set_config('max_parallel_workers_per_gather', boot_val, true) FROM pg_settings "
    "WHERE name = 'max_parallel_workers_per_gather'")


def lift(connection) -> None:
    """No statement timeout, and PostgreSQL's default parallel workers, until this transaction ends."""
    if connection.dialect.name != "postgresql":
        return
    connection.execute(sa.text("SET LOCAL statement_timeout = 0"))
    connection.execute(_PARALLEL_AS_BUILT)
