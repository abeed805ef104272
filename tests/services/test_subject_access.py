"""Subject access (services/subject_access.py): everything held about a person and the records merged into them,
staff named, third parties' data flagged (never removed), read in a fixed number of statements, and given only as
a recorded disclosure."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from diversion import audit, clock
from diversion.errors import Forbidden, NotFound, ValidationFailed
from diversion.extensions import db
from diversion.models import (Appointment, AuditEvent, ContractAlert, NavigatorChange, Person, RetentionDecision,
                              SubjectAccessRequest)
from diversion.services import contracts, divert, merges, subject_access
from tests import factories
from tests.web.test_intake_support import counting_statements

START = datetime(2026, 3, 2, 10, tzinfo=timezone.utc)


def at(days: int, hour: int = 10) -> datetime:
    return START + timedelta(days=days, hours=hour - 10)


class Case:
    pass


@pytest.fixture
def case(app_context):
    """Chloé's record: a Checkpoint contract with a note, progress, an appointment, an alert, a change of navigator,
    a condition met and a breach; a DIVERT referral made under another record (Kai's) merged into hers; a retention
    decision; and people who looked at both records."""
    clock.freeze(START)
    c = Case()
    staff = (("custody_officer", "Sgt Aisha Rahman"), ("navigator", "Kwame Boateng"), ("navigator", "Nia Evans"),
             ("manager", "Tomasz Nowak"), ("admin", "Priya Shah"), ("provider", "Sam Hollis"))
    c.officer, c.navigator, c.other, c.manager, c.admin, c.provider = (factories.user(r, name=n) for r, n in staff)
    c.referral = factories.referral(c.officer)
    c.contract = factories.contract(c.referral, c.navigator)
    c.person = c.contract.person
    c.pathway, c.unpaid = c.contract.conditions[1], c.contract.conditions[2]
    db.session.flush()
    c.dv = divert.create(factories.divert_payload(referral_date=START.date().isoformat()), actor=c.officer)
    c.kai = c.dv.person
    divert.record_event(c.dv, {"event": "contacted", "date": START.date().isoformat(),
                               "note": "Spoke to his landlord Gary Pike on 07700 900123"}, actor=c.provider)
    audit.record("person.view", actor=c.manager, object_type="person", object_id=c.kai.id, person_id=c.kai.id)
    db.session.flush()
    clock.freeze(at(1, 12))
    contracts.add_note(c.contract, {"kind": "meeting", "body": "Her sister Leanne came too. Chloé agreed the plan.",
                                    "occurred_at": at(1).isoformat()}, actor=c.navigator)
    contracts.record_progress(c.contract, c.unpaid.id, {"hours": 3, "note": "Food bank shift",
                                                        "occurred_on": at(1).date().isoformat()}, actor=c.navigator)
    db.session.add_all([
        Appointment(contract_id=c.contract.id, starts_at=at(3), kind="navigator_meeting", location="Office",
                    status="missed", booked_by_id=c.navigator.id, recorded_by_id=c.navigator.id, recorded_at=at(3, 15)),
        ContractAlert(contract_id=c.contract.id, kind="new_referral", scheme="divert", date=at(2).date(),
                      summary={"reference": c.dv.reference}),
        NavigatorChange(contract_id=c.contract.id, from_navigator_id=c.navigator.id, to_navigator_id=c.other.id,
                        reason="Kwame is on leave", changed_by_id=c.manager.id, created_at=at(4)),
        RetentionDecision(person_id=c.person.id, decision="retain", reason="Case open", decided_by_id=c.admin.id,
                          next_review_date=date(2032, 1, 1))])
    db.session.flush()
    db.session.refresh(c.contract)
    clock.freeze(at(5))
    contracts.set_condition_status(c.contract, c.pathway.id, {"status": "met", "version": c.contract.version},
                                   actor=c.other)
    clock.freeze(at(6))
    contracts.record_outcome(c.contract, {"outcome": "breached", "reason": "reoffended",
                                          "date": at(6).date().isoformat(), "details": "Arrested with Darren Cole",
                                          "version": c.contract.version}, actor=c.other)
    audit.record("contract.view", actor=c.navigator, object_type="contract", object_id=c.contract.id,
                 person_id=c.person.id, justification="Checking the outcome")
    db.session.flush()
    db.session.refresh(c.person)
    db.session.refresh(c.kai)
    merges.merge(c.person.id, c.kai.id, {"reason": "Same person: Kai is a name she used", "version": c.person.version,
                                         "other_version": c.kai.version}, actor=c.admin)
    db.session.flush()
    return c


def test_the_bundle_holds_every_kind_of_record_in_order(case):
    bundle = subject_access.gather(case.person, actor=case.admin)
    assert list(bundle)[:4] == ["format", "generated_at", "generated_by", "request"]
    assert list(bundle)[4:-1] == ["subject", "merged_records", "contact_history", "merges", "checkpoint_referrals",
                                  "contracts", "notes", "appointments", "alerts", "navigator_changes", "outcomes",
                                  "divert_referrals", "drug_tests", "needs_assessments", "onward_referrals",
                                  "breach_evidence_packs", "proven_reoffences", "retention_decisions",
                                  "subject_access_requests", "disclosure_log"]
    assert bundle["subject"]["given_name"] == "Chloé" and bundle["subject"]["date_of_birth"] == "1994-03-12"
    [referral] = bundle["checkpoint_referrals"]
    assert referral["reference"] == case.referral.reference
    assert referral["person_as_recorded"]["family_name"] == "O'Sullivan-Nkemelu"
    assert referral["offence"]["category_title"] and referral["referred_by"]["name"] == "Sgt Aisha Rahman"
    [contract] = bundle["contracts"]
    assert [c["type"] for c in contract["conditions"]] == ["offending", "pathway", "community"]
    assert contract["conditions"][1]["status"] == "met"
    assert contract["conditions"][1]["status_changed_by"]["name"] == "Nia Evans"
    assert contract["conditions"][2]["progress"][0]["note"] == "Food bank shift"
    assert [n["kind"] for n in bundle["notes"]] == ["meeting"]
    assert bundle["appointments"][0]["status"] == "missed"
    assert bundle["alerts"][0]["scheme"] == "divert"
    assert bundle["navigator_changes"][0]["to"]["name"] == "Nia Evans"
    assert bundle["outcomes"][0]["outcome"] == "breached" and bundle["outcomes"][0]["reason"] == "reoffended"
    assert bundle["retention_decisions"][0]["decided_by"]["name"] == "Priya Shah"


def test_records_merged_into_the_person_and_who_looked_at_them_are_included(case):
    bundle = subject_access.gather(case.person, actor=case.admin)
    assert [p["given_name"] for p in bundle["merged_records"]] == ["Kai"]
    assert bundle["merges"][0]["merged_id"] == case.kai.id
    [dv] = bundle["divert_referrals"]
    assert dv["reference"] == case.dv.reference and [e["event"] for e in dv["events"]] == ["contacted"]
    log = [(e["action"], e["by"]["name"]) for e in bundle["disclosure_log"] if e["by"]]
    assert ("person.view", "Tomasz Nowak") in log  # a look at Kai's record, before the merge
    assert ("contract.view", "Kwame Boateng") in log
    assert any(e["purpose"] == "Checking the outcome" for e in bundle["disclosure_log"])


def test_staff_appear_by_name_and_nothing_else_about_them(case):
    bundle = subject_access.gather(case.person, actor=case.admin)
    assert bundle["notes"][0]["author"] == {"id": case.navigator.id, "name": "Kwame Boateng"}
    assert case.navigator.email not in subject_access.encode(bundle).decode()


def test_free_text_that_may_name_a_third_party_is_flagged_and_kept_whole(case):
    bundle = subject_access.gather(case.person, actor=case.admin)
    note = bundle["notes"][0]
    assert note["body"] == "Her sister Leanne came too. Chloé agreed the plan."  # nothing removed
    [flag] = note["redaction_review"]
    assert flag["field"] == "body" and flag["message"] == "Review before release: may name a third party"
    assert [note["body"][s["start"]:s["end"]] for s in flag["spans"]] == ["Leanne"]  # her own name is hers
    event = bundle["divert_referrals"][0]["events"][0]
    assert {event["note"][s["start"]:s["end"]] for s in event["redaction_review"][0]["spans"]} == {
        "Gary Pike", "07700 900123"}
    assert "redaction_review" in bundle["outcomes"][0]  # "Arrested with Darren Cole"
    assert "redaction_review" not in bundle["contracts"][0]["conditions"][2]["progress"][0]  # "Food bank shift"
    assert bundle["redaction_review"]["flagged_records"] >= 3


def test_the_bundle_is_read_in_the_same_few_statements_however_long_the_history(app, case):
    db.session.commit()
    with counting_statements(app) as short:
        subject_access.gather(db.session.get(Person, case.person.id), actor=case.admin)
    contract = factories.contract(factories.referral(case.officer, **{"person.new_person": None}), case.navigator)
    for day in range(15):
        contracts.add_note(contract, {"kind": "phone", "body": f"Call {day}"}, actor=case.navigator)
        db.session.add(Appointment(contract_id=contract.id, starts_at=at(day), kind="other", location="Office",
                                   status="attended", booked_by_id=case.other.id))
        audit.record("person.view", actor=case.manager, object_type="person", object_id=case.person.id,
                     person_id=case.person.id)
    db.session.commit()
    db.session.expire_all()
    with counting_statements(app) as long:
        bundle = subject_access.gather(db.session.get(Person, case.person.id), actor=case.admin)
    assert len(bundle["contracts"]) == 2 and len(bundle["notes"]) == 16
    assert len(long) == len(short) <= 27  # one a kind of record, however many of each


def test_answering_records_the_request_and_the_disclosure_with_its_purpose(case):
    clock.freeze(at(10))
    request, bundle = subject_access.answer(case.person, at(3).date(), "Her solicitor, with signed authority",
                                            actor=case.admin)
    db.session.flush()
    stored = db.session.get(SubjectAccessRequest, request.id)
    assert (stored.person_id, stored.received_on, stored.answered_by_id) == (
        case.person.id, at(3).date(), case.admin.id)
    assert stored.bundle_bytes == len(subject_access.encode(bundle))
    assert bundle["request"]["deadline"] == "2026-04-05" and bundle["request"]["in_time"] is True
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "person.subject_access"))
    assert (event.person_id, event.actor_id, event.justification) == (
        case.person.id, case.admin.id, "Her solicitor, with signed authority")
    assert event.details["request_id"] == request.id


def test_a_late_answer_is_shown_as_late(case):
    clock.freeze(at(60))
    _request, bundle = subject_access.answer(case.person, at(1).date(), "The person", actor=case.admin)
    assert bundle["request"]["in_time"] is False and bundle["request"]["days_taken"] == 59


def test_each_later_copy_is_a_recorded_disclosure_and_lists_the_answer(case):
    request, _bundle = subject_access.answer(case.person, START.date(), "The person", actor=case.admin)
    db.session.flush()
    bundle = subject_access.reissue(case.person, request, actor=case.admin, download="json")
    assert "person.subject_access" in [e["action"] for e in bundle["disclosure_log"]]
    assert [r["id"] for r in bundle["subject_access_requests"]] == [request.id]
    download = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "person.subject_access.download"))
    assert download.person_id == case.person.id and download.details == {"request_id": request.id, "format": "json"}


def test_every_bad_answer_field_is_named_at_once(app_context):
    clock.freeze(START)
    with pytest.raises(ValidationFailed) as failure:
        subject_access.parse_request({"received_on": "2026-03-03", "purpose": "x\x00"})
    assert set(failure.value.fields) == {"received_on", "purpose"}
    for purpose in ("", "   ", "a" * 2001, 12):
        with pytest.raises(ValidationFailed) as failure:
            subject_access.parse_request({"received_on": "2026-02-30", "purpose": purpose})
        assert set(failure.value.fields) == {"received_on", "purpose"}
    assert subject_access.parse_request({"received_on": "2026-03-02"}, default_purpose="subject access request") == (
        date(2026, 3, 2), "subject access request")


def test_only_administrators_may_answer_and_only_for_a_live_record(case):
    with pytest.raises(Forbidden):
        subject_access.load(case.person.id, case.manager)
    for missing in (case.kai.id, 999_999, "1", None):  # merged into another record, unknown, not an id
        with pytest.raises(NotFound):
            subject_access.load(missing, case.admin)
    case.person.erased_at = clock.now()
    db.session.flush()
    with pytest.raises(NotFound):
        subject_access.load(case.person.id, case.admin)


def test_a_request_belongs_to_its_person(case):
    request, _ = subject_access.answer(case.person, START.date(), "The person", actor=case.admin)
    db.session.flush()
    other = factories.referral(case.officer).person
    assert subject_access.load_request(case.person, request.id) is request
    for person, request_id in ((other, request.id), (case.person, request.id + 1), (case.person, "x")):
        with pytest.raises(NotFound):
            subject_access.load_request(person, request_id)


def test_what_followed_the_outcome_is_in_the_bundle_too(case):
    """A proven reoffence matched to the person is data held about them: it is in the bundle."""
    from datetime import date

    from diversion.models import Reoffence, ReoffenceImport

    batch = ReoffenceImport(source="api", received=1, matched=1, unmatched=0, added=1)
    db.session.add(batch)
    db.session.flush()
    db.session.add(Reoffence(pnc_id="2019/0001234X", offence_date=date(2026, 2, 1), disposal_date=date(2026, 4, 1),
                             person_id=case.person.id, import_id=batch.id))
    db.session.commit()
    bundle = subject_access.gather(case.person, actor=case.admin)
    assert bundle["proven_reoffences"] == [{"pnc_id": "2019/0001234X", "offence_date": "2026-02-01",
                                            "disposal_date": "2026-04-01",
                                            "imported_at": bundle["proven_reoffences"][0]["imported_at"]}]


def test_drug_tests_and_their_events_are_in_the_bundle(case):
    from diversion.services import dtoa

    clock.freeze(at(7))
    known = case.person
    test = dtoa.record(factories.drug_test_payload(person={
        "id": known.id, "given_name": known.given_name, "family_name": known.family_name,
        "date_of_birth": known.date_of_birth.isoformat()}), actor=case.officer)
    dtoa.record_event(test, {"event": "initial_assessment_missed", "date": at(7).date().isoformat()},
                      actor=case.provider)
    dtoa.decide(test, {"decision": "no_further_action", "reason": "Her mother Joan Pike was taken ill",
                       "version": test.version}, actor=case.officer)
    db.session.flush()
    bundle = subject_access.gather(case.person, actor=case.admin)
    [held] = bundle["drug_tests"]
    assert held["reference"] == test.reference and held["result"] == "cocaine"
    assert held["status"] == "no_further_action" and held["tested_by"]["name"] == "Sgt Aisha Rahman"
    assert [e["event"] for e in held["events"]] == ["initial_assessment_missed"]
    assert held["events"][0]["recorded_by"]["name"] == "Sam Hollis"
    assert held["non_attendance"]["reason"] == "Her mother Joan Pike was taken ill"
    assert held["redaction_review"][0]["field"] == "non_attendance.reason"
