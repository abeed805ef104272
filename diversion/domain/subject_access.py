"""Subject access (DPA 2018 s.45): the answer is due within one month of the request.

The statutory month is a calendar month from the day the request was received; where the next month has no such
day (received 31 January), the last day of that month (the ICO's reading, and the same clamp as a contract's
deadline). Pure Python: no imports outside `domain`.
"""
from __future__ import annotations

from datetime import date

from diversion.domain.deadlines import add_calendar_months

PURPOSE_MAX = 2000
DEFAULT_API_PURPOSE = "subject access request"


def deadline(received_on: date) -> date:
    """The last day on which the answer is in time."""
    return add_calendar_months(received_on, 1)


def in_time(received_on: date, answered_on: date) -> bool:
    return answered_on <= deadline(received_on)


def days_taken(received_on: date, answered_on: date) -> int:
    return (answered_on - received_on).days
