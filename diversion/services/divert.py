"""DIVERT: refer (officer), record the provider's events, read, and the provider's worklist."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from diversion import audit, clock
from diversion.domain import divert as rules
from diversion.domain.roles import ADMIN, CUSTODY_OFFICER, MANAGER, NAVIGATOR, PROVIDER
from diversion.errors import Conflict, Forbidden, NotFound, ValidationFailed
from diversion.extensions import db
from diversion.ids import valid_id
from diversion.models import DivertEvent, DivertReferral, User
from diversion.services import parse, people
from diversion.services.parse import Problems

READERS = {CUSTODY_OFFICER, PROVIDER, MANAGER, ADMIN, NAVIGATOR}


def create(data: dict, *, actor: User) -> DivertReferral:
    today = clock.today()
    problems = Problems()
    person_fields = people.parse_person(data.get("person"), problems, today)
    referral_date = data.get("referral_date") or today.isoformat()
    for name, found in rules.referral_problems(referral_date, today, data.get("source"), data.get("substance"),
                                               data.get("suspected_supply")).items():
        for problem in found:
            problems.add(name, problem)
    officer = parse.text(data, "referring_officer", problems, max_length=120, label="the referring officer")
    location = parse.text(data, "location", problems, required=False, max_length=200)
    problems.raise_if_any()
    person = people.find_or_create(person_fields)
    previous = db.session.execute(select(DivertReferral.status, DivertReferral.ever_assessed)
                                  .where(DivertReferral.person_id == person.id)).all()
    if not rules.may_refer_again([tuple(row) for row in previous]):
        raise Conflict("This person did not engage with an earlier DIVERT referral, so DIVERT cannot be offered "
                       "again. Use another outcome.", code="previous_non_engagement")
    referral = DivertReferral(
        person_id=person.id, status=rules.REFERRED, referral_date=date.fromisoformat(referral_date),
        source=data["source"], substance=data["substance"], suspected_supply=False, referring_officer=officer,
        location=location, referral_number=rules.referral_number(len(previous)),
        possible_duplicates=people.possible_duplicates(person), created_by_id=actor.id)
    db.session.add(referral)
    db.session.flush()
    audit.record("divert_referral.create", actor=actor, object_type="divert_referral", object_id=referral.id,
                 details={"person_id": person.id})
    return referral


def load(referral_id: object, user: User, *, action: str = "view") -> DivertReferral:
    if user.role not in READERS:
        raise Forbidden()
    referral = db.session.get(DivertReferral, referral_id) if valid_id(referral_id) else None
    if referral is not None and user.role == CUSTODY_OFFICER and referral.created_by_id != user.id:
        referral = None  # officers see the referrals they made
    if referral is None:
        raise NotFound("No such DIVERT referral.")
    if action == "view":
        db.session.scalars(select(DivertEvent).where(DivertEvent.referral_id == referral.id)
                           .options(joinedload(DivertEvent.recorded_by))).all()  # recorders in one query
        audit.record("divert_referral.view", actor=user, object_type="divert_referral", object_id=referral.id,
                     details={"person_id": referral.person_id})
    return referral


def record_event(referral: DivertReferral, data: dict, *, actor: User) -> DivertEvent:
    fields = rules.event_problems(data.get("event"), data.get("date"), referral.referral_date, clock.today(),
                                  data.get("onward_to"), data.get("note"))
    version = data.get("version")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        fields["version"] = ["Send the version you read, as a whole number"]
    if fields:
        raise ValidationFailed(fields=fields)
    if version is not None and version != referral.version:
        raise Conflict("Someone else recorded something on this referral since you read it. Check and try again.")
    event = data["event"]
    target = rules.next_status(referral.status, event)
    if target is None:
        raise Conflict(rules.conflict_message(referral.status, event))
    record = DivertEvent(referral_id=referral.id, event=event, date=date.fromisoformat(str(data["date"])),
                         note=(data.get("note") or None), onward_to=data.get("onward_to") or None,
                         recorded_by_id=actor.id)
    db.session.add(record)
    referral.status = target
    if event == rules.ASSESSED:
        referral.ever_assessed = True
    referral.updated_at = clock.now()  # every event is a change to the referral (a new version)
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise Conflict("Someone else recorded something on this referral at the same time.") from exc
    audit.record("divert_referral.event", actor=actor, object_type="divert_referral", object_id=referral.id,
                 details={"event": event, "status": target})
    return record


def listing(*, status: str | None, after_id: int | None, limit: int, viewer: User) -> list[DivertReferral]:
    query = select(DivertReferral).options(joinedload(DivertReferral.person),
                                           selectinload(DivertReferral.events).joinedload(DivertEvent.recorded_by))
    if status:
        query = query.where(DivertReferral.status == status)
    if viewer.role == CUSTODY_OFFICER:
        query = query.where(DivertReferral.created_by_id == viewer.id)
    if after_id is not None:
        query = query.where(DivertReferral.id > after_id)
    rows = list(db.session.scalars(query.order_by(DivertReferral.id).limit(limit)))
    audit.record("divert_referral.list", actor=viewer, object_type="divert_referral",
                 details={"ids": [r.id for r in rows], "status": status})
    return rows


FOLLOW_UP_WORKING_DAYS = 5


def worklist(viewer: User) -> dict[str, list[tuple[DivertReferral, int]]]:
    """The provider's three lists, each with working days waited: new referrals not yet contacted (oldest
    first), booked assessments, and open referrals with nothing recorded for FOLLOW_UP_WORKING_DAYS."""
    today = clock.today()
    last_event = (select(DivertEvent.referral_id, func.max(DivertEvent.date).label("last"))
                  .group_by(DivertEvent.referral_id).subquery())
    rows = db.session.execute(
        select(DivertReferral, last_event.c.last).outerjoin(last_event, last_event.c.referral_id == DivertReferral.id)
        .options(joinedload(DivertReferral.person))
        .where(DivertReferral.status.in_(rules.OPEN_STATUSES)).order_by(DivertReferral.referral_date,
                                                                         DivertReferral.id)).all()
    lists: dict[str, list] = {"new": [], "booked": [], "follow_up": []}
    for referral, last in rows:
        since = last or referral.referral_date
        waited = rules.working_days_waited(since, today)
        if referral.status == rules.REFERRED:
            lists["new"].append((referral, rules.working_days_waited(referral.referral_date, today)))
        elif referral.status == rules.ASSESSMENT_BOOKED:
            lists["booked"].append((referral, waited))
        if referral.status != rules.REFERRED and waited >= FOLLOW_UP_WORKING_DAYS:
            lists["follow_up"].append((referral, waited))
    audit.record("divert_referral.list", actor=viewer, object_type="divert_referral",
                 details={"ids": sorted({r.id for group in lists.values() for r, _ in group}), "list": "worklist"})
    return lists
