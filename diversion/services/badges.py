"""Counts at a glance (revision 2, casework): the numbers beside the navigation's links. One statement per request
for all of a role's badges, computed once per request and kept on `g`. Each counts by index up to CAP + 1 rows and
no further (a national queue can hold tens of thousands; "more than 99" is all a badge needs to say), so the cost of
every page's navigation does not grow with the tables."""
from __future__ import annotations

import logging

from flask import g
from sqlalchemy import func, or_, select
from sqlalchemy.exc import SQLAlchemyError

from diversion.domain import contracts as contract_rules
from diversion.domain import referrals as referral_rules
from diversion.domain.roles import ADMIN, MANAGER, NAVIGATOR
from diversion.extensions import db
from diversion.models import CheckpointReferral, Contract, ContractAlert

APPROVALS, AWAITING_NAVIGATOR, ALERTS = "approvals", "awaiting_navigator", "alerts"
CAP = 99  # a badge shows at most this; above it, "99+"
log = logging.getLogger(__name__)


def _approvals(_user):
    return select(CheckpointReferral.id).where(CheckpointReferral.status == referral_rules.AWAITING_APPROVAL)


def _awaiting_navigator(user):
    """A navigator's queue: unreserved referrals and those reserved for them; managers and admins: every one."""
    query = select(CheckpointReferral.id).where(CheckpointReferral.status == referral_rules.AWAITING_NAVIGATOR)
    if user.role == NAVIGATOR:
        query = query.where(or_(CheckpointReferral.allocated_navigator_id.is_(None),
                                CheckpointReferral.allocated_navigator_id == user.id))
    return query


def _alerts(user):
    """New referrals waiting for the navigator's decision on their open contracts (services/live_cases.waiting_for)."""
    return (select(ContractAlert.id).join(Contract, Contract.id == ContractAlert.contract_id)
            .where(ContractAlert.resolved_at.is_(None), Contract.status == contract_rules.ACTIVE,
                   Contract.navigator_id == user.id))


BADGES = {
    MANAGER: {APPROVALS: _approvals, AWAITING_NAVIGATOR: _awaiting_navigator},
    ADMIN: {APPROVALS: _approvals, AWAITING_NAVIGATOR: _awaiting_navigator},
    NAVIGATOR: {AWAITING_NAVIGATOR: _awaiting_navigator, ALERTS: _alerts},
}


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
            row = db.session.execute(select(*(
                select(func.count()).select_from(make(user).limit(CAP + 1).subquery()).scalar_subquery()
                for make in wanted.values()))).one()
        except SQLAlchemyError as error:  # a page (an error page too) still renders without its counts
            log.warning("navigation counts unavailable (%s)", type(error).__name__)
        else:
            found = {name: int(value or 0) for name, value in zip(wanted, row)}
    g.badge_counts = (user.id, found)
    return found
