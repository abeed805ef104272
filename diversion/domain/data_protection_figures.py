"""The data protection officer's figures: the statutory month for a subject access request (DPA 2018 s.45(3)(b):
"without undue delay and in any event before the end of the applicable time period", one month from receipt)
and how long answers took. Plain Python."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from statistics import median

from diversion.domain.deadlines import add_calendar_months

DUE_SOON_DAYS = 30


def statutory_deadline(received_on: date) -> date:
    """The last day of the statutory month: the same day next month (its last day when that month is shorter:
    received 31 January, due 28 or 29 February)."""
    return add_calendar_months(received_on, 1)


def within_statutory_month(received_on: date, answered_on: date) -> bool:
    return answered_on <= statutory_deadline(received_on)


@dataclass(frozen=True)
class AnswerTimes:
    answered: int
    median_days: float | None
    longest_days: int | None
    within_month: int


def answer_times(requests: list[tuple[date, date]]) -> AnswerTimes:
    """From (received on, answered on) pairs: how many, the median and longest days taken, how many in time."""
    days = [(answered - received).days for received, answered in requests]
    return AnswerTimes(answered=len(requests), median_days=median(days) if days else None,
                       longest_days=max(days, default=None),
                       within_month=sum(within_statutory_month(r, a) for r, a in requests))
