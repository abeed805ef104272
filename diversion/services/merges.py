"""Merging two records of one human into one (administrators): every referral, contract and contact detail
moves to the record kept, the other answers for nobody from then on, and the rules that depend on a person's
history are applied to the merged history (DIVERT referral numbers; alerts on an open contract for referrals
made during it). All in the caller's transaction: a merge happens entirely or not at all."""
from __future__ import annotations

from sqlalchemy import select, update

from diversion import audit, clock
from diversion.domain import divert as divert_rules
from diversion.domain.roles import ADMIN
from diversion.errors import Conflict, Forbidden, NotFound, ValidationFailed
from diversion.ids import valid_id
from diversion.extensions import db
from diversion.models import (CheckpointReferral, Contract, DivertReferral, DrugTest, Person, PersonContact, PersonMerge,
                              User)
from diversion.services import contacts, live_cases, parse, rollups, writes
from diversion.services.parse import Problems
from diversion.services.retention import refresh_review_date

FILLED = ("pnc_id", "gender", "ethnicity", "custody_number")
MOVED = {"checkpoint_referrals": CheckpointReferral, "contracts": Contract, "divert_referrals": DivertReferral,
         "drug_tests": DrugTest, "contact_details": PersonContact}


def merge(kept_id: object, merged_id: object, data: dict, *, actor: User) -> PersonMerge:
    """Merge `merged_id` into `kept_id`. `data`: reason, version (of the kept record) and other_version."""
    if actor.role != ADMIN:
        raise Forbidden()
    problems = Problems()
    reason = parse.text(data, "reason", problems, max_length=2000, label="why they are the same person", strip=False)
    kept_version = writes.version(data, problems)
    merged_version = writes.version(data, problems, name="other_version")
    problems.raise_if_any()
    kept, merged = _both(kept_id, merged_id)
    writes.check(kept, kept_version, "person's record")
    writes.check(merged, merged_version, "person's record")
    if kept.pnc_id and merged.pnc_id and kept.pnc_id != merged.pnc_id:
        raise Conflict("Both records have a PNC ID and they differ: the Police National Computer holds them as two "
                       "people. Resolve that first.", fields={"other_id": ["The PNC IDs differ"]})
    # The bulk UPDATE below moves cases past the ORM: the report counters take the cases' figures first.
    rollups.capture_people(db.session, [kept.id, merged.id])
    moved = {name: db.session.execute(update(model).where(model.person_id == merged.id)
                                      .values(person_id=kept.id)).rowcount
             for name, model in MOVED.items()}
    _fill(kept, merged, actor)
    merged.merged_into_id = kept.id
    # Records merged into this one before now point straight at the record kept: a chain is never longer than one.
    db.session.execute(update(Person).where(Person.merged_into_id == merged.id).values(merged_into_id=kept.id)
                       .execution_options(synchronize_session=False))
    kept.updated_at = merged.updated_at = clock.now()
    writes.flush("person's record")
    _renumber_divert(kept.id)
    record = PersonMerge(kept_id=kept.id, merged_id=merged.id, reason=reason, moved=moved, merged_by_id=actor.id)
    db.session.add(record)
    alerts = _alert_open_contracts(kept.id, actor)
    writes.flush("person's record")
    audit.record("person.merge", actor=actor, object_type="person", object_id=kept.id, person_id=kept.id,
                 justification=reason,
                 details={"merged_id": merged.id, "moved": moved, "alerts": alerts})
    refresh_review_date([kept.id, merged.id])  # the cases moved
    return record


def _both(kept_id: object, merged_id: object) -> tuple[Person, Person]:
    if not valid_id(merged_id):
        raise ValidationFailed(fields={"other_id": ["Send the id of the record to merge, as a whole number"]})
    if kept_id == merged_id:
        raise ValidationFailed(fields={"other_id": ["Choose a different record to merge"]})
    # Locked in id order, so two merges of the same pair cannot deadlock.
    locked = {}
    for person_id in sorted(i for i in (kept_id, merged_id) if valid_id(i)):
        person = db.session.scalar(select(Person).where(Person.id == person_id).with_for_update()
                                   .execution_options(populate_existing=True))
        if person is not None:
            locked[person_id] = person
    kept, merged = locked.get(kept_id), locked.get(merged_id)
    if kept is None:
        raise NotFound("No such person.")
    if merged is None:
        raise ValidationFailed(fields={"other_id": ["There is no such person"]})
    if kept.merged_into_id or merged.merged_into_id:  # someone merged one of them a moment ago
        raise Conflict("One of these records has just been merged: look at the person again.")
    return kept, merged


def _fill(kept: Person, merged: Person, actor: User) -> None:
    """What the kept record lacks, the merged one may hold (a PNC id, codes, contact details)."""
    pnc = merged.pnc_id
    if pnc and not kept.pnc_id:
        merged.pnc_id = None
        db.session.flush()  # the PNC id is unique: free it before the kept record takes it
    for key in FILLED:
        if getattr(kept, key) is None and (pnc if key == "pnc_id" else getattr(merged, key)) is not None:
            setattr(kept, key, pnc if key == "pnc_id" else getattr(merged, key))
    missing = {key: getattr(merged, key) for key in contacts.FIELDS if getattr(kept, key) is None}
    contacts.take(kept, missing, source="merge", actor=actor)


def _renumber_divert(person_id: int) -> None:
    """A person's DIVERT referrals are numbered in date order (referral_number counts their referrals)."""
    referrals = db.session.scalars(select(DivertReferral).where(DivertReferral.person_id == person_id)
                                   .order_by(DivertReferral.referral_date, DivertReferral.id)).all()
    for number, referral in enumerate(referrals, start=1):
        if referral.referral_number != number:
            referral.referral_number = divert_rules.referral_number(number - 1)


def _alert_open_contracts(person_id: int, actor: User) -> int:
    """Referrals of the merged history made while one of the person's contracts was open, not yet alerted."""
    open_contracts = db.session.scalars(select(Contract).where(Contract.person_id == person_id,
                                                               Contract.status == "active")).all()
    made = 0
    for contract in open_contracts:
        seen = {(a.scheme, a.referral_id) for a in contract.alerts}
        later = [*db.session.scalars(select(CheckpointReferral).where(
                     CheckpointReferral.person_id == person_id, CheckpointReferral.id != contract.referral_id,
                     CheckpointReferral.referral_date >= contract.start_date)),
                 *db.session.scalars(select(DivertReferral).where(
                     DivertReferral.person_id == person_id, DivertReferral.referral_date >= contract.start_date))]
        for referral in later:
            scheme = "checkpoint" if isinstance(referral, CheckpointReferral) else "divert"
            if (scheme, referral.id) not in seen:
                live_cases.add_alert(contract, referral, scheme)
                made += 1
    return made


def history_counts(person_id: int) -> dict[str, int]:
    """How much each record holds, for the administrator comparing two (one query per kind)."""
    from sqlalchemy import func

    return {name: db.session.scalar(select(func.count()).select_from(model).where(model.person_id == person_id))
            for name, model in MOVED.items()}
