"""Everything held about one person, as one JSON-ready bundle (DPA 2018 s.45), for services/subject_access.py.

Read in a fixed number of statements whatever the person's history: one per kind of record (the person, records
merged into them, contact history, merges, Checkpoint referrals, contracts, conditions, progress, notes,
appointments, alerts, navigator changes, DIVERT referrals, DIVERT events, retention decisions, earlier subject
access requests, the disclosure log), then one for the staff names and one for offence category titles. A kind
with no parent rows (no contracts: no conditions) is not asked for at all.

Staff are named (users' names, never their other details). Free text (notes, descriptions, reasons, event notes)
is passed through unchanged; each record whose text may hold a third party's personal data carries
`redaction_review` saying which field, where and why (domain/redaction.py), for a person to review before release.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import or_, select

from diversion.domain import redaction
from diversion.extensions import db
from diversion.models import (BreachPack, NeedScore, NeedsAssessment, OnwardReferral, Reoffence,
                              Appointment, AuditEvent, CheckpointReferral, Condition, Contract, ContractAlert,
                              DivertEvent, DivertReferral, DrugTest, DrugTestEvent, NavigatorChange, Note, OffenceCategory, Person,
                              PersonContact, PersonMerge, ProgressEntry, RetentionDecision, SubjectAccessRequest,
                              User)

FORMAT = "subject-access-bundle/1"
IDENTITY = ("given_name", "family_name", "date_of_birth", "gender", "ethnicity", "pnc_id", "custody_number",
            "phone", "email", "postcode", "address")
CONTACT = ("phone", "email", "postcode", "address")


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _rows(model, *where, order=()):
    return list(db.session.scalars(select(model).where(*where).order_by(*order, model.id)))


def load_rows(person: Person) -> dict[str, list]:
    """Every row held about `person` and the records merged into them, by kind."""
    rows: dict[str, list] = {"merged_people": _rows(Person, Person.merged_into_id == person.id)}
    ids = [person.id, *(p.id for p in rows["merged_people"])]
    rows["contacts"] = _rows(PersonContact, PersonContact.person_id.in_(ids), order=(PersonContact.recorded_at,))
    rows["merges"] = _rows(PersonMerge, or_(PersonMerge.kept_id.in_(ids), PersonMerge.merged_id.in_(ids)),
                           order=(PersonMerge.merged_at,))
    rows["checkpoint"] = _rows(CheckpointReferral, CheckpointReferral.person_id.in_(ids),
                               order=(CheckpointReferral.referral_date,))
    referral_ids = [r.id for r in rows["checkpoint"]]
    rows["contracts"] = _rows(Contract, or_(Contract.person_id.in_(ids), Contract.referral_id.in_(referral_ids)),
                              order=(Contract.start_date,))
    contract_ids = [c.id for c in rows["contracts"]]
    per_contract = {"conditions": (Condition, (Condition.position,)), "notes": (Note, (Note.occurred_at,)),
                    "appointments": (Appointment, (Appointment.starts_at,)),
                    "alerts": (ContractAlert, (ContractAlert.created_at,)),
                    "navigator_changes": (NavigatorChange, (NavigatorChange.created_at,))}
    for kind, (model, order) in per_contract.items():
        rows[kind] = _rows(model, model.contract_id.in_(contract_ids), order=(model.contract_id, *order)) \
            if contract_ids else []
    condition_ids = [c.id for c in rows["conditions"]]
    rows["progress"] = _rows(ProgressEntry, ProgressEntry.condition_id.in_(condition_ids),
                             order=(ProgressEntry.created_at,)) if condition_ids else []
    rows["divert"] = _rows(DivertReferral, DivertReferral.person_id.in_(ids), order=(DivertReferral.referral_date,))
    divert_ids = [r.id for r in rows["divert"]]
    rows["divert_events"] = _rows(DivertEvent, DivertEvent.referral_id.in_(divert_ids),
                                  order=(DivertEvent.referral_id, DivertEvent.date)) if divert_ids else []
    rows["drug_tests"] = _rows(DrugTest, DrugTest.person_id.in_(ids), order=(DrugTest.test_date,))
    rows["drug_test_events"] = _rows(DrugTestEvent, DrugTestEvent.test_id.in_([t.id for t in rows["drug_tests"]]),
                                     order=(DrugTestEvent.test_id, DrugTestEvent.date))
    rows["retention"] = _rows(RetentionDecision, RetentionDecision.person_id.in_(ids),
                              order=(RetentionDecision.decided_at,))
    rows["requests"] = _rows(SubjectAccessRequest, SubjectAccessRequest.person_id.in_(ids),
                             order=(SubjectAccessRequest.answered_at,))
    rows["audit"] = _rows(AuditEvent, AuditEvent.person_id.in_(ids))  # by the (person_id, id) index
    # What followed: needs and their review, onward referrals to treatment, breach evidence packs, proven reoffences.
    rows["needs"] = _rows(NeedsAssessment, NeedsAssessment.contract_id.in_(contract_ids))
    rows["need_scores"] = _rows(NeedScore, NeedScore.assessment_id.in_([a.id for a in rows["needs"]]),
                                order=(NeedScore.assessment_id, NeedScore.position))
    rows["onward"] = _rows(OnwardReferral, or_(OnwardReferral.contract_id.in_(contract_ids),
                                               OnwardReferral.divert_referral_id.in_(divert_ids)),
                           order=(OnwardReferral.referred_on,))
    rows["breach_packs"] = _rows(BreachPack, BreachPack.contract_id.in_(contract_ids), order=(BreachPack.signed_at,))
    rows["reoffences"] = _rows(Reoffence, Reoffence.person_id.in_(ids), order=(Reoffence.offence_date,))
    return rows


USER_COLUMNS = {"contacts": ("recorded_by_id",), "merges": ("merged_by_id",),
                "checkpoint": ("created_by_id", "decided_by_id", "allocated_navigator_id", "allocated_by_id"),
                "contracts": ("navigator_id", "outcome_recorded_by_id"), "conditions": ("status_changed_by_id",),
                "progress": ("author_id",), "notes": ("author_id",),
                "appointments": ("booked_by_id", "recorded_by_id"), "alerts": ("resolved_by_id",),
                "navigator_changes": ("from_navigator_id", "to_navigator_id", "changed_by_id"),
                "divert": ("created_by_id",), "divert_events": ("recorded_by_id",),
                "drug_tests": ("created_by_id", "non_attendance_decided_by_id"), "drug_test_events": ("recorded_by_id",),
                "retention": ("decided_by_id",), "requests": ("answered_by_id",), "audit": ("actor_id",),
                "needs": ("assessed_by_id", "reviewed_by_id"), "onward": ("recorded_by_id", "start_recorded_by_id"),
                "breach_packs": ("signed_by_id",)}


def staff_names(rows: dict[str, list]) -> dict[int, str]:
    """The names of every user the rows mention, in one statement."""
    ids = {getattr(row, column) for kind, columns in USER_COLUMNS.items() for row in rows[kind]
           for column in columns} - {None}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}


def category_titles(rows: dict[str, list]) -> dict[str, str]:
    codes = {r.offence_category for r in rows["checkpoint"]}
    return dict(db.session.execute(select(OffenceCategory.code, OffenceCategory.title)
                                   .where(OffenceCategory.code.in_(codes))).all()) if codes else {}


def field(record: dict | None, dotted: str):
    """`record["offence"]["description"]` for "offence.description" (None where any step is missing)."""
    for key in dotted.split("."):
        record = record.get(key) if isinstance(record, dict) else None
    return record


class Shaper:
    """Turns rows into the bundle's records: staff named, free text reviewed for third parties."""

    def __init__(self, person: Person, rows: dict[str, list], names: dict[int, str], titles: dict[str, str]):
        self.names, self.titles, self.flagged = names, titles, 0
        people = [person, *rows["merged_people"]]
        typed = [r.person_as_recorded or {} for kind in ("checkpoint", "divert", "drug_tests") for r in rows[kind]]
        self.own_names = [getattr(p, key) or "" for p in people for key in ("given_name", "family_name")] + \
            [str(t.get(key) or "") for t in typed for key in ("given_name", "family_name")]
        self.own_details = [str(getattr(x, key) or "") for x in [*people, *rows["contacts"]] for key in CONTACT[:3]] + \
            [str(t.get(key) or "") for t in typed for key in CONTACT[:3]]

    def staff(self, user_id: int | None) -> dict | None:
        return None if user_id is None else {"id": user_id, "name": self.names.get(user_id, "")}

    def review(self, record: dict, *fields: str) -> dict:
        """Mark each free-text field of `record` that may hold a third party's personal data."""
        flags = []
        for name in fields:
            spans = redaction.find(field(record, name), self.own_names, self.own_details)
            if spans:
                flags.append({"field": name, "message": redaction.REVIEW_MESSAGE,
                              "spans": [span.as_json() for span in spans]})
        if flags:
            record["redaction_review"] = flags
            self.flagged += 1
        return record
