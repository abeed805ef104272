"""Reading the audit trail (writing is diversion.audit.record): one filter for the page, the CSV export, the API
and a person's "who has looked at this record" (by person, by who did it, by action, by UK days), paged by id in
SQL with an index for each filter (models/audit.py), and each event told in plain English
(services/audit_descriptions.py)."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Iterator
from zoneinfo import ZoneInfo

from sqlalchemy import literal, or_, select, tuple_
from sqlalchemy.orm import aliased

from diversion import audit
from diversion.extensions import db
from diversion.keyset import Page, Sort, page
from diversion.models import AuditEvent, User
from diversion.services import audit_descriptions
from diversion.services.parse import Problems, text

PAGE_SIZE = 50
EXPORT_BATCH = 1000
LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Filters:
    """What a search asks for; None: any. `action` is one action (contract.view) or every action under a
    prefix (contract: contract.view, contract.note, ...). `since` and `until` are UK days, both included."""
    person_id: int | None = None
    actor_id: int | None = None
    action: str | None = None
    since: date | None = None
    until: date | None = None

    def described(self) -> dict:
        """The filters as recorded in the audit trail's own events (JSON)."""
        return {key: value.isoformat() if isinstance(value, date) else value for key, value in asdict(self).items()}


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LONDON)


def where(query, filters: Filters):
    """`query` (selecting from audit_events) narrowed to the filters."""
    if filters.person_id is not None:
        query = query.where(AuditEvent.person_id == filters.person_id)
    if filters.actor_id is not None:
        query = query.where(AuditEvent.actor_id == filters.actor_id)
    if filters.action:
        query = query.where(or_(AuditEvent.action == filters.action,
                                AuditEvent.action.startswith(filters.action + ".", autoescape=True)))
    if filters.since is not None:
        query = query.where(AuditEvent.occurred_at >= _start_of(filters.since))
    if filters.until is not None:
        query = query.where(AuditEvent.occurred_at < _start_of(filters.until + timedelta(days=1)))
    return query


# In time order, the id breaking ties: every filter's index ends in (occurred_at, id) (migration 0009).
NEWEST = Sort("Newest first", (AuditEvent.occurred_at, AuditEvent.id), True,
              lambda row: (row[0].occurred_at, row[0].id))
OLDEST = Sort("Oldest first", (AuditEvent.occurred_at, AuditEvent.id), False,
              lambda row: (row[0].occurred_at, row[0].id))
SORTS = {"newest": NEWEST, "oldest": OLDEST}


def search(viewer, filters: Filters, *, sort: str = "newest", after: str | None = None,
           size: int = PAGE_SIZE) -> tuple[Page, list[audit_descriptions.Line]]:
    """One page of events (newest or oldest first) and each told in plain English: one statement for the page,
    one more for the previous link, at most five for the names and references. The reading is itself audited
    (who looked at whose activity)."""
    actor = aliased(User)
    query = where(select(AuditEvent, actor).outerjoin(actor, AuditEvent.actor_id == actor.id), filters)
    found = page(query, SORTS.get(sort, NEWEST), after, size,
                 lambda statement: [tuple(row) for row in db.session.execute(statement)])
    lines = audit_descriptions.describe([event for event, _ in found.rows],
                                        {user.id: user.name for _, user in found.rows if user is not None})
    audit.record("audit.view", actor=viewer, details={"ids": [event.id for event, _ in found.rows],
                                                      "filters": filters.described()})
    return found, lines


def about_person(person_id: int, limit: int = 10) -> list[audit_descriptions.Line]:
    """The latest events about one person, newest first, told in plain English (the person's page shows them as
    part of the record, whose viewing is audited already)."""
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.person_id == person_id)
                                     .order_by(AuditEvent.id.desc()).limit(limit)))
    return audit_descriptions.describe(events)


def after(last_id: int | None, limit: int, filters: Filters = Filters()) -> list[AuditEvent]:
    """Events after the event `last_id` that match the filters, oldest first (the API pages through everything
    this way: its cursor is the last event's id, and the page goes on from that event's time)."""
    query = where(select(AuditEvent), filters).order_by(AuditEvent.occurred_at, AuditEvent.id).limit(limit)
    if last_id is not None:
        seen = select(AuditEvent.occurred_at).where(AuditEvent.id == last_id).scalar_subquery()
        query = query.where(tuple_(AuditEvent.occurred_at, AuditEvent.id) > tuple_(seen, last_id))
    return list(db.session.scalars(query))


def disclose(filters: Filters, purpose: object, *, actor) -> str:
    """Record an export of the trail as a disclosure (DPA 2018 s.62), with the stated purpose and the filters,
    before any row is sent."""
    problems = Problems()
    stated = text({"purpose": purpose}, "purpose", problems, max_length=500,
                  label="why you need the audit trail and who will receive it")
    problems.raise_if_any()
    audit.record("audit.export", actor=actor, justification=stated, details={"filters": filters.described()})
    return stated


def export_lines(filters: Filters, batch: int = EXPORT_BATCH) -> Iterator[audit_descriptions.Line]:
    """Every matching event, newest first, told in plain English: read in keyset batches of `batch` (a few
    statements each), so that memory stays flat however long the trail is."""
    position = None
    key = tuple_(AuditEvent.occurred_at, AuditEvent.id)
    while True:
        # Plain rows, not ORM objects: nothing of an earlier batch is kept by the session.
        query = where(select(*AuditEvent.__table__.columns), filters).order_by(
            AuditEvent.occurred_at.desc(), AuditEvent.id.desc()).limit(batch)
        if position is not None:
            query = query.where(key < tuple_(literal(position[0], type_=AuditEvent.occurred_at.type), position[1]))
        events = db.session.execute(query).all()
        if not events:
            return
        yield from audit_descriptions.describe(events)
        position = (events[-1].occurred_at, events[-1].id)
        if len(events) < batch:
            return
