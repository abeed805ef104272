"""Drug Testing on Arrest: the words of the contract ("Revision 2: outcomes") and of the law behind them.

PACE s.63B: a test after arrest for a trigger offence, or on an inspector's authority; refusing without good cause
is an offence. Drugs Act 2005 ss.9-12: a positive test (cocaine, opiates or both) requires an initial assessment,
which may require a follow-up assessment; failing to attend or stay is an offence."""
from __future__ import annotations

from datetime import date

from diversion.domain import transitions

RESULTS = {
    "negative": "Negative",
    "cocaine": "Positive for cocaine",
    "opiates": "Positive for opiates",
    "both": "Positive for cocaine and opiates",
    "refused": "Refused to give a sample",
}
POSITIVE_RESULTS = frozenset({"cocaine", "opiates", "both"})

EVENTS = {
    "initial_assessment_attended": "Initial assessment attended",
    "initial_assessment_missed": "Initial assessment missed",
    "follow_up_required": "Follow-up assessment required",
    "follow_up_attended": "Follow-up assessment attended",
    "follow_up_missed": "Follow-up assessment missed",
    "referred_to_treatment": "Referred to treatment",
    "entered_treatment": "Entered treatment",
    "prosecuted_for_non_attendance": "Prosecuted for not attending",
}


def status_after_test(result: str) -> str:
    """The status a test starts with (the contract's 201 `status`)."""
    if result == "refused":
        return "refused"
    return "assessment_required" if result in POSITIVE_RESULTS else "negative"


# --- Statuses -------------------------------------------------------------------------------------------------
#
# A test starts `negative`, `refused` or `assessment_required` (status_after_test). After a positive test the
# status is the last event that moved it (the event's own code), or `no_further_action` when custody decided not
# to prosecute a missed assessment (a decision recorded on the test, not an event: the return counts prosecutions).

NEGATIVE, REFUSED, ASSESSMENT_REQUIRED = "negative", "refused", "assessment_required"
INITIAL_ATTENDED, INITIAL_MISSED = "initial_assessment_attended", "initial_assessment_missed"
FOLLOW_UP_REQUIRED, FOLLOW_UP_ATTENDED, FOLLOW_UP_MISSED = "follow_up_required", "follow_up_attended", "follow_up_missed"
REFERRED_TO_TREATMENT, ENTERED_TREATMENT = "referred_to_treatment", "entered_treatment"
PROSECUTED = "prosecuted_for_non_attendance"
NO_FURTHER_ACTION = "no_further_action"

STATUS_LABELS = {
    NEGATIVE: "Negative",
    REFUSED: "Refused",
    ASSESSMENT_REQUIRED: "Assessment required",
    INITIAL_ATTENDED: "Initial assessment attended",
    INITIAL_MISSED: "Initial assessment missed",
    FOLLOW_UP_REQUIRED: "Follow-up required",
    FOLLOW_UP_ATTENDED: "Follow-up attended",
    FOLLOW_UP_MISSED: "Follow-up missed",
    REFERRED_TO_TREATMENT: "Referred to treatment",
    ENTERED_TREATMENT: "In treatment",
    PROSECUTED: "Prosecuted for not attending",
    NO_FURTHER_ACTION: "No further action",
}
STATUSES = tuple(STATUS_LABELS)

# status -> {event that fits: the status it leads to}; an event missing from a status's row does not fit (409).
TRANSITIONS: dict[str, dict[str, str]] = {
    NEGATIVE: {},
    REFUSED: {},
    ASSESSMENT_REQUIRED: {INITIAL_ATTENDED: INITIAL_ATTENDED, INITIAL_MISSED: INITIAL_MISSED},
    INITIAL_ATTENDED: {FOLLOW_UP_REQUIRED: FOLLOW_UP_REQUIRED, REFERRED_TO_TREATMENT: REFERRED_TO_TREATMENT},
    FOLLOW_UP_REQUIRED: {FOLLOW_UP_ATTENDED: FOLLOW_UP_ATTENDED, FOLLOW_UP_MISSED: FOLLOW_UP_MISSED},
    FOLLOW_UP_ATTENDED: {REFERRED_TO_TREATMENT: REFERRED_TO_TREATMENT},
    REFERRED_TO_TREATMENT: {ENTERED_TREATMENT: ENTERED_TREATMENT},
    ENTERED_TREATMENT: {},
    INITIAL_MISSED: {PROSECUTED: PROSECUTED},
    FOLLOW_UP_MISSED: {PROSECUTED: PROSECUTED},
    PROSECUTED: {},
    NO_FURTHER_ACTION: {},
}

