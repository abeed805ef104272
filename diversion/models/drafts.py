"""A referral being written, page by page, kept on the server (never in the browser's cookie)."""
from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from diversion.models.base import Base, Timestamped


class ReferralDraft(Timestamped, Base):
    __tablename__ = "referral_drafts"
    __table_args__ = (Index("ix_referral_drafts_owner_id", "owner_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    data: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    # Once sent: the referral it became (its answers are then cleared; the row goes with the day-old drafts).
    submitted_referral_id: Mapped[int | None] = mapped_column(ForeignKey("checkpoint_referrals.id"))
