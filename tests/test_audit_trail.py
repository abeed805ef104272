"""The audit trail is append-only and written in the same transaction as the change it records."""
import pytest
import sqlalchemy as sa

from diversion import audit
from diversion.extensions import db
from diversion.models import AuditEvent


def _count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))


def test_the_database_refuses_to_update_an_audit_event(app_context):
    audit.record("test.event", object_type="thing", object_id=1)
    db.session.commit()
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        db.session.execute(sa.text("UPDATE audit_events SET action = 'tampered'"))
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(sa.select(AuditEvent.action)) == "test.event"


def test_the_database_refuses_to_delete_an_audit_event(app_context):
    audit.record("test.event")
    db.session.commit()
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        db.session.execute(sa.text("DELETE FROM audit_events"))
        db.session.commit()
    db.session.rollback()
    assert _count() == 1


def test_an_audit_record_is_lost_with_the_change_it_records(app_context):
    audit.record("test.event")
    db.session.rollback()
    assert _count() == 0


def test_failed_sign_ins_record_no_password_and_no_email(client, make_user, app):
    user = make_user("navigator")
    client.post_form("/sign-in", {"email": user.email, "password": "Secret-guess-4455"})
    client.post_form("/sign-in", {"email": "stranger@police.example", "password": "Secret-guess-4455"})
    with app.app_context():
        events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
        assert [(e.action, e.object_id, e.details["reason"]) for e in events] == [
            ("auth.sign_in_failed", str(user.id), "wrong_password"),
            ("auth.sign_in_failed", None, "unknown_account")]
        stored = " ".join(str(e.details) + str(e.justification) for e in events)
    assert "Secret-guess-4455" not in stored and "stranger@police.example" not in stored



# --- issue 11: each event about one person names that person, so "who has looked at them" is one index lookup -----

def test_every_event_about_a_case_names_the_person_whose_case_it_is(app_context):
    from datetime import timedelta

    from diversion import clock
    from diversion.models import CheckpointReferral, Contract, DivertReferral
    from diversion.services import appointments, contracts, divert, people, referrals
    from tests import factories

    officer, navigator = factories.user("custody_officer"), factories.user("navigator")
    provider, manager = factories.user("provider"), factories.user("manager")
    referral = factories.referral(officer)
    referrals.load(referral.id, manager)
    contract = factories.contract(referral, navigator)
    contracts.load(contract.id, navigator)
    contracts.add_note(contract, {"kind": "phone", "body": "Spoke about the alcohol sessions"}, actor=navigator)
    appointments.book(contract, {"starts_at": (clock.now() + timedelta(days=2)).isoformat(), "kind": "other",
                                 "location": "Custody suite"}, actor=navigator)
    case = divert.create(factories.divert_payload(), actor=officer)
    divert.load(case.id, provider)
    divert.record_event(case, {"event": "contacted", "date": clock.today().isoformat()}, actor=provider)
    people.history(case.person_id, manager)
    db.session.flush()
    owners = {"contract": Contract, "checkpoint_referral": CheckpointReferral, "divert_referral": DivertReferral}
    about_a_case = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.object_type.in_([*owners, "person"]), AuditEvent.object_id.is_not(None))).all()
    assert len(about_a_case) >= 9
    for event in about_a_case:
        owner = int(event.object_id) if event.object_type == "person" else \
            db.session.get(owners[event.object_type], int(event.object_id)).person_id
        assert event.person_id == owner, event.action
    lists = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action.endswith(".list"))).all()
    assert all(event.person_id is None for event in lists)  # a list is about no one person
