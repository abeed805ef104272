"""Breach evidence packs (issue 12): only for a breached contract; the notes the navigator chooses and no others;
signed by name and time as a disclosure; fixed once signed; one version at a time."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from diversion.errors import Conflict, ValidationFailed
from diversion.extensions import db
from diversion.models import AuditEvent, BreachPack, Contract, Person, User
from diversion.services import breach_packs, contracts
from tests.breach_pack_world import SECRET_NOTE, breached_contract


def _sign(app, world, **body):
    data = {"note_ids": [], "disclosed_to": "Officer in the case and CPS", "version": 0, **body}
    with app.app_context():
        contract = breach_packs.with_history(db.session.get(Contract, world.contract_id))
        pack = breach_packs.sign(contract, data, actor=db.session.get(User, world.navigator_id))
        db.session.commit()
        return pack.id


def _pack(app, pack_id) -> BreachPack:
    with app.app_context():
        pack = db.session.get(BreachPack, pack_id)
        db.session.expunge(pack)
        return pack


def test_the_pack_holds_the_contract_conditions_appointments_warnings_and_the_breach(app):
    world = breached_contract(app)
    pack = _pack(app, _sign(app, world))
    facts = pack.snapshot
    assert facts["reference"].startswith("CP-")
    assert facts["person"]["family_name"] == "O'Sullivan-Nkemelu" and facts["person"]["date_of_birth"] == "1994-03-12"
    assert facts["person"]["pnc_id"].startswith("2019/")
    assert facts["offence"]["category"] == "theft" and facts["offence"]["offence_date"]
    assert {"referral_date", "start_date", "deadline", "breach_date"} <= set(facts["dates"])
    unpaid = next(c for c in facts["conditions"] if c["community_kind"] == "unpaid_work")
    assert unpaid["hours_done"] == 3 and unpaid["progress"][0]["note"] == "Sorted tins at the food bank"
    assert facts["appointment_counts"] == {"attended": 1, "missed": 1, "cancelled": 0, "booked": 0}
    assert facts["warnings"]["warned_at_start"] is True
    assert [w["id"] for w in facts["warnings"]["warning_notes"]] == [world.warning_note_id]
    assert facts["breach"]["reason"] == "condition_failed" and facts["breach"]["reason_label"] == "Failed a condition"
    assert facts["breach"]["details"] == "Stopped attending" and facts["prosecution_referred"] is True


def test_no_note_is_included_unless_the_navigator_chooses_it(app):
    world = breached_contract(app)
    pack = _pack(app, _sign(app, world))
    assert pack.snapshot["notes"] == [] and pack.note_ids == []
    assert SECRET_NOTE not in str(pack.snapshot)


def test_the_chosen_notes_and_only_those_are_included(app):
    world = breached_contract(app)
    pack = _pack(app, _sign(app, world, note_ids=[world.missed_note_id, world.warning_note_id]))
    assert sorted(n["id"] for n in pack.snapshot["notes"]) == sorted([world.missed_note_id, world.warning_note_id])
    assert pack.note_ids == sorted([world.missed_note_id, world.warning_note_id])
    assert SECRET_NOTE not in str(pack.snapshot)


def test_signing_is_recorded_as_a_disclosure_about_the_person(app):
    world = breached_contract(app)
    pack = _pack(app, _sign(app, world, disclosed_to="PC 4411 Shah (officer in the case) and the CPS"))
    assert pack.signed_by_id == world.navigator_id and pack.signed_at is not None and pack.version == 1
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contract.breach_pack"))
        assert event.person_id == world.person_id and event.actor_id == world.navigator_id
        assert event.justification == "PC 4411 Shah (officer in the case) and the CPS"
        assert event.object_id == str(world.contract_id) and event.details["version"] == 1


def test_a_signed_pack_is_fixed_when_the_record_changes_later(app):
    world = breached_contract(app)
    pack_id = _sign(app, world, note_ids=[world.missed_note_id])
    with app.app_context():
        person = db.session.get(Person, world.person_id)
        person.family_name = "Changed-Later"
        contracts.add_note(db.session.get(Contract, world.contract_id), {"kind": "warning", "body": "After signing"},
                           actor=db.session.get(User, world.navigator_id))
        db.session.commit()
    pack = _pack(app, pack_id)
    assert pack.snapshot["person"]["family_name"] == "O'Sullivan-Nkemelu"
    assert len(pack.snapshot["warnings"]["warning_notes"]) == 1 and "After signing" not in str(pack.snapshot)


def test_a_contract_that_is_not_breached_has_no_pack(app):
    world = breached_contract(app, breach=False)
    with pytest.raises(Conflict) as refused:
        _sign(app, world)
    assert "not breached" in refused.value.message


def test_a_second_signing_from_the_same_reading_is_already_signed_and_a_new_version_needs_the_latest(app):
    world = breached_contract(app)
    _sign(app, world)
    with pytest.raises(Conflict) as refused:
        _sign(app, world, version=0)
    assert refused.value.code == "already_signed"
    second = _pack(app, _sign(app, world, version=1, note_ids=[world.warning_note_id]))
    assert second.version == 2
    with app.app_context():
        contract = db.session.get(Contract, world.contract_id)
        assert breach_packs.latest(contract).id == second.id and breach_packs.signed(contract, 1).note_ids == []


@pytest.mark.parametrize("body, fields", [
    ({"note_ids": "all"}, {"note_ids"}),
    ({"note_ids": [True]}, {"note_ids"}),
    ({"note_ids": ["1"]}, {"note_ids"}),
    ({"disclosed_to": ""}, {"disclosed_to"}),
    ({"disclosed_to": "CPS\u0000"}, {"disclosed_to"}),
    ({"disclosed_to": "x" * 501}, {"disclosed_to"}),
    ({"version": None}, {"version"}),
    ({"version": -1}, {"version"}),
    ({"note_ids": "x", "disclosed_to": None, "version": "1"}, {"note_ids", "disclosed_to", "version"}),
])
def test_bad_input_names_every_bad_field(app, body, fields):
    world = breached_contract(app)
    with pytest.raises(ValidationFailed) as failed:
        _sign(app, world, **body)
    assert set(failed.value.fields) == fields


def test_a_note_from_another_contract_cannot_be_chosen(app):
    world, other = breached_contract(app), breached_contract(app)
    with pytest.raises(ValidationFailed) as failed:
        _sign(app, world, note_ids=[other.secret_note_id])
    assert str(other.secret_note_id) in failed.value.fields["note_ids"][0]


def test_erasing_the_person_destroys_what_their_signed_pack_held(app):
    from diversion.services import erasure

    world = breached_contract(app)
    pack_id = _sign(app, world, note_ids=[world.secret_note_id])
    with app.app_context():
        erasure.erase(db.session.get(Person, world.person_id), actor=factories_admin(), reason="Retention review")
        db.session.commit()
    pack = _pack(app, pack_id)
    assert pack.snapshot == {} and SECRET_NOTE not in str(pack.snapshot) and "Officer" not in pack.disclosed_to


def factories_admin():
    from tests import factories

    return factories.user(role="admin")
