"""Reference data an administrator keeps: offence categories and policy values."""
from __future__ import annotations

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from diversion.models.base import Base, Timestamped, Versioned


class OffenceCategory(Timestamped, Versioned, Base):
    __tablename__ = "offence_categories"

    code: Mapped[str] = mapped_column(String(48), primary_key=True)
    title: Mapped[str] = mapped_column(String(120), nullable=False)
    eligibility: Mapped[str] = mapped_column(String(16), nullable=False)  # eligible | excluded | specific_terms
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class PolicySetting(Timestamped, Versioned, Base):
    __tablename__ = "policy_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
