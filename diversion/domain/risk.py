"""Breach risk (revision 2, casework): how likely a contract is to end in a breach, computed on read from what
has happened so far. Pure: the caller gathers the facts (services/risk.py), this decides.

The rules (also on the "How breach risk is worked out" page, templates/casework/risk_rules.html):
- `missed_appointments`: one or more appointments missed. Two or more make the risk high on their own.
- `no_contact`: no attended appointment and no meeting or phone note for NO_CONTACT_DAYS days (the contract's
  start counts as contact: it is agreed in a meeting).
- `hours_behind`: unpaid-work hours done are behind a straight line from the start to the deadline by more than
  HOURS_SLACK hours (one session's worth).
- `conditions_open_near_deadline`: NEAR_DEADLINE_DAYS days or fewer to the deadline (or past it) with a condition
  other than "no further offending" still open.
- `new_referral`: an unresolved alert of a new referral for the person (a possible new offence). High on its own.
Level: high for two or more missed appointments, an unresolved new referral, or any three reasons together;
medium for any other reason; low when there is none. Only open (active or overdue) contracts carry risk.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

NO_CONTACT_DAYS = 14
NEAR_DEADLINE_DAYS = 14
HOURS_SLACK = 3.0
MISSED_FOR_HIGH = 2
REASONS_FOR_HIGH = 3

LOW, MEDIUM, HIGH = "low", "medium", "high"
LEVELS = (LOW, MEDIUM, HIGH)
LEVEL_RANK = {LOW: 0, MEDIUM: 1, HIGH: 2}
LEVEL_LABELS = {LOW: "Low", MEDIUM: "Medium", HIGH: "High"}

MISSED_APPOINTMENTS = "missed_appointments"
NO_CONTACT = "no_contact"
HOURS_BEHIND = "hours_behind"
CONDITIONS_OPEN_NEAR_DEADLINE = "conditions_open_near_deadline"
NEW_REFERRAL = "new_referral"
REASONS = {
    MISSED_APPOINTMENTS: "Missed appointments",
    NO_CONTACT: f"No contact for {NO_CONTACT_DAYS} days",
    HOURS_BEHIND: "Unpaid work hours behind",
    CONDITIONS_OPEN_NEAR_DEADLINE: "Conditions open near the deadline",
    NEW_REFERRAL: "New referral for this person",
}


@dataclass(frozen=True)
class UnpaidWork:
    target_hours: float
    hours_done: float


@dataclass(frozen=True)
class Facts:
    """What is known of one contract on `today`."""

    today: date
    start_date: date
    deadline: date
    is_open: bool  # active or overdue: ended contracts carry no risk
    missed_appointments: int = 0
    last_contact: date | None = None  # the latest attended appointment or meeting/phone note
    open_conditions: int = 0  # conditions other than offending still open
    unpaid_work: tuple[UnpaidWork, ...] = field(default_factory=tuple)
    open_new_referral_alerts: int = 0


@dataclass(frozen=True)
class Risk:
    level: str
    reasons: tuple[str, ...]

    def as_json(self) -> dict:
        return {"level": self.level, "reasons": list(self.reasons)}

    @property
    def rank(self) -> int:
        return LEVEL_RANK[self.level]


NONE = Risk(LOW, ())


def expected_hours(target: float, start: date, deadline: date, today: date) -> float:
    """Hours a straight line from nothing at the start to the target at the deadline reaches by `today`."""
    length = (deadline - start).days
    if length <= 0:
        return target
    elapsed = min(max((today - start).days, 0), length)
    return target * elapsed / length


def assess(facts: Facts) -> Risk:
    """The contract's breach risk and its reasons, in the order of REASONS."""
    if not facts.is_open:
        return NONE
    reasons: list[str] = []
    if facts.missed_appointments > 0:
        reasons.append(MISSED_APPOINTMENTS)
    last_contact = max(facts.last_contact or facts.start_date, facts.start_date)
    if (facts.today - last_contact).days >= NO_CONTACT_DAYS:
        reasons.append(NO_CONTACT)
    if any(work.hours_done + HOURS_SLACK < expected_hours(work.target_hours, facts.start_date, facts.deadline,
                                                          facts.today) for work in facts.unpaid_work):
        reasons.append(HOURS_BEHIND)
    if facts.open_conditions > 0 and (facts.deadline - facts.today).days <= NEAR_DEADLINE_DAYS:
        reasons.append(CONDITIONS_OPEN_NEAR_DEADLINE)
    if facts.open_new_referral_alerts > 0:
        reasons.append(NEW_REFERRAL)
    if (facts.missed_appointments >= MISSED_FOR_HIGH or NEW_REFERRAL in reasons
            or len(reasons) >= REASONS_FOR_HIGH):
        level = HIGH
    elif reasons:
        level = MEDIUM
    else:
        level = LOW
    return Risk(level, tuple(reasons))
