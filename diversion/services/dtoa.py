"""Drug Testing on Arrest: record a test in custody (PACE s.63B), record what followed a positive one (the required
assessments, Drugs Act 2005 ss.9-12), and custody's decision on a missed assessment. Never commits.

The person is found or created by the same identity rules as a referral (services/identity.py): a PNC id held by
someone else is 409 `identity_mismatch`, a chosen person is named by id, `new_person` insists on a new record, and
what the officer typed is kept on the test (`person_as_recorded`). Lists are in services/dtoa_lists.py.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from diversion import audit, clock
from diversion.domain import dtoa as rules
from diversion.domain import kpis
from diversion.domain import need_to_know as access
from diversion.domain.eligibility import age_on
from diversion.errors import Conflict, Forbidden
from diversion.extensions import db
from diversion.models import DrugTest, DrugTestEvent, User
from diversion.services import (custody_suites, identity, need_to_know, parse, people, reference, references,
                                treatment, writes)
from diversion.services.parse import Problems
from diversion.services.retention import refresh_review_date


# --- Recording a test ---------------------------------------------------------------------------------------------

def _assessment(data: dict, problems: Problems) -> dict | None:
    """The initial assessment booked at the test: {"at": timestamp (may be future), "service": treatment service}."""
    if data.get("assessment") is None:
        return None
    body = parse.obj(data.get("assessment"), "assessment", problems)
    at = parse.timestamp(body, "at", problems, name="assessment.at", label="the assessment time")
    if at is None and "assessment.at" not in problems.fields:
        problems.add("assessment.at", "Enter the date and time of the assessment")
    code = parse.text(body, "service", problems, name="assessment.service", max_length=32,
                      label="the service holding the assessment")
    service = treatment.service(code) if code else None
    if code and (service is None or not service.active):
        problems.add("assessment.service", "Choose the service holding the assessment from the list")
    return {"at": at, "service": service.code if service else None}


def _parse(data: dict, today: date, *, warning_required: bool) -> tuple[dict, dict, Problems]:
    problems = Problems()
    person_fields = people.parse_person(data.get("person"), problems, today)
    assessment = _assessment(data, problems)
    fields = {
        "test_date": parse.iso_date(data, "test_date", problems, label="the date of the test", today=today),
        "trigger_offence": parse.boolean(data, "trigger_offence", problems,
                                         label="whether the arrest was for a trigger offence"),
        "inspector_authority": parse.boolean(data, "inspector_authority", problems, required=False,
                                             label="whether an inspector authorised the test"),
        "offence_category": parse.choice(data, "offence_category", {c.code for c in reference.categories()},
                                         problems, label="the offence category"),
        "result": parse.choice(data, "result", rules.RESULTS, problems, label="the result"),
        "warning_given": parse.boolean(data, "warning_given", problems, required=False,
                                       label="whether the warning was given"),
    }
    if data.get("custody_suite_code") not in (None, ""):
        suite = custody_suites.suite(data.get("custody_suite_code"))
        if suite is None or not suite.active:
            problems.add("custody_suite_code", "Choose a custody suite from the list")
        fields["custody_suite_code"] = suite.code if suite else None
    for name, found in rules.sample_problems(
            result=fields["result"], trigger_offence=data.get("trigger_offence"),
            inspector_authority=data.get("inspector_authority"), assessment_given=assessment is not None,
            assessment_on=assessment["at"].date() if assessment and assessment["at"] else None,
            test_date=fields["test_date"], warning_given=data.get("warning_given"),
            warning_required=warning_required).items():
        for problem in found:
            if name not in problems.fields or problem not in problems.fields[name]:
                problems.add(name, problem)
    return person_fields, {**fields, "assessment": assessment}, problems


def problems(data: dict, *, warning_required: bool = True) -> tuple[dict, dict[str, list[str]]]:
    """(the person's fields, every problem with a test) without saving anything: for the page to check before it
    asks who the person is."""
    person_fields, _fields, found = _parse(data, clock.today(), warning_required=warning_required)
    return person_fields, found.fields


def record(data: dict, *, actor: User, warning_required: bool = False) -> DrugTest:
    """A test in custody, linked to its person; 201 `status` negative, refused or assessment_required.
    `warning_required`: the page asks the officer to confirm the warning (the contract's body need not say)."""
    person_fields, fields, found = _parse(data, clock.today(), warning_required=warning_required)
    found.raise_if_any()
    linked = identity.link(person_fields, actor=actor)
    person = linked.person
    db.session.flush()
    assessment = fields.pop("assessment") or {}
    status = rules.status_after_test(fields["result"])
    test = DrugTest(
        reference=references.next_reference(references.DRUG_TEST, fields["test_date"]), person_id=person.id,
        person_as_recorded=identity.recorded(person_fields), identity_match=linked.match,
        possible_duplicates=linked.possible_duplicates, status=status, status_since=fields["test_date"],
        assessment_at=assessment.get("at"), assessment_service_code=assessment.get("service"),
        waiting_for=rules.waiting_for(status, assessment.get("at"), lambda: None),
        age_band=kpis.age_band(max(age_on(person.date_of_birth, fields["test_date"]), 0)),
        created_by_id=actor.id, **fields)
    db.session.add(test)
    writes.flush("person's record")
    audit.record("drug_test.create", actor=actor, object_type="drug_test", object_id=test.id, person_id=person.id,
                 details={"person_id": person.id, "identity": linked.match, "status": status,
                          "possible_duplicates": linked.possible_duplicates})
    refresh_review_date([person.id])  # a case opened (an open one while an assessment is required)
    return test


# --- Reading ------------------------------------------------------------------------------------------------------

def load(test_id: object, user: User, *, action: str = "view") -> DrugTest:
    """The test if `user` may read it (need to know, domain/need_to_know.py; 404 otherwise)."""
    test = need_to_know.load(access.DRUG_TEST, test_id, user, not_found="No such drug test.")
    if action == "view":
        db.session.scalars(select(DrugTestEvent).where(DrugTestEvent.test_id == test.id)
                           .options(joinedload(DrugTestEvent.recorded_by))).all()  # recorders in one query
        audit.record("drug_test.view", actor=user, object_type="drug_test", object_id=test.id,
                     person_id=test.person_id, details={"person_id": test.person_id})
    return test


def follow_up_at(test: DrugTest):
    """When the follow-up assessment is, if one was required with a time."""
    times = [e.appointment_at for e in test.events if e.event == rules.FOLLOW_UP_REQUIRED and e.appointment_at]
    return times[-1] if times else None


def _moved(test: DrugTest, status: str, on: date) -> None:
    """The test reached `status` on `on`: a new version, and the appointment its person now waits for."""
    test.status, test.status_since = status, on
    test.waiting_for = rules.waiting_for(status, test.assessment_at, lambda: follow_up_at(test))
    test.updated_at = clock.now()


# --- What followed ------------------------------------------------------------------------------------------------

def _event_fields(test: DrugTest, data: dict) -> tuple[str, date, object, int | None]:
    today, found = clock.today(), Problems()
    event = parse.choice(data, "event", rules.EVENTS, found, label="what happened")
    on = parse.iso_date(data, "date", found, label="the date", today=today)
    for problem in rules.date_problems(on, today=today, test_date=test.test_date):
        found.add("date", problem)
    appointment_at = parse.timestamp(data, "appointment_at", found, label="the follow-up assessment time")
    if appointment_at is not None and event != rules.FOLLOW_UP_REQUIRED:
        found.add("appointment_at", "Only a required follow-up assessment has an appointment time")
    elif appointment_at is not None and appointment_at.date() < test.test_date:
        found.add("appointment_at", f"The follow-up cannot be before the test ({test.test_date:%-d %B %Y})")
    read = writes.version(data, found, required=False)
    found.raise_if_any()
    return event, on, appointment_at, read


def record_event(test: DrugTest, data: dict, *, actor: User) -> DrugTestEvent:
    """An assessment attended or missed, a follow-up required, treatment, or a prosecution for not attending.
    409 when the test's status does not allow it (or `version` is stale); 403 for a provider deciding on
    prosecution (custody's decision)."""
    event, on, appointment_at, read = _event_fields(test, data)
    if not rules.may_record(actor.role, event):
        raise Forbidden("Only custody decides whether to prosecute for not attending.")
    writes.check(test, read, "drug test")
    target = rules.next_status(test.status, event)
    if target is None:
        raise Conflict(rules.conflict_message(test.status, event))
    row = _add_event(test, event, on, actor, appointment_at)
    if event == rules.PROSECUTED:
        _decided(test, rules.PROSECUTE, None, on, actor)
    _moved(test, target, on)  # every event is a change to the test (a new version)
    writes.flush("drug test")
    audit.record("drug_test.event", actor=actor, object_type="drug_test", object_id=test.id,
                 person_id=test.person_id, details={"event": event, "status": target})
    refresh_review_date([test.person_id])
    return row


def _add_event(test: DrugTest, event: str, on: date, actor: User, appointment_at=None) -> DrugTestEvent:
    row = DrugTestEvent(test_id=test.id, event=event, date=on, appointment_at=appointment_at,
                        recorded_by_id=actor.id)
    db.session.add(row)
    test.events.append(row)
    return row


def _decided(test: DrugTest, decision: str, reason: str | None, on: date, actor: User) -> None:
    test.non_attendance_decision, test.non_attendance_reason = decision, reason
    test.non_attendance_decided_on, test.non_attendance_decided_by_id = on, actor.id


def decide(test: DrugTest, data: dict, *, actor: User) -> DrugTest:
    """Custody's decision on a missed required assessment: `prosecute` (the event prosecuted_for_non_attendance,
    counted by the monthly return) or `no_further_action` with a reason. `version` is required; 409 when no
    missed assessment awaits a decision."""
    today, found = clock.today(), Problems()
    reason = parse.text(data, "reason", found, required=False, max_length=rules.REASON_MAX, label="the reason")
    for name, problems_found in rules.decision_problems(data.get("decision"), reason).items():
        for problem in problems_found:
            found.add(name, problem)
    on = parse.iso_date(data, "date", found, label="the date of the decision", today=today,
                        required=False) if data.get("date") not in (None, "") else today
    for problem in rules.date_problems(on, today=today, test_date=test.test_date,
                                       label="the date of the decision"):
        found.add("date", problem)
    read = writes.version(data, found)
    found.raise_if_any()
    if actor.role not in ("custody_officer", "admin"):
        raise Forbidden("Only custody decides whether to prosecute for not attending.")
    writes.check(test, read, "drug test")
    if not rules.may_decide(test.status):
        raise Conflict("No missed assessment is waiting for a decision on this test.")
    decision = data["decision"]
    if decision == rules.PROSECUTE:
        _add_event(test, rules.PROSECUTED, on, actor)
    _decided(test, decision, reason, on, actor)
    _moved(test, rules.status_after_decision(decision), on)
    writes.flush("drug test")
    audit.record("drug_test.decision", actor=actor, object_type="drug_test", object_id=test.id,
                 person_id=test.person_id, details={"decision": decision})
    refresh_review_date([test.person_id])
    return test
