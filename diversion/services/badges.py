"""Counts at a glance (revision 2, casework): the numbers beside the navigation's links. One statement per request
for all of a role's badges, computed once per request and kept on `g`. Each counts by index up to CAP + 1 rows and
no further (a national queue can hold tens of thousands; "more than 99" is all a badge needs to say), so the cost of
every page's navigation does not grow with the tables."""
from __future__ import annotations

import logging
from functools import cache

from flask import g
from sqlalchemy import Integer, bindparam, func, or_, select
from sqlalchemy.exc import SQLAlchemyError

from diversion import erased_records
from diversion.domain import contracts as contract_rules
from diversion.domain import referrals as referral_rules
from diversion.domain.roles import ADMIN, MANAGER, NAVIGATOR
from diversion.extensions import db
from diversion.models import CheckpointReferral, Contract, ContractAlert

APPROVALS, AWAITING_NAVIGATOR, ALERTS = "approvals", "awaiting_navigator", "alerts"
CAP = 99  # a badge shows at most this; above it, "99+"
log = logging.getLogger(__name__)


# Plain SQL on the tables, built once per role and run with the user's id bound: a badge is a count, and the ORM's
# per-statement work cost more than the counts. So the rule that leaves out an erased person's cases (applied by
# erased_records.py to ORM queries) is written here, on each count: `not_erased`.
USER = bindparam("user_id", type_=Integer)
_referrals, _contracts, _alerts_table = (model.__table__.c for model in (CheckpointReferral, Contract, ContractAlert))


def _approvals():
    r = _referrals
    return select(r.id).where(r.status == referral_rules.AWAITING_APPROVAL, erased_records.not_erased(r.person_id))


def _awaiting_navigator(navigator: bool = False):
    """A navigator's queue: unreserved referrals and those reserved for them; managers and admins: every one."""
    r = _referrals
    query = select(r.id).where(r.status == referral_rules.AWAITING_NAVIGATOR, erased_records.not_erased(r.person_id))
    if navigator:
        query = query.where(or_(r.allocated_navigator_id.is_(None), r.allocated_navigator_id == USER))
    return query


def _alerts():
    """New referrals waiting for the navigator's decision on their open contracts (services/live_cases.waiting_for)."""
    a, c = _alerts_table, _contracts
    return (select(a.id).select_from(ContractAlert.__table__.join(Contract.__table__, c.id == a.contract_id))
            .where(a.resolved_at.is_(None), c.status == contract_rules.ACTIVE, c.navigator_id == USER,
                   erased_records.not_erased(c.person_id)))


BADGES = {
    MANAGER: {APPROVALS: _approvals, AWAITING_NAVIGATOR: _awaiting_navigator},
    ADMIN: {APPROVALS: _approvals, AWAITING_NAVIGATOR: _awaiting_navigator},
    NAVIGATOR: {AWAITING_NAVIGATOR: lambda: _awaiting_navigator(navigator=True), ALERTS: _alerts},
}


@cache
def _statement(role: str):
    return select(*(select(func.count()).select_from(make().limit(CAP + 1).subquery()).scalar_subquery()
                    for make in BADGES[role].values()))


def counts(user) -> dict[str, int]:
    """This user's badge counts, by badge (at most CAP + 1: above CAP means "more than CAP"); the same answer for
    the rest of the request."""
    cached = g.get("badge_counts")
    if cached is not None and cached[0] == user.id:
        return cached[1]
    wanted = BADGES.get(user.role, {})
    found: dict[str, int] = {}
    if wanted:
        try:
            row = db.session.execute(_statement(user.role), {"user_id": user.id}).one()
        except SQLAlchemyError as error:  # a page (an error page too) still renders without its counts
            log.warning("navigation counts unavailable (%s)", type(error).__name__)
        else:
            found = {name: int(value or 0) for name, value in zip(wanted, row)}
    g.badge_counts = (user.id, found)
    return found
