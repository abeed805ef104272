"""Demo treatment engagement: an onward referral from each pathway condition of the demo contracts (to a service
for that pathway, a few days after the contract started), and a start recorded for most onward referrals of
both schemes: most within three weeks, some later, some not at all, the newest left waiting. Loaded once."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from diversion import clock
from diversion.domain import contracts as contract_rules
from diversion.extensions import db
from diversion.models import Contract, DivertReferral, OnwardReferral, User
from diversion.services import treatment

_WAITS = (3, 7, 10, 14, 18, 30, None, 5)  # days from referral to start; None: did not start


def load() -> str:
    made = _checkpoint()
    started = _starts()
    return f"Treatment engagement: {made} Checkpoint onward referrals made, {started} starts recorded"


def _checkpoint() -> int:
    referred = set(db.session.scalars(select(OnwardReferral.contract_id).where(OnwardReferral.contract_id.is_not(None))))
    by_pathway = {}
    for s in treatment.services():
        by_pathway.setdefault(s.pathway, s.code)
    today, made = clock.today(), 0
    for contract in db.session.scalars(select(Contract).order_by(Contract.id)):
        if contract.id in referred:
            continue
        for n, condition in enumerate(c for c in contract.conditions if c.type == contract_rules.PATHWAY):
            on = min(contract.start_date + timedelta(days=2 + (contract.id + n) % 9), today)
            treatment.refer(contract, {"condition_id": condition.id, "referred_on": on.isoformat(),
                                       "service": by_pathway.get(condition.pathway, "other_support")},
                            actor=contract.navigator)
            made += 1
    return made


def _starts() -> int:
    today, started = clock.today(), 0
    unanswered = db.session.scalars(select(OnwardReferral).where(
        OnwardReferral.started_on.is_(None), OnwardReferral.did_not_start.is_(False)).order_by(OnwardReferral.id))
    for record in list(unanswered):
        wait = _WAITS[record.id % len(_WAITS)]
        if wait is None:
            data = {"did_not_start": True}
        elif record.referred_on + timedelta(days=wait) <= today:
            data = {"started_on": (record.referred_on + timedelta(days=wait)).isoformat()}
        else:
            continue  # still waiting
        treatment.record_start(record, {**data, "version": record.version}, actor=_recorder(record))
        started += 1
    return started


def _recorder(record: OnwardReferral) -> User:
    if record.contract_id is not None:
        return db.session.get(Contract, record.contract_id).navigator
    return db.session.get(User, record.recorded_by_id) or db.session.get(DivertReferral, record.divert_referral_id).created_by
