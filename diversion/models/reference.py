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


class ReferenceCounter(Base):
    """The last number given out for a prefix and year (CP-2026-00123): one row, incremented atomically."""

    __tablename__ = "reference_counters"

    prefix: Mapped[str] = mapped_column(String(4), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, nullable=False)


class CustodySuite(Timestamped, Versioned, Base):
    """A custody suite referrals come from: a reference list an administrator keeps (figures count by it)."""

    __tablename__ = "custody_suites"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False, unique=True)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
