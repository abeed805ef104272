"""The caseload page: contracts a user may see (need to know: a navigator only their own), filtered, sorted and
paged in SQL, with each shown contract's breach risk. A page is a fixed number of statements whatever the
caseload's length: the page's rows (with what the page shows of their people, referrals, navigators and alerts:
services/caseload_rows.py) and, in the same statement, the list's count; the risk facts for the page
(services/risk.py, one), and the audit record.

Sorting or filtering by risk needs every contract's risk, which is computed on read, not stored. It is offered
only where the list is bounded: one navigator's open contracts (a navigator's own caseload, or a manager who
chose one navigator), tens of contracts, whose risks are computed together and sorted in Python. Across the
whole service (up to a million contracts) it is not offered: the risk column still shows each page's risks.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from diversion import audit
from diversion.domain import contracts as rules
from diversion.domain import risk as risk_rules
from diversion.domain.roles import NAVIGATOR
from diversion.extensions import db
from diversion.keyset import Page, Sort, bounded_count
from diversion.keyset import page as keyset_page
from diversion.models import Contract, Person, User
from diversion.services import caseload_rows, risk
from diversion.services.contracts import OPEN, _contract_query

C = Contract
SORTS = {
    "deadline": Sort("Deadline, soonest first", (C.deadline, C.id), False, lambda c: (c.deadline, c.id)),
    "deadline_latest": Sort("Deadline, latest first", (C.deadline, C.id), True, lambda c: (c.deadline, c.id)),
    "name": Sort("Name, A to Z", (Person.family_name, Person.given_name, C.id), False,
                 lambda c: (c.person.family_name, c.person.given_name, c.id)),
    "start": Sort("Start date, newest first", (C.start_date, C.id), True, lambda c: (c.start_date, c.id)),
    "start_oldest": Sort("Start date, oldest first", (C.start_date, C.id), False, lambda c: (c.start_date, c.id)),
}
RISK_SORT = ("risk", "Breach risk, highest first")
BOUNDED_STATUSES = (OPEN, rules.ACTIVE, rules.OVERDUE)


@dataclass
class CaseloadPage:
    rows: list[caseload_rows.ListedContract]
    total: int           # how many in all (paged by key: at most COUNTED_UP_TO + 1, "more than COUNTED_UP_TO")
    risks: dict          # contract id -> Risk
    keyset: Page | None = None  # the pages by key (None: the bounded list, paged by number)


def risk_is_bounded(user: User, *, navigator_id: int | None, status: str | None) -> bool:
    """Whether the list is one navigator's open contracts, so that every contract's risk may be computed."""
    one_navigator = user.role == NAVIGATOR or navigator_id is not None
    return one_navigator and status in BOUNDED_STATUSES


def sorts_for(bounded: bool) -> dict[str, str]:
    offered = {key: sort.label for key, sort in SORTS.items()}
    if bounded:
        offered[RISK_SORT[0]] = RISK_SORT[1]
    return offered


def page(user: User, *, sort: str = "deadline", risk_level: str | None = None, page_number: int = 1,
         after: str | None = None, per_page: int = 25, **filters) -> CaseloadPage:
    """One page of the caseload. `sort` is a key of SORTS, paged by key from the cursor `after` (a walk down
    the index of the sort's columns however deep the page); or "risk" (with `risk_level` a filter) only where
    risk_is_bounded, paged by `page_number`; otherwise those are ignored (deadline order, no risk filter)."""
    query = _contract_query(user, **filters)
    bounded = risk_is_bounded(user, navigator_id=filters.get("navigator_id"), status=filters.get("status"))
    if bounded and (sort == RISK_SORT[0] or risk_level in risk_rules.LEVELS):
        found = _by_risk(query, sort, risk_level, page_number, per_page)
    else:
        # The count rides on the page's own statement (a subquery run once, sharing a name search's found
        # people), read separately only when the page is empty.
        count = bounded_count(query, Contract.id)
        counted = []

        def fetch(statement):
            rows, total = caseload_rows.fetch_with(statement, None if counted else count.scalar_subquery())
            counted.append(total)
            return rows

        chosen = SORTS.get(sort, SORTS["deadline"])
        if chosen is SORTS["name"] and not (filters.get("search") or "").strip():
            query = query.join(Contract.person)
        keyset = keyset_page(query, chosen, after, per_page, fetch)
        total = counted[0] if counted[0] is not None else db.session.scalar(count)
        found = CaseloadPage(keyset.rows, total, risk.for_contracts(keyset.rows), keyset)
    audit.record("contract.list", actor=user, object_type="contract", details={"ids": [c.id for c in found.rows]})
    return found


def _by_risk(query, sort: str, risk_level: str | None, page_number: int, per_page: int) -> CaseloadPage:
    """Every contract of the bounded list, their risks together, sorted (highest risk, then soonest deadline)
    or filtered by level in Python; then the page's contracts with what the page shows."""
    everyone = list(db.session.scalars(query.options(selectinload(Contract.person))))
    risks = risk.for_contracts(everyone)
    if risk_level in risk_rules.LEVELS:
        everyone = [c for c in everyone if risks[c.id].level == risk_level]
    if sort == RISK_SORT[0]:
        everyone.sort(key=lambda c: (-risks[c.id].rank, c.deadline, c.id))
    else:
        chosen = SORTS.get(sort, SORTS["deadline"])
        everyone.sort(key=chosen.key, reverse=chosen.descending)
    chosen = [c.id for c in everyone[(page_number - 1) * per_page: page_number * per_page]]
    loaded = {c.id: c for c in caseload_rows.fetch(select(Contract).where(Contract.id.in_(chosen)))} if chosen else {}
    return CaseloadPage([loaded[i] for i in chosen], len(everyone), {i: risks[i] for i in chosen})
