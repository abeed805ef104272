"""Live cases (api-contract "Revision 2: live cases"): a person with a contract in progress on the referral
date is not offered another (`live_contract`), and any new referral for someone with an open contract is
put before that contract's navigator as an alert, for them to decide whether it is a breach."""
from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select

from diversion import audit, clock
from diversion.domain import contracts as rules
from diversion.errors import Conflict, NotFound
from diversion.extensions import db
from diversion.models import CheckpointReferral, Contract, ContractAlert, DivertReferral, User
from diversion.services import parse, writes
from diversion.services.parse import Problems

NEW_REFERRAL = "new_referral"
BREACHED, NOT_A_BREACH, CONTRACT_ENDED = "breached", "not_a_breach", "contract_ended"


def live_contract_on(person_id: int | None, day: date) -> bool:
    """Did the person have a contract in progress (active or overdue) on `day`? (rules.live_on, in SQL)"""
    if person_id is None:
        return False
    return db.session.scalar(select(Contract.id).where(
        Contract.person_id == person_id, Contract.start_date <= day,
        or_(Contract.outcome_date > day, (Contract.outcome_date.is_(None)) & (Contract.status == rules.ACTIVE)))
        .limit(1)) is not None


def _summary(referral) -> dict:
    """What the navigator needs to judge whether the new referral is a breach, without opening it (need to
    know: they may not read it): its reference and referring officer (to ask), and for a Checkpoint referral
    the offence's category and date (an offence before the contract began is no breach). Nothing about a
    DIVERT referral beyond that it exists (the substance is health information the navigator has no need of)."""
    summary = {"reference": referral.reference, "referring_officer": referral.referring_officer}
    if isinstance(referral, CheckpointReferral):
        summary.update(offence_category=referral.offence_category, offence_date=referral.offence_date.isoformat())
    return summary


def lock_open_contracts(person_id: int) -> list[Contract]:
    """The person's open contracts, locked: taken before anything else a new referral locks (its reference
    number), so that one slow contract edit never holds up every referral behind the counter."""
    return list(db.session.scalars(select(Contract).where(
        Contract.person_id == person_id, Contract.status == rules.ACTIVE).order_by(Contract.id).with_for_update()))


def alert_open_contracts(referral: CheckpointReferral | DivertReferral, open_contracts: list[Contract], *,
                         actor) -> list[ContractAlert]:
    """Tell the navigator of each open contract of the referral's person about this new referral."""
    scheme = "checkpoint" if isinstance(referral, CheckpointReferral) else "divert"
    alerts = [add_alert(contract, referral, scheme) for contract in open_contracts]
    if alerts:
        writes.flush("contract")
        for alert in alerts:
            audit.record("contract.alert", actor=actor, object_type="contract", object_id=alert.contract_id,
                         person_id=referral.person_id,
                         details={"alert_id": alert.id, "scheme": scheme, "referral_id": referral.id})
    return alerts


def add_alert(contract: Contract, referral, scheme: str) -> ContractAlert:
    alert = ContractAlert(contract_id=contract.id, kind=NEW_REFERRAL, scheme=scheme, date=referral.referral_date,
                          summary=_summary(referral), **{f"{scheme}_referral_id": referral.id})
    db.session.add(alert)
    contract.updated_at = clock.now()  # a new version: whoever edits next sees the alert first
    return alert


def open_alerts(contract: Contract) -> list[ContractAlert]:
    return [alert for alert in contract.alerts if alert.resolved_at is None]


def dismiss(contract: Contract, alert_id: object, data: dict, *, actor: User) -> ContractAlert:
    """The navigator judged the new referral not to be a breach (say, the offence was before the contract)."""
    alert = next((a for a in contract.alerts if a.id == alert_id), None)
    if alert is None:
        raise NotFound("No such alert on this contract.")
    problems = Problems()
    reason = parse.text(data, "reason", problems, max_length=rules.NOTE_MAX, label="why it is not a breach",
                        strip=False)
    read = writes.version(data, problems)
    problems.raise_if_any()
    writes.check(contract, read, "contract")
    if alert.resolved_at is not None:
        raise Conflict("This alert has already been decided.")
    _resolve(alert, NOT_A_BREACH, reason, actor)
    contract.updated_at = clock.now()
    writes.flush("contract")
    audit.record("contract.alert_dismissed", actor=actor, object_type="contract", object_id=contract.id,
                 person_id=contract.person_id,
                 justification=reason, details={"alert_id": alert.id})
    return alert


def resolve_on_outcome(contract: Contract, outcome: str, actor: User) -> None:
    """An outcome answers every open alert: a breach is the navigator's answer; a discontinued contract has
    nothing left to breach (a contract is never completed with an alert open)."""
    for alert in open_alerts(contract):
        _resolve(alert, BREACHED if outcome == rules.BREACHED else CONTRACT_ENDED, None, actor)


def _resolve(alert: ContractAlert, resolution: str, reason: str | None, actor: User) -> None:
    alert.resolved_at = clock.now()
    alert.resolved_by_id = actor.id
    alert.resolution = resolution
    alert.resolution_reason = reason


def waiting_for(user: User, limit: int = 50) -> list[ContractAlert]:
    """Alerts not yet decided on the contracts `user` may read (a navigator: their own), oldest first, with
    their contracts and people, in one query."""
    from sqlalchemy.orm import joinedload

    from diversion.domain import need_to_know as access
    from diversion.services import need_to_know

    # The page's alerts first (a walk of the open alerts, oldest first, by index), then only theirs joined to their
    # contracts and people: not every open alert in the country joined before the first `limit` are kept.
    oldest = (ContractAlert.created_at, ContractAlert.id)
    page = (select(ContractAlert.id).join(ContractAlert.contract)
            .where(ContractAlert.resolved_at.is_(None), Contract.status == rules.ACTIVE,
                   need_to_know.visible(access.CONTRACT, user))
            .order_by(*oldest).limit(limit).subquery())
    return list(db.session.scalars(
        select(ContractAlert).join(page, page.c.id == ContractAlert.id)
        .options(joinedload(ContractAlert.contract).joinedload(Contract.person)).order_by(*oldest)))
