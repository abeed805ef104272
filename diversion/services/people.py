"""People: matched by PNC id, with likely duplicates (same date of birth, similar name) offered."""
from __future__ import annotations

from sqlalchemy import select

from diversion.domain import people as rules
from diversion.extensions import db
from diversion.models import Person
from diversion.services import parse
from diversion.services.parse import Problems


def parse_person(data: object, problems: Problems, today, prefix: str = "person") -> dict:
    """The person's fields as Python values; problems under person.<field>."""
    body = parse.obj(data, prefix, problems)
    p = prefix + "."
    person = {
        "given_name": parse.text(body, "given_name", problems, name=p + "given_name", max_length=rules.NAME_MAX,
                                 label="their first name", strip=False),
        "family_name": parse.text(body, "family_name", problems, name=p + "family_name",
                                  max_length=rules.NAME_MAX, label="their last name", strip=False),
        "date_of_birth": parse.iso_date(body, "date_of_birth", problems, name=p + "date_of_birth",
                                        label="their date of birth", today=today),
        "gender": parse.choice(body, "gender", rules.GENDERS, problems, name=p + "gender", required=False,
                               label="a gender"),
        "ethnicity": parse.choice(body, "ethnicity", rules.ETHNICITIES, problems, name=p + "ethnicity",
                                  required=False, label="an ethnic group"),
        "pnc_id": parse.text(body, "pnc_id", problems, name=p + "pnc_id", required=False, max_length=20),
        "custody_number": parse.text(body, "custody_number", problems, name=p + "custody_number",
                                     required=False, max_length=40),
        "postcode": parse.text(body, "postcode", problems, name=p + "postcode", required=False, max_length=10),
        "phone": parse.text(body, "phone", problems, name=p + "phone", required=False, max_length=32),
        "email": parse.text(body, "email", problems, name=p + "email", required=False, max_length=254),
    }
    if person["pnc_id"]:
        person["pnc_id"] = rules.normalise_pnc(person["pnc_id"])
        if not rules.PNC_PATTERN.match(person["pnc_id"]):
            problems.add(p + "pnc_id", "Enter a PNC ID like 2019/0123456A")
    if person["postcode"]:
        person["postcode"] = person["postcode"].upper()
        if not rules.POSTCODE_PATTERN.match(person["postcode"]):
            problems.add(p + "postcode", "Enter a real postcode, like DH1 3HP")
    if person["email"] and "@" not in person["email"]:
        problems.add(p + "email", "Enter an email address like name@example.com")
    return person


def find_or_create(person: dict) -> Person:
    """The known person with this PNC id, or a new person."""
    if person.get("pnc_id"):
        known = db.session.scalar(select(Person).where(Person.pnc_id == person["pnc_id"]))
        if known is not None:
            return known
    record = Person(**person)
    db.session.add(record)
    db.session.flush()
    return record


def possible_duplicates(person: Person) -> list[int]:
    """Other people born the same day with a similar name, whose PNC id differs or is missing."""
    candidates = db.session.scalars(
        select(Person).where(Person.date_of_birth == person.date_of_birth, Person.id != person.id))
    return sorted(
        other.id for other in candidates
        if not (person.pnc_id and other.pnc_id == person.pnc_id)
        and rules.similar_names(person.given_name, person.family_name, other.given_name, other.family_name))


def history(person_id: object, viewer) -> tuple[Person, list, list]:
    """A person with their whole history across Checkpoint and DIVERT (three queries), audited as a view."""
    from sqlalchemy.orm import selectinload

    from diversion import audit
    from diversion.domain.roles import ADMIN, MANAGER, NAVIGATOR, PROVIDER
    from diversion.errors import Forbidden, NotFound
    from diversion.models import CheckpointReferral, DivertReferral

    if viewer.role not in (NAVIGATOR, PROVIDER, MANAGER, ADMIN):
        raise Forbidden()
    from diversion.ids import valid_id

    person = db.session.get(Person, person_id) if valid_id(person_id) else None
    if person is None:
        raise NotFound("No such person.")
    checkpoint = list(db.session.scalars(
        select(CheckpointReferral).where(CheckpointReferral.person_id == person.id)
        .options(selectinload(CheckpointReferral.contract)).order_by(CheckpointReferral.referral_date.desc())))
    divert = list(db.session.scalars(
        select(DivertReferral).where(DivertReferral.person_id == person.id)
        .options(selectinload(DivertReferral.events)).order_by(DivertReferral.referral_date.desc())))
    # Need to know: a provider sees people referred to DIVERT, and only their DIVERT history; a navigator
    # sees people on their own caseload or awaiting a navigator. Anyone else's record is "not found".
    if viewer.role == PROVIDER:
        if not divert:
            raise NotFound("No such person.")
        checkpoint = []
    elif viewer.role == NAVIGATOR and not any(
            (r.contract is not None and r.contract.navigator_id == viewer.id) or r.status == "awaiting_navigator"
            for r in checkpoint):
        raise NotFound("No such person.")
    audit.record("person.view", actor=viewer, object_type="person", object_id=person.id)
    return person, checkpoint, divert


def shown(ids, viewer, reason: str) -> list[Person]:
    """Other people's records shown beside a case (e.g. possible duplicates), in one query, audited."""
    from diversion import audit

    from diversion.ids import valid_id

    ids = sorted({i for i in ids or () if valid_id(i)})
    if not ids:
        return []
    found = list(db.session.scalars(
        select(Person).where(Person.id.in_(ids)).order_by(Person.family_name, Person.given_name, Person.id)))
    audit.record("person.view", actor=viewer, object_type="person", details={"ids": [p.id for p in found],
                                                                             "reason": reason})
    return found
