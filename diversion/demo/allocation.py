"""Demo stories for allocation: a queued referral a manager reserved for the main demo navigator, and a contract
handed from one navigator to another with the reason (a navigator change on its history). Made through the
services; loaded once."""
from __future__ import annotations

from sqlalchemy import select

from diversion.domain import contracts as contract_rules
from diversion.domain.referrals import AWAITING_NAVIGATOR
from diversion.extensions import db
from diversion.models import CheckpointReferral, Contract, NavigatorChange, User
from diversion.services import allocation


def load(manager: User, navigators: list[User]) -> int:
    """The stories, unless a navigator change is there already. Returns how many records were changed."""
    if db.session.scalar(select(NavigatorChange.id).limit(1)) is not None or len(navigators) < 2:
        return 0
    made = 0
    queued = db.session.scalar(select(CheckpointReferral).where(
        CheckpointReferral.status == AWAITING_NAVIGATOR, CheckpointReferral.allocated_navigator_id.is_(None))
        .order_by(CheckpointReferral.referral_date, CheckpointReferral.id).limit(1))
    if queued is not None:
        allocation.allocate(queued, {"navigator_id": navigators[0].id, "version": queued.version}, actor=manager)
        made += 1
    giver, taker = navigators[-2], navigators[-1]
    contract = db.session.scalar(select(Contract).where(Contract.navigator_id == giver.id,
                                                        Contract.status == contract_rules.ACTIVE)
                                 .order_by(Contract.deadline.desc(), Contract.id).limit(1))
    if contract is not None:
        allocation.reassign(contract, {"navigator_id": taker.id, "version": contract.version,
                                       "reason": f"{giver.name} is moving to the Peterlee team: caseloads rebalanced "
                                                 "so that the person keeps a navigator near home."}, actor=manager)
        made += 1
    db.session.flush()
    return made