# A missed required assessment goes back to custody, who decide whether to prosecute (Drugs Act 2005 s.12).
AWAITING_DECISION = (INITIAL_MISSED, FOLLOW_UP_MISSED)
PROSECUTE = "prosecute"
DECISIONS = {PROSECUTE: "Prosecute for not attending", NO_FURTHER_ACTION: "No further action"}
# Open: a required assessment still to be held, or a missed one still to be decided. Once the person attended,
# what follows (a follow-up, treatment) is recorded on the same test, but nothing more is required of them unless
# a follow-up is: retention counts a test as an open case only while it is in one of these.
OPEN_STATUSES = (ASSESSMENT_REQUIRED, FOLLOW_UP_REQUIRED, INITIAL_MISSED, FOLLOW_UP_MISSED)
# Waiting for the provider (their worklist): a booked initial assessment or a required follow-up.
PROVIDER_WAITING = (ASSESSMENT_REQUIRED, FOLLOW_UP_REQUIRED)

# Who records what: the provider records what happened at the assessments and after; custody decides on
# prosecution. Custody officers may also record attendance they are told of (the contract lets both roles write).
CUSTODY_ONLY_EVENTS = frozenset({PROSECUTED})
EVENTS_BY_ROLE = {
    "provider": frozenset(EVENTS) - CUSTODY_ONLY_EVENTS,
    "custody_officer": frozenset(EVENTS),
    "admin": frozenset(EVENTS),
}

REASON_MAX = 2_000

WARNING_TEXT = (
    "You have been asked to give a sample to test for Class A drugs (cocaine, crack cocaine or heroin) under "
    "section 63B of the Police and Criminal Evidence Act 1984. If you refuse without good cause you commit an "
    "offence, and you may be prosecuted.",
    "If the test is positive you must attend an initial assessment with a drugs worker, and stay until it ends, "
    "and you may be required to attend a follow-up assessment. If you fail to attend or stay without good cause "
    "you commit an offence under section 12 of the Drugs Act 2005, and you may be prosecuted.",
)


_is = transitions.is_code


def is_positive(result: object) -> bool:
    return _is(result, POSITIVE_RESULTS)


def is_open(status: object) -> bool:
    return _is(status, OPEN_STATUSES)


def next_status(current: object, event: object) -> str | None:
    """The status after `event`, or None when the event does not fit the current status (a 409)."""
    return transitions.next_status(TRANSITIONS, current, event)


def fits(current: object, event: object) -> bool:
    return next_status(current, event) is not None


def allowed_events(current: object, role: str | None = None) -> list[str]:
    """The events a page should offer for a test in this status (and to this role), in the order of EVENTS."""
    allowed = EVENTS_BY_ROLE.get(role, frozenset()) if role is not None else frozenset(EVENTS)
    return [event for event in EVENTS if fits(current, event) and event in allowed]


def may_record(role: object, event: object) -> bool:
    """Whether `role` may record `event` at all (a provider does not decide on prosecution: 403)."""
    return _is(event, EVENTS) and event in EVENTS_BY_ROLE.get(role, frozenset())


