"""The life of a Checkpoint referral before it becomes a contract."""
from __future__ import annotations

from datetime import date

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


# Late entry (issue 9, finding 11): a referral date set well before the day of entry could bend the offence-age
# rule, so a referral entered more than a week after its referral date needs a stated reason, which its page shows
# and managers can list.
LATE_ENTRY_DAYS = 7
LATE_ENTRY_REASON_MAX = 2000


def days_after_referral(referral_date: date, entered_on: date) -> int:
    """How many days after its referral date a referral was entered (0 on the day itself)."""
    return (entered_on - referral_date).days


def is_late_entry(referral_date: date, entered_on: date) -> bool:
    """Entered more than LATE_ENTRY_DAYS days after the referral date: 7 days later is on time, 8 is late."""
    return days_after_referral(referral_date, entered_on) > LATE_ENTRY_DAYS
