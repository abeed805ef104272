"""Write to the audit trail in the caller's transaction (the record lands only if the change does)."""
from __future__ import annotations

from flask import g, has_request_context, request

from diversion.extensions import db
from diversion.models import AuditEvent


def current_source() -> str:
    """page, api or cli: where the action came from."""
    if has_request_context():
        return g.get("audit_source", "page")
    return "cli"


def record(action: str, *, actor=None, object_type: str | None = None, object_id=None, person_id: int | None = None,
           justification: str | None = None, details: dict | None = None, keep: bool = False) -> AuditEvent:
    """Add an audit event to the session. Never commits: the request or command does that once. Reads, and
    events with `keep` (a refused or throttled attempt), are recorded even when the request rolls back.
    `person_id` names the one person the event is about (their record, referral or contract), so that the trail
    can answer "who has looked at this person" by an index."""
    event = AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", actor),
        token_id=g.get("api_token_id") if has_request_context() else None,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        person_id=person_id,
        justification=justification,
        details=details,
        source=current_source(),
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    if has_request_context() and (keep or action.endswith(READ_ACTIONS)):
        g.setdefault("read_audits", []).append(event)
    return event


READ_ACTIONS = (".view", ".list")


def keep_reads_after_rollback() -> None:
    """A failed change rolls the request back, but what the user was shown was still seen: record the
    reads again in a fresh transaction (DPA 2018 s.62 logs consultation whatever else happened)."""
    columns = ("occurred_at", "actor_id", "token_id", "action", "object_type", "object_id", "person_id", "justification",
               "source", "ip_address", "details")
    for event in g.pop("read_audits", []):
        db.session.add(AuditEvent(**{column: getattr(event, column) for column in columns}))
