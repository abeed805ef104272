"""Drug Testing on Arrest lists: the provider's worklist of required assessments, and custody's list of missed
assessments awaiting a decision on prosecution. Need to know applies (domain/need_to_know.py); audited."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from diversion import audit, clock
from diversion.domain import dtoa as rules
from diversion.domain import need_to_know as access
from diversion.extensions import db
from diversion.models import DrugTest, User
from diversion.services import need_to_know

LIMIT = 500
LONDON = ZoneInfo("Europe/London")


def _tests(viewer: User, statuses) -> list[DrugTest]:
    need_to_know.require(access.DRUG_TEST, viewer)
    return list(db.session.scalars(
        select(DrugTest).options(joinedload(DrugTest.person), selectinload(DrugTest.events))
        .where(DrugTest.status.in_(statuses), need_to_know.visible(access.DRUG_TEST, viewer))
        .order_by(DrugTest.status_since, DrugTest.id).limit(LIMIT)))


def waiting(viewer: User, statuses) -> int:
    """How many tests the list would hold, counted up to LIMIT + 1 (enough to say "more than"): by the
    (status, id) index, never every row."""
    found = select(DrugTest.id).where(DrugTest.status.in_(statuses), need_to_know.visible(access.DRUG_TEST, viewer)) \
        .limit(LIMIT + 1).subquery()
    return db.session.scalar(select(func.count()).select_from(found))


def _when(test: DrugTest) -> datetime | None:
    """The assessment the person is waiting for: the initial one booked at the test, or the follow-up."""
    if test.status == rules.FOLLOW_UP_REQUIRED:
        times = [e.appointment_at for e in test.events if e.event == rules.FOLLOW_UP_REQUIRED and e.appointment_at]
        return times[-1] if times else None
    return test.assessment_at


def worklist(viewer: User) -> dict[str, list[tuple[DrugTest, datetime | None]]]:
    """Required assessments by when they are: overdue (before today), today, coming, and not booked yet."""
    today = clock.today()
    lists: dict[str, list] = {"overdue": [], "today": [], "coming": [], "not_booked": []}
    for test in _tests(viewer, rules.PROVIDER_WAITING):
        at = _when(test)
        if at is None:
            lists["not_booked"].append((test, None))
            continue
        day = at.astimezone(LONDON).date()
        lists["overdue" if day < today else "today" if day == today else "coming"].append((test, at))
    for name in ("overdue", "today", "coming"):
        lists[name].sort(key=lambda pair: pair[1])
    audit.record("drug_test.list", actor=viewer, object_type="drug_test",
                 details={"ids": sorted(t.id for group in lists.values() for t, _ in group), "list": "worklist"})
    return lists


def awaiting_decision(viewer: User) -> list[DrugTest]:
    """Missed required assessments waiting for custody's decision, longest waiting first."""
    found = _tests(viewer, rules.AWAITING_DECISION)
    audit.record("drug_test.list", actor=viewer, object_type="drug_test",
                 details={"ids": [t.id for t in found], "list": "awaiting_decision"})
    return found
