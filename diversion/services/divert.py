"""DIVERT: refer (officer), record the provider's events, read. The provider's worklist is in divert_lists.py."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from diversion import audit, clock
from diversion.domain import divert as rules
from diversion.domain import need_to_know as access
from diversion.errors import Conflict
from diversion.extensions import db
from diversion.models import DivertEvent, DivertReferral, User
from diversion.services import (identity, live_cases, need_to_know, officer_outcomes, parse, people, reference,
                                references, writes)
from diversion.services.parse import Problems
from diversion.domain import retention as retention_rules
from diversion.services.retention import refresh_review_date

def _parse(data: dict, today: date) -> tuple[dict, dict, Problems]:
    problems = Problems()
    person_fields = people.parse_person(data.get("person"), problems, today)
    referral_date = data.get("referral_date") or today.isoformat()
    for name, found in rules.referral_problems(referral_date, today, data.get("source"), data.get("substance"),
                                               data.get("suspected_supply")).items():
        for problem in found:
            problems.add(name, problem)
    fields = {"referral_date": None if "referral_date" in problems.fields else date.fromisoformat(referral_date),
              "referring_officer": parse.text(data, "referring_officer", problems, max_length=120,
                                              label="the referring officer"),
              "location": parse.text(data, "location", problems, required=False, max_length=200),
              "source": data.get("source"), "substance": data.get("substance")}
    if fields["referral_date"] and person_fields["date_of_birth"]:
        _check_age(person_fields["date_of_birth"], fields["referral_date"], problems)
    return person_fields, fields, problems


def problems(data: dict) -> tuple[dict, dict[str, list[str]]]:
    """(the person's fields, every problem with a referral) without saving anything: for a page to check
    before it asks who the person is."""
    person_fields, _fields, found = _parse(data, clock.today())
    return person_fields, found.fields


def create(data: dict, *, actor: User) -> DivertReferral:
    person_fields, fields, found = _parse(data, clock.today())
    found.raise_if_any()
    linked = identity.link(person_fields, actor=actor)
    person = linked.person
    db.session.flush()
    if person.date_of_birth != person_fields["date_of_birth"]:  # a chosen person: their recorded age decides
        _check_age(person.date_of_birth, fields["referral_date"], found)
        found.raise_if_any()
    previous = db.session.execute(select(DivertReferral.status, DivertReferral.ever_assessed)
                                  .where(DivertReferral.person_id == person.id)).all()
    if not rules.may_refer_again([tuple(row) for row in previous]):
        raise Conflict("This person did not engage with an earlier DIVERT referral, so DIVERT cannot be offered "
                       "again. Use another outcome.", code="previous_non_engagement")
    open_contracts = live_cases.lock_open_contracts(person.id)
    referral = DivertReferral(
        reference=references.next_reference(references.DIVERT, fields["referral_date"]), person_id=person.id,
        person_as_recorded=identity.recorded(person_fields), identity_match=linked.match, status=rules.REFERRED,
        suspected_supply=False, **fields,
        referral_number=rules.referral_number(len(previous)), possible_duplicates=linked.possible_duplicates,
        created_by_id=actor.id, status_since=fields["referral_date"])
    db.session.add(referral)
    writes.flush("person's record")
    audit.record("divert_referral.create", actor=actor, object_type="divert_referral", object_id=referral.id,
                 person_id=person.id,
                 details={"person_id": person.id, "identity": linked.match,
                          "possible_duplicates": linked.possible_duplicates})
    live_cases.alert_open_contracts(referral, open_contracts, actor=actor)
    refresh_review_date([person.id])  # a case opened
    return referral


def _check_age(date_of_birth: date, referral_date: date, problems: Problems) -> None:
    problem = rules.age_problem(date_of_birth, referral_date, reference.divert_minimum_age())
    if problem:
        problems.add("person.date_of_birth", problem)


def load(referral_id: object, user: User, *, action: str = "view") -> DivertReferral:
    """The referral if `user` may read it (need to know: navigators never, officers their own; 404)."""
    referral = need_to_know.load(access.DIVERT_REFERRAL, referral_id, user, not_found="No such DIVERT referral.")
    if action == "view":
        db.session.scalars(select(DivertEvent).where(DivertEvent.referral_id == referral.id)
                           .options(joinedload(DivertEvent.recorded_by))).all()  # recorders in one query
        audit.record("divert_referral.view", actor=user, object_type="divert_referral", object_id=referral.id,
                     person_id=referral.person_id,
                     details={"person_id": referral.person_id})
    return referral


def record_event(referral: DivertReferral, data: dict, *, actor: User) -> DivertEvent:
    fields = rules.event_problems(data.get("event"), data.get("date"), referral.referral_date, clock.today(),
                                  data.get("onward_to"), data.get("note"))
    problems = Problems()
    problems.fields.update(fields)
    appointment_at = parse.timestamp(data, "appointment_at", problems, label="the appointment time")
    for problem in rules.appointment_problems(data.get("event"), appointment_at, referral.referral_date):
        problems.add("appointment_at", problem)
    read = writes.version(data, problems, required=False)
    problems.raise_if_any()
    writes.check(referral, read, "referral")
    event = data["event"]
    target = rules.next_status(referral.status, event)
    if target is None:
        raise Conflict(rules.conflict_message(referral.status, event))
    on = date.fromisoformat(str(data["date"]))
    record = DivertEvent(referral_id=referral.id, event=event, date=on,
                         note=(data.get("note") or None), onward_to=data.get("onward_to") or None,
                         appointment_at=appointment_at, recorded_by_id=actor.id)
    db.session.add(record)
    referral.next_appointment_at = rules.next_appointment(referral.next_appointment_at, event, target,
                                                          appointment_at)
    before = referral.status
    referral.status_since = rules.status_since(referral.status_since, referral.status, target, on)
    if target != referral.status:  # assessed or ended: the referring officer is told
        officer_outcomes.divert(referral, target, on)
    referral.status = target
    if event == rules.ASSESSED:
        referral.ever_assessed = True
    referral.updated_at = clock.now()  # every event is a change to the referral (a new version)
    writes.flush("referral")
    if event == rules.ONWARD_REFERRAL:  # counted for treatment engagement; its start is recorded there
        from diversion.services import treatment
        treatment.from_divert_event(referral, record, actor=actor)
        writes.flush("referral")
    audit.record("divert_referral.event", actor=actor, object_type="divert_referral", object_id=referral.id,
                 person_id=referral.person_id,
                 details={"event": event, "status": target})
    if retention_rules.moves_review(retention_rules.DIVERT_REFERRAL, before, target):  # the case ended
        refresh_review_date([referral.person_id])
    return record


def listing(*, status: str | None, after_id: int | None, limit: int, viewer: User) -> list[DivertReferral]:
    """The DIVERT referrals `viewer` may read (need to know; navigators none: 403), in the order recorded."""
    need_to_know.require(access.DIVERT_REFERRAL, viewer)
    query = (select(DivertReferral)
             .options(joinedload(DivertReferral.person),
                      selectinload(DivertReferral.events).joinedload(DivertEvent.recorded_by))
             .where(need_to_know.visible(access.DIVERT_REFERRAL, viewer)))
    if status:
        query = query.where(DivertReferral.status == status)
    if after_id is not None:
        query = query.where(DivertReferral.id > after_id)
    rows = list(db.session.scalars(query.order_by(DivertReferral.id).limit(limit)))
    audit.record("divert_referral.list", actor=viewer, object_type="divert_referral",
                 details={"ids": [r.id for r in rows], "status": status})
    return rows
