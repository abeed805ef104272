"""The caseload's rows as the page shows them: plain values read in one statement, not ORM objects.

The page shows, for each contract, its dates and status, its person's name and PNC ID, its reference, its
navigator's name and whether a new referral waits for a decision. Loaded as mapped objects that was three
statements (the contracts with their referrals and navigators joined, their people, all their alerts) and the
ORM's identity map and attribute bookkeeping for every object, for rows that are only read. Here the list's own
statement (need to know and filters applied, sorted, limited) keeps its FROM, WHERE, ORDER BY and LIMIT and selects
just these values, joining the person, referral and navigator by primary key (the planner still walks the
contracts' index in the list's order and looks each one up: tests/services/test_list_plans.py)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import exists, select

from diversion.extensions import db
from diversion.models import CheckpointReferral, Contract, ContractAlert, Person, User


@dataclass(frozen=True, slots=True)
class ListedPerson:
    id: int
    given_name: str
    family_name: str
    pnc_id: str | None

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


@dataclass(frozen=True, slots=True)
class ListedNavigator:
    id: int
    name: str | None


@dataclass(frozen=True, slots=True)
class ListedContract:
    id: int
    status: str
    start_date: date
    deadline: date
    reference: str
    person: ListedPerson
    navigator: ListedNavigator
    waiting_alert: bool  # an unresolved alert (a new referral) waits for the navigator's decision


@cache
def _shown():
    """What the page shows of each contract: (columns, joins). Built once per process (an alias of a table makes a
    copy of each of its columns, which per request cost more than the query)."""
    C = Contract
    # Table aliases, joined by primary key: the contract was found visible (need to know, not an erased person's),
    # and these are what the page shows of it.
    person = Person.__table__.alias("listed_person")
    referral = CheckpointReferral.__table__.alias("listed_referral")
    navigator = User.__table__.alias("listed_navigator")
    alerts = ContractAlert.__table__
    waiting = exists().where(alerts.c.contract_id == C.id, alerts.c.resolved_at.is_(None)).correlate(C)
    columns = (C.id, C.status, C.start_date, C.deadline, person.c.id, person.c.given_name, person.c.family_name,
               person.c.pnc_id, referral.c.reference, C.navigator_id, navigator.c.name, waiting)
    joins = ((person, person.c.id == C.person_id), (referral, referral.c.id == C.referral_id))
    return columns, joins, (navigator, navigator.c.id == C.navigator_id)


def fetch(statement) -> list[ListedContract]:
    """The rows of `statement` (a select of Contract, in its order) as ListedContracts."""
    return fetch_with(statement)[0]


def fetch_with(statement, also=None) -> tuple[list[ListedContract], object]:
    """The rows of `statement` as ListedContracts, and the value of `also` (an uncorrelated scalar subquery, such as
    the list's count, read in the same statement, once) or None when there is no row to carry it (or no `also`)."""
    columns, joins, outer = _shown()
    if also is not None:
        columns = (*columns, also.label("also"))
    statement = statement.with_only_columns(*columns, maintain_column_froms=True)
    for target, on in joins:
        statement = statement.join(target, on)
    rows = db.session.execute(statement.outerjoin(*outer)).all()
    value = rows[0][-1] if also is not None and rows else None
    return [ListedContract(id, status, start, deadline, reference, ListedPerson(person_id, given, family, pnc),
                           ListedNavigator(navigator_id, navigator_name), bool(alert))
            for (id, status, start, deadline, person_id, given, family, pnc, reference, navigator_id,
                 navigator_name, alert, *_also) in rows], value
