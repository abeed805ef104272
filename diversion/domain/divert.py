"""DIVERT: a community resolution for drug possession, and the provider's funnel from referral to completion.

The rules (domain.md "DIVERT"; api-contract.md "DIVERT"):
- any drug, possession for personal use only: `suspected_supply: true` is refused;
- an officer refers from the street or from custody; the referral date is never in the future;
- the funnel is referred -> contacted -> assessment_booked -> assessed -> completed; `declined` and
  `disengaged` end it from any open status; `contact_failed`, `did_not_attend` and `onward_referral` are
  recorded without moving it; an event that does not fit the current status is a conflict (409);
- an event's date is never before the referral date and never in the future (422);
- someone whose earlier referral ended declined or disengaged without ever being assessed is not referred
  again (409 `previous_non_engagement`); anyone else may be referred again.

Which event fits which status (any other pair does not fit: a conflict, 409). "unchanged" means the event
is recorded and the status stays as it is.

    event              fits when the status is                                 status afterwards
    contacted          referred                                                contacted
    contact_failed     referred                                                unchanged
    assessment_booked  contacted, assessment_booked (a rebooking)              assessment_booked
    did_not_attend     assessment_booked                                       unchanged
    assessed           contacted, assessment_booked                            assessed
    completed          assessed                                                completed
    onward_referral    contacted, assessment_booked, assessed, completed       unchanged
    declined           referred, contacted, assessment_booked, assessed        declined
    disengaged         referred, contacted, assessment_booked, assessed        disengaged

So: `referred` offers contacted, contact_failed, declined, disengaged; `contacted` offers assessment_booked,
assessed, onward_referral, declined, disengaged; `assessment_booked` offers assessment_booked,
did_not_attend, assessed, onward_referral, declined, disengaged; `assessed` offers completed,
onward_referral, declined, disengaged; `completed` offers onward_referral only; `declined` and `disengaged`
offer nothing.

Why:
- `contacted` happens once, from `referred`: a second one is a conflict (later calls are not first contact;
  the provider writes a note on the event it records instead).
- `contact_failed` is an attempt to make first contact, so it fits only while the referral is `referred`.
- `assessment_booked` fits after contact, and again while an assessment is booked: after a
  `did_not_attend` the worker books another appointment, and an appointment can be moved before it happens.
- `did_not_attend` is about a booked assessment, so it fits only in `assessment_booked`. The status alone
  does not say whether that booking was already missed, so a second one without a rebooking also fits.
- `assessed` fits from `assessment_booked` and also from `contacted`: an assessment is often done at first
  contact (on the street or at the custody follow-up call). It never fits from `referred`: the worker
  records the contact first (the same day is fine), so every assessed referral counts as contacted in the
  funnel figures.
- `completed` (the education session) fits only once assessed.
- `onward_referral` (to treatment, housing, ...) needs someone the provider has spoken to: any status from
  `contacted` on, and also after `completed`, because the provider often refers on at the end of the session.
  It needs `onward_to`, a need code from NEEDS; no other event takes `onward_to`.
- `declined` and `disengaged` end the referral from any open status (referred, contacted,
  assessment_booked, assessed).
- After `completed` only `onward_referral` fits; after `declined` or `disengaged` nothing does.
No event moves a referral backwards along the funnel.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from diversion.domain import transitions
from diversion.domain.deadlines import working_days_between
from diversion.domain.eligibility import age_on
from diversion.domain.text import NOT_VALID, storable

_date = date  # event_problems has a parameter called `date`, as in the API body

# --- What the officer records -----------------------------------------------------------------

STREET, CUSTODY = "street", "custody"
SOURCES = {STREET: "On the street", CUSTODY: "In custody"}

SUBSTANCES = {
    "cannabis": "Cannabis",
    "cocaine": "Cocaine",
    "ketamine": "Ketamine",
    "mdma": "MDMA (ecstasy)",
    "nitrous_oxide": "Nitrous oxide",
    "heroin": "Heroin",
    "crack": "Crack cocaine",
    "other": "Another drug",
}

# --- Statuses -----------------------------------------------------------------------------------

REFERRED, CONTACTED, ASSESSMENT_BOOKED, ASSESSED, COMPLETED = (
    "referred", "contacted", "assessment_booked", "assessed", "completed")
DECLINED, DISENGAGED = "declined", "disengaged"

FUNNEL = (REFERRED, CONTACTED, ASSESSMENT_BOOKED, ASSESSED, COMPLETED)  # in order
OPEN_STATUSES = (REFERRED, CONTACTED, ASSESSMENT_BOOKED, ASSESSED)
ENDED_STATUSES = (COMPLETED, DECLINED, DISENGAGED)
STATUSES = FUNNEL + (DECLINED, DISENGAGED)

STATUS_LABELS = {
    REFERRED: "Referred",
    CONTACTED: "Contacted",
    ASSESSMENT_BOOKED: "Assessment booked",
    ASSESSED: "Assessed",
    COMPLETED: "Completed",
    DECLINED: "Declined",
    DISENGAGED: "Disengaged",
}

# --- Events the provider records ---------------------------------------------------------------

CONTACT_FAILED, DID_NOT_ATTEND, ONWARD_REFERRAL = "contact_failed", "did_not_attend", "onward_referral"
EVENTS = (CONTACTED, CONTACT_FAILED, ASSESSMENT_BOOKED, DID_NOT_ATTEND, ASSESSED, COMPLETED, DECLINED,
          DISENGAGED, ONWARD_REFERRAL)
RECORDED_WITHOUT_MOVING = (CONTACT_FAILED, DID_NOT_ATTEND, ONWARD_REFERRAL)

EVENT_LABELS = {
    CONTACTED: "Contacted",
    CONTACT_FAILED: "Could not make contact",
    ASSESSMENT_BOOKED: "Assessment booked",
    DID_NOT_ATTEND: "Did not attend the assessment",
    ASSESSED: "Assessed",
    COMPLETED: "Completed the session",
    DECLINED: "Declined",
    DISENGAGED: "Disengaged",
    ONWARD_REFERRAL: "Referred on for support",
}

# Where an onward referral goes (domain.md: treatment, mental health, housing, gambling, employment;
# alcohol and education are common too; `other` for anything else, explained in the note).
NEEDS = {
    "treatment": "Drug treatment",
    "mental_health": "Mental health",
    "housing": "Housing",
    "gambling": "Gambling",
    "employment": "Employment",
    "alcohol": "Alcohol",
    "education": "Education or training",
    "other": "Other support",
}

NOTE_MAX = 5_000

# status -> {event that fits: the status it leads to}; an event missing from a status's row does not fit.
TRANSITIONS: dict[str, dict[str, str]] = {
    REFERRED: {
        CONTACTED: CONTACTED, CONTACT_FAILED: REFERRED,
        DECLINED: DECLINED, DISENGAGED: DISENGAGED,
    },
    CONTACTED: {
        ASSESSMENT_BOOKED: ASSESSMENT_BOOKED, ASSESSED: ASSESSED, ONWARD_REFERRAL: CONTACTED,
        DECLINED: DECLINED, DISENGAGED: DISENGAGED,
    },
    ASSESSMENT_BOOKED: {
        ASSESSMENT_BOOKED: ASSESSMENT_BOOKED, DID_NOT_ATTEND: ASSESSMENT_BOOKED, ASSESSED: ASSESSED,
        ONWARD_REFERRAL: ASSESSMENT_BOOKED,
        DECLINED: DECLINED, DISENGAGED: DISENGAGED,
    },
    ASSESSED: {
        COMPLETED: COMPLETED, ONWARD_REFERRAL: ASSESSED,
        DECLINED: DECLINED, DISENGAGED: DISENGAGED,
    },
    COMPLETED: {ONWARD_REFERRAL: COMPLETED},
    DECLINED: {},
    DISENGAGED: {},
}


_is = transitions.is_code


def _given(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _or_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


# --- The funnel -------------------------------------------------------------------------------

def is_open(status: object) -> bool:
    """Still being worked: referred, contacted, assessment booked or assessed."""
    return _is(status, OPEN_STATUSES)


def is_ended(status: object) -> bool:
    return _is(status, ENDED_STATUSES)


def next_status(current: object, event: object) -> str | None:
    """The status after `event`, or None when the event does not fit the current status (a 409)."""
    return transitions.next_status(TRANSITIONS, current, event)


def fits(current: object, event: object) -> bool:
    return next_status(current, event) is not None


def allowed_events(current: object) -> list[str]:
    """The events a page should offer for a referral in this status, in the order of EVENTS."""
    return [event for event in EVENTS if fits(current, event)]


def conflict_message(current: object, event: object) -> str | None:
    """Why `event` cannot be recorded now, in words for the person recording it; None when it fits."""
    if fits(current, event):
        return None
    if not _is(current, STATUS_LABELS) or not _is(event, EVENT_LABELS):
        return "This event cannot be recorded for this referral."
    if current in (DECLINED, DISENGAGED):
        return f"This referral has ended ({STATUS_LABELS[current].lower()}). Nothing more can be recorded."
    if current == COMPLETED:
        return "This referral has been completed. Only an onward referral can still be recorded."
    where = _or_list([f"‘{STATUS_LABELS[s]}’" for s in STATUSES if fits(s, event)])
    return (f"‘{EVENT_LABELS[event]}’ cannot be recorded while the referral's status is "
            f"‘{STATUS_LABELS[current]}’. It can be recorded only when the status is {where}.")


def replay(events: list[str], start: str = REFERRED) -> str:
    """The status after applying `events` in order from `start`; ValueError on the first that does not fit."""
    status = start
    for position, event in enumerate(events):
        after = next_status(status, event)
        if after is None:
            raise ValueError(f"event {position} ({event!r}) does not fit status {status!r}")
        status = after
    return status


def ever_assessed(events: list[str]) -> bool:
    """Whether a referral's recorded events include an assessment (what the repeat-referral rule asks)."""
    return ASSESSED in events


