"""A navigator's working day: appointments booked on a contract, and who has held a contract (navigator changes)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diversion import clock
from diversion.models.base import Base, Timestamped, UTCDateTime, Versioned
from diversion.models.checkpoint import Condition, Contract
from diversion.models.users import User


class Appointment(Timestamped, Versioned, Base):
    """Booked, then attended or missed (only once it has started), or cancelled with a reason."""

    __tablename__ = "appointments"
    __table_args__ = (
        Index("ix_appointments_contract_id_starts_at", "contract_id", "starts_at"),
        # A day's appointments, and from the index alone which contracts they are on (services/appointments.day).
        Index("ix_appointments_starts_at_contract_id_id", "starts_at", "contract_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), nullable=False)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    kind: Mapped[str] = mapped_column(String(24), nullable=False)
    location: Mapped[str] = mapped_column(String(200), nullable=False)
    condition_id: Mapped[int | None] = mapped_column(ForeignKey("contract_conditions.id"))
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="booked")
    note: Mapped[str | None] = mapped_column(Text)  # what was said when attendance was recorded
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    booked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # attendance or cancellation
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    contract: Mapped[Contract] = relationship()
    condition: Mapped[Condition | None] = relationship()
    booked_by: Mapped[User] = relationship(foreign_keys=[booked_by_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])


class NavigatorChange(Base):
    """A contract handed from one navigator to another, with the reason. Append-only, like notes."""

    __tablename__ = "contract_navigator_changes"
    __table_args__ = (Index("ix_contract_navigator_changes_contract_id", "contract_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), nullable=False)
    from_navigator_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    to_navigator_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)

    from_navigator: Mapped[User] = relationship(foreign_keys=[from_navigator_id])
    to_navigator: Mapped[User] = relationship(foreign_keys=[to_navigator_id])
    changed_by: Mapped[User] = relationship(foreign_keys=[changed_by_id])
