"""Treatment engagement (issue 12): the services people are referred on to, and each onward referral with
whether the person started. No free text: every column is a code, a date, a flag or a link."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diversion.models.base import Base, Timestamped, Versioned


class TreatmentService(Timestamped, Versioned, Base):
    """A service people are referred on to (a reference list, like the custody suites), and the Checkpoint
    pathway it serves."""

    __tablename__ = "treatment_services"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False, unique=True)
    pathway: Mapped[str] = mapped_column(String(32), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class OnwardReferral(Timestamped, Versioned, Base):
    """Someone referred on to a service: from a Checkpoint contract's pathway condition, or by a DIVERT
    provider's `onward_referral` event (append-only, so the start is recorded here)."""

    __tablename__ = "onward_referrals"
    __table_args__ = (
        CheckConstraint("(scheme = 'checkpoint' AND contract_id IS NOT NULL AND condition_id IS NOT NULL "
                        "AND divert_referral_id IS NULL) OR (scheme = 'divert' AND divert_referral_id IS NOT NULL "
                        "AND contract_id IS NULL AND condition_id IS NULL)", name="parent"),
        CheckConstraint("NOT (did_not_start AND started_on IS NOT NULL)", name="one_answer"),
        Index("ix_onward_referrals_referred_on", "referred_on"),
        Index("ix_onward_referrals_contract_id", "contract_id"),
        Index("ix_onward_referrals_divert_referral_id", "divert_referral_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scheme: Mapped[str] = mapped_column(String(16), nullable=False)  # checkpoint | divert
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"))
    condition_id: Mapped[int | None] = mapped_column(ForeignKey("contract_conditions.id"))
    divert_referral_id: Mapped[int | None] = mapped_column(ForeignKey("divert_referrals.id"))
    divert_event_id: Mapped[int | None] = mapped_column(ForeignKey("divert_events.id"))
    service_code: Mapped[str] = mapped_column(ForeignKey("treatment_services.code"), nullable=False)
    # The pathway it is counted under: the condition's (Checkpoint) or the service's (DIVERT), as it was then.
    pathway: Mapped[str] = mapped_column(String(32), nullable=False)
    referred_on: Mapped[date] = mapped_column(Date, nullable=False)
    started_on: Mapped[date | None] = mapped_column(Date)
    did_not_start: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    start_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    service: Mapped[TreatmentService] = relationship()