# --- Dates and field problems -----------------------------------------------------------------

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _as_date(value: object) -> tuple[date | None, str | None]:
    """(the date, None) or (None, the problem). A date, or a YYYY-MM-DD string; None means missing."""
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    if value is None or value == "":
        return None, "missing"
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None, "format"
    try:
        return date.fromisoformat(value), None
    except ValueError:
        return None, "impossible"


def _date_problems(value: object, today: date, *, label: str, not_before: date | None = None,
                   not_before_label: str = "") -> list[str]:
    on, problem = _as_date(value)
    capital = label[0].upper() + label[1:]
    if problem == "missing":
        return [f"Enter {label}"]
    if problem == "format":
        return [f"Enter {label} as YYYY-MM-DD"]
    if problem == "impossible":
        return [f"{capital} must be a real date"]
    found = []
    if on > today:
        found.append(f"{capital} cannot be in the future")
    if not_before is not None and on < not_before:
        found.append(f"{capital} cannot be before {not_before_label} ({not_before:%-d %B %Y})")
    return found


def referral_problems(referral_date: object, today: date, source: object, substance: object,
                      suspected_supply: object) -> dict[str, list[str]]:
    """Every problem with a new DIVERT referral's own fields (422), keyed by field name.

    `referral_date` is a date or a YYYY-MM-DD string (None: not given). `suspected_supply` must be answered
    (true or false); true is refused because the scheme is for possession only.
    """
    fields: dict[str, list[str]] = {}
    found = _date_problems(referral_date, today, label="the referral date")
    if found:
        fields["referral_date"] = found
    if not _is(source, SOURCES):
        fields["source"] = ["Choose whether the referral is from the street or from custody"]
    if not _is(substance, SUBSTANCES):
        fields["substance"] = ["Choose the substance from the list"]
    if suspected_supply is True:
        fields["suspected_supply"] = ["DIVERT is for possession only: a person suspected of supply cannot be "
                                      "referred"]
    elif suspected_supply is None:
        fields["suspected_supply"] = ["Answer whether supply is suspected"]
    elif not isinstance(suspected_supply, bool):
        fields["suspected_supply"] = ["Must be true or false"]
    return fields


