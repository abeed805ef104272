"""Proven reoffences (Ministry of Justice measure) as a police national computer extract reports them, and the
imports that brought them in. A record names its person by PNC id as the extract gave it (normalised); the person
it matched, if any, is kept too, so that the figures still count a person after their PNC id has been erased."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import VARCHAR
from sqlalchemy.orm import Mapped, mapped_column

from diversion import clock
from diversion.models.base import Base, UTCDateTime

SOURCES = ("api", "cli")


class ReoffenceImport(Base):
    """One import: who sent it, when, how (API or command line), from which file, and what became of its rows."""

    __tablename__ = "reoffence_imports"
    __table_args__ = (Index("ix_reoffence_imports_imported_at", "imported_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(8), nullable=False)  # api | cli | upload (a manager, on the reports pages)
    file_name: Mapped[str | None] = mapped_column(String(255))
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None from the command line
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    received: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # records sent
    matched: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # ... whose PNC id names a person
    unmatched: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    added: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # new records (the rest were held)


class Reoffence(Base):
    """A proven reoffence: an offence on `offence_date` proven by a conviction or caution on `disposal_date`.

    One row per (PNC id, offence date, disposal date): importing the same extract again adds nothing. Once the
    person is erased their PNC id here is blanked too; person and dates stay, as coded facts for the figures.

    A bulk table, written only by the set-based import (services/reoffending_staging.py), so it carries what the
    import and the report need and no more: no foreign-key constraints (a check per row, with a row lock on the
    person and on the import: most of the time of a large import), since `person_id` is set by a join with
    `people` in the same statement and `import_id` is the import made in the same transaction, and neither people
    nor imports are ever deleted; who imported a record is on its import; the person index holds matched rows only.
    """

    __tablename__ = "reoffences"
    __table_args__ = (
        # The duplicate check of every import; its leading column also answers look-ups by PNC id (matching
        # records no one held when they were imported).
        UniqueConstraint("pnc_id", "offence_date", "disposal_date", name="uq_reoffences_pnc_id_dates"),
        # The cohort report: a person's reoffences in a date window.
        Index("ix_reoffences_person_id_offence_date", "person_id", "offence_date",
              postgresql_where=text("person_id IS NOT NULL"), sqlite_where=text("person_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Compared byte by byte on PostgreSQL (PNC ids are ASCII): the duplicate check's index and the import's sort
    # do not pay for a linguistic collation. NULL only once the person is erased.
    pnc_id: Mapped[str | None] = mapped_column(String(20).with_variant(VARCHAR(20, collation="C"), "postgresql"))
    offence_date: Mapped[date] = mapped_column(Date, nullable=False)
    disposal_date: Mapped[date] = mapped_column(Date, nullable=False)
    person_id: Mapped[int | None] = mapped_column(Integer)  # people.id (see above)
    import_id: Mapped[int] = mapped_column(Integer, nullable=False)  # reoffence_imports.id (see above)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
