"""Every list by an index (issue 14, part 3), proven on PostgreSQL's plans: each list's statements, as the
services build them, are run on a database of 20,000 contracts (40,000 DIVERT referrals, their events and
people; seeded with INSERT ... SELECT and ANALYZEd), captured, and EXPLAINed. Each must read its intended index,
never scan a big table from end to end, and never sort more than a page's worth of rows.

PostgreSQL only (SQLite has one plan for everything small): skipped on SQLite.
"""
from __future__ import annotations

import os
import re

import pytest
import sqlalchemy as sa

from tests.services.query_plans import (captured, explain, explain_text, plan_nodes, run_script, seeded_database,
                                        signed_in)

BIG_TABLES = {"contracts", "checkpoint_referrals", "divert_referrals", "divert_events", "people", "audit_events"}
SIZE = 20_000  # contracts; the seed adds 2% more referrals awaiting a navigator and two DIVERT referrals each
# A hundred contracts a navigator: one navigator's cases are few among the service's, as nationally (a thousand among a
# million), so that walking the whole service's index and keeping one navigator's rows is plainly the wrong plan
# (with a twentieth of the service each, the planner's choice between the two turned on a few bytes of row width).
NAVIGATORS = SIZE // 100

# People known to neither scheme's lists (e.g. from the reoffending import): enough that reading every name
# costs far more than the trigram index, as it does at national scale (the planner weighs it so at 300,000).
EXTRA = 300_000
EXTRA_PEOPLE = """
INSERT INTO people (id, given_name, family_name, name_key, date_of_birth, created_at, updated_at, version)
SELECT :first + n, 'Other' || n, 'Surname' || (n % 20000), 'other' || n || ' surname' || (n % 20000),
       date '1970-01-01' + (n % 12000), now(), now(), 1
FROM generate_series(1, :count) AS n
"""

# Alerts as a busy service has them: years of decided ones, and an open one on most live contracts, raised over the
# past weeks (the seed's own are a few, all from one day).
EXTRA_ALERTS = """
INSERT INTO contract_alerts (contract_id, kind, scheme, date, summary, created_at, resolved_at, resolution)
SELECT c.id, 'new_referral', 'divert', c.start_date + 30, '{}', (c.start_date + 30)::timestamp AT TIME ZONE 'UTC',
       CASE WHEN c.status = 'active' AND c.id % 5 <> 0 THEN NULL
            ELSE (c.start_date + 31)::timestamp AT TIME ZONE 'UTC' END,
       CASE WHEN c.status = 'active' AND c.id % 5 <> 0 THEN NULL ELSE 'not_a_breach' END
FROM contracts c
"""

pytestmark = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                reason="plans are PostgreSQL's")


@pytest.fixture(scope="module")
def seeded():
    """An app on a database of its own, migrated and seeded once for the module; the users by role."""
    from diversion.extensions import db
    from diversion.models import User
    from tests.bench.national_seed import SEED

    def seed(connection):
        run_script(connection, SEED, {"count": SIZE, "navigators": NAVIGATORS})
        connection.execute(sa.text(EXTRA_PEOPLE), {"first": SIZE * 2, "count": EXTRA})
        connection.execute(sa.text(EXTRA_ALERTS))

    with seeded_database("diversion_plans", seed) as app:
        with app.app_context():
            users = {role: db.session.scalar(sa.select(User.id).where(User.role == role).order_by(User.id).limit(1))
                     for role in ("navigator", "provider", "manager", "custody_officer")}
            db.session.remove()
        yield app, users


def _as(seeded, role):
    """A request context on the seeded database, `role`'s user, the clock at the seed's today."""
    app, users = seeded
    return signed_in(app, users[role])


def _the(seen, *, table: str, has: str = "LIMIT") -> list[tuple]:
    """The captured statements that read `table` (its FROM or JOIN) and contain `has`: the list's queries."""
    pattern = re.compile(rf"\b(FROM|JOIN) {table}\b")
    found = [(s, p) for s, p in seen if pattern.search(s) and has in s and not s.startswith("INSERT")]
    assert found, f"no statement on {table} with {has}"
    return found


