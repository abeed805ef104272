"""A contract's one timeline (services.timeline): every kind of record on it, newest first, filtered by kind, read in
a fixed number of statements whatever the contract's history; and a DIVERT referral's events the same way."""
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from diversion import clock
from diversion.errors import ValidationFailed
from diversion.extensions import db
from diversion.models import Appointment, AuditEvent, ContractAlert, DivertEvent, NavigatorChange
from diversion.services import contracts, divert, live_cases, timeline
from tests import factories
from tests.web.test_intake_support import counting_statements

START = datetime(2026, 3, 2, 10, tzinfo=timezone.utc)


def at(days: int, hour: int = 10) -> datetime:
    return START + timedelta(days=days, hours=hour - 10)


@pytest.fixture
def case(app_context):
    clock.freeze(START)
    officer, navigator, other = (factories.user(r) for r in ("custody_officer", "navigator", "navigator"))
    contract = factories.contract(factories.referral(officer), navigator)
    db.session.flush()

    class Case:
        pass
    case = Case()
    case.officer, case.navigator, case.other, case.contract = officer, navigator, other, contract
    case.pathway, case.unpaid = contract.conditions[1], contract.conditions[2]
    return case


def whole_history(case) -> None:
    """One of each kind, on different days (and the outcome marks the offending condition failed)."""
    contract, navigator = case.contract, case.navigator
    clock.freeze(at(1, 12))
    contracts.add_note(contract, {"kind": "meeting", "body": "First meeting", "occurred_at": at(1).isoformat()},
                       actor=navigator)
    db.session.add_all([
        Appointment(contract_id=contract.id, starts_at=at(3), kind="navigator_meeting", location="Office",
                    status="missed", booked_by_id=navigator.id, recorded_by_id=navigator.id, recorded_at=at(3, 15)),
        Appointment(contract_id=contract.id, starts_at=at(4), kind="pathway_session", location="Clinic",
                    status="cancelled", cancel_reason="Clinic closed", booked_by_id=navigator.id,
                    recorded_by_id=case.other.id, recorded_at=at(2))])
    clock.freeze(at(8, 14))
    contracts.record_progress(contract, case.unpaid.id, {"hours": 3, "note": "Food bank shift",
                                                         "occurred_on": at(7).date().isoformat()}, actor=navigator)
    clock.freeze(at(9))
    alert = ContractAlert(contract_id=contract.id, kind="new_referral", scheme="checkpoint", date=at(9).date(),
                          summary={"reference": "CP-2026-00099"})
    db.session.add(alert)
    db.session.flush()
    db.session.refresh(contract)
    clock.freeze(at(10))
    live_cases.dismiss(contract, alert.id, {"reason": "Offence was before the contract", "version": contract.version},
                       actor=navigator)
    clock.freeze(at(11))
    db.session.add(NavigatorChange(contract_id=contract.id, from_navigator_id=navigator.id,
                                   to_navigator_id=case.other.id, reason="Leaving the team",
                                   changed_by_id=navigator.id, created_at=at(11)))
    clock.freeze(at(12))
    contracts.set_condition_status(contract, case.pathway.id, {"status": "met", "version": contract.version},
                                   actor=case.other)
    clock.freeze(at(13))
    contracts.record_outcome(contract, {"outcome": "breached", "reason": "reoffended", "date": at(13).date().isoformat(),
                                        "details": "Arrested for theft", "version": contract.version},
                             actor=case.other)
    db.session.flush()


def test_every_kind_is_on_one_timeline_newest_first(case):
    whole_history(case)
    items = timeline.for_contract(case.contract, case.navigator)
    assert [(i.kind, i.details.get("status") or i.details.get("event")) for i in items] == [
        ("outcome", None), ("condition_status", "failed"),  # the outcome, then what it did to "no offending"
        ("condition_status", "met"), ("navigator_change", None), ("alert", "resolved"), ("alert", "raised"),
        ("progress", None), ("appointment", "cancelled"), ("appointment", "missed"), ("note", None)]
    moments = [i.occurred_at for i in items]
    assert moments == sorted(moments, reverse=True)


def test_each_item_says_who_did_it_and_what(case):
    whole_history(case)
    items = {(i.kind, i.details.get("status") or i.details.get("event")): i
             for i in timeline.for_contract(case.contract, case.navigator)}
    outcome = items[("outcome", None)]
    assert outcome.by.name == case.other.name and outcome.details["reason"] == "reoffended"
    assert outcome.details["details"] == "Arrested for theft" and outcome.occurred_at == at(13)
    offending = items[("condition_status", "failed")]
    assert offending.details["condition_type"] == "offending" and offending.by.id == case.other.id
    met = items[("condition_status", "met")]
    assert (met.details["condition_number"], met.occurred_at, met.by.id) == (2, at(12), case.other.id)
    change = items[("navigator_change", None)]
    assert (change.details["from"].name, change.details["to"].name, change.details["reason"]) == (
        case.navigator.name, case.other.name, "Leaving the team")
    resolved = items[("alert", "resolved")]
    assert resolved.details["resolution"] == "not_a_breach" and resolved.by.id == case.navigator.id
    assert items[("alert", "raised")].by is None and items[("alert", "raised")].details["reference"] == "CP-2026-00099"
    cancelled = items[("appointment", "cancelled")]
    assert cancelled.details["cancel_reason"] == "Clinic closed" and cancelled.by.id == case.other.id
    assert cancelled.occurred_at == at(4)  # at the time it was booked for, not when it was cancelled
    note = items[("note", None)]
    assert (note.details["note_kind"], note.details["body"], note.by.name) == ("meeting", "First meeting",
                                                                               case.navigator.name)


