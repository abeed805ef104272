"""Erasure (DPA 2018, MoPI): the person's identifying data and every free text about them are destroyed in one
transaction; coded facts stay so figures do not change; afterwards they and their cases answer for nobody."""
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from diversion import clock
from diversion.errors import NotFound
from diversion.extensions import db
from diversion.models import (Base, NeedScore, CheckpointReferral, Contract, DivertReferral, Erasure, Note, Person,
                              PersonContact)
from diversion.services import allocation, appointments, contacts, contracts, divert, erasure, needs, people
from tests import factories

# Words that occur nowhere but in this person's record, so that finding any of them anywhere is a leak.
SECRETS = {
    "given_name": "Zebedee", "family_name": "Quillfeather", "pnc_id": "1971/0017171Z", "date_of_birth": "1971-03-17",
    "phone": "07700 900171", "email": "zq@example.org", "offence": "Lifted a crate of Marmalade Specials",
    "note": "Talked about his sister Persephone", "progress": "Painted the Lighthouse Hall",
    "condition": "Attend the Kittiwake course", "appointment": "Seen at Gannet House", "divert": "Met at Puffin Row",
    "reassign": "Ottoline is on leave", "outcome": "Arrested again at Heron Quay", "location": "Cormorant Park",
    "needs": "Sofa-surfing at Guillemot Terrace", "suitability": "Remorseful about the Plover incident",
}


@pytest.fixture
def world(app_context):
    clock.freeze(datetime(2026, 3, 2, 10, tzinfo=timezone.utc))
    officer, navigator, other_navigator, provider, admin = (
        factories.user(r) for r in ("custody_officer", "navigator", "navigator", "provider", "admin"))
    person_fields = {"person.given_name": SECRETS["given_name"], "person.family_name": SECRETS["family_name"],
                     "person.date_of_birth": SECRETS["date_of_birth"], "person.pnc_id": SECRETS["pnc_id"],
                     "person.phone": SECRETS["phone"], "person.email": SECRETS["email"],
                     "person.gender": "male", "person.ethnicity": "white_irish"}
    referral = factories.referral(officer, **person_fields, **{"offence.description": SECRETS["offence"]},
                                  suitability={"decision": "suitable", "reasons": ["motivated"],
                                               "note": SECRETS["suitability"]})
    contract = factories.contract(referral, navigator, conditions=[
        {"type": "pathway", "pathway": "alcohol", "description": SECRETS["condition"]},
        {"type": "community", "community_kind": "unpaid_work", "target_hours": 24, "description": "Unpaid work"}])
    contracts.add_note(contract, {"kind": "phone", "body": SECRETS["note"]}, actor=navigator)
    needs.record(contract, {"needs": [{"pathway": "accommodation", "score": 3, "note": SECRETS["needs"]}]},
                 actor=navigator)
    hours = next(c for c in contract.conditions if c.type == "community")
    contracts.record_progress(contract, hours.id, {"hours": 3, "note": SECRETS["progress"],
                                                   "occurred_on": "2026-03-02"}, actor=navigator)
    booked = appointments.book(contract, {"starts_at": "2026-03-02T09:00:00+00:00", "kind": "navigator_meeting",
                                          "location": SECRETS["location"]}, actor=navigator)
    appointments.record_attendance(contract, booked.id, {"attended": True, "note": SECRETS["appointment"],
                                                         "version": booked.version}, actor=navigator)
    allocation.reassign(contract, {"navigator_id": other_navigator.id, "reason": SECRETS["reassign"],
                                   "version": contract.version}, actor=admin)
    contracts.record_outcome(contract, {"outcome": "breached", "date": "2026-03-02", "reason": "reoffended",
                                        "details": SECRETS["outcome"], "version": contract.version},
                             actor=other_navigator)
    person = referral.person
    contacts.update(person, {"postcode": "DH1 3HP", "version": person.version}, actor=admin)
    dv = divert.create(factories.divert_payload(**{f"person.{k[7:]}": v for k, v in person_fields.items()},
                                                location=SECRETS["location"]), actor=officer)
    for event in ("contacted", "assessment_booked", "assessed", "completed"):
        extra = {"appointment_at": "2026-03-02T09:30:00+00:00"} if event == "assessment_booked" else {}
        divert.record_event(dv, {"event": event, "date": "2026-03-02", "note": SECRETS["divert"],
                                 "version": dv.version, **extra}, actor=provider)
    db.session.commit()

    class World:
        pass
    w = World()
    w.person_id, w.referral_id, w.contract_id, w.divert_id = person.id, referral.id, contract.id, dv.id
    w.admin, w.navigator, w.other_navigator, w.officer = admin, navigator, other_navigator, officer
    return w


