"""Breach evidence packs: what a navigator signed off for the officer in the case and the prosecutor when a
contract was breached. A signed pack is fixed: `snapshot` holds the facts exactly as the pack showed them, so that
later changes to the contract cannot alter a disclosed document. A later pack (a correction, more notes) is a new
row with the next `version`; two signing at once cannot both take the same version (unique)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diversion import clock
from diversion.models.base import Base, UTCDateTime
from diversion.models.checkpoint import Contract
from diversion.models.users import User


class BreachPack(Base):
    __tablename__ = "breach_packs"
    __table_args__ = (
        UniqueConstraint("contract_id", "version", name="uq_breach_packs_contract_id_version"),
        Index("ix_breach_packs_signed_at", "signed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)  # 1 for the first pack of a contract, then 2 ...
    note_ids: Mapped[list] = mapped_column(JSON, nullable=False, default=list)  # the notes the navigator chose
    disclosed_to: Mapped[str] = mapped_column(Text, nullable=False)  # to whom (the disclosure's justification)
    snapshot: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)  # what the pack showed, as signed
    signed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)

    contract: Mapped[Contract] = relationship()
    signed_by: Mapped[User] = relationship()