def _check(statement, parameters, *, index: str, sorted_at_most: int = 60, count_may_scan: bool = False):
    """The plan walks `index`, reads no big table whole and sorts no more than `sorted_at_most` rows. A count riding on
    the statement reads no big table whole either and sorts nothing, unless `count_may_scan`: a list of everything
    (every row, or nearly every one, qualifies: reading the table in its own order stops at the count's limit, as an index
    walk would)."""
    plan = explain(statement, parameters)
    if os.environ.get("SHOW_PLANS"):  # SHOW_PLANS=1 pytest -s: the plans, for a reader
        print(f"\n--- {index}\n{explain_text(statement, parameters)}")
    counts = []
    nodes = list(plan_nodes(plan, counts=counts))
    for count in counts:
        inside = list(plan_nodes(count))
        scanned = [n.get("Relation Name") for n in inside if n["Node Type"] == "Seq Scan"]
        assert count_may_scan or not set(scanned) & BIG_TABLES, \
            f"the count scans {scanned}:\n{explain_text(statement, parameters)}"
        assert not [n for n in inside if n["Node Type"] in ("Sort", "Incremental Sort")], \
            explain_text(statement, parameters)
    scanned = [n.get("Relation Name") for n in nodes if n["Node Type"] == "Seq Scan"]
    assert not set(scanned) & BIG_TABLES, f"{scanned} scanned:\n{explain_text(statement, parameters)}"
    indexes = {n.get("Index Name") for n in nodes}
    wanted = {index} if isinstance(index, str) else set(index)
    assert wanted & indexes, f"{index} not used:\n{explain_text(statement, parameters)}"
    big_sorts = [n["Plan Rows"] for n in nodes if n["Node Type"] in ("Sort", "Incremental Sort")
                 and n["Plans"][0]["Plan Rows"] > sorted_at_most]
    assert not big_sorts, f"sorts {big_sorts} rows:\n{explain_text(statement, parameters)}"
    return plan


# --- The referral queue and the API's lists by status -------------------------------------------------------

@pytest.mark.parametrize("role", ["manager", "navigator"])
def test_the_referral_queue_walks_the_status_and_referral_date_index(seeded, role):
    from diversion.domain import referrals as rules
    from diversion.services import referrals

    with _as(seeded, role) as user, captured() as seen:
        rows = referrals.listing(user, status=rules.AWAITING_NAVIGATOR, order="oldest", limit=26)
        total = referrals.count(user, status=rules.AWAITING_NAVIGATOR)
        assert len(rows) == 26 and total >= 400
        listed = [(s, p) for s, p in _the(seen, table="checkpoint_referrals") if "count(" not in s]
        assert listed
        for statement, parameters in listed:
            _check(statement, parameters, index="ix_checkpoint_referrals_status_referral_date_id")
        counting = [(s, p) for s, p in seen if "count(" in s]
        assert len(counting) == 1
        _check(*counting[0], index="ix_checkpoint_referrals_status_id", sorted_at_most=0)


def test_the_api_lists_of_referrals_contracts_and_divert_referrals_by_status_walk_status_and_id(seeded):
    from diversion.domain import referrals as rules
    from diversion.services import contracts, divert, referrals

    with _as(seeded, "manager") as user, captured() as seen:
        referrals.listing(user, status=rules.AWAITING_NAVIGATOR, after=(5, 5), limit=51)
        _check(*_the(seen, table="checkpoint_referrals")[0], index="ix_checkpoint_referrals_status_id")
        seen.clear()
        contracts.listing(user, after_id=100, limit=51, status="breached")
        _check(*_the(seen, table="contracts")[0], index="ix_contracts_status_id")
        seen.clear()
        divert.listing(status="referred", after_id=None, limit=51, viewer=user)
        _check(*_the(seen, table="divert_referrals")[0], index="ix_divert_referrals_status_id")


