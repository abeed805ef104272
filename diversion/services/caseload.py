"""The caseload page: contracts a user may see (need to know: a navigator only their own), filtered, sorted and
paged in SQL, with each shown contract's breach risk. A page is a fixed number of statements whatever the
caseload's length: the count, the page's rows (people, navigators, referrals joined; alerts in one more), the
risk facts for the page (services/risk.py, four), and the audit record.

Sorting or filtering by risk needs every contract's risk, which is computed on read, not stored. It is offered
only where the list is bounded: one navigator's open contracts (a navigator's own caseload, or a manager who
chose one navigator), tens of contracts, whose risks are computed together and sorted in Python. Across the
whole service (up to a million contracts) it is not offered: the risk column still shows each page's risks.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from diversion import audit
from diversion.domain import contracts as rules
from diversion.domain import risk as risk_rules
from diversion.domain.roles import NAVIGATOR
from diversion.extensions import db
from diversion.models import Contract, Person, User
from diversion.services import risk
from diversion.services.contracts import OPEN, _contract_query

# key -> (label, columns, descending)
SORTS = {
    "deadline": ("Deadline, soonest first", (Contract.deadline, Contract.id), False),
    "deadline_latest": ("Deadline, latest first", (Contract.deadline, Contract.id), True),
    "name": ("Name, A to Z", (Person.family_name, Person.given_name, Contract.id), False),
    "start": ("Start date, newest first", (Contract.start_date, Contract.id), True),
    "start_oldest": ("Start date, oldest first", (Contract.start_date, Contract.id), False),
}
RISK_SORT = ("risk", "Breach risk, highest first")
BOUNDED_STATUSES = (OPEN, rules.ACTIVE, rules.OVERDUE)


@dataclass
class CaseloadPage:
    rows: list[Contract]
    total: int
    risks: dict  # contract id -> Risk


def risk_is_bounded(user: User, *, navigator_id: int | None, status: str | None) -> bool:
    """Whether the list is one navigator's open contracts, so that every contract's risk may be computed."""
    one_navigator = user.role == NAVIGATOR or navigator_id is not None
    return one_navigator and status in BOUNDED_STATUSES


def sorts_for(bounded: bool) -> dict[str, str]:
    offered = {key: label for key, (label, _columns, _descending) in SORTS.items()}
    if bounded:
        offered[RISK_SORT[0]] = RISK_SORT[1]
    return offered


def _with_related(query):
    return query.options(joinedload(Contract.person), joinedload(Contract.navigator), joinedload(Contract.referral),
                         selectinload(Contract.alerts))


def page(user: User, *, sort: str = "deadline", risk_level: str | None = None, page_number: int = 1,
         per_page: int = 25, **filters) -> CaseloadPage:
    """One page of the caseload. `sort` is a key of SORTS, or "risk" (with `risk_level` a filter) only where
    risk_is_bounded; otherwise those are ignored (deadline order, no risk filter)."""
    query = _contract_query(user, **filters)
    bounded = risk_is_bounded(user, navigator_id=filters.get("navigator_id"), status=filters.get("status"))
    if bounded and (sort == RISK_SORT[0] or risk_level in risk_rules.LEVELS):
        found = _by_risk(query, sort, risk_level, page_number, per_page)
    else:
        label_columns = SORTS.get(sort, SORTS["deadline"])
        _label, columns, descending = label_columns
        total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
        rows = list(db.session.scalars(_with_related(query).order_by(
            *(c.desc() if descending else c.asc() for c in columns))
            .offset((page_number - 1) * per_page).limit(per_page)).unique())
        found = CaseloadPage(rows, total, risk.for_contracts(rows))
    audit.record("contract.list", actor=user, object_type="contract", details={"ids": [c.id for c in found.rows]})
    return found


def _by_risk(query, sort: str, risk_level: str | None, page_number: int, per_page: int) -> CaseloadPage:
    """Every contract of the bounded list, their risks together, sorted (highest risk, then soonest deadline)
    or filtered by level in Python; then the page's contracts with what the page shows."""
    everyone = list(db.session.scalars(query.options(contains_eager(Contract.person))))
    risks = risk.for_contracts(everyone)
    if risk_level in risk_rules.LEVELS:
        everyone = [c for c in everyone if risks[c.id].level == risk_level]
    if sort == RISK_SORT[0]:
        everyone.sort(key=lambda c: (-risks[c.id].rank, c.deadline, c.id))
    else:
        _label, columns, descending = SORTS.get(sort, SORTS["deadline"])
        everyone.sort(key=lambda c: _python_key(c, columns), reverse=descending)
    chosen = [c.id for c in everyone[(page_number - 1) * per_page: page_number * per_page]]
    loaded = {c.id: c for c in db.session.scalars(_with_related(select(Contract).where(Contract.id.in_(chosen))))
              .unique()} if chosen else {}
    return CaseloadPage([loaded[i] for i in chosen], len(everyone), {i: risks[i] for i in chosen})


def _python_key(contract: Contract, columns) -> tuple:
    values = []
    for column in columns:
        owner = contract.person if column.class_ is Person else contract
        values.append(getattr(owner, column.key))
    return tuple(values)
