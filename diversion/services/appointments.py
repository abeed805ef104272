"""Appointments on a contract (revision 2, casework): book, record attended or missed, cancel; a day's list.

Rules are in domain/appointments.py. The caller has loaded the contract through contracts.load (need to know:
a navigator only their own contracts); an appointment is found only on that contract (else 404).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select, true
from sqlalchemy.orm import joinedload

from diversion import audit, clock
from diversion.domain import appointments as rules
from diversion.domain import contracts as contract_rules
from diversion.domain import need_to_know as access
from diversion.domain.roles import NAVIGATOR
from diversion.errors import Conflict, NotFound
from diversion.extensions import db
from diversion.ids import valid_id
from diversion.models import Appointment, Contract, User
from diversion.services import contract_records, need_to_know, parse, writes
from diversion.services.parse import Problems


def book(contract: Contract, data: dict, *, actor: User) -> Appointment:
    """Book an appointment on an open contract: when (past or future), what kind, where, and for which condition."""
    problems = Problems()
    starts_at = parse.timestamp(data, "starts_at", problems, label="the date and time of the appointment")
    found = rules.booking_problems(kind=data.get("kind"), location=data.get("location"),
                                   starts_at=starts_at)
    for name, problem in found.items():
        if name not in problems.fields:
            problems.add(name, problem)
    condition_id = data.get("condition_id")
    if condition_id is not None and not any(c.id == condition_id and valid_id(condition_id)
                                            for c in contract.conditions):
        problems.add("condition_id", "Choose one of this contract's conditions")
    problems.raise_if_any()
    if not contract_rules.is_open(contract.status):
        raise Conflict("This contract has ended: appointments are booked only on an open contract.")
    appointment = Appointment(contract_id=contract.id, starts_at=starts_at, kind=data["kind"],
                              location=data["location"].strip(), condition_id=condition_id, status=rules.BOOKED,
                              booked_by_id=actor.id)
    db.session.add(appointment)
    writes.flush("contract")
    audit.record("appointment.book", actor=actor, object_type="contract", object_id=contract.id,
                 person_id=contract.person_id,
                 details={"appointment_id": appointment.id, "kind": appointment.kind})
    return appointment


def find(contract: Contract, appointment_id: object) -> Appointment:
    """One of this contract's appointments (404 for any other, whether or not it exists)."""
    appointment = None
    if valid_id(appointment_id):
        appointment = db.session.scalar(select(Appointment).where(
            Appointment.id == appointment_id, Appointment.contract_id == contract.id))
    if appointment is None:
        raise NotFound("No such appointment on this contract.")
    return appointment


def record_attendance(contract: Contract, appointment_id: object, data: dict, *, actor: User) -> Appointment:
    """Attended or missed, with an optional note: only for a booked appointment that has started."""
    appointment = find(contract, appointment_id)
    problems = Problems()
    attended = parse.boolean(data, "attended", problems, label="whether they attended")
    note = parse.text(data, "note", problems, required=False, max_length=rules.NOTE_MAX, label="a note",
                      strip=False)
    version = writes.version(data, problems)
    problems.raise_if_any()
    writes.check(appointment, version, "appointment")
    problem = rules.attendance_problem(appointment.status, appointment.starts_at, clock.now())
    if problem:
        raise Conflict(problem)
    appointment.status = rules.ATTENDED if attended else rules.MISSED
    appointment.note = note.strip() if note and note.strip() else None
    appointment.recorded_by_id, appointment.recorded_at = actor.id, clock.now()
    writes.flush("appointment")
    audit.record(f"appointment.{appointment.status}", actor=actor, object_type="contract", object_id=contract.id,
                 person_id=contract.person_id,
                 details={"appointment_id": appointment.id})
    return appointment


def cancel(contract: Contract, appointment_id: object, data: dict, *, actor: User) -> Appointment:
    """Cancel a booked appointment, saying why."""
    appointment = find(contract, appointment_id)
    problems = Problems()
    reason = parse.text(data, "reason", problems, max_length=rules.REASON_MAX, label="why it is cancelled")
    version = writes.version(data, problems)
    problems.raise_if_any()
    writes.check(appointment, version, "appointment")
    problem = rules.cancel_problem(appointment.status)
    if problem:
        raise Conflict(problem)
    appointment.status = rules.CANCELLED
    appointment.cancel_reason = reason
    appointment.recorded_by_id, appointment.recorded_at = actor.id, clock.now()
    writes.flush("appointment")
    audit.record("appointment.cancel", actor=actor, object_type="contract", object_id=contract.id,
                 person_id=contract.person_id,
                 details={"appointment_id": appointment.id})
    return appointment


def for_contract(contract: Contract) -> list[Appointment]:
    """Every appointment on a contract (with who booked and recorded it, and its condition): one statement. The
    contract page that shows them has audited the contract's view. No statement when they were loaded with the
    contract and the users they name (contracts.load_full)."""
    if contract_records.loaded(contract, "appointments"):
        return list(contract.appointments)
    return list(db.session.scalars(
        select(Appointment).where(Appointment.contract_id == contract.id)
        .options(joinedload(Appointment.booked_by), joinedload(Appointment.recorded_by),
                 joinedload(Appointment.condition))
        .order_by(Appointment.starts_at, Appointment.id)))


def day(user: User, on: date, *, navigator_id: int | None = None, offset: int = 0,
        limit: int | None = None) -> list[Appointment]:
    """Appointments on a UK calendar day, in time order, with their contracts and people, in one statement.
    A navigator sees those on contracts they hold, whatever `navigator_id` says; managers and admins see all,
    or one navigator's."""
    need_to_know.require(access.CONTRACT, user)
    start, end = rules.day_bounds(on)
    on_the_day = (Appointment.starts_at >= start, Appointment.starts_at < end)
    query = select(Appointment)
    if user.role == NAVIGATOR or navigator_id is not None:
        # One navigator's among the whole country's: which of the day's appointments are theirs is found from the
        # indexes alone (the day's range of (starts_at, contract_id, id) against their contracts' ids), and only
        # those are read from the table, not every appointment of the day.
        chosen = Contract.navigator_id == navigator_id if user.role != NAVIGATOR else true()
        theirs = (select(Appointment.id).join(Contract, Contract.id == Appointment.contract_id)
                  .where(*on_the_day, need_to_know.visible(access.CONTRACT, user), chosen))
        query = query.where(Appointment.id.in_(theirs))
    else:
        query = query.join(Appointment.contract).where(*on_the_day, need_to_know.visible(access.CONTRACT, user))
    query = (query
             .options(joinedload(Appointment.contract).joinedload(Contract.person),
                      joinedload(Appointment.contract).joinedload(Contract.navigator),
                      joinedload(Appointment.condition))
             .order_by(Appointment.starts_at, Appointment.id))
    if offset:
        query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    rows = list(db.session.scalars(query))
    audit.record("appointment.list", actor=user, object_type="appointment",
                 details={"date": on.isoformat(), "ids": [a.id for a in rows]})
    return rows
