"""Checkpoint eligibility, decided on the referral date, listing every rule that fails (domain.md)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from diversion.domain.deadlines import add_calendar_months

ELIGIBLE, EXCLUDED, SPECIFIC_TERMS = "eligible", "excluded", "specific_terms"
CATEGORY_ELIGIBILITY = (ELIGIBLE, EXCLUDED, SPECIFIC_TERMS)
INTERVIEW_ANSWERS = ("admitted", "no_comment", "denied")
DEFAULT_OFFENCE_AGE_LIMIT_MONTHS = 3

# Reason codes in the order the rules are listed in the contract, with what they mean in plain English.
REASONS: dict[str, str] = {
    "under_18": "They were not yet 18 on the referral date. Checkpoint is for adults.",
    "offence_too_old": "The offence was more than {limit} months before the referral date.",
    "denied_offence": "They denied the offence in interview. Checkpoint needs an admission or no comment.",
    "evidential_test_not_met": "There is not enough evidence to charge. Checkpoint is an alternative to "
                               "prosecution, so the evidential test must be met.",
    "excluded_offence": "This type of offence is excluded from Checkpoint.",
    "hate_crime": "Hate crimes are never eligible for Checkpoint.",
    "current_court_order": "They are subject to a court order, suspended sentence or conditional discharge.",
    "on_bail": "They are on police or court bail.",
    "co_accused": "There is a co-accused.",
    "detained_mental_health": "They are detained for court or under the Mental Health Act.",
    # Revision 2: a new offence during a contract is dealt with by prosecution, not by another contract.
    "live_contract": "They had a Checkpoint contract in progress on the referral date. A new offence during a "
                     "contract is dealt with by prosecution; the contract's navigator has been told.",
}


@dataclass(frozen=True)
class Screening:
    """What the custody officer recorded, as the rules need it."""
    date_of_birth: date
    referral_date: date
    offence_date: date
    interview: str
    evidential_test_met: bool
    category_eligibility: str
    hate_crime: bool = False
    court_order: bool = False
    on_bail: bool = False
    co_accused: bool = False
    detained_mental_health: bool = False
    live_contract: bool = False  # the person had an active or overdue contract on the referral date


@dataclass(frozen=True)
class Decision:
    eligible: bool
    reasons: tuple[str, ...]
    needs_approval: bool  # eligible, but the category needs a manager's approval first


def age_on(date_of_birth: date, day: date) -> int:
    """Whole years of age on `day` (a birthday on that day counts; 29 Feb birthdays count on 1 Mar)."""
    years = day.year - date_of_birth.year
    if (day.month, day.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def offence_cutoff(referral_date: date, limit_months: int) -> date:
    """The earliest offence date that is still in time."""
    return add_calendar_months(referral_date, -limit_months)


def screen(s: Screening, offence_age_limit_months: int = DEFAULT_OFFENCE_AGE_LIMIT_MONTHS) -> Decision:
    failing = {
        "under_18": age_on(s.date_of_birth, s.referral_date) < 18,
        "offence_too_old": s.offence_date < offence_cutoff(s.referral_date, offence_age_limit_months),
        "denied_offence": s.interview == "denied",
        "evidential_test_not_met": not s.evidential_test_met,
        "excluded_offence": s.category_eligibility == EXCLUDED,
        "hate_crime": s.hate_crime,
        "current_court_order": s.court_order,
        "on_bail": s.on_bail,
        "co_accused": s.co_accused,
        "detained_mental_health": s.detained_mental_health,
        "live_contract": s.live_contract,
    }
    reasons = tuple(code for code in REASONS if failing[code])
    eligible = not reasons
    return Decision(eligible=eligible, reasons=reasons,
                    needs_approval=eligible and s.category_eligibility == SPECIFIC_TERMS)


def explain(reason: str, offence_age_limit_months: int = DEFAULT_OFFENCE_AGE_LIMIT_MONTHS) -> str:
    return REASONS[reason].format(limit=offence_age_limit_months)
