"""Names and references for a page of audit events, so that each can be told in plain English
(domain/audit_wording.py): at most five queries however many events (users, people, contracts, Checkpoint and
DIVERT referrals), never one per event. An erased person is looked up only to learn that they were erased."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from diversion.domain import audit_wording as wording
from diversion.domain.text import storable
from diversion.extensions import db
from diversion.ids import valid_id
from diversion.models import AuditEvent, CheckpointReferral, Contract, DivertReferral, DrugTest, Person, User

# Erased people are hidden from ordinary queries (services/erasure.py); here we need to know they were erased.
WITH_ERASED = {"include_erased": True}


@dataclass(frozen=True)
class Line:
    """One event as people read it."""
    event: AuditEvent
    actor: str | None       # who did it, by name (None: nobody signed in, or the system)
    person: str | None      # whom it was about: a name, "an erased person", or None (no one person)
    reference: str | None   # the case it was about (CP-2026-00123, DV-2026-00456)
    text: str               # the whole sentence


def _ids(values) -> set[int]:
    found = set()
    for value in values:
        try:
            number = int(value)
        except (TypeError, ValueError):
            continue
        if valid_id(number):
            found.add(number)
    return found


def _objects(events, kind: str) -> set[int]:
    return _ids(e.object_id for e in events if e.object_type == kind)


def people_named(ids) -> dict[int, tuple[str, bool]]:
    """person id -> (name, erased), in one query (erased people's names are never used)."""
    ids = _ids(ids)
    if not ids:
        return {}
    rows = db.session.execute(select(Person.id, Person.given_name, Person.family_name, Person.erased_at)
                              .where(Person.id.in_(ids)).execution_options(**WITH_ERASED))
    return {row.id: (f"{row.given_name} {row.family_name}", row.erased_at is not None) for row in rows}


def person_phrase(person_id: int | None, named: dict[int, tuple[str, bool]]) -> str | None:
    """How a person is named: their name, or "an erased person" (also when the record is gone)."""
    if person_id is None:
        return None
    name, erased = named.get(person_id, (None, True))
    return wording.person_phrase(name, erased)


def _references(events) -> dict[tuple[str, str], str]:
    found = {}
    contracts = _objects(events, "contract")
    if contracts:
        rows = db.session.execute(select(Contract.id, CheckpointReferral.reference)
                                  .join(CheckpointReferral, Contract.referral_id == CheckpointReferral.id)
                                  .where(Contract.id.in_(contracts)).execution_options(**WITH_ERASED))
        found.update({("contract", str(i)): reference for i, reference in rows})
    for kind, model in (("checkpoint_referral", CheckpointReferral), ("divert_referral", DivertReferral),
                        ("drug_test", DrugTest)):
        ids = _objects(events, kind)
        if ids:
            rows = db.session.execute(select(model.id, model.reference).where(model.id.in_(ids))
                                      .execution_options(**WITH_ERASED))
            found.update({(kind, str(i)): reference for i, reference in rows})
    return found


def _users(events, known: dict[int, str]) -> dict[int, str]:
    wanted = (_ids(e.actor_id for e in events) | _objects(events, "user")) - set(known)
    if not wanted:
        return dict(known)
    rows = db.session.execute(select(User.id, User.name).where(User.id.in_(wanted)))
    return {**known, **{i: name for i, name in rows}}


def describe(events, known_users: dict[int, str] | None = None) -> list[Line]:
    """Each event told in plain English, in order. `known_users` (id -> name) saves looking up actors the caller
    already loaded."""
    events = list(events)
    if not events:
        return []
    users = _users(events, known_users or {})
    named = people_named(e.person_id for e in events)
    references = _references(events)
    lines = []
    for event in events:
        name, erased = named.get(event.person_id, (None, True)) if event.person_id is not None else (None, False)
        reference = references.get((event.object_type, event.object_id))
        actor = users.get(event.actor_id)
        subject = users.get(int(event.object_id)) if event.object_type == "user" and _ids([event.object_id]) else None
        facts = wording.Facts(action=event.action, actor=actor, object_type=event.object_type,
                              object_id=event.object_id, person=name, person_erased=erased, reference=reference,
                              subject=subject, justification=event.justification, details=event.details or {})
        lines.append(Line(event, actor, wording.person_phrase(name, erased), reference, wording.describe(facts)))
    return lines


def find_person(typed: str) -> tuple[int, str] | None:
    """The person a filter names, by record number or by one of their case references (CP-2026-00123), with how
    they are named; None when there is no such person. One or two queries."""
    from diversion.services.references import parse_reference

    typed = (typed or "").strip()
    person_id = int(typed) if typed.isascii() and typed.isdigit() and len(typed) <= 10 else None
    reference = parse_reference(typed)
    if reference is not None:
        from diversion.services.references import MODELS
        model = MODELS[reference[0]]
        person_id = db.session.scalar(select(model.person_id).where(model.reference == reference[1])
                                      .execution_options(**WITH_ERASED))
    if not valid_id(person_id):
        return None
    named = people_named([person_id])
    return (person_id, person_phrase(person_id, named)) if person_id in named else None


def find_user(typed: str) -> tuple[int, str] | None | bool:
    """The user a filter names by their email address or whole name (case ignored), as (id, name); None when
    nobody has it, False when several people share that name (their email address tells them apart). One query,
    whatever the number of users (the page offers no list of every user)."""
    from sqlalchemy import func, or_

    wanted = (typed or "").strip().lower()
    if not storable(wanted):  # a NUL (which PostgreSQL refuses in a query) is in nobody's name or email
        return None
    rows = db.session.execute(select(User.id, User.name).where(or_(func.lower(User.email) == wanted,
                                                                   func.lower(User.name) == wanted))
                              .order_by(User.id).limit(2)).all()
    if not rows:
        return None
    return (rows[0].id, rows[0].name) if len(rows) == 1 else False


def user_named(user_id: int | None) -> str | None:
    return db.session.scalar(select(User.name).where(User.id == user_id)) if valid_id(user_id) else None
