"""Onward referrals to treatment and support services (issue 12, treatment engagement).

A Checkpoint referral on is made by the contract's navigator (a manager or an administrator too) from one of the
contract's pathway conditions; a DIVERT one is made when the provider records an `onward_referral` event
(`from_divert_event`). The start is recorded on the onward referral (DIVERT events are append-only): the day
the person started, or that they did not start; it may be corrected later with the version read (409 when
someone changed it first). Who may read or write one is who may read its contract or DIVERT referral
(need to know: 404 otherwise)."""
from __future__ import annotations

from sqlalchemy import select

from diversion import audit, clock
from diversion.domain import contracts as contract_rules
from diversion.domain import need_to_know as access
from diversion.domain import treatment as rules
from diversion.domain.roles import ADMIN, MANAGER, NAVIGATOR, PROVIDER
from diversion.domain.text import storable
from diversion.errors import Forbidden, NotFound
from diversion.extensions import db
from diversion.ids import valid_id
from diversion.models import Contract, DivertEvent, DivertReferral, OnwardReferral, TreatmentService, User
from diversion.services import writes
from diversion.services.parse import Problems, boolean, choice, iso_date

CHECKPOINT_RECORDERS = (NAVIGATOR, MANAGER, ADMIN)
DIVERT_RECORDERS = (PROVIDER, ADMIN)


# --- The reference list ---------------------------------------------------------------------------------------

def services(include_inactive: bool = False) -> list[TreatmentService]:
    query = select(TreatmentService).order_by(TreatmentService.name)
    if not include_inactive:
        query = query.where(TreatmentService.active.is_(True))
    return list(db.session.scalars(query))


def service(code: object) -> TreatmentService | None:
    """The service with this code, or None (a code PostgreSQL could not compare, with a NUL, is none)."""
    return db.session.get(TreatmentService, code) if isinstance(code, str) and code and storable(code) else None


# --- Reading --------------------------------------------------------------------------------------------------

def for_contract(contract: Contract, *, after_id: int | None = None, limit: int | None = None) -> list[OnwardReferral]:
    """The contract's onward referrals in the order recorded (a keyset page when `limit` is given)."""
    return _page(OnwardReferral.contract_id == contract.id, after_id, limit)


def for_divert(referral: DivertReferral, *, after_id: int | None = None,
               limit: int | None = None) -> list[OnwardReferral]:
    return _page(OnwardReferral.divert_referral_id == referral.id, after_id, limit)


def _page(parent, after_id: int | None, limit: int | None) -> list[OnwardReferral]:
    query = select(OnwardReferral).where(parent).order_by(OnwardReferral.id)
    if after_id is not None:
        query = query.where(OnwardReferral.id > after_id)
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def load(onward_id: object, user: User) -> OnwardReferral:
    """The onward referral if `user` may read its contract or DIVERT referral (404 otherwise, whether or not it
    exists; the parent's loader also leaves out erased people's cases)."""
    from diversion.services import need_to_know

    record = db.session.get(OnwardReferral, onward_id) if valid_id(onward_id) else None
    if record is None:
        raise NotFound("No such onward referral.")
    kind, parent = ((access.CONTRACT, record.contract_id) if record.scheme == rules.CHECKPOINT
                    else (access.DIVERT_REFERRAL, record.divert_referral_id))
    if not access.reads_any(kind, user.role) or not need_to_know.may_read(kind, parent, user):
        raise NotFound("No such onward referral.")
    return record


# --- Writing --------------------------------------------------------------------------------------------------

def refer(contract: Contract, data: dict, *, actor: User) -> OnwardReferral:
    """A Checkpoint onward referral: {"condition_id": a pathway condition of the contract, "service": a service
    code on the list, "referred_on": not in the future, not before the contract started}."""
    if actor.role not in CHECKPOINT_RECORDERS:
        raise Forbidden("Only the contract's navigator, a manager or an administrator may refer someone on.")
    data = data if isinstance(data, dict) else {}
    problems = Problems()
    condition_id = data.get("condition_id")
    condition = next((c for c in contract.conditions if c.id == condition_id and not isinstance(condition_id, bool)),
                     None)
    if condition is None or condition.type != contract_rules.PATHWAY:
        problems.add("condition_id", "Choose one of the contract’s pathway conditions")
    chosen = _service(data, problems)
    today = clock.today()
    referred_on = iso_date(data, "referred_on", problems, label="the day they were referred", today=today)
    if referred_on is not None and referred_on < contract.start_date:
        problems.add("referred_on", "The referral cannot be before the contract started")
    problems.raise_if_any()
    record = OnwardReferral(scheme=rules.CHECKPOINT, contract_id=contract.id, condition_id=condition.id,
                            service_code=chosen.code, pathway=condition.pathway or chosen.pathway,
                            referred_on=referred_on, did_not_start=False, recorded_by_id=actor.id)
    db.session.add(record)
    writes.flush("onward referral")
    audit.record("onward_referral.create", actor=actor, object_type="contract", object_id=contract.id,
                 person_id=contract.person_id,
                 details={"onward_referral_id": record.id, "service": chosen.code, "condition_id": condition.id})
    return record