def test_progress_is_placed_on_the_day_it_happened_not_the_day_it_was_written(case):
    whole_history(case)
    progress = next(i for i in timeline.for_contract(case.contract, case.navigator) if i.kind == "progress")
    assert progress.occurred_on == date(2026, 3, 9) and progress.details["recorded_at"] == at(8, 14)
    assert progress.details["hours"] == 3 and progress.details["note"] == "Food bank shift"
    assert progress.occurred_at.date() == date(2026, 3, 9)


def test_progress_written_on_its_day_keeps_the_moment_it_was_written(case):
    clock.freeze(at(5, 16))
    contracts.record_progress(case.contract, case.pathway.id, {"note": "Went to the clinic"}, actor=case.navigator)
    item = timeline.for_contract(case.contract, case.navigator, {"progress"})[0]
    assert item.occurred_on == at(5).date() and item.occurred_at == at(5, 16)


def test_the_filter_keeps_only_the_kinds_asked_for(case):
    whole_history(case)
    items = timeline.for_contract(case.contract, case.navigator, {"note", "appointment"})
    assert [i.kind for i in items] == ["appointment", "appointment", "note"]
    assert [i.kind for i in timeline.for_contract(case.contract, case.navigator, {"outcome"})] == ["outcome"]


def test_kinds_are_read_from_repeated_or_comma_separated_values_and_unknown_ones_refused(case):
    assert timeline.kinds_from(["note,progress", "alert"]) == {"note", "progress", "alert"}
    assert timeline.kinds_from([]) is None and timeline.kinds_from([""]) is None
    with pytest.raises(ValidationFailed) as refused:
        timeline.kinds_from(["note", "gossip"])
    assert "gossip" in refused.value.fields["kind"][0]


def test_a_new_contract_has_an_empty_timeline_and_reading_it_is_audited(case):
    assert timeline.for_contract(case.contract, case.navigator) == []
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "contract.timeline.view")).one()
    assert (event.actor_id, event.object_id) == (case.navigator.id, str(case.contract.id))


def test_the_timeline_is_read_in_the_same_number_of_statements_however_long_the_history(app, case):
    whole_history(case)
    db.session.commit()
    case.contract.status, case.navigator.name  # loaded again after the commit, before counting
    with counting_statements(app) as short:
        timeline.for_contract(case.contract, case.navigator)
    for day in range(20):
        contracts.add_note(case.contract, {"kind": "phone", "body": f"Call {day}"}, actor=case.navigator)
        db.session.add(Appointment(contract_id=case.contract.id, starts_at=at(day), kind="other", location="Office",
                                   status="attended", booked_by_id=case.other.id))
        db.session.add(NavigatorChange(contract_id=case.contract.id, from_navigator_id=case.other.id,
                                       to_navigator_id=case.navigator.id, reason="Cover", changed_by_id=case.other.id))
    db.session.commit()
    case.contract.status, case.navigator.name
    with counting_statements(app) as long:
        items = timeline.for_contract(case.contract, case.navigator)
    selects = [s for s in long if s.lstrip().upper().startswith("SELECT")]
    assert len(items) == 10 + 60 and len(long) == len(short)
    # one statement per kind of record, and one for the names of the people who did them
    assert sorted(s.split("FROM")[1].split()[0] for s in selects) == sorted([
        "contract_conditions", "contract_notes", "condition_progress", "appointments", "contract_alerts",
        "contract_navigator_changes", "users"])


def test_a_divert_referrals_events_newest_first_with_the_booked_assessment(app_context):
    clock.freeze(START)
    officer, provider = factories.user("custody_officer"), factories.user("provider")
    referral = divert.create(factories.divert_payload(referral_date=START.date().isoformat()), actor=officer)
    clock.freeze(at(1))
    divert.record_event(referral, {"event": "contacted", "date": at(1).date().isoformat(),
                                   "version": referral.version}, actor=provider)
    clock.freeze(at(2))
    db.session.add(DivertEvent(referral_id=referral.id, event="assessment_booked", date=at(2).date(),
                               note="Booked by phone", appointment_at=at(9), recorded_by_id=provider.id))
    db.session.flush()
    items = timeline.for_divert_referral(referral)
    assert [i.details["event"] for i in items] == ["assessment_booked", "contacted"]
    assert items[0].details["appointment_at"] == at(9) and items[0].details["note"] == "Booked by phone"
    assert items[0].by.name == provider.name and items[0].occurred_on == at(2).date()