def conflict_message(current: object, event: object) -> str | None:
    """Why `event` cannot be recorded now, in words for the person recording it; None when it fits."""
    if fits(current, event):
        return None
    if not _is(current, STATUS_LABELS) or not _is(event, EVENTS):
        return "This event cannot be recorded for this test."
    if current in (NEGATIVE, REFUSED):
        return f"This test was {STATUS_LABELS[current].lower()}: no assessment was required, so nothing follows it."
    where = [f"‘{STATUS_LABELS[s]}’" for s in STATUSES if fits(s, event)]
    joined = where[0] if len(where) == 1 else f"{', '.join(where[:-1])} or {where[-1]}"
    return (f"‘{EVENTS[event]}’ cannot be recorded while the test's status is ‘{STATUS_LABELS[current]}’. "
            f"It can be recorded only when the status is {joined}.")


def replay(events: list[str], start: str = ASSESSMENT_REQUIRED) -> str:
    """The status after applying `events` in order from `start`; ValueError on the first that does not fit."""
    status = start
    for position, event in enumerate(events):
        after = next_status(status, event)
        if after is None:
            raise ValueError(f"event {position} ({event!r}) does not fit status {status!r}")
        status = after
    return status


def waiting_for(status: object, assessment_at, follow_up_at):
    """The appointment the person is waiting for (the provider's worklist is ordered and grouped by it): the initial
    assessment booked at the test while one is required, the follow-up while one is; None when it has no time or
    nothing is awaited. `follow_up_at` is called (and the events read) only while a follow-up is required: it gives
    the appointment of the latest follow_up_required event that has one."""
    if status == ASSESSMENT_REQUIRED:
        return assessment_at
    if status == FOLLOW_UP_REQUIRED:
        return follow_up_at()
    return None


def may_decide(status: object) -> bool:
    """Custody decides on prosecution only while a missed assessment awaits a decision."""
    return _is(status, AWAITING_DECISION)


def status_after_decision(decision: str) -> str:
    return PROSECUTED if decision == PROSECUTE else NO_FURTHER_ACTION


# --- Dates and field problems ------------------------------------------------------------------------------------

def date_problems(on: date | None, *, today: date, test_date: date | None, label: str = "the date") -> list[str]:
    """An event's or a decision's date: never in the future, never before the test."""
    capital = label[0].upper() + label[1:]
    found = []
    if on is None:
        return found
    if on > today:
        found.append(f"{capital} cannot be in the future")
    if test_date is not None and on < test_date:
        found.append(f"{capital} cannot be before the test ({test_date:%-d %B %Y})")
    return found


def sample_problems(*, result: object, trigger_offence: object, inspector_authority: object,
                  assessment_given: bool, assessment_on: date | None, test_date: date | None,
                  warning_given: object, warning_required: bool) -> dict[str, list[str]]:
    """Problems with a test's own coded fields (422), keyed by field name: the types are read elsewhere.

    A test needs its authority (PACE s.63B: a trigger offence, or an inspector's authority); a booked assessment
    belongs to a positive result only and is never before the test (it may be in the future); pages ask the
    officer to confirm the warning was given (the API takes it when sent)."""
    fields: dict[str, list[str]] = {}
    if trigger_offence is False and inspector_authority is not True:
        fields["trigger_offence"] = ["A test needs a trigger offence or an inspector's authority: without either, "
                                     "do not test"]
    if assessment_given and _is(result, RESULTS) and not is_positive(result):
        fields["assessment"] = ["Only a positive test requires an assessment"]
    if assessment_on is not None and test_date is not None and assessment_on < test_date:
        fields["assessment.at"] = [f"The assessment cannot be before the test ({test_date:%-d %B %Y})"]
    if warning_required and warning_given is not True:
        fields["warning_given"] = ["Confirm that you gave the person the warning"]
    return fields


def decision_problems(decision: object, reason: object) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    if not _is(decision, DECISIONS):
        fields["decision"] = ["Choose whether to prosecute or take no further action"]
    if decision == NO_FURTHER_ACTION and (reason is None or (isinstance(reason, str) and not reason.strip())):
        fields["reason"] = ["Give the reason for taking no further action"]
    return fields


def awaiting_days(status_since: date, today: date) -> int:
    """Calendar days a missed assessment has waited for custody's decision."""
    return max((today - status_since).days, 0)
