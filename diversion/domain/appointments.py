"""Appointments on a contract (revision 2, casework): what may be booked, and when attendance may be recorded."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from diversion.domain.text import NOT_VALID, storable

KINDS = {
    "navigator_meeting": "Meeting with the navigator",
    "pathway_session": "Pathway session",
    "unpaid_work": "Unpaid work",
    "victim": "Restorative meeting with the victim",
    "other": "Other",
}
BOOKED, ATTENDED, MISSED, CANCELLED = "booked", "attended", "missed", "cancelled"
STATUSES = (BOOKED, ATTENDED, MISSED, CANCELLED)
STATUS_LABELS = {BOOKED: "Booked", ATTENDED: "Attended", MISSED: "Missed", CANCELLED: "Cancelled"}
LOCATION_MAX = 200
REASON_MAX = 2_000
NOTE_MAX = 20_000


def booking_problems(*, kind: object, location: object, starts_at: object) -> dict[str, str]:
    """Every problem with a booking, by field. An appointment may be in the past (booked after the event) or the
    future; the contract's own state (open, the condition's) is the service's check."""
    problems: dict[str, str] = {}
    if not isinstance(kind, str) or kind not in KINDS:
        problems["kind"] = "Choose what kind of appointment it is"
    if not isinstance(location, str) or not location.strip():
        problems["location"] = "Enter where the appointment is"
    elif not storable(location):
        problems["location"] = NOT_VALID
    elif len(location) > LOCATION_MAX:
        problems["location"] = f"Enter where the appointment is in {LOCATION_MAX} characters or fewer"
    if not isinstance(starts_at, datetime):
        problems["starts_at"] = "Enter the date and time of the appointment"
    return problems


def attendance_problem(status: str, starts_at: datetime, now: datetime) -> str | None:
    """Why attendance cannot be recorded now, or None: only a booked appointment, only once it has started."""
    if status != BOOKED:
        return f"This appointment is already {STATUS_LABELS[status].lower()}"
    if starts_at > now:
        return "Attendance can be recorded once the appointment has started"
    return None


def cancel_problem(status: str) -> str | None:
    """Why the appointment cannot be cancelled, or None: only a booked one can be."""
    if status != BOOKED:
        return f"This appointment is already {STATUS_LABELS[status].lower()}"
    return None


UK = "Europe/London"


def local_start(day: date, hour: int, minute: int) -> datetime:
    """The instant an appointment booked for `hour:minute` on `day`, UK time, starts (British Summer Time or
    not: the clock on the wall)."""
    from zoneinfo import ZoneInfo

    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(UK))


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a UK calendar day as instants: a day is 23 or 25 hours long when the clocks change."""
    from datetime import UTC

    return (local_start(day, 0, 0).astimezone(UTC), local_start(day + timedelta(days=1), 0, 0).astimezone(UTC))


def time_problem(hour: str, minute: str) -> str | None:
    """What is wrong with a time typed as hour and minute on the 24-hour clock, or None."""
    hour, minute = (hour or "").strip(), (minute or "").strip()
    if not hour and not minute:
        return "Enter the time of the appointment"
    if not hour or not minute:
        return f"The time must include {'an hour' if not hour else 'a minute'}"
    if not (hour.isascii() and hour.isdigit() and minute.isascii() and minute.isdigit()
            and len(hour) <= 2 and len(minute) <= 2 and int(hour) <= 23 and int(minute) <= 59):
        return "Enter a real time on the 24-hour clock, like 14 30"
    return None


def split(appointments, now: datetime) -> tuple[list, list]:
    """(upcoming, soonest first; past, latest first): how a contract's appointments are listed."""
    upcoming = sorted((a for a in appointments if a.starts_at >= now), key=lambda a: (a.starts_at, a.id))
    past = sorted((a for a in appointments if a.starts_at < now), key=lambda a: (a.starts_at, a.id), reverse=True)
    return upcoming, past
