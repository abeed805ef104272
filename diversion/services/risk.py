"""Breach risk on read: gathers the facts domain/risk.py decides on, for one contract or a page of them, in a
fixed number of statements whatever the page's length (one per kind of fact, none per contract)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import case, func, select

from diversion import clock
from diversion.domain import appointments as appointment_rules
from diversion.domain import contracts as contract_rules
from diversion.domain import risk as rules
from diversion.extensions import db
from diversion.models import Appointment, Condition, Contract, ContractAlert, Note
from diversion.services import contract_records

CONTACT_NOTE_KINDS = ("meeting", "phone")
NEW_REFERRAL = "new_referral"


def for_contracts(contracts: Iterable[Contract], today: date | None = None) -> dict[int, rules.Risk]:
    """Each contract's risk, by contract id."""
    contracts = list(contracts)
    today = today or clock.today()
    open_ids = [c.id for c in contracts if contract_rules.is_open(c.status)]
    facts = _facts(open_ids)
    return {c.id: rules.assess(rules.Facts(
        today=today, start_date=c.start_date, deadline=c.deadline, is_open=contract_rules.is_open(c.status),
        **facts.get(c.id, {}))) for c in contracts}


def for_contract(contract: Contract, today: date | None = None) -> rules.Risk:
    """One contract's risk: from the records loaded with it when the caller has them (the contract page), else
    read as for a page of contracts."""
    if not contract_records.loaded(contract, "appointments", "notes", "conditions", "alerts"):
        return for_contracts([contract], today)[contract.id]
    today = today or clock.today()
    is_open = contract_rules.is_open(contract.status)
    facts = _facts_in_memory(contract) if is_open else {}
    return rules.assess(rules.Facts(today=today, start_date=contract.start_date, deadline=contract.deadline,
                                    is_open=is_open, **facts))


def _facts(ids: list[int]) -> dict[int, dict]:
    if not ids:
        return {}
    missed = func.sum(case((Appointment.status == appointment_rules.MISSED, 1), else_=0))
    attended = func.max(case((Appointment.status == appointment_rules.ATTENDED, Appointment.starts_at)))
    return _gather(
        appointments=db.session.execute(
            select(Appointment.contract_id, missed, attended)
            .where(Appointment.contract_id.in_(ids)).group_by(Appointment.contract_id)),
        notes=db.session.execute(
            select(Note.contract_id, func.max(Note.occurred_at))
            .where(Note.contract_id.in_(ids), Note.kind.in_(CONTACT_NOTE_KINDS)).group_by(Note.contract_id)),
        conditions=db.session.execute(
            select(Condition.contract_id, Condition.community_kind, Condition.target_hours, Condition.hours_done,
                   Condition.status, Condition.type).where(Condition.contract_id.in_(ids))),
        alerts=db.session.execute(
            select(ContractAlert.contract_id, func.count())
            .where(ContractAlert.contract_id.in_(ids), ContractAlert.resolved_at.is_(None),
                   ContractAlert.kind == NEW_REFERRAL).group_by(ContractAlert.contract_id)))


def _facts_in_memory(contract: Contract) -> dict:
    """The same facts as `_facts`, from the contract's loaded records: the same rows the statements would group."""
    appointments, key = contract.appointments, contract.id
    attended = [a.starts_at for a in appointments if a.status == appointment_rules.ATTENDED]
    contact_notes = [n.occurred_at for n in contract.notes if n.kind in CONTACT_NOTE_KINDS]
    open_alerts = sum(1 for a in contract.alerts if a.resolved_at is None and a.kind == NEW_REFERRAL)
    return _gather(
        appointments=[(key, sum(1 for a in appointments if a.status == appointment_rules.MISSED),
                       max(attended, default=None))] if appointments else [],
        notes=[(key, max(contact_notes))] if contact_notes else [],
        conditions=[(key, c.community_kind, c.target_hours, c.hours_done, c.status, c.type)
                    for c in contract.conditions],
        alerts=[(key, open_alerts)] if open_alerts else []).get(key, {})


def _gather(*, appointments, notes, conditions, alerts) -> dict[int, dict]:
    """Each contract's facts from rows grouped by contract: (id, missed, last attended), (id, last contact note),
    (id, condition fields...) and (id, open new-referral alerts)."""
    facts: dict[int, dict] = defaultdict(dict)
    for contract_id, missed_count, last_attended in appointments:
        facts[contract_id]["missed_appointments"] = int(missed_count or 0)
        if last_attended is not None:
            facts[contract_id]["last_contact"] = _day(last_attended)
    for contract_id, last_note in notes:
        if last_note is not None:
            day = _day(last_note)
            known = facts[contract_id].get("last_contact")
            facts[contract_id]["last_contact"] = max(day, known) if known else day
    unpaid: dict[int, list[rules.UnpaidWork]] = defaultdict(list)
    for contract_id, kind, target, done, status, condition_type in conditions:
        if condition_type == contract_rules.OFFENDING or status != contract_rules.OPEN:
            continue
        facts[contract_id]["open_conditions"] = facts[contract_id].get("open_conditions", 0) + 1
        if kind == contract_rules.UNPAID_WORK and target:
            unpaid[contract_id].append(rules.UnpaidWork(float(target), float(done or 0)))
    for contract_id, work in unpaid.items():
        facts[contract_id]["unpaid_work"] = tuple(work)
    for contract_id, count in alerts:
        facts[contract_id]["open_new_referral_alerts"] = int(count)
    return facts


def _day(moment) -> date:
    """The UK calendar day of a stored instant (the rules count days as people do)."""
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("Europe/London")).date() if hasattr(moment, "astimezone") else moment
