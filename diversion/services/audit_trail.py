"""Reading the audit trail (writing is diversion.audit.record)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import aliased

from diversion import audit
from diversion.extensions import db
from diversion.models import AuditEvent, User

PAGE_SIZE = 50


def recent(viewer, page: int = 1) -> tuple[list[tuple[AuditEvent, User | None]], bool]:
    """One page of events, newest first, with their actors, in a single query. Reading the audit trail is
    itself audited (who looked at whose activity)."""
    actor = aliased(User)
    rows = db.session.execute(
        select(AuditEvent, actor)
        .outerjoin(actor, AuditEvent.actor_id == actor.id)
        .order_by(AuditEvent.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    ).all()
    shown = [tuple(row) for row in rows[:PAGE_SIZE]]
    audit.record("audit.view", actor=viewer, details={"ids": [event.id for event, _ in shown], "page": page})
    return shown, len(rows) > PAGE_SIZE


def after(last_id: int | None, limit: int) -> list[AuditEvent]:
    """Events with id greater than `last_id`, oldest first (for exports that page through everything)."""
    query = select(AuditEvent).order_by(AuditEvent.id).limit(limit)
    if last_id is not None:
        query = query.where(AuditEvent.id > last_id)
    return list(db.session.scalars(query))
