"""The report counters (services/rollups.py): how many cases of a scheme fall on each day, month and year, per
measure and per group, kept exact in the transaction of every change so that a report reads a few hundred rows
whatever the period and however many cases there are."""
from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from diversion.models.base import Base


class ReportCount(Base):
    __tablename__ = "report_counts"
    # The active contracts' counters over a range of deadlines (the "active now" and "overdue now" figures), without
    # reading every other measure's: a partial index of that measure only (services/reports.py writes "active" into
    # the SQL so that every plan can use it). The count is left out so that its updates stay HOT.
    __table_args__ = (Index("ix_report_counts_active", "scheme", "grouping", "unit", "day",
                            postgresql_where=text("measure = 'active'"), sqlite_where=text("measure = 'active'")),)

    # One row per combination present. The primary key is also the index every report reads: one scheme,
    # one grouping, a unit (d|m|y) and a range of unit starts.
    scheme: Mapped[str] = mapped_column(String(12), primary_key=True)  # checkpoint | divert
    grouping: Mapped[str] = mapped_column(String(20), primary_key=True)  # '' (everyone), ethnicity, navigator ...
    unit: Mapped[str] = mapped_column(String(1), primary_key=True)  # d (day), m (month), y (year)
    day: Mapped[date] = mapped_column(Date, primary_key=True)  # the first day of the unit
    measure: Mapped[str] = mapped_column(String(80), primary_key=True)  # referrals, started, ended:completed ...
    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # the group ('' when not grouped)
    days: Mapped[int] = mapped_column(Integer, primary_key=True, default=0)  # a histogram's value (0 otherwise)
    n: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
