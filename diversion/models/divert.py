"""DIVERT: drug-possession referrals from the street or custody, and the provider's events."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diversion import clock
from diversion.models.base import Base, Timestamped, UTCDateTime, Versioned
from diversion.models.people import Person
from diversion.models.users import User


class DivertReferral(Timestamped, Versioned, Base):
    __tablename__ = "divert_referrals"
    __table_args__ = (
        Index("ix_divert_referrals_status_id", "status", "id"),
        Index("ix_divert_referrals_status_referral_date_id", "status", "referral_date", "id"),
        Index("ix_divert_referrals_referral_date", "referral_date"),
        Index("ix_divert_referrals_person_id", "person_id"),
        Index("ix_divert_referrals_created_by_id_id", "created_by_id", "id"),  # a custody officer's, in order
        Index("ix_divert_referrals_next_appointment_at", "next_appointment_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)  # DV-2026-00456
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), nullable=False)
    person_as_recorded: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)  # as the officer typed it
    identity_match: Mapped[str] = mapped_column(String(16), nullable=False, default="new")
    status: Mapped[str] = mapped_column(String(24), nullable=False, default="referred")
    referral_date: Mapped[date] = mapped_column(Date, nullable=False)
    source: Mapped[str] = mapped_column(String(16), nullable=False)
    substance: Mapped[str] = mapped_column(String(24), nullable=False)
    suspected_supply: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    referring_officer: Mapped[str] = mapped_column(String(120), nullable=False)
    location: Mapped[str | None] = mapped_column(String(200))
    # The person's age band on the referral date, kept when the person is erased (their date of birth is not).
    age_band: Mapped[str | None] = mapped_column(String(16))
    referral_number: Mapped[int] = mapped_column(Integer, nullable=False)
    ever_assessed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    possible_duplicates: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The booked assessment still to come (the `appointment_at` of the latest `assessment_booked`; cleared when
    # the referral moves on), kept here so the provider's "upcoming" list reads an index, not every event.
    next_appointment_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The day the referral reached its current status (its referral date at first): "waited N days".
    status_since: Mapped[date | None] = mapped_column(Date)

    person: Mapped[Person] = relationship()
    events: Mapped[list[DivertEvent]] = relationship(back_populates="referral",
                                                     order_by="[DivertEvent.date, DivertEvent.id]")

    @property
    def recorded_name(self) -> str | None:
        """The person's name as the officer typed it on this referral (None when they chose a known person)."""
        typed = self.person_as_recorded or {}
        return " ".join(typed[key] for key in ("given_name", "family_name") if typed.get(key)) or None


class DivertEvent(Base):
    """What the provider did or saw. Append-only, like contract notes."""

    __tablename__ = "divert_events"
    __table_args__ = (Index("ix_divert_events_referral_id_date", "referral_id", "date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("divert_referrals.id"), nullable=False)
    event: Mapped[str] = mapped_column(String(24), nullable=False)
    date: Mapped[date] = mapped_column(Date, nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    onward_to: Mapped[str | None] = mapped_column(String(32))
    appointment_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # assessment_booked: when it is
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)

    referral: Mapped[DivertReferral] = relationship(back_populates="events")
    recorded_by: Mapped[User] = relationship()
