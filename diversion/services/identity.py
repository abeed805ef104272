"""Linking a referral to the person it is about: one person, one record (rules in domain/identity.py).

`check` answers the officer's question before they send a referral (who is this, as far as we know?) and
saves nothing; `link` is what a referral does when it is sent: it finds or creates the person, refuses a PNC
clash (409 `identity_mismatch`, disclosing nothing about anyone), takes what was typed onto the person's
record (contact details with their history, a PNC id they lacked) and returns the record with how it was
matched. Whatever was typed is also kept on the referral itself (`recorded`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select, text

from diversion import audit
from diversion.domain import identity as rules
from diversion.domain import need_to_know as access
from diversion.errors import Conflict, ValidationFailed
from diversion.extensions import db
from diversion.ids import valid_id
from diversion.models import Person
from diversion.services import contacts

CHOSEN, NEW_PERSON = "chosen", "new_person"  # how a referral was linked, beside the rule's own kinds
MISMATCH = ("This PNC ID is recorded for someone with a different name or date of birth. Check the PNC ID, "
            "name and date of birth: correct whichever is wrong.")
DETAILS = ("gender", "ethnicity", "custody_number", "language")


def recorded(fields: dict) -> dict:
    """The person as typed on this referral, as JSON (nothing typed is ever dropped)."""
    kept = {key: value for key, value in fields.items()
            if key not in ("id", "new_person") and value not in (None, "")}
    if isinstance(kept.get("date_of_birth"), date):
        kept["date_of_birth"] = kept["date_of_birth"].isoformat()
    return kept


def _typed(fields: dict) -> rules.Identity:
    return rules.Identity(fields["given_name"], fields["family_name"], fields["date_of_birth"], fields.get("pnc_id"))


def _candidate(person: Person) -> rules.Candidate:
    return rules.Candidate(person.id, rules.Identity(person.given_name, person.family_name, person.date_of_birth,
                                                     person.pnc_id))


def _holder(pnc_id: str | None) -> Person | None:
    if not pnc_id:
        return None
    return db.session.scalar(select(Person).where(Person.pnc_id == pnc_id))


def born_on(day: date, *, merged_too: bool = False) -> list[Person]:
    query = select(Person).where(Person.date_of_birth == day)
    if not merged_too:
        query = query.where(Person.merged_into_id.is_(None))
    return list(db.session.scalars(query.order_by(Person.id)))


def _resolve(fields: dict) -> rules.Resolution:
    """The rule's answer, with every record merged into another answering as the record it joined: after a
    merge, the name and date of birth a person was once recorded under still find them."""
    holder = _holder(fields.get("pnc_id"))
    born = born_on(fields["date_of_birth"], merged_too=True)
    found = rules.resolve(_typed(fields), _candidate(holder) if holder else None, [_candidate(p) for p in born])
    joined = {p.id: p.merged_into_id for p in born if p.merged_into_id}

    def survivor(person_id: int) -> int:
        for _ in range(5):  # a chain of merges is short
            if person_id not in joined:
                break
            person_id = joined[person_id]
        return person_id
    linked = survivor(found.person_id) if found.person_id else None
    if linked is not None and linked != found.person_id and fields.get("pnc_id"):
        # Found through a record since merged: the record it joined must not hold a different PNC id.
        kept_pnc = db.session.scalar(select(Person.pnc_id).where(Person.id == linked))
        if kept_pnc and kept_pnc != fields["pnc_id"]:
            found, linked = rules.Resolution(rules.NEW, None, (*found.possible_duplicates, found.person_id)), None
    duplicates = sorted({survivor(i) for i in found.possible_duplicates} - {linked})
    if found.kind == rules.AMBIGUOUS and len(duplicates) == 1:  # two records of one person, since merged
        return rules.Resolution(rules.NAME_MATCH, duplicates[0])
    return rules.Resolution(found.kind, linked, tuple(duplicates))


@dataclass
class Check:
    """What the officer is shown before sending: the known person this is, or the people it might be."""
    kind: str                                   # a rules kind (pnc_match, name_match, pnc_clash, ambiguous, new)
    person: Person | None = None                # the known person it will be linked to
    candidates: list[Person] = field(default_factory=list)  # people it might be (name and date of birth only)

    @property
    def needs_choice(self) -> bool:
        return bool(self.candidates) and self.person is None


def check(fields: dict, viewer) -> Check:
    """Who a referral's person is, as far as the records say; saves nothing but the audit of who was shown."""
    resolution = _resolve(fields)
    if resolution.kind == rules.PNC_CLASH:
        return Check(rules.PNC_CLASH)
    person = db.session.get(Person, resolution.person_id) if resolution.person_id else None
    candidates = [] if person is not None or not resolution.possible_duplicates else list(db.session.scalars(
        select(Person).where(Person.id.in_(resolution.possible_duplicates)).order_by(Person.id)))
    shown = ([person.id] if person else []) + [c.id for c in candidates]
    if shown:
        audit.record("person.identity_check", actor=viewer, object_type="person",
                     person_id=shown[0] if len(shown) == 1 else None,  # about one person only when one was shown
                     details={"ids": shown, "kind": resolution.kind})
    return Check(resolution.kind, person, candidates)


@dataclass
class Link:
    person: Person
    match: str                       # pnc_match | name_match | chosen | new_person | new
    possible_duplicates: list[int]


