"""The assessment appointment on the provider's event form: a GOV.UK date input and a time box, read as the
ISO 8601 timestamp (with the London offset of that day) that the API takes as `appointment_at`."""
from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from diversion.pages import date_from_form

LONDON = ZoneInfo("Europe/London")
FIELD = "appointment_at"
DATE, TIME = f"{FIELD}-date", f"{FIELD}-time"  # the page's fields (a service's `appointment_at` shows on DATE)
# "14:30", "14.30", "9:05", "2:30pm", "2pm", "10 am"
_TIME = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?\s*$", re.IGNORECASE)


def read_time(text: str) -> time | None:
    found = _TIME.match(text or "")
    if not found:
        return None
    hour, minute, half = int(found.group(1)), int(found.group(2) or 0), (found.group(3) or "").lower()
    if found.group(2) is None and not half:
        return None  # "14" alone is ambiguous: ask for 14:00
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def read(form, event: str | None, problems: dict[str, list[str]]) -> str | None:
    """The appointment as an ISO timestamp, or None when none was given. A booking must say when it is (the
    API lets a system leave it out; a person booking knows the time). Problems go under `appointment_at`."""
    day = date_from_form(DATE, "The date of the assessment", problems, DATE, form)
    typed_time = (form.get(TIME) or "").strip()
    if event != "assessment_booked":
        if day or typed_time:
            problems.setdefault(DATE if day else TIME, []).append(
                "Only a booked assessment has an appointment: clear the date and time, or choose ‘Assessment booked’")
        return None
    if day == "":
        return None  # date_from_form explained it
    if day is None:
        problems.setdefault(DATE, []).append("Enter the date of the assessment")
        return None
    at = read_time(typed_time)
    if at is None:
        problems.setdefault(TIME, []).append("Enter the time of the assessment, like 14:30 or 2:30pm" if typed_time
                                              else "Enter the time of the assessment")
        return None
    try:
        on = date.fromisoformat(day)
    except ValueError:
        problems.setdefault(DATE, []).append("The date of the assessment must be a real date")
        return None
    return datetime.combine(on, at, tzinfo=LONDON).isoformat()


def parts(form) -> dict:
    return {p: form.get(f"{DATE}-{p}", "") for p in ("day", "month", "year")}


def page_fields(fields: dict[str, list[str]]) -> dict[str, list[str]]:
    """A service's problems with the fields named as on the page."""
    return {(DATE if name == FIELD else name): found for name, found in fields.items()}