def _person(world) -> Person:
    return db.session.execute(sa.select(Person).where(Person.id == world.person_id)
                              .execution_options(include_erased=True)).scalar_one()


def _every_text_in_the_database() -> str:
    """Every value of every row of every table, as text (the whole database, as a backup would hold it)."""
    parts = []
    for table in Base.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)):
            parts.append(" ".join(str(value) for value in row))
    return "\n".join(parts)


def test_the_world_holds_every_secret_before_erasure(world):
    """The check below can fail: before erasure every secret is in the database."""
    everything = _every_text_in_the_database()
    missing = [key for key, secret in SECRETS.items() if secret not in everything]
    assert missing == []


def test_erasure_destroys_identifying_data_and_every_free_text(world):
    erasure.erase(_person(world), actor=world.admin, reason="No policing purpose (MoPI review)")
    db.session.commit()
    everything = _every_text_in_the_database()
    assert [key for key, secret in SECRETS.items() if secret in everything] == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PersonContact)
                             .where(PersonContact.person_id == world.person_id)) == 0


def test_erasure_keeps_the_coded_facts_figures_are_made_of(world):
    erasure.erase(_person(world), actor=world.admin, reason="No policing purpose")
    db.session.commit()
    everything = {"include_erased": True}
    person = _person(world)
    assert (person.gender, person.ethnicity, person.date_of_birth) == ("male", "white_irish", None)
    referral = db.session.execute(sa.select(CheckpointReferral).where(CheckpointReferral.id == world.referral_id)
                                  .execution_options(**everything)).scalar_one()
    contract = db.session.execute(sa.select(Contract).where(Contract.id == world.contract_id)
                                  .execution_options(**everything)).scalar_one()
    dv = db.session.execute(sa.select(DivertReferral).where(DivertReferral.id == world.divert_id)
                            .execution_options(**everything)).scalar_one()
    assert (referral.status, referral.offence_category, referral.referral_date) == ("contracted", "theft",
                                                                                   date(2026, 3, 2))
    assert referral.age_band == dv.age_band == "45_54"  # 54 on 2 March 2026 (born 17 March 1971)
    assert (contract.status, contract.outcome_reason, contract.outcome_date) == ("breached", "reoffended",
                                                                                 date(2026, 3, 2))
    assert (referral.suitability, referral.suitability_reasons, referral.suitability_note) == (
        "suitable", ["motivated"], None)
    assert db.session.execute(sa.select(NeedScore.pathway, NeedScore.score, NeedScore.note)).all() == [
        ("accommodation", 3, None)]
    assert (dv.status, dv.substance) == ("completed", "cannabis")
    notes = db.session.scalars(sa.select(Note).where(Note.contract_id == world.contract_id)).all()
    assert notes and all(note.body == "" and note.kind for note in notes)


def test_afterwards_the_person_and_their_cases_are_found_nowhere(world):
    erasure.erase(_person(world), actor=world.admin, reason="No policing purpose")
    db.session.commit()
    assert db.session.get(Person, world.person_id) is None
    with pytest.raises(NotFound):
        contracts.load(world.contract_id, world.admin)
    with pytest.raises(NotFound):
        divert.load(world.divert_id, world.admin)
    assert db.session.get(CheckpointReferral, world.referral_id) is None
    assert people.search(SECRETS["family_name"], world.admin) == []
    assert people.search(SECRETS["pnc_id"], world.admin) == []
    assert people.search(f'{SECRETS["given_name"]} {SECRETS["family_name"]}', world.admin) == []


def test_the_erasure_log_names_who_when_and_why_and_holds_no_personal_data(world):
    record = erasure.erase(_person(world), actor=world.admin, reason="No policing purpose")
    db.session.commit()
    logged = db.session.get(Erasure, record.id)
    assert (logged.person_id, logged.erased_by_id, logged.reason) == (world.person_id, world.admin.id,
                                                                      "No policing purpose")
    assert logged.counts["contract_notes"] >= 1 and logged.counts["divert_events"] == 4
    text = f"{logged.counts} {logged.reason}"
    assert not any(secret in text for secret in SECRETS.values())


