"""The Drug Testing on Arrest monthly return (api-contract, "Revision 2: outcomes"): its arithmetic over counts.

The counting rule: a cohort. A month's return counts the tests taken in that month (`test_date` in the month) and,
for the positive ones, everything recorded after them, whenever it was recorded (an assessment in the next month
still counts for the month of the test). So every figure is a number of tests, each test is counted once in each
figure, and the figures add up to the funnel:

    tested + refused = tests asked for in the month
    tested >= positive (cocaine + opiates + both) = assessments_required  (every positive test requires one)
    assessments_required = initial_attended + initial_missed + awaiting_initial_assessment
    initial_attended >= follow_up_required >= follow_up_attended + follow_up_missed
    initial_attended >= referred_to_treatment >= entered_treatment
    assessments_required >= failed_to_attend >= prosecuted_for_non_attendance, and failed_to_attend >= initial_missed

How a month can still change: its tests are fixed once they are all entered (a late entry adds to the month of the
test), but its assessments, treatment and prosecutions grow for weeks afterwards as they are recorded. A return
read on the 5th of the next month is the month as far as it has got; read again later it can only move people
along the funnel (awaiting -> attended or missed, missed -> prosecuted), never take a test away.

Which step a test has reached, when the record is uneven: a later step counts the earlier ones it needs (entered
treatment means referred to it; a referral to treatment or a follow-up means the initial assessment was attended;
a follow-up attended or missed means one was required). An assessment missed and later attended counts as
attended in `initial_missed`'s place (the person was assessed), but still in `failed_to_attend`: failing to attend
is the offence (Drugs Act 2005 s.12), and a prosecution for it may follow. Events after a negative test or a
refusal are not counted: nothing is required of those people.

Pure: no Flask, no SQLAlchemy. The database hands over counts (services/dtoa_return.py), grouped as
    tests:    (result, trigger_offence, count)             every test of the month
    progress: (events recorded after the test, count)      every positive test of the month, by the set of its
                                                            event kinds (the empty set: nothing recorded yet)
"""
from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from datetime import date, timedelta

from diversion.domain import kpis
from diversion.domain.dtoa import POSITIVE_RESULTS

INITIAL_ATTENDED = "initial_assessment_attended"
INITIAL_MISSED = "initial_assessment_missed"
FOLLOW_UP_REQUIRED = "follow_up_required"
FOLLOW_UP_ATTENDED = "follow_up_attended"
FOLLOW_UP_MISSED = "follow_up_missed"
REFERRED = "referred_to_treatment"
ENTERED = "entered_treatment"
PROSECUTED = "prosecuted_for_non_attendance"
# Not an event: a step implied by a miss (or by a prosecution for one).
FAILED_TO_ATTEND = "failed_to_attend"

# What a later step says about the earlier steps it needs (applied until nothing more follows).
IMPLIES = {
    ENTERED: {REFERRED},
    REFERRED: {INITIAL_ATTENDED},
    FOLLOW_UP_REQUIRED: {INITIAL_ATTENDED},
    FOLLOW_UP_ATTENDED: {FOLLOW_UP_REQUIRED},
    FOLLOW_UP_MISSED: {FOLLOW_UP_REQUIRED, FAILED_TO_ATTEND},
    INITIAL_MISSED: {FAILED_TO_ATTEND},
    PROSECUTED: {FAILED_TO_ATTEND},
}

# The contract's keys, in its order (`positive` is an object of three), then the figures this app adds.
CONTRACT_KEYS = ("tested", "positive", "refused", "trigger_offences", "assessments_required", "initial_attended",
                 "initial_missed", "follow_up_required", "follow_up_attended", "referred_to_treatment",
                 "entered_treatment", "prosecuted_for_non_attendance")
POSITIVE_KEYS = ("cocaine", "opiates", "both")
EXTRA_KEYS = ("tests_requested", "inspector_authority", "awaiting_initial_assessment", "follow_up_missed",
              "failed_to_attend")

# Every figure in words, in the order a table or a spreadsheet shows them (dotted keys for `positive`).
LABELS = {
    "tests_requested": "Tests asked for (sample given or refused)",
    "tested": "Tested (gave a sample)",
    "trigger_offences": "Tested after arrest for a trigger offence",
    "inspector_authority": "Tested on an inspector’s authority (no trigger offence)",
    "refused": "Refused to give a sample",
    "positive.cocaine": "Positive for cocaine only",
    "positive.opiates": "Positive for opiates only",
    "positive.both": "Positive for cocaine and opiates",
    "assessments_required": "Initial assessments required",
    "initial_attended": "Initial assessment attended",
    "initial_missed": "Initial assessment missed (not since attended)",
    "awaiting_initial_assessment": "Initial assessment not yet recorded",
    "follow_up_required": "Follow-up assessment required",
    "follow_up_attended": "Follow-up assessment attended",
    "follow_up_missed": "Follow-up assessment missed (not since attended)",
    "referred_to_treatment": "Referred to treatment",
    "entered_treatment": "Entered treatment",
    "failed_to_attend": "Failed to attend a required assessment (initial or follow-up)",
    "prosecuted_for_non_attendance": "Prosecuted for not attending",
}

# Rates: (numerator, denominator) and what they mean.
RATES = {
    "positive_rate": ("assessments_required", "tested", "Positive tests, of those tested"),
    "attendance_rate": ("initial_attended", "assessments_required",
                        "Initial assessments attended, of those required"),
    "failed_to_attend_rate": ("failed_to_attend", "assessments_required",
                              "Failed to attend a required assessment, of those required"),
    "treatment_entry_rate": ("entered_treatment", "referred_to_treatment",
                             "Entered treatment, of those referred to it"),
}

