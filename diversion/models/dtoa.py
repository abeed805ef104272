"""Drug Testing on Arrest (PACE s.63B) and the required assessments that follow a positive test (Drugs Act 2005
ss.9-12): one row a test, and the provider's and custody's events after it (append-only)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diversion import clock
from diversion.models.base import Base, Timestamped, UTCDateTime, Versioned
from diversion.models.people import Person
from diversion.models.users import User


class DrugTest(Timestamped, Versioned, Base):
    """A test in custody: who, when, why it was allowed (a trigger offence or an inspector's authority), the
    result by substance or a refusal, and where the required assessment stands (`status`)."""

    __tablename__ = "dtoa_tests"
    __table_args__ = (
        CheckConstraint("trigger_offence OR inspector_authority", name="authority"),
        CheckConstraint("result IN ('negative', 'cocaine', 'opiates', 'both', 'refused')", name="result"),
        Index("ix_dtoa_tests_test_date", "test_date"),
        Index("ix_dtoa_tests_person_id", "person_id"),
        Index("ix_dtoa_tests_status_id", "status", "id"),
        # The lists, each walked in its order per status: the worklist's booked groups by appointment, its
        # "not booked yet" group and custody's missed assessments by the day they reached their status.
        Index("ix_dtoa_tests_status_waiting_for_id", "status", "waiting_for", "id"),
        Index("ix_dtoa_tests_status_status_since_id", "status", "status_since", "id"),
        Index("ix_dtoa_tests_not_booked", "status", "status_since", "id",
              postgresql_where=text("waiting_for IS NULL"), sqlite_where=text("waiting_for IS NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)  # DT-2026-00012
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), nullable=False)
    person_as_recorded: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)  # as the officer typed it
    identity_match: Mapped[str] = mapped_column(String(16), nullable=False, default="new")
    possible_duplicates: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    test_date: Mapped[date] = mapped_column(Date, nullable=False)
    custody_suite_code: Mapped[str | None] = mapped_column(ForeignKey("custody_suites.code"))
    trigger_offence: Mapped[bool] = mapped_column(Boolean, nullable=False)
    inspector_authority: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    offence_category: Mapped[str] = mapped_column(ForeignKey("offence_categories.code"), nullable=False)
    # negative | cocaine | opiates | both | refused (the contract's values)
    result: Mapped[str] = mapped_column(String(16), nullable=False)
    # negative | refused | assessment_required, then where the required assessment has got to (domain/dtoa.py)
    status: Mapped[str] = mapped_column(String(40), nullable=False)
    status_since: Mapped[date] = mapped_column(Date, nullable=False)
    # The officer confirms the legal warning (refusal is an offence; failing to attend is an offence) was given.
    warning_given: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # The initial assessment a positive test requires: when, and the service that holds it.
    assessment_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assessment_service_code: Mapped[str | None] = mapped_column(ForeignKey("treatment_services.code"))
    # The appointment the person is waiting for (domain/dtoa.py waiting_for): kept by services/dtoa.py whenever
    # the status changes, so that the provider's worklist reads it from an index.
    waiting_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A missed required assessment goes back to custody for a decision on prosecution.
    non_attendance_decision: Mapped[str | None] = mapped_column(String(24))  # prosecute | no_further_action
    non_attendance_reason: Mapped[str | None] = mapped_column(Text)
    non_attendance_decided_on: Mapped[date | None] = mapped_column(Date)
    non_attendance_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The person's age band on the test date, kept when the person is erased (their date of birth is not).
    age_band: Mapped[str | None] = mapped_column(String(16))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    person: Mapped[Person] = relationship()
    events: Mapped[list[DrugTestEvent]] = relationship(back_populates="test",
                                                       order_by="[DrugTestEvent.date, DrugTestEvent.id]")


class DrugTestEvent(Base):
    """What happened after a positive test: assessments attended or missed, a follow-up required, treatment,
    prosecution for non-attendance. Append-only and free of free text."""

    __tablename__ = "dtoa_events"
    __table_args__ = (
        Index("ix_dtoa_events_test_id", "test_id"),
        Index("ix_dtoa_events_event_date", "event", "date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    test_id: Mapped[int] = mapped_column(ForeignKey("dtoa_tests.id"), nullable=False)
    event: Mapped[str] = mapped_column(String(40), nullable=False)
    date: Mapped[date] = mapped_column(Date, nullable=False)
    appointment_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # follow_up_required: when it is
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)

    test: Mapped[DrugTest] = relationship(back_populates="events")
    recorded_by: Mapped[User] = relationship()
