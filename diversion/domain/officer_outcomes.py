"""What the referring officer is told about each referral they made: the outcome, and for a breach the reason's
label (never notes, conditions or free text). Pure rules: which changes are outcomes, and their words."""
from __future__ import annotations

from diversion.domain import contracts as contract_rules
from diversion.domain import divert as divert_rules
from diversion.domain import referrals as referral_rules

CHECKPOINT, DIVERT = "checkpoint", "divert"

CHECKPOINT_OUTCOMES = {
    contract_rules.COMPLETED: "Completed: no further action",
    contract_rules.BREACHED: "Breached: referred for prosecution",
    contract_rules.DISCONTINUED: "Discontinued",
    referral_rules.DECLINED: "Declined by the person: ordinary prosecution",
    referral_rules.NOT_APPROVED: "Not approved by a manager",
    referral_rules.INELIGIBLE: "Not eligible",
}
DIVERT_OUTCOMES = {
    divert_rules.ASSESSED: "Assessed by the provider",
    divert_rules.COMPLETED: "Completed",
    divert_rules.DECLINED: "Declined",
    divert_rules.DISENGAGED: "Disengaged",
}
LABELS = {CHECKPOINT: CHECKPOINT_OUTCOMES, DIVERT: DIVERT_OUTCOMES}


def is_outcome(scheme: str, status: str) -> bool:
    return status in LABELS[scheme]


def label(scheme: str, outcome: str) -> str:
    return LABELS.get(scheme, {}).get(outcome, outcome)


def reason_label(outcome: str, reason: str | None) -> str | None:
    """Why a contract was breached, in words (the reason's label only); nothing for any other outcome."""
    if outcome != contract_rules.BREACHED or not reason:
        return None
    return contract_rules.BREACH_REASONS.get(reason, "Another reason")


def stored_reason(outcome: str, reason: str | None) -> str | None:
    """The reason kept for the officer: a breach reason code only."""
    return reason if outcome == contract_rules.BREACHED and reason in contract_rules.BREACH_REASONS else None
