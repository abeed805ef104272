"""Checkpoint referrals: create (screening eligibility), approve or refuse, decline, read."""
from __future__ import annotations

from sqlalchemy import select

from diversion import audit, clock
from diversion.domain import eligibility, referrals as rules
from diversion.domain.eligibility import INTERVIEW_ANSWERS, Screening
from diversion.domain.roles import ADMIN, CUSTODY_OFFICER, MANAGER, NAVIGATOR
from diversion.errors import Conflict, Forbidden, NotFound
from diversion.extensions import db
from diversion.ids import valid_id
from diversion.models import CheckpointReferral, User
from diversion.services import parse, people, reference
from diversion.services.parse import Problems

READERS = {CUSTODY_OFFICER, NAVIGATOR, MANAGER, ADMIN}
FLAG_QUESTIONS = {
    "court_order": "whether they are subject to a court order, suspended sentence or conditional discharge",
    "on_bail": "whether they are on police or court bail",
    "co_accused": "whether there is a co-accused",
    "detained_mental_health": "whether they are detained for court or under the Mental Health Act",
}


def parse_referral(data: dict, today) -> tuple[dict, dict]:
    """(person fields, referral fields) from the contract's JSON shape; raises ValidationFailed listing every
    bad field."""
    person, fields, problems = _parse(data, today)
    problems.raise_if_any()
    return person, fields


def problems(data: dict, today) -> dict[str, list[str]]:
    """Every problem with a (perhaps unfinished) referral, without raising: for pages that check as they go."""
    return _parse(data, today)[2].fields


def _parse(data: dict, today) -> tuple[dict, dict, Problems]:
    problems = Problems()
    person = people.parse_person(data.get("person"), problems, today)
    referral_date = parse.iso_date(data, "referral_date", problems, label="the referral date", today=today,
                                   required=False) if data.get("referral_date") not in (None, "") else today
    offence = parse.obj(data.get("offence"), "offence", problems)
    category_code = parse.choice(offence, "category", {c.code for c in reference.categories()}, problems,
                                 name="offence.category", label="the offence category")
    fields = {
        "referral_date": referral_date,
        "offence_category": category_code,
        "offence_description": parse.text(offence, "description", problems, name="offence.description",
                                          max_length=2000, label="a description of the offence"),
        "offence_date": parse.iso_date(offence, "offence_date", problems, name="offence.offence_date",
                                       label="the date of the offence", today=today),
        "arrest_date": parse.iso_date(offence, "arrest_date", problems, name="offence.arrest_date",
                                      label="the date of arrest", today=today, required=False),
        "hate_crime": parse.boolean(offence, "hate_crime", problems, name="offence.hate_crime",
                                    label="whether it is a hate crime"),
        "interview": parse.choice(data, "interview", INTERVIEW_ANSWERS, problems,
                                  label="what they said in interview"),
        "evidential_test_met": parse.boolean(data, "evidential_test_met", problems,
                                             label="whether there is enough evidence to charge"),
        "has_victim": parse.boolean(data, "has_victim", problems, label="whether there is a victim"),
        "victim_wishes_restorative": parse.boolean(data, "victim_wishes_restorative", problems, required=False),
        "previous_convictions": parse.integer(data, "previous_convictions", problems, required=False, minimum=0,
                                              maximum=999, default=0, label="the number of previous convictions"),
        "custody_suite": parse.text(data, "custody_suite", problems, required=False, max_length=120),
        "referring_officer": parse.text(data, "referring_officer", problems, required=False, max_length=120),
    }
    # The safety questions must be answered: an unanswered one is never taken as "no".
    flags = parse.obj(data.get("flags"), "flags", problems)
    for flag, label in FLAG_QUESTIONS.items():
        fields[flag] = parse.boolean(flags, flag, problems, name=f"flags.{flag}", label=label)
    _check_dates(fields, problems)
    if fields["victim_wishes_restorative"] and not fields["has_victim"]:
        problems.add("victim_wishes_restorative", "Only a victim can ask for a restorative approach")
    return person, fields, problems


def _check_dates(fields: dict, problems: Problems) -> None:
    referral, offence, arrest = fields["referral_date"], fields["offence_date"], fields["arrest_date"]
    if offence and referral and offence > referral:
        problems.add("offence.offence_date", "The offence cannot be after the referral date")
    if arrest and offence and arrest < offence:
        problems.add("offence.arrest_date", "The arrest cannot be before the offence")
    if arrest and referral and arrest > referral:
        problems.add("offence.arrest_date", "The arrest cannot be after the referral date")