def test_a_navigators_referrals_of_any_status_are_read_from_each_parts_index_not_by_walking_every_referral(seeded):
    # Need to know lets a navigator read the queue and their own contracts' referrals. Asked whole, row by row, in id
    # order, that rule had PostgreSQL walk every referral (the primary key) keeping a navigator's few; each part now
    # gives its first page by its own index: the queue by status, their contracts by navigator (a navigator's own
    # contracts are sorted: as many as they have held, whatever the service's size).
    from diversion.services import referrals

    with _as(seeded, "navigator") as user, captured() as seen:
        assert len(referrals.listing(user, after=(100, 100), limit=51)) == 51
        statement, parameters = _the(seen, table="checkpoint_referrals")[0]
        plan = _check(statement, parameters, index="ix_checkpoint_referrals_status_id",
                      sorted_at_most=SIZE // NAVIGATORS)
        walks = [n for n in plan_nodes(plan) if n.get("Index Name") == "pk_checkpoint_referrals"
                 and "Index Cond" not in n]
        assert walks == [], explain_text(statement, parameters)


def test_a_custody_officers_referrals_are_walked_from_their_own_index_in_order(seeded):
    # Need to know lets a custody officer read what they made: a list in id order walks (maker, id), not every
    # referral in id order keeping one officer's (the seed has one officer per 250 contracts), and sorts nothing.
    from diversion.services import divert, referrals

    with _as(seeded, "custody_officer") as user, captured() as seen:
        assert len(referrals.listing(user, after=(100, 100), limit=51)) == 51
        _check(*_the(seen, table="checkpoint_referrals")[0], index="ix_checkpoint_referrals_created_by_id_id",
               sorted_at_most=0)
        seen.clear()
        assert len(divert.listing(status=None, after_id=100, limit=51, viewer=user)) == 51
        _check(*_the(seen, table="divert_referrals")[0], index="ix_divert_referrals_created_by_id_id",
               sorted_at_most=0)


def test_the_api_lists_active_contracts_in_id_order_from_the_status_index_alone(seeded):
    # "active" is also "deadline not passed", and people not erased. The planner, taking the deadline and the status
    # as unrelated, thinks few active contracts are not yet due (557 of 33,151 at 1M) and would sort every one of them
    # from another index. The status index carries the deadline and the person (migration 0020), so walking it in id
    # order is cheap on the planner's reckoning too, and reads no table row for a contract it skips.
    from diversion.services import contracts

    with _as(seeded, "manager") as user, captured() as seen:
        assert len(contracts.listing(user, after_id=100, limit=51, status="active")) == 51
        statement, parameters = _the(seen, table="contracts")[0]
        plan = _check(statement, parameters, index="ix_contracts_status_id", sorted_at_most=0)
        walks = [n for n in plan_nodes(plan) if n.get("Index Name") == "ix_contracts_status_id"]
        assert [n["Node Type"] for n in walks] == ["Index Only Scan"], explain_text(statement, parameters)


# --- The provider's worklist --------------------------------------------------------------------------------

def test_the_worklist_reads_only_open_work_by_index_and_each_referrals_last_event_from_its_range(seeded):
    from diversion.services import divert_lists

    with _as(seeded, "provider") as user, captured() as seen:
        lists = divert_lists.worklist(user, after={}, size=25)
        assert all(len(found.rows) == 25 for found, _days in lists.values()), \
            {name: len(found.rows) for name, (found, _days) in lists.items()}
        counts = divert_lists.worklist_counts(user)
        assert counts["new"] > 25 and counts["booked"] > 25
        statements = _the(seen, table="divert_referrals")
        assert len(statements) == 3
        for statement, parameters in statements:
            plan = _check(statement, parameters, index="ix_divert_referrals_status_referral_date_id")
        # The follow-ups: a referral's last event is the end of its (referral_id, date) range, not a GROUP BY.
        assert "ix_divert_events_referral_id_date" in {n.get("Index Name") for n in plan_nodes(plan)}
        assert not [n for n in plan_nodes(plan) if n["Node Type"] in ("HashAggregate", "GroupAggregate")]
        counting = [(s, p) for s, p in seen if "count(" in s]
        _check(*counting[0], index="ix_divert_referrals_status_id", sorted_at_most=0)


def test_a_deep_worklist_page_is_as_cheap_as_the_first(seeded):
    from diversion.services import divert_lists

    with _as(seeded, "provider") as user:
        first = divert_lists.worklist(user, after={}, size=25)
        cursor = first["new"][0].next_after
        with captured() as seen:
            divert_lists.worklist(user, after={"new": cursor}, size=25)
        for statement, parameters in _the(seen, table="divert_referrals")[:2]:  # the page, and its previous
            _check(statement, parameters, index="ix_divert_referrals_status_referral_date_id")


# --- The manager's caseload ---------------------------------------------------------------------------------

@pytest.mark.parametrize("status, sort, index", [
    (None, "deadline", "ix_contracts_deadline_id"),                # every status, soonest deadline first
    (None, "deadline_latest", "ix_contracts_deadline_id"),
    ("open", "deadline", "ix_contracts_status_deadline_id"),       # the default caseload
    # Nearly every contract is completed: walking the deadline index and skipping the few others is as good.
    ("completed", "deadline", ("ix_contracts_status_deadline_id", "ix_contracts_deadline_id")),
    ("breached", "deadline_latest", ("ix_contracts_status_deadline_id", "ix_contracts_deadline_id")),
])
def test_the_managers_caseload_by_deadline_walks_an_index_and_sorts_nothing(seeded, status, sort, index):
    from diversion.services import caseload

    with _as(seeded, "manager") as user, captured() as seen:
        first = caseload.page(user, sort=sort, status=status, per_page=25)
        assert len(first.rows) == 25
        caseload.page(user, sort=sort, status=status, per_page=25, after=first.keyset.next_after)
        for statement, parameters in _the(seen, table="contracts", has="ORDER BY"):
            # (every contract, or nearly every one: the count may read the table in its own order to its limit)
            _check(statement, parameters, index=index, count_may_scan=status in (None, "completed"))


def test_the_managers_name_search_of_every_status_uses_the_trigram_index(seeded):
    from diversion.services import caseload

    with _as(seeded, "manager") as user, captured() as seen:
        found = caseload.page(user, sort="deadline", status=None, search="Family1234", per_page=25)
        assert found.rows and all(c.person.family_name == "Family1234" for c in found.rows)
        for statement, parameters in _the(seen, table="contracts", has="name_key"):
            _check(statement, parameters, index="ix_people_name_key_trgm")


def test_the_count_of_a_long_caseload_stops_at_its_limit(seeded):
    from diversion import keyset
    from diversion.services import caseload

    with _as(seeded, "manager") as user:
        keyset.COUNTED_UP_TO, kept = 500, keyset.COUNTED_UP_TO
        try:
            assert caseload.page(user, status=None, per_page=25).total == 501
        finally:
            keyset.COUNTED_UP_TO = kept


@pytest.mark.parametrize("sort, index, service_wide", [
    ("deadline", "ix_contracts_navigator_deadline_id", "ix_contracts_deadline_id"),  # "any status", soonest first
    ("deadline_latest", "ix_contracts_navigator_deadline_id", "ix_contracts_deadline_id"),
    ("start", "ix_contracts_navigator_start_date_id", "ix_contracts_start_date"),
])
def test_a_navigators_caseload_of_every_status_walks_their_own_index(seeded, sort, index, service_wide):
    # Not the whole service's index, keeping one row in as many as there are navigators. (A later page's look back
    # for its previous page is a short range between two keys: either index reads only that range.)
    from diversion.services import caseload

    with _as(seeded, "navigator") as user, captured() as seen:
        first = caseload.page(user, sort=sort, status=None, per_page=25)
        assert len(first.rows) == 25 and all(c.navigator.id == user.id for c in first.rows)
        caseload.page(user, sort=sort, status=None, per_page=25, after=first.keyset.next_after)
        first_page, second_page, look_back = _the(seen, table="contracts", has="ORDER BY")
        _check(*first_page, index=index)
        _check(*second_page, index=index)
        _check(*look_back, index=(index, service_wide))


def test_a_navigators_appointments_today_are_found_from_the_indexes_not_the_days_rows(seeded):
    # The whole country's appointments of the day are matched to the navigator's contracts in the indexes alone;
    # only the navigator's own are read from the table (by id).
    from zoneinfo import ZoneInfo

    from diversion.extensions import db
    from diversion.models import Appointment, Contract
    from diversion.services import appointments

    with _as(seeded, "navigator") as user:
        latest = db.session.scalar(sa.select(sa.func.max(Appointment.starts_at)).join(Appointment.contract)
                                   .where(Contract.navigator_id == user.id))
        day = latest.astimezone(ZoneInfo("Europe/London")).date()  # a day they have an appointment, among everyone's
    with _as(seeded, "navigator") as user, captured() as seen:
        found = appointments.day(user, day)
        assert found and all(a.contract.navigator_id == user.id for a in found)
        (statement, parameters), = _the(seen, table="appointments", has="ORDER BY")
        plan = _check(statement, parameters, index="ix_appointments_starts_at_contract_id_id", sorted_at_most=len(found))
        read = {(n.get("Relation Name"), n["Node Type"], n.get("Index Name")) for n in plan_nodes(plan)
                if n.get("Relation Name") == "appointments"}
        assert read == {("appointments", "Index Only Scan", "ix_appointments_starts_at_contract_id_id"),
                        ("appointments", "Index Scan", "pk_appointments")}, explain_text(statement, parameters)


def test_the_oldest_alerts_waiting_for_a_decision_are_chosen_before_they_are_joined_to_people(seeded):
    # A manager's home page: the first few open alerts of the whole service are chosen first, and only those are
    # joined to their contracts and people: not every open alert in the country joined, then sorted. Which index
    # chooses them is the planner's call by size: here (600 open alerts, 700 live contracts) it hashes them by the
    # older index; at national size (2,700 and 35,000) it walks ix_contract_alerts_open_oldest and stops after the
    # page (EXPLAIN on the scale report's 1M database: 18.9 ms -> 0.35 ms). This test proves the shape, not the walk.
    from diversion.services import live_cases

    with _as(seeded, "manager") as user, captured() as seen:
        found = live_cases.waiting_for(user, limit=11)
        assert len(found) == 11
        assert [(a.created_at, a.id) for a in found] == sorted((a.created_at, a.id) for a in found)
        (statement, parameters), = _the(seen, table="contract_alerts")
        plan = _check(statement, parameters, index=("ix_contract_alerts_open_oldest", "ix_contract_alerts_open"),
                      sorted_at_most=11)
        limits = [n for n in plan_nodes(plan) if n["Node Type"] == "Limit"]
        assert len(limits) == 1, explain_text(statement, parameters)
        before_the_page = {n.get("Index Name") or n.get("Relation Name") for n in plan_nodes(limits[0])
                           if n.get("Relation Name") == "people"}
        assert before_the_page <= {"ix_people_erased"}, explain_text(statement, parameters)


def test_the_now_figures_read_the_active_contracts_counters_by_their_own_index(seeded):
    # "Active now" and "overdue now" are one measure's counters (the active contracts, by deadline): read by that
    # measure's partial index, not by the primary key, which would read every measure's counters before today.
    from datetime import date

    from diversion.extensions import db
    from diversion.services import reoffending_report, reports, rollups

    app, _users = seeded
    with app.app_context():
        with db.engine.begin() as connection:
            rollups.rebuild(connection, people=False)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE report_counts"))
    with _as(seeded, "manager"), captured() as seen:
        report = reports.checkpoint(date(2016, 7, 1), date(2026, 6, 30), "navigator")
        assert report["active_now"] > 0 and len(report["groups"]) == NAVIGATORS
        (statement, parameters), = _the(seen, table="report_counts", has="UNION ALL")
        plan = explain(statement, parameters)
        used = {n.get("Index Name") for n in plan_nodes(plan)}
        assert {"ix_report_counts_active", "pk_report_counts"} <= used, explain_text(statement, parameters)
        # ... and no other measure's reads go by it: the reoffending report's keep the primary key.
        seen.clear()
        reoffending_report.report(date(2016, 7, 1), date(2026, 6, 30), 12)
        for statement, parameters in _the(seen, table="report_counts", has="report_counts"):
            read_by = {n.get("Index Name") for n in plan_nodes(explain(statement, parameters))}
            assert "ix_report_counts_active" not in read_by, explain_text(statement, parameters)
