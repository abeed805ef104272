"""The team page (managers, admins): one row per active navigator, ordered by name, 25 to a page (keyset pages: a
deep page costs what the first does), with their open contracts, how many are overdue or at high breach risk, and
their booked appointments this week; below, the high-risk contracts of the navigators on the page. A fixed number of
statements per page, whatever the number of navigators or contracts: the page of navigators and their total (2, and
1 more for the previous page's cursor on a later page), their open contracts as plain values with the appointments
booked this week and the breach-risk facts (1), those contracts' conditions (1) and open new-referral alerts (1),
and the first HIGH_RISK_SHOWN
high-risk ones with their people (1); each navigator's high-risk count links to their caseload filtered to it."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload

from diversion import audit, clock, keyset
from diversion.domain import appointments as appointment_rules
from diversion.domain import contracts as contract_rules
from diversion.domain import risk as risk_rules
from diversion.domain.roles import NAVIGATOR
from diversion.extensions import db
from diversion.models import Appointment, Contract, User
from diversion.services import risk

PER_PAGE = 25
HIGH_RISK_SHOWN = 25  # the high-risk contracts listed below the team, soonest deadline first; each row links the rest
LONDON = ZoneInfo("Europe/London")


@dataclass
class NavigatorRow:
    navigator: User
    open_contracts: int = 0
    overdue: int = 0
    high_risk: int = 0
    appointments_this_week: int = 0


@dataclass
class TeamPage:
    rows: list[NavigatorRow]
    total: int  # active navigators in all
    keyset: keyset.Page | None = None
    high_risk: list[tuple[Contract, risk_rules.Risk]] = field(default_factory=list)
    week: tuple = ()
    high_risk_total: int = 0  # of the navigators on the page (the list shows the first HIGH_RISK_SHOWN)

    @property
    def paged(self) -> bool:
        """Whether the team is on more than one page."""
        return self.total > len(self.rows)


BY_NAME = keyset.Sort("name", (User.name, User.id), False, lambda user: (user.name, user.id))


def this_week(today) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday 00:00, UK time, as UTC instants."""
    monday = today - timedelta(days=today.weekday())
    start = datetime.combine(monday, time(0), tzinfo=LONDON)
    end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=LONDON)
    return start.astimezone(UTC), end.astimezone(UTC)


def team_page(viewer: User, after: str | None = None, per_page: int = PER_PAGE) -> TeamPage:
    """The page of navigators (by name) after the cursor `after` (None: the first)."""
    today = clock.today()
    navigators_query = select(User).where(User.role == NAVIGATOR, User.active.is_(True))
    total = db.session.scalar(select(func.count()).select_from(navigators_query.subquery()))
    found = keyset.page(navigators_query, BY_NAME, after, per_page, lambda query: list(db.session.scalars(query)))
    rows = {n.id: NavigatorRow(n) for n in found.rows}
    ids = list(rows)
    start, end = this_week(today)
    result = TeamPage(list(rows.values()), total, found, week=(start, end))
    if not ids:
        return result
    # Every open contract of the page's navigators as one row of plain values with what its counts and breach risk
    # need (appointments booked this week and the risk facts as correlated subqueries, each answered by an index
    # on the contract's id): no record is built for a contract that is not listed below as high risk.
    held = and_(Contract.navigator_id.in_(ids), Contract.status == contract_rules.ACTIVE)
    booked = select(func.count()).where(
        Appointment.contract_id == Contract.id, Appointment.status == appointment_rules.BOOKED,
        Appointment.starts_at >= start, Appointment.starts_at < end).scalar_subquery().label("booked_this_week")
    open_contracts = db.session.execute(
        select(Contract.id, Contract.navigator_id, Contract.start_date, Contract.deadline, Contract.status, booked,
               *risk.fact_columns()).where(held).order_by(Contract.deadline, Contract.id)).all()
    risks = risk.for_fact_rows(open_contracts, held, today)
    high_ids = []
    for contract in open_contracts:
        row = rows[contract.navigator_id]
        row.open_contracts += 1
        row.overdue += contract.deadline < today
        row.appointments_this_week += contract.booked_this_week
        if risks[contract.id].level == risk_rules.HIGH:
            row.high_risk += 1
            high_ids.append(contract.id)
    result.high_risk_total = len(high_ids)
    high_ids = high_ids[:HIGH_RISK_SHOWN]  # a page's worth, whatever the team's caseloads
    if high_ids:  # the listed ones with their people and references, in the same (deadline) order
        records = {c.id: c for c in db.session.scalars(
            select(Contract).where(Contract.id.in_(high_ids))
            .options(joinedload(Contract.person), joinedload(Contract.referral)))}
        result.high_risk = [(records[i], risks[i]) for i in high_ids if i in records]
    audit.record("contract.list", actor=viewer, object_type="contract",
                 details={"ids": [c.id for c, _ in result.high_risk], "page": "team"})
    return result
