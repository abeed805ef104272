"""Two (here twenty) administrators deciding the same retention review at once: one decision is recorded, every
other gets "already decided" (409), never a 5xx and never a second decision. Real threads against real transactions,
so this runs on PostgreSQL."""
from __future__ import annotations

import os
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from diversion import clock
from diversion.extensions import db
from diversion.models import AuditEvent, Person, RetentionDecision, User
from tests.api.conftest import bearer, issue_token  # noqa: F401  (a fixture)
from tests.api.test_concurrent_writes import race
from tests.retention_helpers import divert_ended

pytestmark = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                reason="races need PostgreSQL's concurrent transactions")
THREADS = 20


def test_twenty_admins_deciding_one_review_record_one_decision_and_nineteen_already_decided(app, make_user,
                                                                                             issue_token):
    officer, provider = make_user("custody_officer"), make_user("provider")
    with app.app_context():
        person_id = divert_ended(db.session.get(User, officer.id), db.session.get(User, provider.id),
                                 clock.today() - timedelta(days=7 * 365)).person_id
        db.session.commit()
        read = db.session.get(Person, person_id).version
    admins = [issue_token("admin")[0] for _ in range(THREADS)]
    calls = [lambda client, token=token, n=n: client.post(
        f"/api/v1/people/{person_id}/retention", headers=bearer(token),
        json={"decision": "retain", "reason": f"Reviewer {n}: still of policing value", "version": read,
              "review_date": (clock.today() + timedelta(days=365 + n)).isoformat()})
        for n, token in enumerate(admins)]
    results = race(app, calls)
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [409] * (THREADS - 1), statuses
    assert all("already been decided" in body["error"]["message"] for status, body in results if status == 409)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RetentionDecision)) == 1
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "person.retention_decision")) == 1
        assert db.session.get(Person, person_id).version == read + 1
