"""The append-only audit trail (DPA 2018 s.62 logging). The database refuses UPDATE and DELETE on it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from diversion import clock
from diversion.models.base import Base, UTCDateTime

SOURCES = ("page", "api", "cli")


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_object", "object_type", "object_id"),
        # The trail is read in time order: each filter has an index ending in (occurred_at, id) (0009).
        Index("ix_audit_events_actor_id_occurred_at", "actor_id", "occurred_at", "id"),
        Index("ix_audit_events_action_occurred_at", "action", "occurred_at", "id"),
        Index("ix_audit_events_occurred_at_id", "occurred_at", "id"),
        # "Who has looked at this person's record": the events about one person, newest first, by an index.
        Index("ix_audit_events_person_id_id", "person_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    token_id: Mapped[int | None] = mapped_column(Integer)  # the API token the actor used, if any
    action: Mapped[str] = mapped_column(String(64), nullable=False)
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    # The person the event is about (a person, or one of their referrals or contracts), when it is one person.
    person_id: Mapped[int | None] = mapped_column(Integer)
    justification: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(8), nullable=False)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    details: Mapped[dict | None] = mapped_column(JSON)