def event_problems(event: object, date: object, referral_date: _date, today: _date, onward_to: object = None,
                   note: object = None) -> dict[str, list[str]]:
    """Every field problem with an event the provider is recording (422), keyed by field name.

    Whether the event fits the referral's status is a separate question (`fits`, a 409).
    `date` is the event's date: a date or a YYYY-MM-DD string (None: not given), named as in the API body.
    """
    fields: dict[str, list[str]] = {}
    if not _is(event, EVENTS):
        fields["event"] = ["Choose what happened from the list"]
    found = _date_problems(date, today, label="the date", not_before=referral_date,
                           not_before_label="the referral date")
    if found:
        fields["date"] = found
    if event == ONWARD_REFERRAL:
        if not _given(onward_to):
            fields["onward_to"] = ["Choose the support the person was referred on to"]
        elif not _is(onward_to, NEEDS):
            fields["onward_to"] = ["Choose the support the person was referred on to from the list"]
    elif _is(event, EVENTS):
        if _given(onward_to):
            fields["onward_to"] = ["Only an onward referral says what the person was referred on to"]
    elif _given(onward_to) and not _is(onward_to, NEEDS):
        fields["onward_to"] = ["Choose the support the person was referred on to from the list"]
    if note is not None and not isinstance(note, str):
        fields["note"] = ["Enter the note as text"]
    elif isinstance(note, str) and len(note) > NOTE_MAX:
        fields["note"] = [f"The note must be {NOTE_MAX:,} characters or fewer"]
    elif isinstance(note, str) and not storable(note):
        fields["note"] = [NOT_VALID]
    return fields


