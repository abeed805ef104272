"""The life of a Checkpoint referral before it becomes a contract."""
from __future__ import annotations

from diversion.domain.eligibility import Decision

INELIGIBLE = "ineligible"
AWAITING_APPROVAL = "awaiting_approval"
AWAITING_NAVIGATOR = "awaiting_navigator"
NOT_APPROVED = "not_approved"   # a manager refused a "specific terms" referral
DECLINED = "declined"           # the person refused the offer: ordinary prosecution follows
CONTRACTED = "contracted"

STATUSES = (INELIGIBLE, AWAITING_APPROVAL, AWAITING_NAVIGATOR, NOT_APPROVED, DECLINED, CONTRACTED)

LABELS = {
    INELIGIBLE: "Not eligible",
    AWAITING_APPROVAL: "Awaiting manager approval",
    AWAITING_NAVIGATOR: "Awaiting a navigator",
    NOT_APPROVED: "Not approved",
    DECLINED: "Declined by the person",
    CONTRACTED: "Contract agreed",
}

# action -> (statuses it may happen in, status it leads to)
TRANSITIONS = {
    "approve": ({AWAITING_APPROVAL}, AWAITING_NAVIGATOR),
    "refuse": ({AWAITING_APPROVAL}, NOT_APPROVED),
    "decline": ({AWAITING_NAVIGATOR}, DECLINED),
    "contract": ({AWAITING_NAVIGATOR}, CONTRACTED),
}


def initial_status(decision: Decision) -> str:
    if not decision.eligible:
        return INELIGIBLE
    return AWAITING_APPROVAL if decision.needs_approval else AWAITING_NAVIGATOR


def next_status(current: str, action: str) -> str | None:
    """The status after `action`, or None when the referral's status does not allow it."""
    allowed_from, to = TRANSITIONS[action]
    return to if current in allowed_from else None
