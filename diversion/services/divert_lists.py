"""The provider's lists beyond the worklist: every referral they may see (so that none is lost from sight once
contacted), and the booked assessments still to come. Each page is one statement for its rows (people joined),
one more for the "previous" link when there is a previous page, and the audit record."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from diversion import audit, clock
from diversion.domain import divert as rules
from diversion.domain import need_to_know as access
from diversion.extensions import db
from diversion.keyset import Page, Sort, page
from diversion.models import DivertReferral, Person, User
from diversion.services import need_to_know, people

R = DivertReferral
SORTS = {
    "newest": Sort("Referral date, newest first", (R.referral_date, R.id), True, lambda r: (r.referral_date, r.id)),
    "oldest": Sort("Referral date, oldest first", (R.referral_date, R.id), False, lambda r: (r.referral_date, r.id)),
    # Waited longest at their status first (the day each reached it, earliest first).
    "waited": Sort("Waited longest at their status", (R.status_since, R.id), False, lambda r: (r.status_since, r.id)),
    "name": Sort("Name, A to Z", (Person.family_name, Person.given_name, R.id), False,
                 lambda r: (r.person.family_name, r.person.given_name, r.id)),
}
UPCOMING = Sort("Soonest first", (R.next_appointment_at, R.id), False, lambda r: (r.next_appointment_at, r.id))
LONDON = ZoneInfo("Europe/London")


def _visible(viewer: User):
    need_to_know.require(access.DIVERT_REFERRAL, viewer)
    return (select(DivertReferral).join(DivertReferral.person).options(contains_eager(DivertReferral.person))
            .where(need_to_know.visible(access.DIVERT_REFERRAL, viewer)))


def _rows(statement) -> list:
    return list(db.session.scalars(statement).unique())


def every_referral(viewer: User, *, status: str | None = None, substance: str | None = None,
                   waited_days: int | None = None, search: str | None = None, sort: str = "newest",
                   after: str | None = None, size: int = 25) -> Page:
    """One page of every DIVERT referral `viewer` may read, whatever its status: filtered by status, substance,
    days waited at the status (at least), or a name / PNC id / reference; sorted by `sort` (SORTS)."""
    query = _visible(viewer)
    if status in rules.STATUSES:
        query = query.where(R.status == status)
    if substance in rules.SUBSTANCES:
        query = query.where(R.substance == substance)
    if waited_days is not None:
        query = query.where(R.status_since <= clock.today() - timedelta(days=waited_days))
    if search and search.strip():
        query = query.where(people.matching(search))
    found = page(query, SORTS.get(sort, SORTS["newest"]), after, size, _rows)
    audit.record("divert_referral.list", actor=viewer, object_type="divert_referral",
                 details={"ids": [r.id for r in found.rows], "list": "all"})
    return found


def upcoming(viewer: User, *, after: str | None = None, size: int = 25, today: date | None = None) -> Page:
    """Booked assessments from the start of today (London time) on, soonest first."""
    start = datetime.combine(today or clock.today(), time(0), tzinfo=LONDON)
    query = _visible(viewer).where(R.status == rules.ASSESSMENT_BOOKED, R.next_appointment_at >= start)
    found = page(query, UPCOMING, after, size, _rows)
    audit.record("divert_referral.list", actor=viewer, object_type="divert_referral",
                 details={"ids": [r.id for r in found.rows], "list": "upcoming"})
    return found
