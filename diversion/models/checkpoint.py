"""Checkpoint: referrals from custody, contracts to engage, their conditions, notes and progress."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diversion import clock
from diversion.models.base import Base, Timestamped, UTCDateTime, Versioned
from diversion.models.people import Person
from diversion.models.users import User



class CheckpointReferral(Timestamped, Versioned, Base):
    __tablename__ = "checkpoint_referrals"
    __table_args__ = (
        Index("ix_checkpoint_referrals_status_id", "status", "id"),
        Index("ix_checkpoint_referrals_status_referral_date_id", "status", "referral_date", "id"),
        Index("ix_checkpoint_referrals_referral_date", "referral_date"),
        Index("ix_checkpoint_referrals_created_by_id_id", "created_by_id", "id"),  # a custody officer's, in order
        Index("ix_checkpoint_referrals_person_id", "person_id"),
        Index("ix_checkpoint_referrals_allocated_navigator_id", "allocated_navigator_id"),
        Index("ix_checkpoint_referrals_custody_suite_code_referral_date", "custody_suite_code", "referral_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)  # CP-2026-00123
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), nullable=False)
    # The person as the officer recorded them on this referral (nothing typed is dropped when it is linked
    # to a known person), and how it was linked (domain/identity.py: pnc_match, name_match, chosen, new ...).
    person_as_recorded: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    identity_match: Mapped[str] = mapped_column(String(16), nullable=False, default="new")
    status: Mapped[str] = mapped_column(String(24), nullable=False)
    referral_date: Mapped[date] = mapped_column(Date, nullable=False)
    offence_category: Mapped[str] = mapped_column(ForeignKey("offence_categories.code"), nullable=False)
    offence_description: Mapped[str] = mapped_column(Text, nullable=False)
    offence_date: Mapped[date] = mapped_column(Date, nullable=False)
    arrest_date: Mapped[date | None] = mapped_column(Date)
    hate_crime: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    interview: Mapped[str] = mapped_column(String(16), nullable=False)
    evidential_test_met: Mapped[bool] = mapped_column(Boolean, nullable=False)
    court_order: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    on_bail: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    co_accused: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    detained_mental_health: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    has_victim: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    victim_wishes_restorative: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    previous_convictions: Mapped[int | None] = mapped_column(Integer)  # None: not known
    custody_suite: Mapped[str | None] = mapped_column(String(120))  # the name as given (API: any text, kept)
    # The suite on the reference list, when the name given is one of them; NULL counts as "Other / not recorded".
    custody_suite_code: Mapped[str | None] = mapped_column(ForeignKey("custody_suites.code"))
    referring_officer: Mapped[str | None] = mapped_column(String(120))
    eligible: Mapped[bool] = mapped_column(Boolean, nullable=False)
    offence_age_limit_months: Mapped[int] = mapped_column(Integer, nullable=False)  # the policy when screened
    reasons: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    possible_duplicates: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Why a referral was entered more than a week after its referral date (a back-dated date could bend the
    # offence-age rule): required then, shown on the referral, listed for managers.
    late_entry_reason: Mapped[str | None] = mapped_column(Text)
    decision: Mapped[str | None] = mapped_column(String(16))  # approve | refuse | decline: the last decision
    decision_reason: Mapped[str | None] = mapped_column(Text)  # approval, refusal or decline reason
    # The person's age band on the referral date, kept when the person is erased (their date of birth is not).
    age_band: Mapped[str | None] = mapped_column(String(16))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The officer's suitability decision (domain/needs.py: suitable | not_suitable), its coded reasons, a note.
    suitability: Mapped[str | None] = mapped_column(String(16))
    suitability_reasons: Mapped[list | None] = mapped_column(JSON)
    suitability_note: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A manager may reserve a referral awaiting a navigator for one of them (revision 2, allocation).
    allocated_navigator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    allocated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    allocated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    person: Mapped[Person] = relationship()
    allocated_navigator: Mapped[User | None] = relationship(foreign_keys=[allocated_navigator_id])
    contract: Mapped[Contract | None] = relationship(back_populates="referral", uselist=False)

    @property
    def recorded_name(self) -> str | None:
        """The person's name as the officer typed it on this referral (None when they chose a known person)."""
        typed = self.person_as_recorded or {}
        return " ".join(typed[key] for key in ("given_name", "family_name") if typed.get(key)) or None


