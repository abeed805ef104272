"""The records data protection keeps (DPA 2018 ss.39, 45 and 62; MoPI): retention decisions, subject access
requests answered, and the erasure log. None of them holds the personal data it is about: a person is named only
by their internal id, which once they are erased points at a record holding no identifying data."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from diversion import clock
from diversion.models.base import Base, UTCDateTime

DECISIONS = ("retain", "erase")


class RetentionDecision(Base):
    """A review of one person's record: kept (why, and until when) or erased. Who decided and when."""

    __tablename__ = "retention_decisions"
    __table_args__ = (Index("ix_retention_decisions_person_id", "person_id"),
                      Index("ix_retention_decisions_decided_at", "decided_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), nullable=False)
    decision: Mapped[str] = mapped_column(String(8), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    review_date_was: Mapped[date | None] = mapped_column(Date)  # the review this decided
    next_review_date: Mapped[date | None] = mapped_column(Date)  # retain only
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)


class SubjectAccessRequest(Base):
    """A subject access request (DPA 2018 s.45) and its answer: when it was received, when the bundle was
    given, by whom, and its size. The statutory month runs from `received_on`."""

    __tablename__ = "subject_access_requests"
    __table_args__ = (Index("ix_subject_access_requests_person_id", "person_id"),
                      Index("ix_subject_access_requests_answered_at", "answered_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), nullable=False)
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    purpose: Mapped[str] = mapped_column(Text, nullable=False)  # what the disclosure is for, and to whom
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    answered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    bundle_bytes: Mapped[int | None] = mapped_column(Integer)


class Erasure(Base):
    """The erasure log: who erased which record, when and why, and how many rows of each kind were scrubbed.
    It never holds the erased data (DPA 2018 s.62)."""

    __tablename__ = "erasures"
    __table_args__ = (Index("ix_erasures_erased_at", "erased_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), nullable=False, unique=True)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    erased_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    counts: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)  # {"contract_notes": 4, ...}


class ErasureInProgress(Base):
    """A row here, inserted and removed inside the erasure's own transaction (so no other transaction ever sees
    it), is what the append-only triggers honour: while it exists they let an UPDATE through (never a DELETE). On
    PostgreSQL the runtime role cannot UPDATE those tables at all; only the erasure function, which runs as the
    owner, does."""

    __tablename__ = "erasure_in_progress"

    person_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
