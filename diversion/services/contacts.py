"""A person's contact details (phone, email, postcode, address): the current ones on the person, every earlier
set kept in `person_contacts` (api-contract "Contact details": earlier values are kept)."""
from __future__ import annotations

from sqlalchemy import select

from diversion import audit, clock
from diversion.domain import people as rules
from diversion.errors import NotFound
from diversion.extensions import db
from diversion.ids import valid_id
from diversion.models import Person, PersonContact, User
from diversion.services import need_to_know, parse, writes
from diversion.services.parse import Problems

FIELDS = ("phone", "email", "postcode", "address")
EDITABLE = (*FIELDS, "language")  # the contact-details page: these and the language for letters
LIMITS = {"phone": 32, "email": 254, "postcode": 10, "address": 500}
LABELS = {"phone": "a phone number", "email": "an email address", "postcode": "a postcode", "address": "an address"}


def parse_contact(body: dict, problems: Problems, prefix: str = "") -> dict:
    """The contact fields present in `body` (a field sent empty or null is there, as None: cleared)."""
    values = {}
    for key in FIELDS:
        if key in body:
            values[key] = parse.text(body, key, problems, name=prefix + key, required=False,
                                     max_length=LIMITS[key], label=LABELS[key])
    if values.get("postcode"):
        postcode = rules.uk_postcode(values["postcode"])
        if postcode is None:
            problems.add(prefix + "postcode", rules.POSTCODE_PROBLEM)
        else:
            values["postcode"] = postcode
    if values.get("email") and not rules.EMAIL_PATTERN.match(values["email"]):
        problems.add(prefix + "email", "Enter an email address like name@example.com")
    if values.get("phone") and not rules.PHONE_PATTERN.match(values["phone"]):
        problems.add(prefix + "phone", "Enter a phone number, like 07700 900 982 or +44 7700 900 982")
    return values


def take(person: Person, values: dict, *, source: str, actor, clear: bool = False) -> PersonContact | None:
    """Apply new contact details; if anything changed, keep the new set in the history. Without `clear`,
    an empty value leaves the current one as it is (a referral that leaves the phone blank does not erase it)."""
    changed = {key: value for key, value in values.items()
               if (clear or value not in (None, "")) and (value or None) != getattr(person, key)}
    if not changed:
        return None
    for key, value in changed.items():
        setattr(person, key, value or None)
    entry = PersonContact(person_id=person.id, source=source, recorded_by_id=getattr(actor, "id", actor),
                          **{key: getattr(person, key) for key in FIELDS})
    db.session.add(entry)
    return entry


def load_editable(person_id: object, user: User) -> Person:
    """The person if `user` may change their contact details (404 otherwise: the record is not revealed)."""
    person = None
    if valid_id(person_id):
        person = db.session.scalar(select(Person).where(Person.id == person_id, Person.merged_into_id.is_(None),
                                                        need_to_know.contact_editable(user)))
    if person is None:
        raise NotFound("No such person.")
    return person


def update(person: Person, data: dict, *, actor: User) -> Person:
    problems = Problems()
    values = parse_contact(data, problems)
    # The language for their letters (Checkpoint Cymru): changed only when sent; empty is "not asked".
    language = parse.choice(data, "language", rules.LANGUAGES, problems, required=False, label="English or Welsh")
    read = writes.version(data, problems)
    problems.raise_if_any()
    writes.check(person, read, "person's record")
    before = {key: getattr(person, key) for key in (*FIELDS, "language")}
    if take(person, values, source="edit", actor=actor, clear=True) is not None:
        person.updated_at = clock.now()  # a new version of the person
    if "language" in data and language != person.language:
        person.language = language
        person.updated_at = clock.now()
    writes.flush("person's record")
    audit.record("person.contact", actor=actor, object_type="person", object_id=person.id, person_id=person.id,
                 details={"changed": [key for key in before if getattr(person, key) != before[key]]})
    return person


def history(person: Person) -> list[PersonContact]:
    """Every set of contact details the person has had, newest first."""
    from sqlalchemy.orm import joinedload

    return list(db.session.scalars(select(PersonContact).where(PersonContact.person_id == person.id)
                                   .options(joinedload(PersonContact.recorded_by))
                                   .order_by(PersonContact.recorded_at.desc(), PersonContact.id.desc())))
