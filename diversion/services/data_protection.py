"""The figures on the administrators' data protection page: reviews due, retain decisions and erasures this year,
subject access requests answered (and whether in the statutory month), exports made. A handful of statements,
each on an index: the audit trail may hold ten million events, so its count reads one year's range of
ix_audit_events_occurred_at (or an index on the action, where there is one), never the whole table."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from diversion import audit
from diversion.domain import data_protection_figures as figures
from diversion.domain import retention as retention_rules
from diversion.extensions import db
from diversion.models import AuditEvent, Erasure, Person, RetentionDecision, SubjectAccessRequest, User

LONDON = ZoneInfo("Europe/London")
EXPORT_ACTIONS = {"report.export": "Report exports", "audit.export": "Audit trail exports",
                  "person.subject_access": "Subject access disclosures"}
ERASURE_LOG_SIZE = 50


def year_range(year: int) -> tuple[datetime, datetime]:
    """The UK calendar year as instants: from 1 January (inclusive) to the next 1 January (exclusive)."""
    return (datetime.combine(date(year, 1, 1), time(0), tzinfo=LONDON),
            datetime.combine(date(year + 1, 1, 1), time(0), tzinfo=LONDON))


def _due_between(after: date | None, by: date) -> int:
    query = select(func.count()).select_from(Person).where(
        Person.erased_at.is_(None), Person.merged_into_id.is_(None), Person.review_date.is_not(None),
        Person.review_date <= by)
    if after is not None:
        query = query.where(Person.review_date > after)
    return db.session.scalar(query) or 0


def figures_for(today: date, viewer) -> dict:
    start, end = year_range(today.year)
    retained = db.session.scalar(select(func.count()).select_from(RetentionDecision).where(
        RetentionDecision.decision == retention_rules.RETAIN, RetentionDecision.decided_at >= start,
        RetentionDecision.decided_at < end)) or 0
    erased = db.session.scalar(select(func.count()).select_from(Erasure).where(
        Erasure.erased_at >= start, Erasure.erased_at < end)) or 0
    answers = [(received, answered.astimezone(LONDON).date()) for received, answered in db.session.execute(
        select(SubjectAccessRequest.received_on, SubjectAccessRequest.answered_at).where(
            SubjectAccessRequest.answered_at >= start, SubjectAccessRequest.answered_at < end))]
    exports = dict(db.session.execute(
        select(AuditEvent.action, func.count()).where(AuditEvent.occurred_at >= start, AuditEvent.occurred_at < end,
                                                      AuditEvent.action.in_(list(EXPORT_ACTIONS)))
        .group_by(AuditEvent.action)).all())
    audit.record("data_protection.view", actor=viewer, details={"year": today.year})
    return {"year": today.year, "today": today,
            "due_now": _due_between(None, today),
            "due_soon": _due_between(today, today + timedelta(days=figures.DUE_SOON_DAYS)),
            "due_soon_days": figures.DUE_SOON_DAYS, "retained": retained, "erased": erased,
            "subject_access": figures.answer_times(answers),
            "exports": [(action, label, exports.get(action, 0)) for action, label in EXPORT_ACTIONS.items()]}


def erasure_log(viewer, *, after: str | None = None, size: int = ERASURE_LOG_SIZE):
    """The erasure log, newest first: when, by whom, why and how many rows of each kind; no personal data (the
    erased person is not named: their record no longer holds a name). Keyset pages by (erased_at, id)."""
    from diversion.keyset import Sort, page

    newest = Sort("Newest first", (Erasure.erased_at, Erasure.id), True, lambda row: (row[0].erased_at, row[0].id))
    query = select(Erasure, User).outerjoin(User, Erasure.erased_by_id == User.id)
    found = page(query, newest, after, size, lambda statement: [tuple(row) for row in db.session.execute(statement)])
    audit.record("erasure_log.view", actor=viewer, details={"ids": [erasure.id for erasure, _ in found.rows]})
    return found
