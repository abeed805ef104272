"""The drug test lists by an index: the appointment a person waits for is kept on the test as each event is
recorded (and the migration's backfill gives the same), the worklist's four groups split the waiting tests by
London days as the page always did, and every group and custody's missed list is reached row by row, each row
once, by keyset pages, however rows arrive between pages."""
from __future__ import annotations

import importlib.util
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from diversion import clock
from diversion.domain import dtoa as rules
from diversion.extensions import db
from diversion.models import AuditEvent, DrugTest
from diversion.services import dtoa, dtoa_lists
from tests import factories

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 7, 15)  # British Summer Time: London midnight is 23:00 UTC the day before


@pytest.fixture
def staff(app_context):
    clock.freeze(datetime.combine(TODAY, time(12), tzinfo=UTC))
    yield {role: factories.user(role) for role in ("custody_officer", "provider", "manager")}
    clock.freeze(None)


def _london(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def _test(staff, at: datetime | None, test_date: date | None = None) -> DrugTest:
    test_date = test_date or min(TODAY, (at.astimezone(LONDON).date() if at else TODAY) - timedelta(days=1))
    assessment = {"at": at.isoformat(), "service": "community_drug_alcohol"} if at else None
    return dtoa.record(factories.drug_test_payload(test_date=test_date.isoformat(), assessment=assessment),
                       actor=staff["custody_officer"])


def _event(staff, test, event, on=None, who="provider", **extra):
    return dtoa.record_event(test, {"event": event, "date": (on or TODAY).isoformat(), **extra}, actor=staff[who])


def _follow_up(staff, at: datetime | None) -> DrugTest:
    test = _test(staff, _london(TODAY - timedelta(days=20), 10), test_date=TODAY - timedelta(days=21))
    _event(staff, test, rules.INITIAL_ATTENDED, TODAY - timedelta(days=20))
    _event(staff, test, rules.FOLLOW_UP_REQUIRED, TODAY - timedelta(days=19),
           **({"appointment_at": at.isoformat()} if at else {}))
    return test


def _group_of(test: DrugTest) -> str:
    """The worklist's rule as the page first had it: the appointment's London day against today."""
    if test.waiting_for is None:
        return "not_booked"
    day = test.waiting_for.astimezone(LONDON).date()
    return "overdue" if day < TODAY else "today" if day == TODAY else "coming"


def test_the_appointment_waited_for_follows_each_event(staff):
    booked = _london(TODAY + timedelta(days=2), 10, 30)
    test = _test(staff, booked)
    assert test.waiting_for == booked
    _event(staff, test, rules.INITIAL_ATTENDED)
    assert test.waiting_for is None  # nothing more is required of them unless a follow-up is
    follow = _london(TODAY + timedelta(days=9), 14)
    _event(staff, test, rules.FOLLOW_UP_REQUIRED, appointment_at=follow.isoformat())
    assert test.waiting_for == follow
    _event(staff, test, rules.FOLLOW_UP_MISSED)
    assert test.waiting_for is None
    unbooked = _test(staff, None)
    assert unbooked.waiting_for is None
    _event(staff, unbooked, rules.INITIAL_MISSED)
    dtoa.decide(unbooked, {"decision": "prosecute", "version": unbooked.version}, actor=staff["custody_officer"])
    assert unbooked.waiting_for is None and unbooked.status == rules.PROSECUTED


def _backfill_sql() -> str:
    path = Path(__file__).parents[2] / "migrations" / "versions" / "0015_dtoa_waiting_for.py"
    spec = importlib.util.spec_from_file_location("waiting_for_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.BACKFILL


def test_the_migrations_backfill_gives_what_the_service_keeps(staff):
    made = [_test(staff, _london(TODAY + timedelta(days=3), 9)), _test(staff, None),
            _follow_up(staff, _london(TODAY + timedelta(days=1), 11)), _follow_up(staff, None)]
    attended = _test(staff, _london(TODAY - timedelta(days=2), 9))
    _event(staff, attended, rules.INITIAL_ATTENDED)
    missed = _follow_up(staff, _london(TODAY - timedelta(days=3), 15))
    _event(staff, missed, rules.FOLLOW_UP_MISSED)
    made += [attended, missed]
    db.session.flush()
    kept = {t.id: t.waiting_for for t in made}
    assert sum(value is not None for value in kept.values()) == 2
    db.session.execute(sa.update(DrugTest).values(waiting_for=None))  # as the new column starts
    db.session.execute(sa.text(_backfill_sql()))
    db.session.expire_all()
    assert dict(db.session.execute(sa.select(DrugTest.id, DrugTest.waiting_for)).all()) == kept


def test_the_groups_split_by_london_days(staff):
    tests = {
        "overdue": [_test(staff, _london(TODAY - timedelta(days=1), 23, 30)),
                    _follow_up(staff, _london(TODAY - timedelta(days=4), 9))],
        "today": [_test(staff, _london(TODAY, 0, 30)), _test(staff, _london(TODAY, 23, 45)),
                  _follow_up(staff, _london(TODAY, 16))],
        "coming": [_test(staff, _london(TODAY + timedelta(days=1), 0, 15))],
        "not_booked": [_test(staff, None), _follow_up(staff, None)],
    }
    lists = dtoa_lists.worklist(staff["provider"], size=25)
    assert {name: [t.id for t in found.rows] for name, found in lists.items()} == \
        {name: sorted((t.id for t in made), key=lambda i: (db.session.get(DrugTest, i).waiting_for
                                                            or datetime.min.replace(tzinfo=UTC), i))
         if name != "not_booked" else [t.id for t in sorted(made, key=lambda t: (t.status_since, t.id))]
         for name, made in tests.items()}
    assert all(_group_of(t) == name for name, found in lists.items() for t in found.rows)
    assert dtoa_lists.worklist_counts(staff["provider"]) == {name: len(made) for name, made in tests.items()}


def _walk(fetch, between=lambda n: None) -> list[int]:
    """Every page from the first, calling `between(n)` after page n; the ids in the order shown."""
    seen, cursor, n = [], None, 0
    while True:
        found = fetch(cursor)
        seen += [t.id for t in found.rows]
        if found.next_after is None:
            return seen
        cursor, n = found.next_after, n + 1
        between(n)


@pytest.mark.parametrize("group", ["overdue", "today", "coming", "not_booked"])
def test_each_group_is_paged_to_its_end_every_row_once_while_rows_arrive(staff, group):
    def booking(k: int) -> datetime | None:  # several at the same time: the id orders them
        return {"overdue": _london(TODAY - timedelta(days=1 + k % 3), 10),
                "today": _london(TODAY, 9 + k % 3), "coming": _london(TODAY + timedelta(days=1 + k % 3), 10),
                "not_booked": None}[group]

    made = [_test(staff, booking(k)) if k % 4 else _follow_up(staff, booking(k)) for k in range(11)]
    others = [_test(staff, _london(TODAY + timedelta(days=5), 9)) if group != "coming" else _test(staff, None)]
    first = dtoa_lists.worklist(staff["provider"], size=3)[group]
    assert len(first.rows) == 3 and first.next_after and not first.has_previous
    arrived = []

    def arrive(n: int) -> None:  # one more in the group between pages, sooner or later than the cursor
        arrived.append(_test(staff, booking(n)))

    seen = _walk(lambda cursor: dtoa_lists.worklist(staff["provider"], after={group: cursor}, size=3)[group], arrive)
    assert len(seen) == len(set(seen))
    assert {t.id for t in made} <= set(seen) <= {t.id for t in made + arrived}
    assert not set(seen) & {t.id for t in others}
    rows = [db.session.get(DrugTest, i) for i in seen]
    key = (lambda t: (t.status_since, t.id)) if group == "not_booked" else (lambda t: (t.waiting_for, t.id))
    assert rows == sorted(rows, key=key)


def test_the_missed_list_is_paged_longest_waiting_first_every_row_once(staff):
    made = []
    for k in range(8):
        test = _test(staff, _london(TODAY - timedelta(days=10), 10), test_date=TODAY - timedelta(days=12))
        _event(staff, test, rules.INITIAL_MISSED, TODAY - timedelta(days=k % 3 + 1))
        made.append(test)
    follow = _follow_up(staff, _london(TODAY - timedelta(days=5), 10))
    _event(staff, follow, rules.FOLLOW_UP_MISSED, TODAY - timedelta(days=2))
    made.append(follow)
    _test(staff, _london(TODAY + timedelta(days=1), 10))  # still waiting: not custody's
    arrived = []

    def arrive(n: int) -> None:
        test = _test(staff, _london(TODAY - timedelta(days=3), 10), test_date=TODAY - timedelta(days=5))
        _event(staff, test, rules.INITIAL_MISSED, TODAY - timedelta(days=n % 4))
        arrived.append(test)

    seen = _walk(lambda cursor: dtoa_lists.awaiting_decision(staff["custody_officer"], after=cursor, size=2), arrive)
    assert len(seen) == len(set(seen)) and {t.id for t in made} <= set(seen) <= {t.id for t in made + arrived}
    rows = [db.session.get(DrugTest, i) for i in seen]
    assert rows == sorted(rows, key=lambda t: (t.status_since, t.id))
    assert dtoa_lists.awaiting_count(staff["custody_officer"]) == len(made + arrived)


def test_each_page_is_audited_with_the_ids_it_shows(staff):
    for k in range(5):
        _test(staff, _london(TODAY + timedelta(days=1 + k), 10))
    found = dtoa_lists.worklist(staff["manager"], size=2)
    second = dtoa_lists.worklist(staff["manager"], after={"coming": found["coming"].next_after}, size=2)
    logged = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "drug_test.list")
                                .order_by(AuditEvent.id)).all()
    assert [entry.details["ids"] for entry in logged] == [sorted(t.id for t in found["coming"].rows),
                                                          sorted(t.id for t in second["coming"].rows)]
    assert len(second["coming"].rows) == 2 and second["coming"].has_previous
