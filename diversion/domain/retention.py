"""Retention review (DPA 2018 s.39; College of Policing MoPI): when a person's record is next reviewed.

The rule:
- a person's review date is the day their last case ended plus N years (N is the policy value
  `retention_review_years`, default 6); where that day does not exist (29 February in a year that is not a leap
  year) it is the day before, 28 February;
- while any case of theirs is open the review date is None: nothing is due while the work goes on;
- a person with no case that ended has no review date either (unless a retain decision set one);
- a retain decision sets the next review date; a later recompute never pulls the date back before it (the latest
  retain decision's date wins when it is later than the computed one).

What "ended" and "open" mean, for each kind of case (a Checkpoint referral that became a contract is one case, the
contract; its referral is not counted again):

    case                    open while its status is                  ended when its status is, on
    Checkpoint contract     active (overdue is active past its         completed, breached, discontinued: the
                            deadline: computed, never stored)          outcome date
    Checkpoint referral     awaiting_approval, awaiting_navigator      ineligible, not_approved (refused),
                                                                       declined: the decision's day, else the
                                                                       referral date
    DIVERT referral         referred, contacted, assessment_booked,    completed, declined, disengaged: the day it
                            assessed                                   reached that status, else its last event's
                                                                       date, else the referral date
    drug test on arrest     assessment_required, follow_up_required,   any other status (negative, refused, an
                            a missed assessment awaiting custody's     assessment attended, treatment, prosecuted,
                            decision                                   no further action): the day it reached it,
                                                                       else the test date

A drug test is a case of its own: a positive one requires the person to attend an assessment (Drugs Act 2005 s.9),
and a missed one may be prosecuted (s.12), so while either is pending there is policing work and nothing is due for
review; once the requirement is met (attended) or decided, what follows (treatment) is voluntary and the review
clock starts. A follow-up required later opens it again.

Plain Python: the services gather the facts in SQL and ask here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from diversion.domain import contracts, divert, dtoa, referrals
from diversion.domain.deadlines import add_calendar_months

CONTRACT, CHECKPOINT_REFERRAL, DIVERT_REFERRAL = "contract", "checkpoint_referral", "divert_referral"
DRUG_TEST = "drug_test"
KINDS = (CONTRACT, CHECKPOINT_REFERRAL, DIVERT_REFERRAL, DRUG_TEST)

# kind -> (statuses that are open, statuses that are ended); any other status (a contracted referral) is neither:
# the case lives on in its contract.
STATUSES = {
    CONTRACT: ((contracts.ACTIVE, contracts.OVERDUE), contracts.OUTCOMES),
    CHECKPOINT_REFERRAL: ((referrals.AWAITING_APPROVAL, referrals.AWAITING_NAVIGATOR),
                          (referrals.INELIGIBLE, referrals.NOT_APPROVED, referrals.DECLINED)),
    DIVERT_REFERRAL: (divert.OPEN_STATUSES, divert.ENDED_STATUSES),
    DRUG_TEST: (dtoa.OPEN_STATUSES, tuple(s for s in dtoa.STATUSES if s not in dtoa.OPEN_STATUSES)),
}

RETAIN, ERASE = "retain", "erase"
DECISIONS = {RETAIN: "Retain the record", ERASE: "Erase the record"}
REASON_MAX = 2000
# How far ahead a retain decision may set the next review: a review that never comes is no review.
MAX_RETAIN_YEARS = 25


@dataclass(frozen=True)
class Case:
    """One case as the rule needs it: its kind, its status and the dates that may say when it ended (the first
    of them that is known counts)."""
    kind: str
    status: str
    end_dates: tuple[date | None, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status in STATUSES[self.kind][0]

    @property
    def ended_on(self) -> date | None:
        """The day the case ended, or None while it is open (or when it lives on as a contract)."""
        if self.status not in STATUSES[self.kind][1]:
            return None
        return next((day for day in self.end_dates if day is not None), None)


def moves_review(kind: str, before: str, after: str) -> bool:
    """Whether a case moving from status `before` to `after` can move the person's review date: it opened or
    ended (moving along the DIVERT funnel, contacted to assessed say, changes nothing)."""
    return Case(kind, before).is_open != Case(kind, after).is_open


def add_years(day: date, years: int) -> date:
    """`day` moved by whole years; 29 February becomes 28 February in a year that is not a leap year."""
    return add_calendar_months(day, 12 * years)


def last_ended(cases: list[Case]) -> date | None:
    """The day the person's last case ended (None when none has)."""
    return max((case.ended_on for case in cases if case.ended_on is not None), default=None)


def has_open_case(cases: list[Case]) -> bool:
    return any(case.is_open for case in cases)


def review_date(cases: list[Case], years: int, retained_until: date | None = None) -> date | None:
    """When the person's record is next reviewed: None while a case is open or when no case has ended; else the
    last end plus `years`, or the latest retain decision's date when that is later."""
    if has_open_case(cases):
        return None
    ended = last_ended(cases)
    if ended is None:
        return retained_until  # no case has ended: only a retain decision sets a date
    computed = add_years(ended, years)
    return max(computed, retained_until) if retained_until is not None else computed


def is_due(review: date | None, by: date) -> bool:
    """Due for review by `by` (the day itself included)."""
    return review is not None and review <= by


def default_next_review(today: date, years: int) -> date:
    """The next review date a retain decision offers: N years from today."""
    return add_years(today, years)


def next_review_problem(next_review: date, today: date) -> str | None:
    """What is wrong with a retain decision's next review date, or None."""
    if next_review <= today:
        return "The next review date must be in the future"
    if next_review > add_years(today, MAX_RETAIN_YEARS):
        return f"The next review date must be within {MAX_RETAIN_YEARS} years"
    return None


def summary(cases: list[Case]) -> str:
    """The person's cases in a few words: "1 Checkpoint contract, 2 DIVERT referrals"."""
    names = {CONTRACT: ("Checkpoint contract", "Checkpoint contracts"),
             CHECKPOINT_REFERRAL: ("Checkpoint referral", "Checkpoint referrals"),
             DIVERT_REFERRAL: ("DIVERT referral", "DIVERT referrals"),
             DRUG_TEST: ("drug test on arrest", "drug tests on arrest")}
    parts = []
    for kind in KINDS:
        count = sum(1 for case in cases if case.kind == kind and (case.is_open or case.ended_on is not None))
        if count:
            parts.append(f"{count} {names[kind][0 if count == 1 else 1]}")
    return ", ".join(parts) or "No cases"
