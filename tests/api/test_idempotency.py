"""`Idempotency-Key`: a retry gets the first answer, for a day, and the answers do not outlive that day."""
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from diversion import clock
from diversion.api.idempotency import KEEP_FOR
from diversion.extensions import db
from diversion.models import AuditEvent, CheckpointReferral, IdempotentResponse
from tests.api.conftest import bearer
from tests.factories import referral_payload

URL = "/api/v1/checkpoint/referrals"
T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_a_replay_is_audited_because_it_shows_the_record_again(client, issue_token, app):
    token, user = issue_token("custody_officer")
    headers = {**bearer(token), "Idempotency-Key": "audit-me"}
    first = client.post(URL, json=referral_payload(), headers=headers)
    client.post(URL, json=referral_payload(), headers=headers)
    with app.app_context():
        replays = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "api.idempotent_replay")).all()
    assert [(e.actor_id, e.details) for e in replays] == [(user.id, {"path": URL, "status": first.status_code})]


def test_a_key_more_than_a_day_old_is_a_new_request(client, issue_token, app):
    token, _ = issue_token("custody_officer")
    headers = {**bearer(token), "Idempotency-Key": "reused-next-week"}
    clock.freeze(T0)
    client.post(URL, json=referral_payload(), headers=headers)
    clock.freeze(T0 + KEEP_FOR + timedelta(minutes=1))
    later = client.post(URL, json=referral_payload(**{"person.new_person": True}), headers=headers)
    assert later.status_code == 201 and "Idempotent-Replayed" not in later.headers
    assert _count(app, CheckpointReferral) == 2 and _count(app, IdempotentResponse) == 1


def test_anyones_expired_answers_are_cleared_by_the_next_write(client, issue_token, app):
    first, _ = issue_token("custody_officer")
    second, _ = issue_token("custody_officer")
    clock.freeze(T0)
    for n in range(3):
        client.post(URL, json=referral_payload(**{"person.new_person": True}),
                    headers={**bearer(first), "Idempotency-Key": f"old-{n}"})
    assert _count(app, IdempotentResponse) == 3
    clock.freeze(T0 + KEEP_FOR + timedelta(seconds=1))
    client.post(URL, json=referral_payload(**{"person.new_person": True}),
                headers={**bearer(second), "Idempotency-Key": "new"})
    with app.app_context():
        assert db.session.scalars(select(IdempotentResponse.key)).all() == ["new"]


def test_a_refused_first_attempt_leaves_the_key_free_for_the_corrected_request(client, issue_token, app):
    token, _ = issue_token("custody_officer")
    headers = {**bearer(token), "Idempotency-Key": "fix-and-resend"}
    refused = client.post(URL, json=referral_payload(**{"person.given_name": ""}), headers=headers)
    assert refused.status_code == 422
    accepted = client.post(URL, json=referral_payload(), headers=headers)
    assert accepted.status_code == 201 and "Idempotent-Replayed" not in accepted.headers
