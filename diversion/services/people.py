"""People: reading a referral's person, finding people, and a person's whole history (need to know applies).

Linking a referral to a person is in `services/identity.py`; contact details in `services/contacts.py`;
merging two records in `services/merges.py`.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import selectinload

from diversion import audit
from diversion.domain import identity as identity_rules
from diversion.domain import need_to_know as access
from diversion.domain import people as rules
from diversion.errors import NotFound, ValidationFailed
from diversion.extensions import db
from diversion.ids import valid_id
from diversion.models import CheckpointReferral, Contract, DivertReferral, Person, User
from diversion.services import contacts, identity, need_to_know, parse, references
from diversion.services.parse import Problems

SEARCH_LIMIT = 50


def parse_person(data: object, problems: Problems, today, prefix: str = "person") -> dict:
    """The person's fields as Python values; problems under person.<field>. The body may instead name a
    known person (`id`, after a look-up) or insist on a new one (`new_person: true`)."""
    body = parse.obj(data, prefix, problems)
    p = prefix + "."
    chosen = body.get("id")
    if chosen is not None and not valid_id(chosen):
        problems.add(p + "id", "Send the id of a person, as a whole number")
    named = chosen is not None  # a chosen person needs no name or date of birth typed again
    person = {
        "id": chosen if named and valid_id(chosen) else None,
        "new_person": parse.boolean(body, "new_person", problems, name=p + "new_person", required=False),
        "given_name": parse.text(body, "given_name", problems, name=p + "given_name", max_length=rules.NAME_MAX,
                                 label="their first name", strip=False, required=not named),
        "family_name": parse.text(body, "family_name", problems, name=p + "family_name",
                                  max_length=rules.NAME_MAX, label="their last name", strip=False, required=not named),
        "date_of_birth": parse.iso_date(body, "date_of_birth", problems, name=p + "date_of_birth",
                                        label="their date of birth", today=today, required=not named),
        "gender": parse.choice(body, "gender", rules.GENDERS, problems, name=p + "gender", required=False,
                               label="a gender"),
        "ethnicity": parse.choice(body, "ethnicity", rules.ETHNICITIES, problems, name=p + "ethnicity",
                                  required=False, label="an ethnic group"),
        "language": parse.choice(body, "language", rules.LANGUAGES, problems, name=p + "language", required=False,
                                 label="English or Welsh"),
        "pnc_id": parse.text(body, "pnc_id", problems, name=p + "pnc_id", required=False, max_length=20),
        "custody_number": parse.text(body, "custody_number", problems, name=p + "custody_number",
                                     required=False, max_length=40),
        **contacts.parse_contact(body, problems, prefix=p),
    }
    if named and person["new_person"]:
        problems.add(p + "new_person", "Either choose a known person or say that this is a new person, not both")
    for key, label in (("given_name", "first"), ("family_name", "last")):
        folded = identity_rules.fold(person[key]) if person[key] is not None else None
        if folded == "":
            problems.add(p + key, f"Enter their {label} name using letters")
        elif folded is not None and len(folded) > rules.NAME_MAX * 2:  # a few characters unfold into many
            problems.add(p + key, f"Their {label} name must be shorter")
    if person["pnc_id"]:
        person["pnc_id"] = rules.normalise_pnc(person["pnc_id"])
        if not rules.PNC_PATTERN.match(person["pnc_id"]):
            problems.add(p + "pnc_id", "Enter a PNC ID like 2019/0123456A")
    return person


# --- Finding people ------------------------------------------------------------------------------------

def search(q: object, viewer, *, date_of_birth: date | None = None, after_id: int | None = None,
           limit: int = SEARCH_LIMIT) -> list[Person]:
    """People whose name has every word of `q` (accents, case and word order ignored), or whose PNC id or
    case reference is `q`: only people `viewer` may see, in name order. A custody officer may look a person
    up only by name or PNC id together with their date of birth (what the PNC would show them)."""
    if not isinstance(q, str) or not q.strip():
        raise ValidationFailed(fields={"q": ["Enter a name, PNC ID or reference to search for"]})
    if viewer.role in access.LOOKS_UP_BY_IDENTITY:
        return _look_up(q, date_of_birth, viewer)
    query = select(Person).where(need_to_know.visible(access.PERSON, viewer))
    if date_of_birth is not None:
        query = query.where(Person.date_of_birth == date_of_birth)
    query = query.where(matching(q, viewer))
    if after_id is not None:
        last = db.session.get(Person, after_id)
        if last is not None:
            query = query.where((Person.name_key, Person.id) > (last.name_key, last.id))
    rows = list(db.session.scalars(query.order_by(Person.name_key, Person.id).limit(limit)))
    audit.record("person.list", actor=viewer, object_type="person", details={"ids": [p.id for p in rows],
                                                                             "list": "search"})
    return rows


def _look_up(q: str, date_of_birth: date | None, viewer) -> list[Person]:
    """A custody officer's look-up: the people the identity check would offer for a full name and a date of
    birth (the same or a similar name, born that day), and nobody else."""
    words = identity_rules.query_words(q)
    problems = {}
    if date_of_birth is None:
        problems["date_of_birth"] = ["Enter the person's date of birth to look them up"]
    if len(words) < 2:
        problems["q"] = ["Enter their first and last names"]
    if problems:
        raise ValidationFailed(fields=problems)
    given, family = " ".join(words[:-1]), words[-1]
    found = [p for p in identity.born_on(date_of_birth)
             if identity_rules.likely_same(given, family, p.given_name, p.family_name)][:SEARCH_LIMIT]
    audit.record("person.identity_check", actor=viewer, object_type="person",
                 person_id=found[0].id if len(found) == 1 else None,  # about one person only when one was shown
                 details={"ids": [p.id for p in found], "kind": "look_up"})
    return found


def matching(q: str, viewer: User):
    """The WHERE clause for a search box's text: a case reference, a PNC id, or words of a name (each word
    somewhere in the normalised name, so accents, case and word order do not matter). A reference finds its
    person only when `viewer` may read the record it names (need to know): otherwise the search would tell
    them that the person had that case or drug test, though the record itself is not theirs to see."""
    reference = references.parse_reference(q)
    if reference is not None:
        prefix, canonical = reference
        model = references.MODELS[prefix]
        return Person.id.in_(select(model.person_id).where(
            model.reference == canonical, need_to_know.visible(references.KINDS[prefix], viewer)))
    pnc = rules.normalise_pnc(q)
    if rules.PNC_PATTERN.match(pnc):
        return Person.pnc_id == pnc
    words = identity_rules.query_words(q)
    if not words:
        return false()
    # Folded words hold only letters and digits, so nothing in them is a LIKE wildcard. A word of three letters
    # or more may be anywhere in a name (the trigram index finds it); a shorter one ("Li", "Ó") has no trigram
    # of its own, so it must start the first or the last name (an index range, not a scan of every name).
    return and_(*(Person.name_key.like(f"%{word}%") if len(word) >= 3 else
                  or_(Person.name_key.like(f"{word}%"), Person.name_key.like(f"% {word}%")) for word in words))


# --- A person's record and history ---------------------------------------------------------------------

def load(person_id: object, viewer) -> Person:
    """The person if `viewer` may see them (404 otherwise, and for a record merged into another)."""
    return need_to_know.load(access.PERSON, person_id, viewer, not_found="No such person.")


def merged_into(person_id: object) -> int | None:
    """For an old address: the record a merged person now lives in (None if not merged or unknown)."""
    if not valid_id(person_id):
        return None
    return db.session.scalar(select(Person.merged_into_id).where(Person.id == person_id))


def history(person_id: object, viewer) -> tuple[Person, list, list]:
    """A person with the Checkpoint referrals (and contracts) and DIVERT referrals `viewer` may read, newest
    first, in three queries; audited as a view."""
    person = load(person_id, viewer)
    checkpoint = _readable(access.CHECKPOINT_REFERRAL, person, viewer, selectinload(CheckpointReferral.contract))
    divert = _readable(access.DIVERT_REFERRAL, person, viewer, selectinload(DivertReferral.events))
    audit.record("person.view", actor=viewer, object_type="person", object_id=person.id, person_id=person.id)
    return person, checkpoint, divert


def drug_tests(person: Person, viewer) -> list:
    """The person's drug tests on arrest that `viewer` may read (need to know), newest first, in one query."""
    from diversion.models import DrugTest

    if not access.reads_any(access.DRUG_TEST, viewer.role):
        return []
    return list(db.session.scalars(
        select(DrugTest).where(DrugTest.person_id == person.id, need_to_know.visible(access.DRUG_TEST, viewer))
        .order_by(DrugTest.test_date.desc(), DrugTest.id.desc())))


