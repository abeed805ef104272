"""The provider's lists: the worklist (new referrals, booked assessments, follow-ups overdue), every referral
they may see (so that none is lost from sight once contacted), and the booked assessments still to come. Each
page is one statement for its rows (people joined), one more for the "previous" link when there is a previous
page, and the audit record. Every list reads only its own work: a walk down an index ending in the id, never
the whole history of referrals or events."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from diversion import audit, clock
from diversion.domain import divert as rules
from diversion.domain import need_to_know as access
from diversion.extensions import db
from diversion.keyset import Page, Sort, page
from diversion.models import DivertEvent, DivertReferral, Person, User
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
OLDEST = SORTS["oldest"]
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
        query = query.where(people.matching(search, viewer))
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


# --- The worklist ------------------------------------------------------------------------------------------

WORKLIST = ("new", "booked", "follow_up")
FOLLOWED_UP = (rules.CONTACTED, rules.ASSESSMENT_BOOKED, rules.ASSESSED)  # open, and past the first contact


def last_event_on():
    """The day of the referral's latest event (None: none yet), for the referral in the enclosing statement:
    the end of its range of the divert_events (referral_id, date) index."""
    return (select(func.max(DivertEvent.date)).where(DivertEvent.referral_id == R.id)
            .correlate(DivertReferral).scalar_subquery())


def worklist(viewer: User, *, after: dict[str, str | None], size: int = 25,
             today: date | None = None) -> dict[str, tuple[Page, dict[int, int]]]:
    """The provider's three lists, oldest referral first, each one page from its own cursor (`after[name]`):
    "new" (referred, not yet contacted; working days since the referral), "booked" (assessment booked; working
    days since the last event) and "follow_up" (contacted, booked or assessed with nothing recorded for
    FOLLOW_UP_WORKING_DAYS working days; days since the last event). Each as (page, referral id -> days)."""
    today = today or clock.today()
    overdue_by = rules.waited_since_on_or_before(today, rules.FOLLOW_UP_WORKING_DAYS)
    since = func.coalesce(last_event_on(), R.referral_date)
    pages = {
        "new": page(_visible(viewer).where(R.status == rules.REFERRED), OLDEST, after.get("new"), size, _rows),
        "booked": page(_visible(viewer).where(R.status == rules.ASSESSMENT_BOOKED), OLDEST, after.get("booked"),
                       size, _rows),
        "follow_up": page(_visible(viewer).where(since <= overdue_by), OLDEST, after.get("follow_up"), size, _rows,
                          parts=[R.status == status for status in FOLLOWED_UP]),
    }
    shown = [r for found in pages.values() for r in found.rows]
    last = dict(db.session.execute(
        select(DivertEvent.referral_id, func.max(DivertEvent.date))
        .where(DivertEvent.referral_id.in_({r.id for r in shown if r.status != rules.REFERRED}))
        .group_by(DivertEvent.referral_id)).all()) if shown else {}
    audit.record("divert_referral.list", actor=viewer, object_type="divert_referral",
                 details={"ids": sorted({r.id for r in shown}), "list": "worklist"})
    return {name: (found, {r.id: rules.working_days_waited(
        r.referral_date if name == "new" else last.get(r.id, r.referral_date), today) for r in found.rows})
        for name, found in pages.items()}


def worklist_counts(viewer: User) -> dict[str, int]:
    """How many new referrals and booked assessments there are (status -> count): an index-only count of
    open work. (Follow-ups are not counted: that would ask every open referral for its last event.)"""
    need_to_know.require(access.DIVERT_REFERRAL, viewer)
    new, booked = db.session.execute(
        select(func.count(R.id).filter(R.status == rules.REFERRED),
               func.count(R.id).filter(R.status == rules.ASSESSMENT_BOOKED))
        .where(R.status.in_((rules.REFERRED, rules.ASSESSMENT_BOOKED)),
               need_to_know.visible(access.DIVERT_REFERRAL, viewer))).one()
    return {"new": new, "booked": booked}
