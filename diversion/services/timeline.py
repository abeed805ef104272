"""One timeline per contract, and per DIVERT referral: everything that happened on the case, newest first.

A contract's timeline is read in a fixed number of statements whatever its history: one per kind of record asked
for (notes, progress, conditions, appointments, alerts, navigator changes) and one for the names of the people who
did them; the outcome is on the contract itself. The caller has loaded the record through its need-to-know loader
(services/contracts.load, services/divert.load); reading a timeline is audited here.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from diversion import audit
from diversion.domain import contracts as contract_rules
from diversion.domain import timeline as rules
from diversion.errors import ValidationFailed
from diversion.extensions import db
from diversion.models import (Appointment, Condition, Contract, ContractAlert, DivertEvent, DivertReferral,
                              NavigatorChange, Note, ProgressEntry, User)
from diversion.services import contract_records


@dataclass(frozen=True)
class Person:
    """Who did something on the case (a user): id and name only."""

    id: int
    name: str


@dataclass
class Item:
    """One thing on a timeline. `occurred_at` places it (UTC); `occurred_on` is set when only the day is known
    (progress, DIVERT events), and a page shows that day rather than a time. `details` are the kind's own fields."""

    kind: str
    occurred_at: datetime
    by: Person | None
    details: dict = field(default_factory=dict)
    occurred_on: date | None = None
    row_id: int = 0

    @property
    def key(self) -> tuple:
        return rules.sort_key(self.occurred_at, self.kind, self.row_id)


def kinds_from(values: Iterable[str]) -> set[str] | None:
    """The kinds a reader asked for (repeated or comma-separated); None for all of them. 422 on an unknown kind."""
    asked = [part.strip() for value in values for part in (value or "").split(",") if part.strip()]
    unknown = rules.unknown_kinds(asked)
    if unknown:
        raise ValidationFailed(fields={"kind": [f"Unknown kind: {', '.join(sorted(set(unknown)))[:200]}. Use "
                                                f"{', '.join(rules.KINDS)}"]})
    return set(asked) or None


def for_contract(contract: Contract, user: User, kinds: set[str] | None = None, *, audited: bool = True
                 ) -> list[Item]:
    """The contract's timeline, newest first, only the `kinds` asked for (None: every kind). The read is audited
    unless the caller already audited reading the contract it is part of (the contract page)."""
    wanted = set(rules.KINDS) if not kinds else set(kinds)
    items: list[Item] = []
    conditions = {}
    if wanted & {rules.PROGRESS, rules.CONDITION_STATUS}:
        conditions = {c.id: c for c in _rows(contract, "conditions", Condition)}
    if rules.NOTE in wanted:
        items += [_note(n) for n in _rows(contract, "notes", Note)]
    if rules.PROGRESS in wanted and conditions:
        items += [_progress(p, conditions[p.condition_id]) for p in _progress_rows(list(conditions.values()))]
    if rules.CONDITION_STATUS in wanted:
        items += [item for c in conditions.values() if (item := _condition_status(c, contract)) is not None]
    if rules.APPOINTMENT in wanted:
        items += [_appointment(a) for a in _rows(contract, "appointments", Appointment)]
    if rules.ALERT in wanted:
        for alert in _rows(contract, "alerts", ContractAlert):
            items += _alert(alert)
    if rules.NAVIGATOR_CHANGE in wanted:
        items += [_navigator_change(c) for c in _rows(contract, "navigator_changes", NavigatorChange)]
    if rules.OUTCOME in wanted and contract.outcome_recorded_at is not None:
        items.append(_outcome(contract))
    _name_people(items)
    if audited:
        audit.record("contract.timeline.view", actor=user, object_type="contract", object_id=contract.id,
                     person_id=contract.person_id,
                     details={"person_id": contract.person_id, "kinds": sorted(wanted)})
    return sorted(items, key=lambda item: item.key, reverse=True)


def for_divert_referral(referral: DivertReferral) -> list[Item]:
    """A DIVERT referral's events, newest first (the referral page reads and audits the referral itself)."""
    items = [Item(rules.DIVERT_EVENT, rules.day_moment(e.date, e.created_at), _who(e.recorded_by_id),
                  {"id": e.id, "event": e.event, "date": e.date, "note": e.note, "onward_to": e.onward_to,
                   "appointment_at": e.appointment_at}, occurred_on=e.date, row_id=e.id)
             for e in db.session.scalars(select(DivertEvent).where(DivertEvent.referral_id == referral.id))]
    _name_people(items)
    return sorted(items, key=lambda item: item.key, reverse=True)


def _rows(contract: Contract, relation: str, model) -> list:
    """The contract's records of one kind: from memory when the caller loaded them with the contract
    (services/contract_records.py), else in one statement."""
    if contract_records.loaded(contract, relation):
        return list(getattr(contract, relation))
    return list(db.session.scalars(select(model).where(model.contract_id == contract.id)))


