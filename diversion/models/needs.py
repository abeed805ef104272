"""Needs assessments: at the first meeting the navigator scores the person's need on each critical pathway
(0 none … 3 high, with a note), the pathway conditions are chosen from it, and at the end each assessed need is
reviewed (met, reduced, unchanged). One assessment per contract, versioned as a whole."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diversion.models.base import Base, Timestamped, UTCDateTime, Versioned
from diversion.models.checkpoint import Contract
from diversion.models.users import User


class NeedsAssessment(Timestamped, Versioned, Base):
    __tablename__ = "needs_assessments"
    __table_args__ = (Index("ix_needs_assessments_assessed_on", "assessed_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), nullable=False, unique=True)
    assessed_on: Mapped[date] = mapped_column(Date, nullable=False)  # the day it was (last) recorded
    assessed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    contract: Mapped[Contract] = relationship()
    assessed_by: Mapped[User] = relationship(foreign_keys=[assessed_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    scores: Mapped[list[NeedScore]] = relationship(back_populates="assessment", cascade="all, delete-orphan",
                                                   order_by="NeedScore.position")


class NeedScore(Base):
    __tablename__ = "need_scores"
    __table_args__ = (UniqueConstraint("assessment_id", "pathway", name="uq_need_scores_assessment_id_pathway"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("needs_assessments.id"), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)  # the pathway's place in the contract's list
    pathway: Mapped[str] = mapped_column(String(32), nullable=False)
    score: Mapped[int] = mapped_column(Integer, nullable=False)  # 0 none, 1 low, 2 medium, 3 high
    note: Mapped[str | None] = mapped_column(Text)
    review_result: Mapped[str | None] = mapped_column(String(16))  # met | reduced | unchanged

    assessment: Mapped[NeedsAssessment] = relationship(back_populates="scores")
