"""The navigator's "Today" page: the day's appointments, who is due for contact, each open contract's breach
risk. A fixed number of statements whatever the caseload's length (one for the day's appointments, one for the
open contracts with their people, the risk facts in services/risk.py's fixed few)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from diversion import audit, clock
from diversion.domain import contracts as contract_rules
from diversion.domain import risk as risk_rules
from diversion.extensions import db
from diversion.models import Contract, User
from diversion.services import appointments, risk


def for_navigator(user: User) -> dict:
    today = clock.today()
    todays = appointments.day(user, today)
    held = list(db.session.scalars(
        select(Contract).where(Contract.navigator_id == user.id, Contract.status == contract_rules.ACTIVE)
        .options(joinedload(Contract.person)).order_by(Contract.deadline, Contract.id)))
    risks = risk.for_contracts(held, today)
    ranked = sorted(held, key=lambda c: (-risks[c.id].rank, c.deadline, c.id))
    audit.record("contract.list", actor=user, object_type="contract",
                 details={"page": "today", "ids": [c.id for c in ranked]})
    return {"todays_appointments": todays, "now": clock.now(), "today": today, "risks": risks,
            "by_risk": ranked, "due_for_contact": [c for c in ranked if risk_rules.NO_CONTACT in risks[c.id].reasons],
            "risk_labels": risk_rules.REASONS}