def _progress_rows(conditions: list[Condition]) -> list[ProgressEntry]:
    if all(contract_records.loaded(c, "progress") for c in conditions):
        return [entry for c in conditions for entry in c.progress]
    return list(db.session.scalars(select(ProgressEntry).where(
        ProgressEntry.condition_id.in_([c.id for c in conditions]))))


def _who(user_id: int | None) -> Person | None:
    """A placeholder filled in by `_name_people` (all names in one statement)."""
    return Person(user_id, "") if user_id is not None else None


def _name_people(items: list[Item]) -> None:
    people = [p for item in items for p in (item.by, *item.details.values()) if isinstance(p, Person)]
    ids = {p.id for p in people}
    names = {user_id: user.name for user_id in ids if (user := contract_records.in_session(User, user_id))}
    unknown = ids - names.keys()
    if unknown:  # one statement for the names the session does not hold
        names.update(db.session.execute(select(User.id, User.name).where(User.id.in_(unknown))).all())
    for item in items:
        if item.by is not None:
            item.by = Person(item.by.id, names.get(item.by.id, ""))
        for key, value in item.details.items():
            if isinstance(value, Person):
                item.details[key] = Person(value.id, names.get(value.id, ""))


def _note(n: Note) -> Item:
    return Item(rules.NOTE, n.occurred_at, _who(n.author_id),
                {"id": n.id, "note_kind": n.kind, "body": n.body, "recorded_at": n.created_at}, row_id=n.id)


def _progress(p: ProgressEntry, condition: Condition) -> Item:
    return Item(rules.PROGRESS, rules.day_moment(p.occurred_on, p.created_at), _who(p.author_id),
                {"id": p.id, "condition_id": condition.id, "condition_number": condition.position + 1,
                 "condition_type": condition.type, "hours": p.hours, "note": p.note, "occurred_on": p.occurred_on,
                 "recorded_at": p.created_at}, occurred_on=p.occurred_on, row_id=p.id)


def _condition_status(c: Condition, contract: Contract) -> Item | None:
    """A condition marked met or failed. One marked before its time was recorded (before migration 0007) shows
    only if it is "no further offending", which follows the outcome (so it changed when the outcome was recorded)."""
    if c.status == contract_rules.OPEN:
        return None
    at, by = c.status_changed_at, c.status_changed_by_id
    if at is None and c.type == contract_rules.OFFENDING and contract.outcome_recorded_at is not None:
        at, by = contract.outcome_recorded_at, contract.outcome_recorded_by_id
    if at is None:
        return None
    return Item(rules.CONDITION_STATUS, at, _who(by),
                {"condition_id": c.id, "condition_number": c.position + 1, "condition_type": c.type,
                 "description": c.description, "status": c.status}, row_id=c.id)


def _appointment(a: Appointment) -> Item:
    """At the time it was (or is) booked for, with its status: who recorded attendance or cancelled it, else who
    booked it."""
    return Item(rules.APPOINTMENT, a.starts_at, _who(a.recorded_by_id or a.booked_by_id),
                {"id": a.id, "appointment_kind": a.kind, "starts_at": a.starts_at, "location": a.location,
                 "condition_id": a.condition_id, "status": a.status, "note": a.note,
                 "cancel_reason": a.cancel_reason, "booked_by": _who(a.booked_by_id), "recorded_at": a.recorded_at},
                row_id=a.id)


def _alert(a: ContractAlert) -> list[Item]:
    """An alert when it was raised (by no one: the system saw a new referral), and, once decided, its answer."""
    raised = Item(rules.ALERT, a.created_at, None,
                  {"id": a.id, "event": "raised", "alert_kind": a.kind, "scheme": a.scheme,
                   "referral_id": a.referral_id, "date": a.date, "reference": (a.summary or {}).get("reference")},
                  row_id=a.id)
    if a.resolved_at is None:
        return [raised]
    return [raised, Item(rules.ALERT, a.resolved_at, _who(a.resolved_by_id),
                         {"id": a.id, "event": "resolved", "alert_kind": a.kind, "scheme": a.scheme,
                          "referral_id": a.referral_id, "resolution": a.resolution,
                          "resolution_reason": a.resolution_reason}, row_id=a.id)]


def _navigator_change(c: NavigatorChange) -> Item:
    return Item(rules.NAVIGATOR_CHANGE, c.created_at, _who(c.changed_by_id),
                {"id": c.id, "from": _who(c.from_navigator_id), "to": _who(c.to_navigator_id), "reason": c.reason},
                row_id=c.id)


def _outcome(contract: Contract) -> Item:
    return Item(rules.OUTCOME, contract.outcome_recorded_at, _who(contract.outcome_recorded_by_id),
                {"outcome": contract.status, "date": contract.outcome_date, "reason": contract.outcome_reason,
                 "details": contract.outcome_details, "prosecution_referred": contract.prosecution_referred},
                row_id=contract.id)
