"""Breach evidence packs: prepare (a preview that saves nothing), sign (fixed from then on, a disclosure in the
audit trail), read. Only for a breached contract, by its navigator, managers and admins (need to know: the
contract's loader, 404 for anyone else)."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from diversion import audit, clock
from diversion.domain import appointments as appointment_rules
from diversion.domain import breach_packs as rules
from diversion.domain import contracts as contract_rules
from diversion.errors import Conflict
from diversion.extensions import db
from diversion.models import Appointment, BreachPack, Condition, Contract, Note, ProgressEntry
from diversion.services import parse, reference, writes
from diversion.services.parse import Problems


def _instant(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def _day(value) -> str | None:
    return value.isoformat() if value is not None else None


def _name(user) -> str | None:
    return user.name if user is not None else None


def _conditions(contract: Contract) -> list[dict]:
    return [{"id": c.id, "number": n, "type": c.type, "description": c.description, "pathway": c.pathway,
             "pathway_label": contract_rules.PATHWAYS.get(c.pathway) if c.pathway else None,
             "community_kind": c.community_kind, "target_hours": c.target_hours, "hours_done": c.hours_done,
             "status": c.status, "status_changed_at": _instant(c.status_changed_at),
             "progress": [{"occurred_on": _day(p.occurred_on), "hours": p.hours, "note": p.note,
                           "author": _name(p.author), "recorded_at": _instant(p.created_at)}
                          for p in sorted(c.progress, key=lambda p: (p.created_at, p.id))]}
            for n, c in enumerate(contract.conditions, start=1)]


def _appointments(contract: Contract) -> list[dict]:
    """Kept, missed, cancelled and booked: when, what and where (what was said at them is a note, not here)."""
    rows = db.session.scalars(select(Appointment).where(Appointment.contract_id == contract.id)
                              .order_by(Appointment.starts_at, Appointment.id))
    return [{"id": a.id, "starts_at": _instant(a.starts_at), "kind": a.kind,
             "kind_label": appointment_rules.KINDS.get(a.kind, a.kind), "location": a.location, "status": a.status,
             "status_label": appointment_rules.STATUS_LABELS.get(a.status, a.status)} for a in rows]


def _note(note: Note) -> dict:
    return {"id": note.id, "kind": note.kind, "kind_label": contract_rules.NOTE_KINDS.get(note.kind, note.kind),
            "occurred_at": _instant(note.occurred_at), "author": _name(note.author), "body": note.body}


def facts(contract: Contract, note_ids: list[int]) -> dict:
    """Everything the pack shows, as plain JSON: what is stored when it is signed, and shown from then on."""
    referral, person = contract.referral, contract.person
    category = reference.category(referral.offence_category)
    notes = sorted(contract.notes, key=lambda n: (n.occurred_at, n.id))
    chosen = set(note_ids)
    appointments = _appointments(contract)
    return {
        "reference": referral.reference,
        "person": {"given_name": person.given_name, "family_name": person.family_name,
                   "date_of_birth": _day(person.date_of_birth), "pnc_id": person.pnc_id},
        "offence": {"category": referral.offence_category, "category_title": category.title if category else None,
                    "description": referral.offence_description, "offence_date": _day(referral.offence_date),
                    "arrest_date": _day(referral.arrest_date)},
        "dates": {"referral_date": _day(referral.referral_date), "start_date": _day(contract.start_date),
                  "deadline": _day(contract.deadline), "breach_date": _day(contract.outcome_date)},
        "navigator": _name(contract.navigator),
        "conditions": _conditions(contract),
        "appointments": appointments,
        "appointment_counts": rules.appointment_counts([a["status"] for a in appointments]),
        "warnings": {"warned_at_start": contract.warning_given, "start_date": _day(contract.start_date),
                     "warning_notes": [{"id": n.id, "occurred_at": _instant(n.occurred_at), "author": _name(n.author),
                                        "included": n.id in chosen}
                                       for n in notes if n.kind == rules.WARNING_NOTE]},
        "notes": [_note(n) for n in notes if n.id in chosen],
        "breach": {"date": _day(contract.outcome_date), "reason": contract.outcome_reason,
                   "reason_label": contract_rules.BREACH_REASONS.get(contract.outcome_reason),
                   "details": contract.outcome_details, "recorded_by": _name(contract.outcome_recorded_by),
                   "recorded_at": _instant(contract.outcome_recorded_at)},
        "prosecution_referred": contract.prosecution_referred,
    }


def with_history(contract: Contract) -> Contract:
    """The contract with what a pack reads (conditions, progress, notes and their authors) in a fixed number of
    statements."""
    db.session.scalars(select(Contract).where(Contract.id == contract.id).options(
        selectinload(Contract.conditions).selectinload(Condition.progress).selectinload(ProgressEntry.author),
        selectinload(Contract.notes).selectinload(Note.author), selectinload(Contract.referral),
        selectinload(Contract.person), selectinload(Contract.navigator),
        selectinload(Contract.outcome_recorded_by))).one()
    return contract


def latest_version(contract: Contract) -> int:
    return db.session.scalar(select(func.coalesce(func.max(BreachPack.version), 0))
                             .where(BreachPack.contract_id == contract.id)) or 0


def latest(contract: Contract) -> BreachPack | None:
    return db.session.scalar(select(BreachPack).where(BreachPack.contract_id == contract.id)
                             .order_by(BreachPack.version.desc()).limit(1))


def signed(contract: Contract, version: int) -> BreachPack | None:
    return db.session.scalar(select(BreachPack).where(BreachPack.contract_id == contract.id,
                                                      BreachPack.version == version))


def versions(contract: Contract) -> list[tuple[int, datetime]]:
    return list(db.session.execute(select(BreachPack.version, BreachPack.signed_at)
                                   .where(BreachPack.contract_id == contract.id).order_by(BreachPack.version)))


class Proposal:
    """A checked pack, ready to sign: the notes chosen, to whom it goes, and the version it would be."""

    def __init__(self, note_ids: list[int], disclosed_to: str, version: int):
        self.note_ids, self.disclosed_to, self.version = note_ids, disclosed_to, version


def check(contract: Contract, data: dict) -> Proposal:
    """Every rule for signing, without saving: 422 for bad fields (all named), 409 for a contract that is not
    breached or a pack already signed since the version the client read."""
    problems = Problems()
    note_ids = data.get("note_ids")
    for problem in rules.chosen_note_problems(note_ids, {n.id for n in contract.notes}):
        problems.add("note_ids", problem)
    disclosed_to = parse.text(data, "disclosed_to", problems, max_length=rules.DISCLOSED_TO_MAX,
                              label="to whom the pack is disclosed")
    read = writes.version(data, problems)
    if read is not None and read < 0:
        problems.add("version", "Send the version of the latest pack you read (0 when there is none)")
    problems.raise_if_any()
    if not rules.may_prepare(contract.status):
        raise Conflict(rules.not_breached_message(contract_rules.STATUS_LABELS.get(contract.status, contract.status)))
    latest_signed = latest_version(contract)
    if read != latest_signed:
        raise Conflict(rules.stale_message(latest_signed), code="already_signed")
    return Proposal(sorted(set(note_ids or [])), disclosed_to, latest_signed + 1)


def sign(contract: Contract, data: dict, *, actor) -> BreachPack:
    """Sign the pack: its facts are fixed as they are now, and the disclosure is audited. Two signing at once:
    the unique (contract, version) lets one through; the other is a 409."""
    proposal = check(contract, data)
    pack = BreachPack(contract_id=contract.id, version=proposal.version, note_ids=proposal.note_ids,
                      disclosed_to=proposal.disclosed_to, snapshot=facts(contract, proposal.note_ids),
                      signed_by_id=actor.id, signed_at=clock.now())
    db.session.add(pack)
    try:
        writes.flush("breach evidence pack")
    except Conflict as conflict:
        raise Conflict("Someone else signed a breach evidence pack for this contract at the same moment. "
                       "Read it before signing another.", code="already_signed") from conflict
    audit.record("contract.breach_pack", actor=actor, object_type="contract", object_id=contract.id,
                 person_id=contract.person_id, justification=proposal.disclosed_to,
                 details={"breach_pack_id": pack.id, "version": pack.version, "note_ids": proposal.note_ids})
    return pack


def shown(contract: Contract, pack: BreachPack | None, user, *, how: str = "view") -> None:
    """A signed pack read (or downloaded) is a read of the person's record."""
    audit.record(f"contract.breach_pack.{how}", actor=user,
                 object_type="contract", object_id=contract.id, person_id=contract.person_id,
                 details={"breach_pack_id": pack.id if pack else None, "version": pack.version if pack else None})
