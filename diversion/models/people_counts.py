"""The distinct-people counters (services/people_counts.py): for each stream of dated events per person (DIVERT
referrals; contracts started; both schemes' referrals ...), how many events fall on each day, month and year, and
how many pairs of a person's consecutive events fall in each (day|month|year, day|month|year) cell; for some
streams the first events and first pairs again. Kept exact in the transaction of every change."""
from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from diversion.models.base import Base


class PeopleEventCount(Base):
    __tablename__ = "people_event_counts"

    # The primary key is the index every read uses: a stream, a series, a unit and a range of unit starts.
    stream: Mapped[str] = mapped_column(String(12), primary_key=True)  # divert, contract, diverted, referred
    series: Mapped[str] = mapped_column(String(5), primary_key=True)  # all | first (each person's first event)
    unit: Mapped[str] = mapped_column(String(1), primary_key=True)  # d (day), m (month), y (year)
    day: Mapped[date] = mapped_column(Date, primary_key=True)  # the first day of the unit
    n: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class PeoplePairCount(Base):
    __tablename__ = "people_pair_counts"

    # A pair (d, n): a person's event on d and their next event in the same stream on n (n >= d).
    stream: Mapped[str] = mapped_column(String(12), primary_key=True)
    series: Mapped[str] = mapped_column(String(5), primary_key=True)  # all | first (each person's first pair)
    unit: Mapped[str] = mapped_column(String(1), primary_key=True)  # d's unit
    next_unit: Mapped[str] = mapped_column(String(1), primary_key=True)  # n's unit
    day: Mapped[date] = mapped_column(Date, primary_key=True)  # the start of d's unit
    next_day: Mapped[date] = mapped_column(Date, primary_key=True)  # the start of n's unit
    n: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
