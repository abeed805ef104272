"""The first answer to an API write sent with an `Idempotency-Key`: a retry with the same key gets it again."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from diversion import clock
from diversion.models.base import Base, UTCDateTime


class IdempotentResponse(Base):
    __tablename__ = "idempotent_responses"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotent_responses_user_id_key"),
                      Index("ix_idempotent_responses_created_at", "created_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    key: Mapped[str] = mapped_column(String(100), nullable=False)
    request_hash: Mapped[str] = mapped_column(String(64), nullable=False)  # the method, path and body it answered
    status: Mapped[int] = mapped_column(Integer, nullable=False)
    body: Mapped[dict] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