def _readable(kind: str, person: Person, viewer, load) -> list:
    """The person's referrals of one scheme that `viewer` may read, newest first (none for a role without any)."""
    if not access.reads_any(kind, viewer.role):
        return []
    model = need_to_know.MODELS[kind]
    return list(db.session.scalars(
        select(model).where(model.person_id == person.id, need_to_know.visible(kind, viewer)).options(load)
        .order_by(model.referral_date.desc(), model.id.desc())))


def may_read_person(person_id: int, viewer) -> bool:
    return access.reads_any(access.PERSON, viewer.role) and need_to_know.may_read(access.PERSON, person_id, viewer)


def may_read_contract(contract: Contract | None, viewer) -> bool:
    return contract is not None and need_to_know.may_read(access.CONTRACT, contract.id, viewer)


def shown(ids, viewer, reason: str) -> list[Person]:
    """Other people's records shown beside a case (e.g. possible duplicates): those `viewer` may see, in one
    query, audited."""
    ids = sorted({i for i in ids or () if valid_id(i)})
    if not ids:
        return []
    found = list(db.session.scalars(
        select(Person).where(Person.id.in_(ids), Person.merged_into_id.is_(None),
                             need_to_know.visible(access.PERSON, viewer))
        .order_by(Person.family_name, Person.given_name, Person.id)))
    if found:
        audit.record("person.view", actor=viewer, object_type="person",
                     person_id=found[0].id if len(found) == 1 else None,
                     details={"ids": [p.id for p in found], "reason": reason})
    return found
