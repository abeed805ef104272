"""On PostgreSQL every connection starts with a web request's limits (config.py): a statement timeout, and no
parallel workers (a page is a few index reads; starting workers for them costs milliseconds). Maintenance work
lifts both for its own transaction only (diversion/maintenance_limits.py)."""
import os

import pytest
from sqlalchemy import text

from diversion import maintenance_limits
from diversion.extensions import db
from diversion.services import rollups

pytestmark = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                reason="PostgreSQL's settings")
SETTINGS = ("statement_timeout", "max_parallel_workers_per_gather")


def _settings(connection) -> dict:
    return {name: connection.scalar(text(f"SELECT current_setting('{name}')")) for name in SETTINGS}


def _as_built(connection) -> str:
    return connection.scalar(text("SELECT boot_val FROM pg_settings WHERE name = 'max_parallel_workers_per_gather'"))


def test_a_request_runs_with_a_statement_timeout_and_no_parallel_workers(app):
    with app.app_context():
        assert _settings(db.session.connection()) == {"statement_timeout": "15s", "max_parallel_workers_per_gather": "0"}


def test_maintenance_lifts_both_for_its_own_transaction_only(app):
    with app.app_context(), db.engine.connect() as connection:
        with connection.begin():
            maintenance_limits.lift(connection)
            assert _settings(connection) == {"statement_timeout": "0",
                                             "max_parallel_workers_per_gather": _as_built(connection)}
            assert _as_built(connection) != "0"  # (PostgreSQL's own default: two workers)
        assert _settings(connection) == {"statement_timeout": "15s", "max_parallel_workers_per_gather": "0"}


def test_a_rebuild_of_the_report_counters_runs_as_maintenance(app):
    with app.app_context(), db.engine.connect() as connection:
        with connection.begin():
            rollups.rebuild(connection)
            assert _settings(connection)["statement_timeout"] == "0"
            assert _settings(connection)["max_parallel_workers_per_gather"] == _as_built(connection)
            connection.rollback()
