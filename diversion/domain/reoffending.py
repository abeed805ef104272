"""Proven reoffending, the Ministry of Justice measure (domain.md): an offence committed within the follow-up
period from a start date, proven by a conviction or caution within that period plus six months.

For a start date S and a follow-up of M months, a reoffence counts when

    S < offence date <= S + M months        and        disposal date <= S + M + 6 months,

months being calendar months with the month-end clamp of the contracts (domain/deadlines.py). A start belongs to
a cohort only once its whole window has passed: S + M + 6 months <= the day the figures are drawn ("as of"), so
that every reoffence that could count has had its time to be proven.

"During the contract" is the same question over the contract itself: an offence after the start and on or before
the day the contract ended (its outcome date), or its deadline when it has no outcome.
"""
from __future__ import annotations

from datetime import date, timedelta

from diversion.domain.deadlines import add_calendar_months
from diversion.domain.people import PNC_PATTERN, normalise_pnc

FOLLOW_UPS = (6, 12, 24)  # months: the periods the seeds quote
DEFAULT_FOLLOW_UP = 12
DISPOSAL_MONTHS = 6  # time allowed after the follow-up for the offence to be proven
MAX_RECORDS = 10_000  # records in one API call

# The groups of the report (api-contract, Revision 2: outcomes), in the order shown.
GROUPS = ("checkpoint_completed", "checkpoint_breached", "divert_assessed", "divert_not_assessed")
GROUP_LABELS = {"checkpoint_completed": "Checkpoint: completed", "checkpoint_breached": "Checkpoint: breached",
                "divert_assessed": "DIVERT: assessed", "divert_not_assessed": "DIVERT: not assessed"}


def follow_up_end(start: date, months: int) -> date:
    """The last day an offence can be committed and still count."""
    return add_calendar_months(start, months)


def disposal_end(start: date, months: int) -> date:
    """The last day the offence can be proven (conviction or caution) and still count."""
    return add_calendar_months(start, months + DISPOSAL_MONTHS)


def counts(start: date, months: int, offence_date: date, disposal_date: date) -> bool:
    """Does a reoffence committed on `offence_date` and proven on `disposal_date` count for this start?"""
    return start < offence_date <= follow_up_end(start, months) and disposal_date <= disposal_end(start, months)


def window_passed(start: date, months: int, as_of: date) -> bool:
    """Has this start's whole window (follow-up plus six months for the disposal) passed by `as_of`?"""
    return disposal_end(start, months) <= as_of


def latest_start(months: int, as_of: date) -> date:
    """The latest start date whose window has passed by `as_of`: a cohort takes starts up to this day.

    Starts whose window has passed are exactly those on or before this day, because moving a start later never
    moves its window's end earlier. Several starts can share one end (31 Aug, 30 Aug and 29 Aug + 6 months are
    all 28 Feb), so the answer is the last of them."""
    candidate = add_calendar_months(as_of, -(months + DISPOSAL_MONTHS))
    while window_passed(candidate + timedelta(days=1), months, as_of):
        candidate += timedelta(days=1)
    while not window_passed(candidate, months, as_of):  # a clamp can put the first guess one day too late
        candidate -= timedelta(days=1)
    return candidate


def during_contract(start: date, ended: date, offence_date: date) -> bool:
    """Was the offence committed during the contract (after its start, on or before the day it ended)?"""
    return start < offence_date <= ended


def pnc_problem(value: object) -> tuple[str | None, str | None]:
    """(the PNC id normalised as the app stores it, None) or (None, what is wrong with it)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, "Enter the PNC ID"
    if not isinstance(value, str):
        return None, "Enter the PNC ID as text"
    pnc = normalise_pnc(value)
    if not PNC_PATTERN.match(pnc):
        return None, "Enter a PNC ID like 2019/0123456A"
    return pnc, None


def date_problem(value: object, label: str) -> tuple[date | None, str | None]:
    """(the date, None) for a real YYYY-MM-DD date from 1900 on, else (None, what is wrong)."""
    if value is None or value == "":
        return None, f"Enter the {label}"
    if not isinstance(value, str) or len(value) != 10 or value[4] != "-" or value[7] != "-":
        return None, f"Enter the {label} as YYYY-MM-DD"
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None, f"The {label} must be a real date"
    if day.year < 1900:
        return None, f"The {label} must be after 1900"
    return day, None


def check_record(pnc_id: object, offence_date: object, disposal_date: object, today: date,
                 seen: dict | None = None) -> tuple[tuple[str, date, date] | None, dict[str, str]]:
    """One record of an extract: ((pnc, offence date, disposal date), {}) when it is sound, else (None, {field:
    problem}) naming every bad field. Dates in the future, or a disposal before the offence, are refused.

    `seen` (optional) remembers the dates already read, for an extract of a million rows with a few thousand
    distinct dates; the answers are the same with or without it."""
    problems: dict[str, str] = {}
    pnc, problem = pnc_problem(pnc_id)
    if problem:
        problems["pnc_id"] = problem
    offence, problem = _read_date(offence_date, "offence date", seen)
    if problem:
        problems["offence_date"] = problem
    elif offence > today:
        problems["offence_date"] = "The offence date cannot be in the future"
    disposal, problem = _read_date(disposal_date, "disposal date", seen)
    if problem:
        problems["disposal_date"] = problem
    elif disposal > today:
        problems["disposal_date"] = "The disposal date cannot be in the future"
    elif offence is not None and disposal < offence:
        problems["disposal_date"] = "The disposal date must be on or after the offence date"
    if problems:
        return None, problems
    return (pnc, offence, disposal), {}


def _read_date(value: object, label: str, seen: dict | None) -> tuple[date | None, str | None]:
    if seen is None or not isinstance(value, str):
        return date_problem(value, label)
    key = (value, label)
    if key not in seen:
        seen[key] = date_problem(value, label)
    return seen[key]


class RecordChecker:
    """check_record for the rows of a large extract: the same verdicts, faster. A row that is plainly sound (a PNC
    id already in the stored form, two real dates from 1900 to today, the disposal not before the offence) is
    passed on sight; anything else goes through check_record, which names its problems."""

    def __init__(self, today: date) -> None:
        self.today = today
        self._today_text = today.isoformat()
        self._dates: dict[object, bool] = {}
        self._seen: dict = {}

    def __call__(self, pnc_id: object, offence_date: object,
                 disposal_date: object) -> tuple[str | None, dict[str, str]]:
        """(the stored PNC id, {}) for a sound row, else (None, {field: problem})."""
        if (type(pnc_id) is str and _STORED_PNC(pnc_id) and self._sound_date(offence_date)
                and self._sound_date(disposal_date) and disposal_date >= offence_date):
            return pnc_id, {}
        checked, problems = check_record(pnc_id, offence_date, disposal_date, self.today, self._seen)
        return (checked[0] if checked else None), problems

    def _sound_date(self, value: object) -> bool:
        try:
            return self._dates[value]
        except KeyError:
            sound = (type(value) is str and value.isascii() and date_problem(value, "date")[1] is None
                     and value <= self._today_text)
            self._dates[value] = sound
            return sound
        except TypeError:  # not hashable
            return False


_STORED_PNC = PNC_PATTERN.fullmatch  # already upper case, no spaces: what normalise_pnc would give back