def test_a_person_with_an_open_case_is_not_erased_and_nothing_changes(world):
    open_referral = factories.referral(world.officer, **{"person.new_person": None,
                                                         "person.given_name": SECRETS["given_name"],
                                                         "person.family_name": SECRETS["family_name"],
                                                         "person.date_of_birth": SECRETS["date_of_birth"],
                                                         "person.pnc_id": SECRETS["pnc_id"]})
    assert open_referral.person_id == world.person_id and open_referral.status == "awaiting_navigator"
    db.session.commit()
    with pytest.raises(erasure.ErasureRefused) as refused:
        erasure.erase(_person(world), actor=world.admin, reason="No policing purpose")
    assert "open case" in refused.value.message and refused.value.status == 409
    db.session.rollback()
    assert _person(world).family_name == SECRETS["family_name"] and _person(world).erased_at is None


def test_an_erasure_that_fails_halfway_leaves_nothing_changed(world, monkeypatch):
    def fail(_ids):
        raise RuntimeError("the database went away")
    monkeypatch.setattr(erasure, "_scrub_people", fail)  # cases and append-only text already scrubbed by then
    with pytest.raises(RuntimeError):
        erasure.erase(_person(world), actor=world.admin, reason="No policing purpose")
    db.session.rollback()
    everything = _every_text_in_the_database()
    assert [key for key, secret in SECRETS.items() if secret not in everything] == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Erasure)) == 0


def test_a_record_already_erased_is_not_erased_again(world):
    erasure.erase(_person(world), actor=world.admin, reason="No policing purpose")
    db.session.commit()
    with pytest.raises(erasure.ErasureRefused) as refused:
        erasure.erase(_person(world), actor=world.admin, reason="Again")
    assert refused.value.code == "already_erased"


def test_outside_an_erasure_the_append_only_tables_still_refuse_every_change(world):
    erasure.erase(_person(world), actor=world.admin, reason="No policing purpose")
    db.session.commit()
    for statement in ("UPDATE contract_notes SET body = 'x'", "DELETE FROM contract_notes",
                      "UPDATE audit_events SET justification = 'x'", "DELETE FROM divert_events",
                      "UPDATE divert_events SET note = 'x'", "UPDATE contract_navigator_changes SET reason = 'x'"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            db.session.execute(sa.text(statement))
        db.session.rollback()


def test_during_an_erasure_a_delete_is_still_refused(world):
    db.session.execute(sa.text("INSERT INTO erasure_in_progress (person_id) VALUES (:p)"), {"p": world.person_id})
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        db.session.execute(sa.text("DELETE FROM contract_notes"))
    db.session.rollback()


def test_a_new_referral_for_the_same_human_afterwards_makes_a_new_record(world):
    erasure.erase(_person(world), actor=world.admin, reason="No policing purpose")
    db.session.commit()
    again = factories.referral(world.officer, **{"person.new_person": None, "person.given_name": SECRETS["given_name"],
                                                 "person.family_name": SECRETS["family_name"],
                                                 "person.date_of_birth": SECRETS["date_of_birth"],
                                                 "person.pnc_id": SECRETS["pnc_id"]})
    assert again.person_id != world.person_id and again.status == "awaiting_navigator"


def test_a_copy_of_the_database_made_afterwards_holds_nothing_of_them(world, tmp_path):
    """A backup taken after the erasure: on SQLite the database file itself (secure_delete zeroes what an UPDATE
    or DELETE frees, so nothing lingers in free pages); on PostgreSQL what pg_dump writes."""
    import shutil
    import subprocess

    erasure.erase(_person(world), actor=world.admin, reason="No policing purpose")
    db.session.commit()
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        db.session.execute(sa.text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.commit()
        files = [url.database, url.database + "-wal", url.database + "-journal"]
        copy = b"".join(open(f, "rb").read() for f in files if __import__("os").path.exists(f))
    else:
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            pytest.skip("pg_dump is not installed")
        target = url.set(drivername="postgresql").render_as_string(hide_password=False)
        copy = subprocess.run([pg_dump, "--data-only", f"--dbname={target}"], check=True, capture_output=True).stdout
    assert len(copy) > 10_000  # the copy holds the rest of the database
    assert [key for key, secret in SECRETS.items() if secret.encode() in copy] == []
