"""The caseload's rows as the page shows them: plain values read in one statement, not ORM objects.

The page shows, for each contract, its dates and status, its person's name and PNC ID, its reference, its
navigator's name and whether a new referral waits for a decision. Loaded as mapped objects that was three
statements (the contracts with their referrals and navigators joined, their people, all their alerts) and the
ORM's identity map and attribute bookkeeping for every object, for rows that are only read. Here the list's own
statement (need to know and filters applied, sorted, limited) keeps its FROM, WHERE, ORDER BY and LIMIT and selects
just these values, the person's, referral's and navigator's by their keys (correlated subqueries: each one row by
a primary key, so the planner still starts from the contracts' index, not from a million people)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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


def _by_key(column, key_column, own_key):
    return select(column).where(key_column == own_key).correlate(Contract).scalar_subquery()


def fetch(statement) -> list[ListedContract]:
    """The rows of `statement` (a select of Contract, in its order) as ListedContracts."""
    C, P = Contract, Person
    waiting = exists().where(ContractAlert.contract_id == C.id, ContractAlert.resolved_at.is_(None)).correlate(C)
    columns = (C.id, C.status, C.start_date, C.deadline, C.person_id, C.navigator_id,
               _by_key(P.given_name, P.id, C.person_id), _by_key(P.family_name, P.id, C.person_id),
               _by_key(P.pnc_id, P.id, C.person_id),
               _by_key(CheckpointReferral.reference, CheckpointReferral.id, C.referral_id),
               _by_key(User.name, User.id, C.navigator_id), waiting)
    rows = db.session.execute(statement.with_only_columns(*columns, maintain_column_froms=True))
    return [ListedContract(id, status, start, deadline, reference,
                           ListedPerson(person_id, given, family, pnc), ListedNavigator(navigator_id, navigator),
                           bool(alert))
            for (id, status, start, deadline, person_id, navigator_id, given, family, pnc, reference, navigator,
                 alert) in rows]