def _service(data: dict, problems: Problems) -> TreatmentService | None:
    code = choice(data, "service", {s.code for s in services()}, problems, label="the service")
    return service(code) if code else None


def from_divert_event(referral: DivertReferral, event: DivertEvent, *, actor: User) -> OnwardReferral:
    """The onward referral a DIVERT `onward_referral` event makes (its need counted under a service)."""
    code = rules.SERVICE_FOR_NEED.get(event.onward_to or "", "other_support")
    chosen = service(code)
    record = OnwardReferral(scheme=rules.DIVERT, divert_referral_id=referral.id, divert_event_id=event.id,
                            service_code=code, pathway=chosen.pathway if chosen else "other",
                            referred_on=event.date, did_not_start=False, recorded_by_id=actor.id)
    db.session.add(record)
    return record


def record_start(record: OnwardReferral, data: dict, *, actor: User) -> OnwardReferral:
    """{"started_on": YYYY-MM-DD} or {"did_not_start": true}, with the version read (409 when stale)."""
    allowed = CHECKPOINT_RECORDERS if record.scheme == rules.CHECKPOINT else DIVERT_RECORDERS
    if actor.role not in allowed:
        raise Forbidden("Only the worker who made the onward referral's scheme records its start.")
    data = data if isinstance(data, dict) else {}
    problems = Problems()
    today = clock.today()
    started_on = iso_date(data, "started_on", problems, required=False, label="the day they started",
                          not_future=False)
    did_not_start = boolean(data, "did_not_start", problems, required=False, default=False)
    if "started_on" not in problems.fields and "did_not_start" not in problems.fields:
        for name, messages in rules.start_problems(record.referred_on, started_on, did_not_start, today).items():
            for message in messages:
                problems.add(name, message)
    read = writes.version(data, problems)
    problems.raise_if_any()
    writes.check(record, read, "onward referral")
    record.started_on, record.did_not_start = started_on, bool(did_not_start)
    record.start_recorded_by_id = actor.id
    writes.flush("onward referral")
    parent_type, parent_id, person_id = _parent(record)
    audit.record("onward_referral.start", actor=actor, object_type=parent_type, object_id=parent_id,
                 person_id=person_id,
                 details={"onward_referral_id": record.id, "status": rules.status(started_on, record.did_not_start)})
    return record


def _parent(record: OnwardReferral) -> tuple[str, int, int | None]:
    if record.scheme == rules.CHECKPOINT:
        person_id = db.session.scalar(select(Contract.person_id).where(Contract.id == record.contract_id))
        return "contract", record.contract_id, person_id
    person_id = db.session.scalar(select(DivertReferral.person_id).where(DivertReferral.id == record.divert_referral_id))
    return "divert_referral", record.divert_referral_id, person_id


def as_json(record: OnwardReferral) -> dict:
    today = clock.today()
    return {
        "id": record.id, "scheme": record.scheme, "contract_id": record.contract_id,
        "condition_id": record.condition_id, "divert_referral_id": record.divert_referral_id,
        "service": record.service_code, "pathway": record.pathway, "referred_on": record.referred_on.isoformat(),
        "started_on": record.started_on.isoformat() if record.started_on else None,
        "did_not_start": record.did_not_start,
        "status": rules.status(record.started_on, record.did_not_start),
        "started_within_three_weeks": rules.started_within(record.referred_on, record.started_on),
        "not_started_within_three_weeks": rules.overdue(record.referred_on, record.started_on,
                                                        record.did_not_start, today),
        "version": record.version,
    }
