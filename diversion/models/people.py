"""People referred to a scheme (data subjects of the 'suspect' category)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from diversion.models.base import Base, Timestamped, Versioned


class Person(Timestamped, Versioned, Base):
    __tablename__ = "people"
    __table_args__ = (
        Index("ix_people_date_of_birth", "date_of_birth"),
        Index("ix_people_family_name", "family_name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    given_name: Mapped[str] = mapped_column(String(100), nullable=False)
    family_name: Mapped[str] = mapped_column(String(100), nullable=False)
    date_of_birth: Mapped[date] = mapped_column(Date, nullable=False)
    gender: Mapped[str | None] = mapped_column(String(16))
    ethnicity: Mapped[str | None] = mapped_column(String(48))
    pnc_id: Mapped[str | None] = mapped_column(String(20), unique=True)
    custody_number: Mapped[str | None] = mapped_column(String(40))
    postcode: Mapped[str | None] = mapped_column(String(10))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def __repr__(self) -> str:  # no names in reprs that might reach a log
        return f"<Person {self.id}>"
