"""Demo appointments on the open Checkpoint contracts: a history of attended, missed and cancelled ones, a couple
of contracts with two missed (high breach risk), some with no contact for weeks (due for contact), and for the
demo navigator (navigator@example.org) appointments today and over the coming week. Dates are relative to
today; made through the services; deterministic; loaded once."""
from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from diversion import clock
from diversion.domain import appointments as rules
from diversion.domain import contracts as contract_rules
from diversion.extensions import db
from diversion.models import Appointment, Contract, User
from diversion.services import appointments, contracts

PLACES = ["Durham Community Hub, Saddler Street", "Checkpoint office, Aykley Heads", "Recovery Hub, Claypath",
          "Food bank, Gilesgate", "Chester-le-Street library, meeting room 2", "Darlington Hub, Bondgate"]
TIMES = [(9, 30), (10, 0), (11, 15), (13, 0), (14, 30), (16, 0)]


def _kind(contract: Contract, rng: random.Random) -> tuple[str, int | None, str]:
    """What kind of appointment, for which condition, where."""
    for condition in contract.conditions:
        if condition.community_kind == contract_rules.UNPAID_WORK and rng.random() < 0.35:
            return "unpaid_work", condition.id, "Food bank, Gilesgate"
        if condition.type == contract_rules.PATHWAY and rng.random() < 0.3:
            return "pathway_session", condition.id, "Recovery Hub, Claypath"
    return "navigator_meeting", None, rng.choice(PLACES)


def _book(contract: Contract, day, rng: random.Random, status: str | None = None):
    kind, condition_id, place = _kind(contract, rng)
    hour, minute = rng.choice(TIMES)
    made = appointments.book(contract, {"starts_at": rules.local_start(day, hour, minute).isoformat(),
                                        "kind": kind, "location": place, "condition_id": condition_id},
                             actor=contract.navigator)
    if status in (rules.ATTENDED, rules.MISSED) and made.starts_at <= clock.now():
        appointments.record_attendance(contract, made.id, {
            "attended": status == rules.ATTENDED, "version": made.version,
            "note": "Engaging well; went through the conditions" if status == rules.ATTENDED else None},
            actor=contract.navigator)
        if status == rules.MISSED:
            contracts.add_note(contract, {
                "kind": "missed_appointment", "body": "Did not attend. Rang and left a message; rebooking.",
                "occurred_at": made.starts_at.isoformat()}, actor=contract.navigator)
    elif status == rules.CANCELLED:
        appointments.cancel(contract, made.id, {"reason": "They rang to say they were ill", "version": made.version},
                            actor=contract.navigator)
    return made


def load(demo_navigator: User) -> int:
    """Create the demo appointments unless there are some already. Returns how many were made."""
    if db.session.scalar(select(func.count()).select_from(Appointment)):
        return 0
    rng = random.Random(2026)
    today = clock.today()
    open_contracts = list(db.session.scalars(
        select(Contract).where(Contract.status == contract_rules.ACTIVE, Contract.deadline >= today)
        .options(selectinload(Contract.conditions), selectinload(Contract.navigator)).order_by(Contract.id)))
    made = 0
    slipping = [c for c in open_contracts if c.navigator_id == demo_navigator.id
                and (today - c.start_date).days >= 20][:2]
    for contract in open_contracts:
        since_start = (today - contract.start_date).days
        quiet = contract not in slipping and rng.random() < 0.2  # no appointments: soon due for contact
        if not quiet:
            # every ten days or so back to the start, the latest a few days ago
            for days_ago in range(2 + rng.randrange(0, 6), since_start - 2, 10):
                status = rng.choices([rules.ATTENDED, rules.MISSED, rules.CANCELLED], [0.82, 0.08, 0.10])[0]
                _book(contract, today - timedelta(days=days_ago), rng, status)
                made += 1
        if contract in slipping:  # two missed in the last fortnight: high risk
            for days_ago in (9, 2):
                _book(contract, today - timedelta(days=days_ago), rng, rules.MISSED)
                made += 1
        if contract.navigator_id == demo_navigator.id or rng.random() < 0.5:
            _book(contract, today + timedelta(days=rng.randrange(1, 8)), rng)
            made += 1
    mine = [c for c in open_contracts if c.navigator_id == demo_navigator.id and c not in slipping]
    for contract, (hour, minute) in zip(mine[:4], [(9, 30), (11, 0), (14, 0), (16, 30)]):  # today
        appointments.book(contract, {"starts_at": rules.local_start(today, hour, minute).isoformat(),
                                     "kind": "navigator_meeting", "location": rng.choice(PLACES)},
                          actor=contract.navigator)
        made += 1
    db.session.flush()
    return made