def screen(person: dict, fields: dict) -> eligibility.Decision:
    category = reference.category(fields["offence_category"])
    return eligibility.screen(Screening(
        date_of_birth=person["date_of_birth"], referral_date=fields["referral_date"],
        offence_date=fields["offence_date"], interview=fields["interview"],
        evidential_test_met=fields["evidential_test_met"], category_eligibility=category.eligibility,
        hate_crime=fields["hate_crime"], court_order=fields["court_order"], on_bail=fields["on_bail"],
        co_accused=fields["co_accused"], detained_mental_health=fields["detained_mental_health"],
    ), reference.offence_age_limit())


def create(data: dict, *, actor: User) -> CheckpointReferral:
    person_fields, fields = parse_referral(data, clock.today())
    person = people.find_or_create(person_fields)
    # A PNC id that matches a known person links to them; their recorded date of birth decides their age.
    decision = screen({**person_fields, "date_of_birth": person.date_of_birth}, fields)
    referral = CheckpointReferral(
        person_id=person.id, status=rules.initial_status(decision), eligible=decision.eligible,
        offence_age_limit_months=reference.offence_age_limit(),
        reasons=list(decision.reasons), possible_duplicates=people.possible_duplicates(person),
        created_by_id=actor.id, **fields)
    db.session.add(referral)
    db.session.flush()
    audit.record("checkpoint_referral.create", actor=actor, object_type="checkpoint_referral",
                 object_id=referral.id, details={"person_id": person.id, "status": referral.status})
    return referral


def load(referral_id: int, user: User, *, action: str = "view") -> CheckpointReferral:
    """The referral, if this user may see it (404 otherwise); the view is audited."""
    if user.role not in READERS:
        raise Forbidden()
    referral = db.session.get(CheckpointReferral, referral_id) if valid_id(referral_id) else None
    if referral is not None and user.role == CUSTODY_OFFICER and referral.created_by_id != user.id:
        referral = None  # officers see the referrals they made
    if referral is None:
        raise NotFound("No such referral.")
    if action == "view":
        audit.record("checkpoint_referral.view", actor=user, object_type="checkpoint_referral",
                     object_id=referral.id, details={"person_id": referral.person_id})
    return referral


def _decide(referral: CheckpointReferral, action: str, reason: object, version: object, actor: User,
            label: str, reason_for: str) -> CheckpointReferral:
    problems = Problems()
    text = parse.text({"reason": reason}, "reason", problems, max_length=2000, label=f"the reason for {reason_for}")
    if version is None:
        problems.add("version", "Send the version of the referral you read")
    elif isinstance(version, bool) or not isinstance(version, int):
        problems.add("version", "Send the version you read, as a whole number")
    problems.raise_if_any()
    if version is not None and version != referral.version:
        raise Conflict("Someone else changed this referral since you read it. Check it and try again.")
    target = rules.next_status(referral.status, action)
    if target is None:
        raise Conflict(f"This referral is {rules.LABELS[referral.status].lower()}: it cannot be {label} now.")
    referral.status = target
    referral.decision_reason = text
    referral.decided_by_id = actor.id
    referral.decided_at = clock.now()
    db.session.flush()
    audit.record(f"checkpoint_referral.{action}", actor=actor, object_type="checkpoint_referral",
                 object_id=referral.id, justification=text)
    return referral


def approve(referral, *, reason, version, actor):
    return _decide(referral, "approve", reason, version, actor, "approved", "approving it")


def refuse(referral, *, reason, version, actor):
    return _decide(referral, "refuse", reason, version, actor, "refused", "refusing it")


def decline(referral, *, reason, version, actor):
    return _decide(referral, "decline", reason, version, actor, "declined", "the person declining")


def listing(*, status: str | None = None, created_by: int | None = None, after_id: int | None = None,
            limit: int = 50, newest_first: bool = True, viewer: User | None = None) -> list[CheckpointReferral]:
    """Referrals with their people, in one query. With a `viewer`, the people shown are audited as viewed."""
    from sqlalchemy.orm import joinedload

    query = select(CheckpointReferral).options(joinedload(CheckpointReferral.person))
    if status:
        query = query.where(CheckpointReferral.status == status)
    if viewer is not None and viewer.role == CUSTODY_OFFICER:
        created_by = viewer.id  # officers see the referrals they made
    if created_by:
        query = query.where(CheckpointReferral.created_by_id == created_by)
    if after_id is not None:
        query = query.where(CheckpointReferral.id < after_id if newest_first else CheckpointReferral.id > after_id)
    order = CheckpointReferral.id.desc() if newest_first else CheckpointReferral.id
    rows = list(db.session.scalars(query.order_by(order).limit(limit)))
    if viewer is not None:
        audit.record("checkpoint_referral.list", actor=viewer, object_type="checkpoint_referral",
                     details={"ids": [r.id for r in rows], "status": status})
    return rows
