"""Reading the audit trail (writing is diversion.audit.record)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from diversion import audit
from diversion.extensions import db
from diversion.keyset import Page, Sort, page
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


NEWEST = Sort("Newest first", (AuditEvent.id,), True, lambda row: (row[0].id,))
OLDEST = Sort("Oldest first", (AuditEvent.id,), False, lambda row: (row[0].id,))
SORTS = {"newest": NEWEST, "oldest": OLDEST}
LONDON = ZoneInfo("Europe/London")


def search(viewer, *, action: str | None = None, actor_id: int | None = None, since: date | None = None,
           until: date | None = None, sort: str = "newest", after: str | None = None,
           size: int = PAGE_SIZE) -> Page:
    """One page of events with their actors, filtered by action (exactly, or every action under a prefix:
    "contract" is contract.view, contract.note, ...), by who did it, and by the UK days they happened on (both
    ends included); newest or oldest first. One statement a page (one more for the previous link), and the
    reading itself is audited (who looked at whose activity)."""
    actor = aliased(User)
    query = select(AuditEvent, actor).outerjoin(actor, AuditEvent.actor_id == actor.id)
    if action:
        query = query.where(or_(AuditEvent.action == action, AuditEvent.action.startswith(action + ".", autoescape=True)))
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if since is not None:
        query = query.where(AuditEvent.occurred_at >= datetime.combine(since, time(0), tzinfo=LONDON))
    if until is not None:
        query = query.where(AuditEvent.occurred_at < datetime.combine(until + timedelta(days=1), time(0),
                                                                      tzinfo=LONDON))
    found = page(query, SORTS.get(sort, NEWEST), after, size,
                 lambda statement: [tuple(row) for row in db.session.execute(statement)])
    audit.record("audit.view", actor=viewer, details={
        "ids": [event.id for event, _ in found.rows],
        "filters": {"action": action, "actor_id": actor_id, "from": since and since.isoformat(),
                    "to": until and until.isoformat()}})
    return found
