"""Treatment engagement (issue 12): the services people are referred on to, and whether they started.

- A Checkpoint navigator refers someone on from a pathway condition; a DIVERT provider's `onward_referral` event
  refers them on too (its `onward_to` need names the service, SERVICE_FOR_NEED).
- The start is recorded later: the day they started (never before the referral, never in the future), or that
  they did not start.
- Started within three weeks: started_on - referred_on <= 21 days. A referral with no start and no "did not
  start", referred more than 21 days ago, has not started within three weeks (it can still start later, but
  not in time); one referred 21 days ago or less is still waiting.
"""
from __future__ import annotations

from datetime import date, timedelta

CHECKPOINT, DIVERT = "checkpoint", "divert"
SCHEMES = (CHECKPOINT, DIVERT)

WITHIN_DAYS = 21  # three weeks

# The reference list as first seeded (code, name, the Checkpoint pathway it serves); an administrator's list
# afterwards lives in the treatment_services table.
SEEDED_SERVICES = (
    ("community_drug_alcohol", "Community drug and alcohol service", "drugs"),
    ("alcohol_brief_intervention", "Alcohol brief intervention", "alcohol"),
    ("talking_therapies", "Mental health talking therapies", "mental_health"),
    ("liaison_diversion", "Liaison and diversion", "mental_health"),
    ("housing_options", "Housing options", "accommodation"),
    ("employment_support", "Employment support", "employment_education"),
    ("debt_advice", "Debt advice", "finance"),
    ("gambling_support", "Gambling support", "gambling"),
    ("womens_centre", "Women’s centre", "relationships"),
    ("other_support", "Other support", "other"),
)

# A DIVERT onward referral's need (domain/divert.py NEEDS) -> the service it is counted under.
SERVICE_FOR_NEED = {
    "treatment": "community_drug_alcohol",
    "alcohol": "alcohol_brief_intervention",
    "mental_health": "talking_therapies",
    "housing": "housing_options",
    "employment": "employment_support",
    "education": "employment_support",
    "gambling": "gambling_support",
    "other": "other_support",
}

STARTED, NOT_STARTED, WAITING = "started", "did_not_start", "waiting"


def started_within(referred_on: date, started_on: date | None) -> bool:
    """Started within three weeks of the referral (21 days or fewer)."""
    return started_on is not None and (started_on - referred_on).days <= WITHIN_DAYS


def overdue(referred_on: date, started_on: date | None, did_not_start: bool, today: date) -> bool:
    """Not started within three weeks: no start recorded (or none at all) more than 21 days after referral."""
    if started_on is not None:
        return not started_within(referred_on, started_on)
    return did_not_start or (today - referred_on).days > WITHIN_DAYS


def status(started_on: date | None, did_not_start: bool) -> str:
    if started_on is not None:
        return STARTED
    return NOT_STARTED if did_not_start else WAITING


def start_problems(referred_on: date, started_on: date | None, did_not_start: object, today: date) -> dict:
    """What is wrong with a start: exactly one of a start date or did_not_start true; the date on or after the
    referral and not in the future."""
    problems: dict[str, list[str]] = {}
    if did_not_start not in (None, True, False):
        problems["did_not_start"] = ["Must be true or false"]
    elif did_not_start and started_on is not None:
        problems["started_on"] = ["Give the day they started, or say they did not start, not both"]
    elif not did_not_start and started_on is None:
        problems["started_on"] = ["Enter the day they started, or say they did not start"]
    if started_on is not None:
        if started_on < referred_on:
            problems.setdefault("started_on", []).append("The start cannot be before the referral")
        elif started_on > today:
            problems.setdefault("started_on", []).append("The start cannot be in the future")
    return problems


def deadline(referred_on: date) -> date:
    """The last day a start still counts as within three weeks."""
    return referred_on + timedelta(days=WITHIN_DAYS)
