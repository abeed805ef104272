"""Erasing a person (retention review decided "erase"): identifying data and free text destroyed, coded facts kept,
one audited transaction that either does all of it or nothing (the caller commits, as every service).

The append-only tables (notes, DIVERT events, navigator changes, the audit trail) refuse every UPDATE except an
erasure's: on PostgreSQL their free text is destroyed by the database function `erase_append_only_text`, which
runs as the schema owner (the app's runtime role cannot UPDATE those tables at all); on SQLite by the same
statements, while a row of `erasure_in_progress` that no other transaction can see tells the triggers to let
them through. DELETE stays refused for everyone.
"""
from __future__ import annotations

import sqlalchemy as sa

from diversion import audit, clock
from diversion.domain import erasure as rules
from diversion.domain import kpis
from diversion.domain import retention as retention_rules
from diversion.erased_records import INCLUDE
from diversion.errors import Conflict, NotFound
from diversion.extensions import db
from diversion.models import (Appointment, BreachPack, CheckpointReferral, Condition, Contract, ContractAlert, DivertReferral, DrugTest,
                              Erasure, ErasureInProgress, IdempotentResponse, NeedScore, NeedsAssessment, Note,
                              Person, PersonContact, PersonMerge, ProgressEntry, ReferralDraft, Reoffence,
                              RetentionDecision, SubjectAccessRequest)
from diversion.services import rollups
from diversion.services.report_sql import age_band

EVERYTHING = {INCLUDE: True}


class ErasureRefused(Conflict):
    code = "open_case"


def erase(person: Person, *, actor, reason: str) -> Erasure:
    """Erase `person` (and any record merged into them: the same human). Refused while a case is open, and for a
    record already erased. Locks the person's row first, so an erasure and a change to the same person (a new
    referral linked to them, another erasure) happen one after the other, never interleaved."""
    locked = db.session.execute(sa.select(Person).where(Person.id == person.id).with_for_update()
                                .execution_options(populate_existing=True, **EVERYTHING)).scalar_one_or_none()
    if locked is None:
        raise NotFound("There is no such person.")
    if locked.erased_at is not None:
        raise ErasureRefused(rules.ALREADY_ERASED, code="already_erased")
    ids = [locked.id, *db.session.scalars(sa.select(Person.id).where(Person.merged_into_id == locked.id)
                                          .execution_options(**EVERYTHING))]
    refused = rules.refusal(*_open_cases(ids))
    if refused:
        raise ErasureRefused(refused)
    # The bulk UPDATEs below pass the ORM: the report counters take these cases' figures first (an erasure keeps
    # every coded fact the figures read, so they should come back the same; the tests hold it to that).
    rollups.capture_people(db.session, ids)
    counts = _scrub_cases(ids)
    counts.update(_scrub_append_only(ids))
    counts.update(_scrub_people(ids))
    record = Erasure(person_id=locked.id, reason=reason, erased_by_id=actor.id, erased_at=clock.now(),
                     counts=counts)
    db.session.add(record)
    # The audit event names the record by its number only: no name, no date of birth, no reason text.
    audit.record("person.erase", actor=actor, object_type="person", object_id=locked.id, person_id=locked.id,
                 details={"records": len(ids), "counts": counts})
    db.session.flush()
    db.session.expire_all()  # nothing erased stays in this session's memory
    return record


def _open_cases(ids: list[int]) -> tuple[int, int, int, int]:
    """How many open cases of each kind the people have: "open" is the retention rule's (domain/retention.py), so
    a record is never erased while it would not even be due for review."""
    def count(model, kind):
        open_statuses = retention_rules.STATUSES[kind][0]
        return db.session.scalar(sa.select(sa.func.count()).select_from(model)
                                 .where(model.person_id.in_(ids), model.status.in_(open_statuses))
                                 .execution_options(**EVERYTHING))
    return (count(Contract, retention_rules.CONTRACT),
            count(CheckpointReferral, retention_rules.CHECKPOINT_REFERRAL),
            count(DivertReferral, retention_rules.DIVERT_REFERRAL),
            count(DrugTest, retention_rules.DRUG_TEST))


def _update(model, condition, **values) -> int:
    return db.session.execute(sa.update(model).where(condition).values(**values)
                              .execution_options(synchronize_session=False, **EVERYTHING)).rowcount


def _kept_band(referral):
    """The age band the reports compute from the date of birth, worked out in SQL before the date is destroyed."""
    birth = sa.select(Person.date_of_birth).where(Person.id == referral.person_id).scalar_subquery()
    return age_band(birth, referral.referral_date, kpis.AGE_BANDS, kpis.BAND_LOWER_BOUNDS)


