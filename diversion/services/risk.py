"""Breach risk on read: gathers the facts domain/risk.py decides on, for one contract or a page of them, in a
fixed number of statements whatever the page's length (one for every kind of fact, none per contract)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from functools import cache

from sqlalchemy import Integer, bindparam, case, cast, func, literal_column, null, select, union_all

from diversion import clock
from diversion.domain import appointments as appointment_rules
from diversion.domain import contracts as contract_rules
from diversion.domain import risk as rules
from diversion.extensions import db
from diversion.models import Appointment, Condition, Contract, ContractAlert, Note

CONTACT_NOTE_KINDS = ("meeting", "phone")


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
              .where(alert.contract_id.in_(ids), alert.resolved_at.is_(None), alert.kind == "new_referral")
              .group_by(alert.contract_id))
    return union_all(appointments, notes, conditions, alerts)


def _fact_rows(ids: list[int]):
    # Plain SQL on the session's connection (these are facts of contracts already found visible: no ORM entity,
    # so the ORM's per-statement work has nothing to do); pending changes are flushed first, as a query would.
    db.session.flush()
    return db.session.connection().execute(_facts_statement(), {"ids": ids})


def _facts(ids: list[int]) -> dict[int, dict]:
    if not ids:
        return {}
    facts: dict[int, dict] = defaultdict(dict)
    unpaid: dict[int, list[rules.UnpaidWork]] = defaultdict(list)
    for fact, contract_id, count, moment, community, target, done in _fact_rows(ids):
        if fact == APPOINTMENTS:
            facts[contract_id]["missed_appointments"] = int(count or 0)
        elif fact == ALERTS:
            facts[contract_id]["open_new_referral_alerts"] = int(count)
        elif fact == CONDITIONS:
            facts[contract_id]["open_conditions"] = facts[contract_id].get("open_conditions", 0) + 1
            if community == contract_rules.UNPAID_WORK and target:
                unpaid[contract_id].append(rules.UnpaidWork(float(target), float(done or 0)))
        if moment is not None:  # the last contact: the later of the last attended appointment and meeting or call
            day = _day(moment)
            known = facts[contract_id].get("last_contact")
            facts[contract_id]["last_contact"] = max(day, known) if known else day
    for contract_id, work in unpaid.items():
        facts[contract_id]["unpaid_work"] = tuple(work)
    return facts


def _day(moment) -> date:
    """The UK calendar day of a stored instant (the rules count days as people do)."""
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("Europe/London")).date() if hasattr(moment, "astimezone") else moment