class Contract(Timestamped, Versioned, Base):
    __tablename__ = "contracts"
    __table_args__ = (
        Index("ix_contracts_navigator_status_deadline", "navigator_id", "status", "deadline"),
        # One navigator's contracts of every status, by deadline or start date (a caseload of "any status").
        Index("ix_contracts_navigator_deadline_id", "navigator_id", "deadline", "id"),
        Index("ix_contracts_navigator_start_date_id", "navigator_id", "start_date", "id"),
        # By status in id order (the API's lists), carrying what their filters read (migration 0020).
        Index("ix_contracts_status_id", "status", "id", postgresql_include=["deadline", "person_id"]),
        Index("ix_contracts_status_deadline_id", "status", "deadline", "id"),
        Index("ix_contracts_deadline_id", "deadline", "id"),
        Index("ix_contracts_start_date", "start_date"),
        Index("ix_contracts_outcome_date", "outcome_date"),
        Index("ix_contracts_person_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("checkpoint_referrals.id"), nullable=False, unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), nullable=False)
    navigator_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="active")
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    deadline: Mapped[date] = mapped_column(Date, nullable=False)
    participant_consent: Mapped[bool] = mapped_column(Boolean, nullable=False)
    warning_given: Mapped[bool] = mapped_column(Boolean, nullable=False)
    outcome_date: Mapped[date | None] = mapped_column(Date)
    outcome_reason: Mapped[str | None] = mapped_column(String(64))
    outcome_details: Mapped[str | None] = mapped_column(Text)
    outcome_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    prosecution_referred: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    referral: Mapped[CheckpointReferral] = relationship(back_populates="contract")
    person: Mapped[Person] = relationship()
    navigator: Mapped[User] = relationship(foreign_keys=[navigator_id])
    outcome_recorded_by: Mapped[User | None] = relationship(foreign_keys=[outcome_recorded_by_id])
    conditions: Mapped[list[Condition]] = relationship(back_populates="contract", order_by="Condition.position")
    notes: Mapped[list[Note]] = relationship(back_populates="contract", order_by="Note.occurred_at.desc()")
    alerts: Mapped[list[ContractAlert]] = relationship(back_populates="contract",
                                                       order_by="[ContractAlert.created_at, ContractAlert.id]")
    # Read-only views for pages that show the whole case (services/contract_records.py loads them eagerly); the
    # records are written through their own services, never through these lists.
    # (Appointment and NavigatorChange are models/casework.py's, named here as strings: no import back to it.)
    appointments: Mapped[list["Appointment"]] = relationship(viewonly=True,
                                                             order_by="[Appointment.starts_at, Appointment.id]")
    navigator_changes: Mapped[list["NavigatorChange"]] = relationship(viewonly=True, order_by="NavigatorChange.id")

    @property
    def reference(self) -> str:
        """A contract is known by its referral's reference (one case, one reference)."""
        return self.referral.reference


class Condition(Versioned, Base):
    __tablename__ = "contract_conditions"
    __table_args__ = (Index("ix_contract_conditions_contract_id", "contract_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    type: Mapped[str] = mapped_column(String(16), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    pathway: Mapped[str | None] = mapped_column(String(32))
    community_kind: Mapped[str | None] = mapped_column(String(16))
    target_hours: Mapped[int | None] = mapped_column(Integer)
    hours_done: Mapped[float] = mapped_column(Float, nullable=False, default=0)
    status: Mapped[str] = mapped_column(String(8), nullable=False, default="open")
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when it was marked met or failed
    status_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    contract: Mapped[Contract] = relationship(back_populates="conditions")
    progress: Mapped[list[ProgressEntry]] = relationship(order_by="[ProgressEntry.created_at.desc(), ProgressEntry.id.desc()]")


class Note(Base):
    """Append-only: a correction is a new note. The database refuses UPDATE and DELETE."""

    __tablename__ = "contract_notes"
    __table_args__ = (Index("ix_contract_notes_contract_id_occurred_at", "contract_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(24), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)

    contract: Mapped[Contract] = relationship(back_populates="notes")
    author: Mapped[User] = relationship()


class ProgressEntry(Base):
    __tablename__ = "condition_progress"
    __table_args__ = (Index("ix_condition_progress_condition_id", "condition_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    condition_id: Mapped[int] = mapped_column(ForeignKey("contract_conditions.id"), nullable=False)
    hours: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, nullable=False)
    occurred_on: Mapped[date | None] = mapped_column(Date)  # the day the work was done (asked; None before 0007)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)

    author: Mapped[User] = relationship()


class ContractAlert(Base):
    """Something the contract's navigator must decide on: today, a new referral (either scheme) for the person
    while the contract is open (revision 2, "live cases"). Resolved by recording a breach, or by the navigator
    saying why it is not one."""

    __tablename__ = "contract_alerts"
    __table_args__ = (
        Index("ix_contract_alerts_contract_id", "contract_id"),
        Index("ix_contract_alerts_open", "resolved_at", "contract_id"),
        # The open alerts oldest first (services/live_cases.waiting_for): a page is the first few of this walk.
        Index("ix_contract_alerts_open_oldest", "created_at", "id", postgresql_where=text("resolved_at IS NULL"),
              sqlite_where=text("resolved_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(24), nullable=False)  # new_referral
    scheme: Mapped[str] = mapped_column(String(16), nullable=False)  # checkpoint | divert
    checkpoint_referral_id: Mapped[int | None] = mapped_column(ForeignKey("checkpoint_referrals.id"))
    divert_referral_id: Mapped[int | None] = mapped_column(ForeignKey("divert_referrals.id"))
    date: Mapped[date] = mapped_column(Date, nullable=False)  # the new referral's date
    summary: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)  # coded facts the navigator may see
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[str | None] = mapped_column(String(24))  # breached | not_a_breach
    resolution_reason: Mapped[str | None] = mapped_column(Text)

    contract: Mapped[Contract] = relationship(back_populates="alerts")
    resolved_by: Mapped[User | None] = relationship()

    @property
    def referral_id(self) -> int | None:
        return self.checkpoint_referral_id if self.scheme == "checkpoint" else self.divert_referral_id
