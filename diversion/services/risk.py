"""Breach risk on read: gathers the facts domain/risk.py decides on, for one contract or a page of them, in a
fixed number of statements whatever the page's length (one for all four kinds of fact, none per contract)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, bindparam, case, cast, func, literal_column, null, select, union_all

from diversion import clock
from diversion.domain import appointments as appointment_rules
from diversion.domain import contracts as contract_rules
from diversion.domain import risk as rules
from diversion.extensions import db
from diversion.models import Appointment, Condition, Contract, ContractAlert, Note
from diversion.services import contract_records, live_cases

CONTACT_NOTE_KINDS = ("meeting", "phone")
UK = ZoneInfo("Europe/London")


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


# Which kind of fact a row of _fact_rows holds.
APPOINTMENTS, CONTACT_NOTES, CONDITIONS, ALERTS = 1, 2, 3, 4


@cache
def _facts_statement():
    """The four kinds of fact in one statement (one round trip, not four): each kind a SELECT of the same seven
    columns, NULL where it has nothing, joined by UNION ALL: (kind, contract id, a count, a moment, and an open
    condition's community kind, target hours and hours done). The first SELECT types the columns. Built once per
    process, the contract ids bound at each run (`ids`)."""
    def kind(number: int):
        return literal_column(str(number), Integer)

    def nothing(like=None):
        return null() if like is None else cast(null(), like.type)  # typed in the first SELECT (PostgreSQL)

    ids = bindparam("ids", expanding=True)
    a, n, c, alert = (model.__table__.c for model in (Appointment, Note, Condition, ContractAlert))
    missed = func.sum(case((a.status == appointment_rules.MISSED, 1), else_=0))
    attended = func.max(case((a.status == appointment_rules.ATTENDED, a.starts_at)))
    appointments = (select(kind(APPOINTMENTS), a.contract_id, missed, attended, nothing(c.community_kind),
                           nothing(c.target_hours), nothing(c.hours_done))
                    .where(a.contract_id.in_(ids)).group_by(a.contract_id))
    notes = (select(kind(CONTACT_NOTES), n.contract_id, nothing(), func.max(n.occurred_at), *[nothing()] * 3)
             .where(n.contract_id.in_(ids), n.kind.in_(CONTACT_NOTE_KINDS)).group_by(n.contract_id))
    # The conditions still open, other than the offending condition (each one a row: its unpaid work, if any).
    conditions = (select(kind(CONDITIONS), c.contract_id, nothing(), nothing(), c.community_kind, c.target_hours,
                         c.hours_done)
                  .where(c.contract_id.in_(ids), c.type != contract_rules.OFFENDING, c.status == contract_rules.OPEN))
    alerts = (select(kind(ALERTS), alert.contract_id, func.count(), *[nothing()] * 4)
              .where(alert.contract_id.in_(ids), alert.resolved_at.is_(None), alert.kind == live_cases.NEW_REFERRAL)
              .group_by(alert.contract_id))
    return union_all(appointments, notes, conditions, alerts)


def _fact_rows(ids: list[int]):
    # Plain SQL on the session's connection (these are facts of contracts already found visible: no ORM entity,
    # so the ORM's per-statement work has nothing to do); pending changes are flushed first, as a query would.
    db.session.flush()
    return db.session.connection().execute(_facts_statement(), {"ids": ids})


def _facts(contracts: list[Contract]) -> dict[int, dict]:
    """The facts of these contracts, grouped by contract: from the records loaded with them when every contract has
    every kind in memory (the contract page, the API's list), else all four kinds in one statement."""
    if not contracts:
        return {}
    if all(contract_records.loaded(c, relation) for c in contracts
           for relation in ("appointments", "notes", "conditions", "alerts")):
        return _gather(
            appointments=[_appointment_row(c) for c in contracts if c.appointments],
            notes=[row for c in contracts if (row := _note_row(c))],
            conditions=[(c.id, x.community_kind, x.target_hours, x.hours_done, x.status, x.type)
                        for c in contracts for x in c.conditions],
            alerts=[row for c in contracts if (row := _alert_row(c))])
    kinds: dict[int, list] = defaultdict(list)
    for fact, contract_id, count, moment, community, target, done in _fact_rows([c.id for c in contracts]):
        kinds[fact].append((contract_id, count, moment, community, target, done))
    return _gather(
        appointments=[(cid, count, moment) for cid, count, moment, *_ in kinds[APPOINTMENTS]],
        notes=[(cid, moment) for cid, _count, moment, *_ in kinds[CONTACT_NOTES]],
        # (the statement reads only the open conditions other than the offending one)
        conditions=[(cid, community, target, done, contract_rules.OPEN, None)
                    for cid, _c, _m, community, target, done in kinds[CONDITIONS]],
        alerts=[(cid, count) for cid, count, *_ in kinds[ALERTS]])


def fact_columns() -> tuple:
    """The facts of a contract as scalar subqueries correlated to `Contract`, for a list that selects contracts'
    columns rather than records (the team page: every open contract of a page of navigators in one statement).
    Read the rows with `for_fact_rows` (which reads the open alerts and conditions itself)."""
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
    )


def for_fact_rows(rows, contracts_where, today: date | None = None) -> dict[int, rules.Risk]:
    """Each contract's risk, by id, from rows with `id`, `start_date`, `deadline`, `status` and the `fact_columns`;
    their conditions, and their open new-referral alerts counted, are read in one statement each, for the contracts
    `contracts_where` (a condition on Contract) selects. (The alerts are not a correlated subquery of each row: where
    the open alerts are few, PostgreSQL read the whole alerts table once per contract rather than its index, 15 ms
    for a page of 875 contracts at 100,000 contracts.)"""
    today = today or clock.today()
    open_rows = [r for r in rows if contract_rules.is_open(r.status)]
    conditions, alerts = [], []
    if open_rows:
        conditions = db.session.execute(
            select(Condition.contract_id, Condition.community_kind, Condition.target_hours, Condition.hours_done,
                   Condition.status, Condition.type).join(Contract, Contract.id == Condition.contract_id)
            .where(contracts_where))
        alerts = db.session.execute(
            select(ContractAlert.contract_id, func.count()).join(Contract, Contract.id == ContractAlert.contract_id)
            .where(contracts_where, ContractAlert.resolved_at.is_(None), ContractAlert.kind == live_cases.NEW_REFERRAL)
            .group_by(ContractAlert.contract_id))
    wanted = {r.id for r in open_rows}
    facts = _gather(appointments=[(r.id, r.fact_missed, r.fact_last_attended) for r in open_rows],
                    notes=[(r.id, r.fact_last_note) for r in open_rows],
                    conditions=[row for row in conditions if row[0] in wanted],
                    alerts=[(contract_id, count) for contract_id, count in alerts if contract_id in wanted])
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
    return moment.astimezone(UK).date() if hasattr(moment, "astimezone") else moment
