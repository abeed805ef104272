"""Demo needs and suitability: a needs assessment for each demo contract (made by its navigator, each pathway
condition scored as a high need, with other needs of the person's own), reviewed where the contract has ended;
and the custody officer's suitability decision on the demo referrals that have none. Loaded once."""
from __future__ import annotations

from sqlalchemy import select

from diversion.domain import contracts as contract_rules
from diversion.domain import needs as rules
from diversion.extensions import db
from diversion.models import CheckpointReferral, Contract, NeedsAssessment
from diversion.services import needs

_OTHER_NEEDS = ["accommodation", "mental_health", "finance", "employment_education", "relationships"]
_NOTES = {3: "Wants help now; agreed to a referral", 2: "Some support would help", 1: "Managing for now"}
_REVIEWS = [rules.MET, rules.REDUCED, rules.REDUCED, rules.UNCHANGED]
_SUITABLE = [["low_seriousness", "motivated"], ["low_propensity"], ["needs_addressable", "motivated"]]


def load() -> int:
    """Assessments made (0 when the demo contracts have theirs already)."""
    _suitability()
    assessed = set(db.session.scalars(select(NeedsAssessment.contract_id)))
    made = 0
    for contract in db.session.scalars(select(Contract).order_by(Contract.id)):
        if contract.id in assessed:
            continue
        assessment = needs.record(contract, {"needs": _needs_of(contract)}, actor=contract.navigator)
        if contract.status in contract_rules.OUTCOMES:
            reviews = [{"pathway": s.pathway, "result": _REVIEWS[(contract.id + i) % len(_REVIEWS)]}
                       for i, s in enumerate(assessment.scores) if s.score > 0]
            if reviews:
                needs.review(contract, {"reviews": reviews, "version": assessment.version}, actor=contract.navigator)
        made += 1
    return made


def _needs_of(contract: Contract) -> list[dict]:
    scores = {c.pathway: 3 for c in contract.conditions if c.type == contract_rules.PATHWAY and c.pathway}
    for step, pathway in enumerate(_OTHER_NEEDS):
        scores.setdefault(pathway, (contract.id * (step + 2)) % 4)
    return [{"pathway": p, "score": s, "note": _NOTES.get(s)} for p, s in scores.items()]


def _suitability() -> None:
    """The officer's view on the eligible demo referrals (demo data only: set on the stored referral)."""
    for referral in db.session.scalars(select(CheckpointReferral).where(
            CheckpointReferral.eligible.is_(True), CheckpointReferral.suitability.is_(None))):
        if referral.status == "declined" and referral.id % 2:
            referral.suitability, referral.suitability_reasons = rules.NOT_SUITABLE, ["unlikely_to_engage"]
        else:
            referral.suitability = rules.SUITABLE
            referral.suitability_reasons = _SUITABLE[referral.id % len(_SUITABLE)]
    db.session.flush()
