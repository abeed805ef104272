"""People referred to a scheme (data subjects of the 'suspect' category), their contact details over time,
and the record of two records merged into one."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diversion import clock
from diversion.domain.identity import name_key
from diversion.models.base import Base, Timestamped, UTCDateTime, Versioned

if TYPE_CHECKING:
    from diversion.models.users import User

CONTACT_FIELDS = ("phone", "email", "postcode", "address")


class Person(Timestamped, Versioned, Base):
    __tablename__ = "people"
    __table_args__ = (
        # The matching rule looks people up by date of birth and normalised name (domain/identity.py).
        Index("ix_people_date_of_birth_name_key", "date_of_birth", "name_key"),
        # Search by any words of the name: a trigram index on PostgreSQL (a plain one on SQLite).
        Index("ix_people_name_key_trgm", "name_key", postgresql_using="gin",
              postgresql_ops={"name_key": "gin_trgm_ops"}),
        # Search results in name order: walking this index stops at the 50th match however many there are.
        Index("ix_people_name_key_id_live", "name_key", "id", postgresql_where=text("merged_into_id IS NULL"),
              sqlite_where=text("merged_into_id IS NULL")),
        Index("ix_people_family_name", "family_name"),
        Index("ix_people_merged_into_id", "merged_into_id"),
        # The retention list: people not yet erased, by the day their record is due for review.
        Index("ix_people_review_date_live", "review_date", "id", postgresql_where=text("erased_at IS NULL"),
              sqlite_where=text("erased_at IS NULL")),
        # The few erased people, which every query leaves out (diversion/erased_records.py).
        Index("ix_people_erased", "id", postgresql_where=text("erased_at IS NOT NULL"),
              sqlite_where=text("erased_at IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    given_name: Mapped[str] = mapped_column(String(100), nullable=False)
    family_name: Mapped[str] = mapped_column(String(100), nullable=False)
    # fold(given) + " " + fold(family): kept in step with the names by the listener below.
    name_key: Mapped[str] = mapped_column(Text, nullable=False)
    date_of_birth: Mapped[date | None] = mapped_column(Date)  # NULL only once erased
    gender: Mapped[str | None] = mapped_column(String(16))
    ethnicity: Mapped[str | None] = mapped_column(String(48))
    pnc_id: Mapped[str | None] = mapped_column(String(20), unique=True)
    custody_number: Mapped[str | None] = mapped_column(String(40))
    postcode: Mapped[str | None] = mapped_column(String(10))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(String(500))
    # The language they want letters in (Checkpoint Cymru): english | welsh; NULL: not asked (English).
    language: Mapped[str | None] = mapped_column(String(8))
    # Set when an administrator merged this record into another: it then answers for nobody.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # MoPI review (DPA 2018 s.39): when the record must next be reviewed; NULL while a case is open or none ended.
    review_date: Mapped[date | None] = mapped_column(Date)
    # Set when the person was erased: identifying data and free text are gone, coded facts stay for figures.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def __repr__(self) -> str:  # no names in reprs that might reach a log
        return f"<Person {self.id}>"


@event.listens_for(Person, "before_insert")
@event.listens_for(Person, "before_update")
def _keep_name_key(_mapper, _connection, person: Person) -> None:
    person.name_key = name_key(person.given_name, person.family_name)


class PersonContact(Base):
    """The contact details a person had from `recorded_at` on (all four, as they then stood). Append-only:
    the person's current details are on the person; this is their history."""

    __tablename__ = "person_contacts"
    __table_args__ = (Index("ix_person_contacts_person_id_recorded_at", "person_id", "recorded_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), nullable=False)
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    postcode: Mapped[str | None] = mapped_column(String(10))
    address: Mapped[str | None] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(String(24), nullable=False)  # referral | edit | merge
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)

    recorded_by: Mapped[User | None] = relationship()


class PersonMerge(Base):
    """Two records of one human made one: which was kept, which merged into it, who did it, why, what moved."""

    __tablename__ = "person_merges"
    __table_args__ = (Index("ix_person_merges_kept_id", "kept_id"), Index("ix_person_merges_merged_id", "merged_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kept_id: Mapped[int] = mapped_column(ForeignKey("people.id"), nullable=False)
    merged_id: Mapped[int] = mapped_column(ForeignKey("people.id"), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    moved: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    merged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