def link(fields: dict, *, actor) -> Link:
    """The person a new referral is about (found, chosen or created), with what was typed taken onto them."""
    _serialise(fields)
    if fields.get("id") is not None:
        person, match = _chosen(fields, actor), CHOSEN
    else:
        person, match = _found_or_new(fields)
    _take_typed(person, fields, actor)
    return Link(person, match, possible_duplicates(person))


def _chosen(fields: dict, actor) -> Person:
    """The known person the referrer chose. Someone who may not read people's records (a custody officer) may
    choose only a person the identity check offered for the name and date of birth they typed: an id alone
    would let them attach a referral to, and learn about, anyone."""
    person = lock(fields["id"])
    if person is None:
        raise ValidationFailed(fields={"person.id": ["There is no person with this id"]})
    if not access.reads_any(access.PERSON, actor.role):
        missing = {f"person.{key}": [f"Enter {label} of the person you chose"] for key, label in (
            ("given_name", "the first name"), ("family_name", "the last name"), ("date_of_birth", "the date of birth"))
            if not fields.get(key)}
        if missing:
            raise ValidationFailed(fields=missing)
        resolution = _resolve({**fields, "pnc_id": None})
        if person.id not in {resolution.person_id, *resolution.possible_duplicates}:
            raise Conflict("Choose one of the known people offered for this name and date of birth.",
                           code="identity_mismatch", fields={"person.id": [
                               "Choose one of the known people offered for this name and date of birth"]})
    typed_dob = fields.get("date_of_birth")
    if typed_dob and typed_dob != person.date_of_birth:
        raise Conflict("The person you chose has a different date of birth.", code="identity_mismatch",
                       fields={"person.date_of_birth": ["The person you chose has a different date of birth"]})
    typed_pnc = fields.get("pnc_id")
    holder = _holder(typed_pnc)
    if typed_pnc and ((holder is not None and holder.id != person.id) or (person.pnc_id not in (None, typed_pnc))):
        raise Conflict(MISMATCH, code="identity_mismatch", fields={"person.pnc_id": [MISMATCH]})
    return person


def _found_or_new(fields: dict) -> tuple[Person, str]:
    resolution = _resolve(fields)
    if resolution.kind == rules.PNC_CLASH:
        raise Conflict(MISMATCH, code="identity_mismatch", fields={"person.pnc_id": [MISMATCH]})
    if fields.get("new_person"):
        if resolution.kind == rules.PNC_MATCH:
            raise ValidationFailed(fields={"person.new_person": [
                "This PNC ID is already recorded for a person with these details: they are not a new person"]})
        return _create(fields), NEW_PERSON
    if resolution.kind in (rules.PNC_MATCH, rules.NAME_MATCH):
        return lock(resolution.person_id), resolution.kind
    if resolution.kind == rules.AMBIGUOUS:
        raise Conflict("More than one known person has this name and date of birth. Choose one of them "
                       "(person.id) or say that this is someone else (person.new_person).",
                       code="identity_ambiguous",
                       fields={"person": ["More than one known person has this name and date of birth"]})
    return _create(fields), rules.NEW


def _create(fields: dict) -> Person:
    person = Person(**{key: fields.get(key) for key in (
        "given_name", "family_name", "date_of_birth", "pnc_id", *DETAILS)})
    db.session.add(person)
    return person


def lock(person_id: object) -> Person | None:
    """The person, locked for this transaction (PostgreSQL) so that a merge cannot move them meanwhile;
    a record merged into another answers as the one it was merged into."""
    for _ in range(5):  # a chain of merges is short
        if not valid_id(person_id):
            return None
        person = db.session.scalar(select(Person).where(Person.id == person_id).with_for_update()
                                   .execution_options(populate_existing=True))
        if person is None or person.merged_into_id is None:
            return person
        person_id = person.merged_into_id
    return None


def _serialise(fields: dict) -> None:
    """On PostgreSQL, two referrals for the same new person at the same moment take turns (one creates the
    record, the other finds it): transaction-scoped advisory locks on the identity and the PNC id."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    keys = []
    if fields.get("date_of_birth") and fields.get("given_name") is not None:
        keys.append(f"person:{fields['date_of_birth']}:{rules.name_key(fields['given_name'], fields['family_name'])}")
    if fields.get("pnc_id"):
        keys.append(f"pnc:{fields['pnc_id']}")
    for key in sorted(keys):  # one order everywhere: no deadlock between two referrals
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key})


def _take_typed(person: Person, fields: dict, actor) -> None:
    """What the officer typed that the record lacks or that has changed: details and contact details (with
    history). Names and the date of birth of a known person are never changed by a referral."""
    if fields.get("pnc_id") and person.pnc_id is None:
        person.pnc_id = fields["pnc_id"]
    for key in DETAILS:  # the latest answer wins, but "not stated" never hides an earlier answer
        value = fields.get(key)
        if value and (value != "not_stated" or getattr(person, key) is None):
            setattr(person, key, value)
    db.session.flush()
    contacts.take(person, {key: fields.get(key) for key in contacts.FIELDS}, source="referral", actor=actor)


def possible_duplicates(person: Person) -> list[int]:
    """Other people born the same day with a similar name, whose PNC id differs or is missing."""
    return sorted(other.id for other in born_on(person.date_of_birth)
                  if other.id != person.id and not (person.pnc_id and other.pnc_id == person.pnc_id)
                  and rules.likely_same(person.given_name, person.family_name, other.given_name, other.family_name))