# --- Repeat referrals -------------------------------------------------------------------------

def never_engaged(final_status: object, assessed: object) -> bool:
    """An earlier referral that ended declined or disengaged without ever being assessed."""
    return _is(final_status, (DECLINED, DISENGAGED)) and not assessed


def may_refer_again(previous: list[tuple[str, bool]]) -> bool:
    """May this person be referred to DIVERT again? `previous` holds (final status, ever assessed) for each
    earlier referral. Refused (409 `previous_non_engagement`) only when one of them never engaged.
    A referral still open, or completed, or ended after an assessment, does not stand in the way.
    """
    return not any(never_engaged(status, assessed) for status, assessed in previous)


def age_problem(date_of_birth: date, referral_date: date, minimum_age: int) -> str | None:
    """DIVERT serves people of at least `minimum_age` (policy, default 18) on the referral date."""
    if age_on(date_of_birth, referral_date) < minimum_age:
        return (f"DIVERT is for people aged {minimum_age} or over on the referral date: this person was "
                f"{max(age_on(date_of_birth, referral_date), 0)}")
    return None


def referral_number(previous_count: int) -> int:
    """This referral's number for the person: their earlier DIVERT referrals plus this one."""
    return previous_count + 1


# --- The provider's worklist --------------------------------------------------------------------

def working_days_waited(since: date, today: date, holidays: frozenset[date] = frozenset()) -> int:
    """Working days (Monday to Friday, less holidays) from `since` (the referral date, or the last event
    that moved the status) up to and including today; 0 on the day itself."""
    return working_days_between(since, today, holidays)


FOLLOW_UP_WORKING_DAYS = 5  # open work with nothing recorded for this many working days is followed up


def waited_since_on_or_before(today: date, working_days: int, holidays: frozenset[date] = frozenset()) -> date:
    """The latest day `since` for which working_days_waited(since, today) >= `working_days`: a referral waits
    that long exactly when its day is on or before this one (so a list can ask the database by a date)."""
    day = today
    while working_days_between(day, today, holidays) < working_days:
        day -= timedelta(days=1)
    return day


# --- Booked assessments and time at a status ----------------------------------------------------------

def appointment_problems(event: object, appointment_at: datetime | None, referral_date: _date) -> list[str]:
    """Problems with an event's `appointment_at` (already read as a timestamp; None: not given). Only
    `assessment_booked` takes one (revision 2: "assessment_booked takes appointment_at"); it may be in the
    future, and is optional in the API (a provider may book before the time is fixed). An appointment is never
    before the referral date."""
    if appointment_at is None:
        return []
    if event != ASSESSMENT_BOOKED:
        return ["Only a booked assessment has an appointment time"]
    if appointment_at.date() < referral_date:
        return [f"The appointment cannot be before the referral date ({referral_date:%-d %B %Y})"]
    return []


def next_appointment(current: datetime | None, event: str, status_after: str,
                     appointment_at: datetime | None) -> datetime | None:
    """The booked assessment still to come after `event`: the time a booking gives (a rebooking without a time
    clears the old one); kept while the referral stays booked (an onward referral changes nothing), gone once
    the person did not attend (that appointment has passed) or the referral moves on or ends."""
    if event == ASSESSMENT_BOOKED:
        return appointment_at
    if status_after != ASSESSMENT_BOOKED or event == DID_NOT_ATTEND:
        return None
    return current


def status_since(current: _date | None, status_before: str, status_after: str, event_date: _date) -> _date | None:
    """The day the referral reached its status: the event's date when the event moves the status on."""
    return event_date if status_after != status_before else current
