"""The report counters under real concurrency, and the index the dashboard's statement reads (PostgreSQL):
twenty requests that bump the same counters at the same moment leave them exact, and the report's one statement
is answered from the counters' primary key, not a scan."""
from __future__ import annotations

import os
from datetime import date

import pytest
import sqlalchemy as sa

from diversion import clock
from diversion.extensions import db
from diversion.services import report_recount, reports
from tests.api.conftest import bearer
from tests.api.test_concurrent_writes import THREADS, race
from tests.factories import contract_payload, divert_payload, referral_payload

pytestmark = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                reason="races need PostgreSQL's concurrent transactions")


def test_twenty_writes_at_once_leave_the_counters_exact(app, issue_token):
    officer, _ = issue_token("custody_officer")
    navigator, _ = issue_token("navigator")
    client = app.test_client()
    referrals = [client.post("/api/v1/checkpoint/referrals", headers=bearer(officer), json=referral_payload(
        **{"person.given_name": f"Person{n}", "person.new_person": True})).get_json() for n in range(THREADS // 2)]
    assert all("id" in r for r in referrals), referrals
    calls = [lambda c, r=r: c.post(f"/api/v1/checkpoint/referrals/{r['id']}/contract", json=contract_payload(),
                                   headers=bearer(navigator)) for r in referrals]
    calls += [lambda c, n=n: c.post("/api/v1/divert/referrals", headers=bearer(officer),
                                    json=divert_payload(**{"person.given_name": f"Diverted{n}"}))
              for n in range(THREADS - len(referrals))]
    statuses = sorted(status for status, _ in race(app, calls))
    assert statuses == [201] * THREADS, statuses
    with app.app_context():
        today = clock.today()
        year = (date(today.year, 1, 1), date(today.year, 12, 31))
        assert reports.checkpoint(*year)["contracts_started"] == THREADS // 2
        assert reports.checkpoint(*year)["active_now"] == THREADS // 2
        assert reports.divert(*year)["referrals"] == THREADS - THREADS // 2
        assert report_recount.differences([year, (today, today)]) == []


def test_the_report_statement_reads_the_counters_by_their_index(app):
    with app.app_context():
        connection = db.session.connection()
        # Enough counters for the planner to prefer an index: 30 years of days for every grouping and measure.
        connection.execute(sa.text(
            "INSERT INTO report_counts (scheme, grouping, unit, day, measure, key, days, n) "
            "SELECT 'checkpoint', g, 'd', date '2000-01-01' + d, m, 'k' || (d % 7), d % 30, 1 "
            "FROM generate_series(0, 10000) AS d, unnest(ARRAY['', 'ethnicity', 'gender', 'navigator']) AS g, "
            "unnest(ARRAY['referrals', 'started', 'ended:completed', 'active']) AS m"))
        connection.execute(sa.text("ANALYZE report_counts"))
        for start, end in [(date(2016, 7, 15), date(2026, 7, 14)), (date(2025, 7, 1), date(2026, 6, 30))]:
            statement = reports.checkpoint_statement(start, end, "ethnicity", date(2026, 7, 14))
            compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
            plan = "\n".join(connection.scalars(sa.text(f"EXPLAIN {compiled}")))
            assert "pk_report_counts" in plan, plan
            assert "Seq Scan" not in plan, plan
        db.session.rollback()
