"""What became of each referral, for the officer who made it: one row per outcome as it is recorded (a contract
completed, breached or discontinued; a referral declined, not approved or ineligible; a DIVERT referral assessed,
completed, declined or disengaged), and how far each officer has looked. Coded facts only: no names, no notes.

The officer's home page counts the rows recorded since they last looked by the index (officer_id, recorded_at),
whatever the size of the table, and pages through them newest first by the same index."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from diversion import clock
from diversion.models.base import Base, UTCDateTime


class ReferralOutcome(Base):
    __tablename__ = "referral_outcomes"
    __table_args__ = (Index("ix_referral_outcomes_officer_id_recorded_at", "officer_id", "recorded_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)  # who made the referral
    person_id: Mapped[int] = mapped_column(Integer, nullable=False)  # to leave out erased people
    scheme: Mapped[str] = mapped_column(String(16), nullable=False)  # checkpoint | divert
    checkpoint_referral_id: Mapped[int | None] = mapped_column(ForeignKey("checkpoint_referrals.id"))
    divert_referral_id: Mapped[int | None] = mapped_column(ForeignKey("divert_referrals.id"))
    outcome: Mapped[str] = mapped_column(String(24), nullable=False)
    reason: Mapped[str | None] = mapped_column(String(64))  # a breach reason code (its label is shown, never notes)
    outcome_date: Mapped[date] = mapped_column(Date, nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)


class OutcomesSeen(Base):
    """How far an officer has read the outcomes of their referrals ("new since you last looked")."""

    __tablename__ = "outcomes_seen"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, autoincrement=False)
    seen_up_to: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
