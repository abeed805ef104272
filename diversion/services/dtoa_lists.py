"""Drug Testing on Arrest lists: the provider's worklist of required assessments, and custody's list of missed
assessments awaiting a decision on prosecution. Need to know applies (domain/need_to_know.py); audited (the ids
shown).

Every list is paged by keyset (diversion/keyset.py), each walk down an index of open work per status: the booked
groups by the appointment the person is waiting for (`DrugTest.waiting_for`, kept by services/dtoa.py), the
"not booked yet" group and the missed list by the day the test reached its status. A page is one statement for
its rows, one more for the "previous" link when there is a previous page; the worklist adds one count."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from diversion import audit, clock
from diversion.domain import dtoa as rules
from diversion.domain import need_to_know as access
from diversion.extensions import db
from diversion.keyset import Page, Sort, page
from diversion.models import DrugTest, User
from diversion.services import need_to_know

T = DrugTest
LONDON = ZoneInfo("Europe/London")
SOONEST = Sort("Appointment, soonest first", (T.waiting_for, T.id), False, lambda t: (t.waiting_for, t.id))
WAITED = Sort("Waited longest at their status", (T.status_since, T.id), False, lambda t: (t.status_since, t.id))
WORKLIST = ("overdue", "today", "coming", "not_booked")


def _visible(viewer: User):
    need_to_know.require(access.DRUG_TEST, viewer)
    return select(DrugTest).where(need_to_know.visible(access.DRUG_TEST, viewer))


def _rows(statement) -> list:
    return list(db.session.scalars(statement))


def _per_status(statuses) -> list:
    return [T.status == status for status in statuses]


def _groups(today: date) -> dict:
    """Each worklist group's condition on the appointment (London days: before today, today, after today)."""
    start = datetime.combine(today, time(0), tzinfo=LONDON)
    tomorrow = datetime.combine(today + timedelta(days=1), time(0), tzinfo=LONDON)
    return {"overdue": T.waiting_for < start,
            "today": (T.waiting_for >= start) & (T.waiting_for < tomorrow),
            "coming": T.waiting_for >= tomorrow,
            "not_booked": T.waiting_for.is_(None)}


def worklist(viewer: User, *, after: dict[str, str | None] | None = None, size: int = 25,
             today: date | None = None) -> dict[str, Page]:
    """Required assessments (a booked initial one, or a follow-up) by when they are: "overdue" (before today,
    London time), "today", "coming" (after today), each soonest first, and "not_booked" (no time yet), longest
    waiting first. Each group is one page from its own cursor (`after[name]`)."""
    after = after or {}
    groups = _groups(today or clock.today())
    parts = _per_status(rules.PROVIDER_WAITING)
    pages = {name: page(_visible(viewer).where(condition), WAITED if name == "not_booked" else SOONEST,
                        after.get(name), size, _rows, parts=parts)
             for name, condition in groups.items()}
    audit.record("drug_test.list", actor=viewer, object_type="drug_test",
                 details={"ids": sorted({t.id for found in pages.values() for t in found.rows}), "list": "worklist"})
    return pages


def worklist_counts(viewer: User, today: date | None = None) -> dict[str, int]:
    """How many tests each worklist group holds (name -> count), in one statement over the open work only (the
    tests waiting for the provider, by the status index)."""
    need_to_know.require(access.DRUG_TEST, viewer)
    groups = _groups(today or clock.today())
    counts = db.session.execute(
        select(*(func.count(T.id).filter(condition) for condition in groups.values()))
        .where(T.status.in_(rules.PROVIDER_WAITING), need_to_know.visible(access.DRUG_TEST, viewer))).one()
    return dict(zip(groups, counts))


def awaiting_decision(viewer: User, *, after: str | None = None, size: int = 25) -> Page:
    """Missed required assessments waiting for custody's decision, longest waiting first: one page."""
    found = page(_visible(viewer), WAITED, after, size, _rows, parts=_per_status(rules.AWAITING_DECISION))
    audit.record("drug_test.list", actor=viewer, object_type="drug_test",
                 details={"ids": [t.id for t in found.rows], "list": "awaiting_decision"})
    return found


def awaiting_count(viewer: User) -> int:
    """How many missed assessments wait for a decision (open work only, by the status index)."""
    need_to_know.require(access.DRUG_TEST, viewer)
    return db.session.scalar(select(func.count(T.id)).where(
        T.status.in_(rules.AWAITING_DECISION), need_to_know.visible(access.DRUG_TEST, viewer)))