# The funnel as a chart shows it: (key, label, branch) where branch is "on" (the way through) or "off" (missed).
FUNNEL = (
    ("tested", "Tested", "on"),
    ("assessments_required", "Positive: assessment required", "on"),
    ("initial_attended", "Initial assessment attended", "on"),
    ("follow_up_required", "Follow-up required", "on"),
    ("referred_to_treatment", "Referred to treatment", "on"),
    ("entered_treatment", "Entered treatment", "on"),
    ("failed_to_attend", "Failed to attend", "off"),
    ("prosecuted_for_non_attendance", "Prosecuted for not attending", "off"),
)

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")  # ASCII digits only (\d also takes "２")
EARLIEST_YEAR = 2000


def steps(events: Collection[str]) -> frozenset[str]:
    """The steps a positive test has reached, from the kinds of event recorded after it (see the module's rule)."""
    reached = set(events)
    pending = list(reached)
    while pending:
        for implied in IMPLIES.get(pending.pop(), ()):
            if implied not in reached:
                reached.add(implied)
                pending.append(implied)
    return frozenset(reached)


def empty() -> dict:
    figures = {key: 0 for key in CONTRACT_KEYS + EXTRA_KEYS}
    figures["positive"] = {key: 0 for key in POSITIVE_KEYS}
    return figures


def figures(tests: Iterable[tuple[str, bool, int]], progress: Iterable[tuple[Collection[str], int]]) -> dict:
    """The return's counts: the contract's keys and EXTRA_KEYS. `tests` covers every test of the period, `progress`
    its positive tests (their counts must add up to the positive tests in `tests`)."""
    result = empty()
    for outcome, trigger, count in tests:
        _count_test(result, outcome, bool(trigger), _count(count))
    result["assessments_required"] = sum(result["positive"].values())
    followed = 0
    for events, count in progress:
        count = _count(count)
        followed += count
        _count_progress(result, steps(events), count)
    if followed != result["assessments_required"]:
        raise ValueError(f"progress covers {followed} tests but {result['assessments_required']} were positive")
    result["tests_requested"] = result["tested"] + result["refused"]
    result["awaiting_initial_assessment"] = (result["assessments_required"] - result["initial_attended"]
                                             - result["initial_missed"])
    return result


def _count(value: int) -> int:
    if value < 0:
        raise ValueError(f"a count cannot be negative (got {value})")
    return value


def _count_test(result: dict, outcome: str, trigger: bool, count: int) -> None:
    if outcome == "refused":
        result["refused"] += count
        return
    result["tested"] += count
    result["trigger_offences" if trigger else "inspector_authority"] += count
    if outcome in POSITIVE_RESULTS:
        result["positive"][outcome] += count
    elif outcome != "negative":
        raise ValueError(f"unknown result {outcome!r}")


def _count_progress(result: dict, reached: frozenset[str], count: int) -> None:
    if INITIAL_ATTENDED in reached:
        result["initial_attended"] += count
    elif INITIAL_MISSED in reached:
        result["initial_missed"] += count
    if FOLLOW_UP_MISSED in reached and FOLLOW_UP_ATTENDED not in reached:
        result["follow_up_missed"] += count
    for key in (FOLLOW_UP_REQUIRED, FOLLOW_UP_ATTENDED, REFERRED, ENTERED, FAILED_TO_ATTEND, PROSECUTED):
        if key in reached:
            result[key] += count


def rates(counts: dict) -> dict:
    """Each rate of RATES with its Wilson 95% interval and how far to trust it (None when there is no case)."""
    answer = {}
    for name, (numerator, denominator, _meaning) in RATES.items():
        figure = kpis.proportion(counts[numerator], counts[denominator])
        figure.pop("_raw")
        answer[name] = {"numerator": counts[numerator], "denominator": counts[denominator], **figure}
    return answer


def flat(counts: dict) -> dict:
    """The counts with `positive` spread into dotted keys, in LABELS' order (for tables and spreadsheets)."""
    values = {**{k: v for k, v in counts.items() if k != "positive"},
              **{f"positive.{k}": v for k, v in counts["positive"].items()}}
    return {key: values[key] for key in LABELS}


# --- Months -------------------------------------------------------------------------------------------------


def parse_month(text: object) -> date | None:
    """The first day of a month written YYYY-MM ("2026-10"), or None for anything else ("2026-13", "26-10")."""
    if not isinstance(text, str):
        return None
    found = _MONTH.fullmatch(text)
    if not found:
        return None
    year, month = int(found.group(1)), int(found.group(2))
    return date(year, month, 1) if year >= 1 and 1 <= month <= 12 else None


def month_problem(first: date | None, today: date) -> str | None:
    """Why a month cannot have a return (None when it can): not a month, before 2000 or after this month."""
    if first is None:
        return "Enter the month as YYYY-MM, for example 2026-10"
    if first.year < EARLIEST_YEAR:
        return f"Choose a month from January {EARLIEST_YEAR}"
    if first > today.replace(day=1):
        return "The month must not be in the future"
    return None


def last_day(first: date) -> date:
    return next_month(first) - timedelta(days=1)


def next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def previous_month(first: date) -> date:
    return (first.replace(day=1) - timedelta(days=1)).replace(day=1)


def last_complete_month(today: date) -> date:
    """The first day of the month before today's: the latest month that has ended."""
    return previous_month(today.replace(day=1))


def months_back(first: date, count: int) -> list[date]:
    """`count` months ending with `first`, oldest first."""
    months = [first]
    while len(months) < count:
        months.insert(0, previous_month(months[0]))
    return months
