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
from diversion.services import contract_records, live_cases

CONTACT_NOTE_KINDS = ("meeting", "phone")


def for_contracts(contracts: Iterable[Contract], today: date | None = None) -> dict[int, rules.Risk]:
    """Each contract's risk, by contract id."""
    contracts = list(contracts)
    today = today or clock.today()
    facts = _facts([c for c in contracts if contract_rules.is_open(c.status)])
    return {c.id: rules.assess(rules.Facts(
        today=today, start_date=c.start_date, deadline=c.deadline, is_open=contract_rules.is_open(c.status),
        **facts.get(c.id, {}))) for c in contracts}


def for_contract(contract: Contract, today: date | None = None) -> rules.Risk:
    return for_contracts([contract], today)[contract.id]


def _facts(contracts: list[Contract]) -> dict[int, dict]:
    """The facts of these contracts, grouped by contract: each kind from the records loaded with them when every
    contract has that kind in memory (the contract page, the API's list), else in one statement."""
    if not contracts:
        return {}
    ids = [c.id for c in contracts]

    def in_memory(relation: str) -> bool:
        return all(contract_records.loaded(c, relation) for c in contracts)

    missed = func.sum(case((Appointment.status == appointment_rules.MISSED, 1), else_=0))
    attended = func.max(case((Appointment.status == appointment_rules.ATTENDED, Appointment.starts_at)))
    return _gather(
        appointments=[_appointment_row(c) for c in contracts if c.appointments] if in_memory("appointments") else
        db.session.execute(select(Appointment.contract_id, missed, attended)
                           .where(Appointment.contract_id.in_(ids)).group_by(Appointment.contract_id)),
        notes=[row for c in contracts if (row := _note_row(c))] if in_memory("notes") else
        db.session.execute(select(Note.contract_id, func.max(Note.occurred_at))
                           .where(Note.contract_id.in_(ids), Note.kind.in_(CONTACT_NOTE_KINDS))
                           .group_by(Note.contract_id)),
        conditions=[(c.id, x.community_kind, x.target_hours, x.hours_done, x.status, x.type)
                    for c in contracts for x in c.conditions] if in_memory("conditions") else
        db.session.execute(select(Condition.contract_id, Condition.community_kind, Condition.target_hours,
                                  Condition.hours_done, Condition.status, Condition.type)
                           .where(Condition.contract_id.in_(ids))),
        alerts=[row for c in contracts if (row := _alert_row(c))] if in_memory("alerts") else
        db.session.execute(select(ContractAlert.contract_id, func.count())
                           .where(ContractAlert.contract_id.in_(ids), ContractAlert.resolved_at.is_(None),
                                  ContractAlert.kind == live_cases.NEW_REFERRAL).group_by(ContractAlert.contract_id)))


def fact_columns() -> tuple:
    """The facts of a contract as scalar subqueries correlated to `Contract`, for a list that selects contracts'
    columns rather than records (the team page: every open contract of a page of navigators in one statement).
    Read the rows with `for_fact_rows`."""
    def scalar(query, name):
        return query.scalar_subquery().label(name)
    return (
        scalar(select(func.count()).where(Appointment.contract_id == Contract.id,
                                          Appointment.status == appointment_rules.MISSED), "fact_missed"),
        scalar(select(func.max(Appointment.starts_at)).where(Appointment.contract_id == Contract.id,
                                                             Appointment.status == appointment_rules.ATTENDED),
               "fact_last_attended"),
        scalar(select(func.max(Note.occurred_at)).where(Note.contract_id == Contract.id,
                                                        Note.kind.in_(CONTACT_NOTE_KINDS)), "fact_last_note"),
        scalar(select(func.count()).where(ContractAlert.contract_id == Contract.id, ContractAlert.resolved_at.is_(None),
                                          ContractAlert.kind == live_cases.NEW_REFERRAL), "fact_alerts"),
    )


def for_fact_rows(rows, contracts_where, today: date | None = None) -> dict[int, rules.Risk]:
    """Each contract's risk, by id, from rows with `id`, `start_date`, `deadline`, `status` and the `fact_columns`;
    their conditions are read in one statement, for the contracts `contracts_where` (a condition on Contract)
    selects."""
    today = today or clock.today()
    open_rows = [r for r in rows if contract_rules.is_open(r.status)]
    conditions = db.session.execute(
        select(Condition.contract_id, Condition.community_kind, Condition.target_hours, Condition.hours_done,
               Condition.status, Condition.type).join(Contract, Contract.id == Condition.contract_id)
        .where(contracts_where)) if open_rows else []
    wanted = {r.id for r in open_rows}
    facts = _gather(appointments=[(r.id, r.fact_missed, r.fact_last_attended) for r in open_rows],
                    notes=[(r.id, r.fact_last_note) for r in open_rows],
                    conditions=[row for row in conditions if row[0] in wanted],
                    alerts=[(r.id, r.fact_alerts) for r in open_rows if r.fact_alerts])
    return {r.id: rules.assess(rules.Facts(
        today=today, start_date=r.start_date, deadline=r.deadline, is_open=contract_rules.is_open(r.status),
        **facts.get(r.id, {}))) for r in rows}


# The rows the statements in `_facts` would give, from a contract's loaded records (None where they give no row).
def _appointment_row(c: Contract) -> tuple:
    attended = [a.starts_at for a in c.appointments if a.status == appointment_rules.ATTENDED]
    return (c.id, sum(1 for a in c.appointments if a.status == appointment_rules.MISSED), max(attended, default=None))


def _note_row(c: Contract) -> tuple | None:
    contact = [n.occurred_at for n in c.notes if n.kind in CONTACT_NOTE_KINDS]
    return (c.id, max(contact)) if contact else None


def _alert_row(c: Contract) -> tuple | None:
    count = sum(1 for a in c.alerts if a.resolved_at is None and a.kind == live_cases.NEW_REFERRAL)
    return (c.id, count) if count else None


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