def _scrub_cases(ids: list[int]) -> dict[str, int]:
    contracts = sa.select(Contract.id).where(Contract.person_id.in_(ids)).execution_options(**EVERYTHING)
    referrals = sa.select(CheckpointReferral.id).where(CheckpointReferral.person_id.in_(ids))
    conditions = sa.select(Condition.id).where(Condition.contract_id.in_(contracts))
    blank = rules.ERASED_TEXT
    return {
        "checkpoint_referrals": _update(
            CheckpointReferral, CheckpointReferral.person_id.in_(ids), age_band=_kept_band(CheckpointReferral),
            person_as_recorded={}, offence_description=blank, late_entry_reason=None, decision_reason=None,
            suitability_note=None),
        "divert_referrals": _update(
            DivertReferral, DivertReferral.person_id.in_(ids), age_band=_kept_band(DivertReferral),
            person_as_recorded={}, location=None),
        # A drug test keeps its coded facts (result, dates, status, age band on the test date) for the monthly
        # return; the person as typed and custody's reason for no further action go (its events hold no text).
        "dtoa_tests": _update(DrugTest, DrugTest.person_id.in_(ids), person_as_recorded={},
                              non_attendance_reason=None),
        "contracts": _update(Contract, Contract.person_id.in_(ids), outcome_details=None),
        "contract_conditions": _update(Condition, Condition.contract_id.in_(contracts), description=blank),
        "condition_progress": _update(ProgressEntry, ProgressEntry.condition_id.in_(conditions), note=blank),
        "contract_alerts": _update(ContractAlert, ContractAlert.contract_id.in_(contracts), resolution_reason=None),
        "appointments": _update(Appointment, Appointment.contract_id.in_(contracts), location=blank, note=None,
                                cancel_reason=None),
        # A signed breach evidence pack holds the person and the notes as they were disclosed (issue 12).
        "breach_packs": _update(BreachPack, BreachPack.contract_id.in_(contracts), snapshot={}, disclosed_to=blank),
        # The needs assessment's notes (the coded scores and reviews stay for the figures).
        "need_scores": _update(NeedScore, NeedScore.assessment_id.in_(
            sa.select(NeedsAssessment.id).where(NeedsAssessment.contract_id.in_(contracts))), note=None),
        # A draft sent as one of their referrals holds the person as it was typed.
        "referral_drafts": db.session.execute(
            sa.delete(ReferralDraft).where(ReferralDraft.submitted_referral_id.in_(referrals))
            .execution_options(synchronize_session=False)).rowcount,
        "idempotent_responses": _forget_replays(ids),
    }


def _forget_replays(ids: list[int]) -> int:
    """API answers kept for a day so that a retried write gets the same answer: those about the person go (their
    bodies repeat what the API returned, names included). The table holds one day of writes: read in Python."""
    gone = 0
    for row in db.session.scalars(sa.select(IdempotentResponse)):
        body = row.body if isinstance(row.body, dict) else {}
        person = body.get("person") if isinstance(body.get("person"), dict) else {}
        if body.get("person_id") in ids or person.get("id") in ids or (body.get("id") in ids and "given_name" in body):
            db.session.delete(row)
            gone += 1
    return gone


def _scrub_append_only(ids: list[int]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for person_id in ids:
        if db.session.get_bind().dialect.name == "postgresql":
            counts = db.session.scalar(sa.text("SELECT erase_append_only_text(:person)"), {"person": person_id})
        else:
            counts = _scrub_append_only_sqlite(person_id)
        for table, count in counts.items():
            totals[table] = totals.get(table, 0) + int(count)
    return totals


def _scrub_append_only_sqlite(person_id: int) -> dict[str, int]:
    """The statements of the PostgreSQL function (migration 0008), for SQLite."""
    db.session.add(ErasureInProgress(person_id=person_id))
    db.session.flush()
    params = {"person": person_id}
    run = lambda sql: db.session.execute(sa.text(sql), params).rowcount  # noqa: E731
    counts = {
        "contract_notes": run("UPDATE contract_notes SET body = '' WHERE body <> '' AND contract_id IN "
                              "(SELECT id FROM contracts WHERE person_id = :person)"),
        "divert_events": run("UPDATE divert_events SET note = NULL WHERE note IS NOT NULL AND referral_id IN "
                             "(SELECT id FROM divert_referrals WHERE person_id = :person)"),
        "contract_navigator_changes": run("UPDATE contract_navigator_changes SET reason = '' WHERE reason <> '' "
                                          "AND contract_id IN (SELECT id FROM contracts WHERE person_id = :person)"),
        "audit_events": run(
            "UPDATE audit_events SET justification = NULL WHERE justification IS NOT NULL AND (person_id = :person "
            "OR (object_type = 'person' AND object_id = CAST(:person AS TEXT)) "
            "OR (object_type = 'contract' AND object_id IN "
            "(SELECT CAST(id AS TEXT) FROM contracts WHERE person_id = :person)) "
            "OR (object_type = 'checkpoint_referral' AND object_id IN "
            "(SELECT CAST(id AS TEXT) FROM checkpoint_referrals WHERE person_id = :person)) "
            "OR (object_type = 'divert_referral' AND object_id IN "
            "(SELECT CAST(id AS TEXT) FROM divert_referrals WHERE person_id = :person)))"),
    }
    run("DELETE FROM erasure_in_progress WHERE person_id = :person")
    return counts


def _scrub_people(ids: list[int]) -> dict[str, int]:
    blank = rules.ERASED_TEXT
    return {
        "person_contacts": db.session.execute(sa.delete(PersonContact).where(PersonContact.person_id.in_(ids))
                                              .execution_options(synchronize_session=False)).rowcount,
        "person_merges": _update(PersonMerge, sa.or_(PersonMerge.kept_id.in_(ids), PersonMerge.merged_id.in_(ids)),
                                 reason=blank),
        "reoffences": _update(Reoffence, Reoffence.person_id.in_(ids), pnc_id=None),  # issue 12: PNC ids go too
        "retention_decisions": _update(RetentionDecision, RetentionDecision.person_id.in_(ids), reason=blank),
        "subject_access_requests": _update(SubjectAccessRequest, SubjectAccessRequest.person_id.in_(ids),
                                           purpose=blank),
        # name_key is kept in step by a mapper hook that a bulk UPDATE does not run: set here too.
        "people": _update(Person, Person.id.in_(ids), given_name=blank, family_name=blank, name_key=blank,
                          date_of_birth=None, pnc_id=None, custody_number=None, postcode=None, phone=None,
                          email=None, address=None, review_date=None, erased_at=clock.now(),
                          version=Person.version + 1),
    }
