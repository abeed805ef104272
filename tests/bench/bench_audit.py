"""Benchmark (not a test): the audit trail search on 10,000,000 audit events in PostgreSQL. Run with `make bench`,
`make bench-audit` or `python -m tests.bench.bench_audit`.

It creates a fresh database, builds the schema with the migrations and seeds, with INSERT ... SELECT
generate_series (the audit table's indexes are dropped for the load and built again after it, as a bulk load
would, and the table is unlogged: the database is thrown away), five years of a force's activity: 2,000 users,
100,000 people each with a Checkpoint referral and contract, and BENCH_AUDIT_EVENTS audit events spread evenly over the five years: views of contracts, people and
referrals, notes (each about one person), list views and sign-ins (about nobody). Then, signed in as an
administrator, it requests each search BENCH_RUNS times through the app (Flask's test client: the whole request,
session, the audit row the search itself writes, plain-English descriptions and rendering, no network),
alternating searches, and prints for each the median time, the SQL statements the request ran, and the plan of its
main query (EXPLAIN ANALYZE: the node that reads audit_events and the rows it examined).
Environment: BENCH_AUDIT_EVENTS (10000000), BENCH_RUNS (15), BENCH_POSTGRES_URL; BENCH_KEEP=1 keeps the seeded
database (its name is printed) and BENCH_REUSE=<database name> measures an already seeded one.
"""
from __future__ import annotations

import json
import os
import statistics
import sys
import time
from datetime import datetime, timezone

import sqlalchemy as sa

from tests.bench import scratch_db

EVENTS = int(os.environ.get("BENCH_AUDIT_EVENTS", "10000000"))
RUNS = int(os.environ.get("BENCH_RUNS", "15"))
USERS, PEOPLE = 2000, 100_000
NOW = datetime(2026, 6, 30, 10, tzinfo=timezone.utc)
ADMIN_ID = USERS + 1

SEED = """
INSERT INTO users (id, email, name, role, password_hash, active, password_changed_at, created_at, updated_at,
    version, must_change_password)
SELECT n, 'user' || n || '@bench.example', 'User ' || lpad(n::text, 5, '0'),
       (ARRAY['navigator', 'navigator', 'custody_officer', 'provider', 'manager'])[1 + n % 5], 'x', true,
       now(), now(), now(), 1, false
FROM generate_series(1, :users) AS n;

INSERT INTO users (id, email, name, role, password_hash, active, password_changed_at, created_at, updated_at,
    version, must_change_password)
VALUES (:users + 1, 'admin@bench.example', 'Admin', 'admin', 'x', true, now(), now(), now(), 1, false);

INSERT INTO people (id, given_name, family_name, name_key, date_of_birth, gender, ethnicity, created_at,
    updated_at, version)
SELECT n, 'Given' || n, 'Family' || (n % 5000), 'given' || n || ' family' || (n % 5000),
       date '1960-01-01' + ((n::bigint * 7919) % 16000)::int, 'not_stated', 'not_stated', now(), now(), 1
FROM generate_series(1, :people) AS n;

INSERT INTO checkpoint_referrals (id, reference, person_id, person_as_recorded, identity_match, status,
    referral_date, offence_category, offence_description, offence_date, hate_crime, interview, evidential_test_met,
    court_order, on_bail, co_accused, detained_mental_health, has_victim, victim_wishes_restorative,
    previous_convictions, eligible, offence_age_limit_months, reasons, possible_duplicates, created_by_id,
    created_at, updated_at, version)
SELECT n, 'CP-' || (2021 + n % 5) || '-' || lpad(n::text, 6, '0'), n, '{}', 'new', 'contracted',
       date '2021-07-01' + (n % 1800), 'theft', 'Benchmark offence', date '2021-06-28' + (n % 1800), false,
       'admitted', true, false, false, false, false, false, false, 0, true, 3, '[]', '[]', 1 + n % :users,
       now(), now(), 1
FROM generate_series(1, :people) AS n;

INSERT INTO contracts (id, referral_id, person_id, navigator_id, status, start_date, deadline, participant_consent,
    warning_given, prosecution_referred, created_at, updated_at, version)
SELECT n, n, n, 1 + n % :users, 'completed', date '2021-07-01' + (n % 1800), date '2021-11-01' + (n % 1800),
       true, true, false, now(), now(), 1
FROM generate_series(1, :people) AS n;

-- The trail: one event every ~16 seconds for five years. k picks the kind of event; the person is spread by a
-- multiplicative hash so that each person's events are scattered through the whole table, as they are in life.
INSERT INTO audit_events (id, occurred_at, actor_id, action, object_type, object_id, person_id, source)
SELECT n, timestamptz '2021-07-01 00:00+00' + (n::float8 * (157766400.0 / :events)) * interval '1 second',
       1 + (n::bigint * 7919) % :users,
       (ARRAY['contract.view', 'contract.view', 'contract.view', 'contract.view', 'person.view', 'person.view',
              'checkpoint_referral.view', 'contract.note', 'contract.list', 'auth.sign_in'])[k],
       (ARRAY['contract', 'contract', 'contract', 'contract', 'person', 'person', 'checkpoint_referral',
              'contract', 'contract', 'user'])[k],
       CASE WHEN k <= 8 THEN (1 + (n::bigint * 104729) % :people)::text
            WHEN k = 10 THEN (1 + (n::bigint * 7919) % :users)::text END,
       CASE WHEN k <= 8 THEN 1 + (n::bigint * 104729) % :people END,
       'page'
FROM (SELECT n, 1 + ((n::bigint * 2654435761) % 4294967296) % 10 AS k FROM generate_series(1, :events) AS n) AS s;

SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users));
SELECT setval(pg_get_serial_sequence('people', 'id'), (SELECT max(id) FROM people));
SELECT setval(pg_get_serial_sequence('checkpoint_referrals', 'id'), (SELECT max(id) FROM checkpoint_referrals));
SELECT setval(pg_get_serial_sequence('contracts', 'id'), (SELECT max(id) FROM contracts));
SELECT setval(pg_get_serial_sequence('audit_events', 'id'), (SELECT max(id) FROM audit_events))
"""

PERSON, ACTOR = 4242, 77


def searches(middle: str) -> list[tuple[str, str]]:
    march = "from-day=1&from-month=3&from-year=2024&to-day=31&to-month=3&to-year=2024"
    last_month = "from-day=1&from-month=5&from-year=2026&to-day=31&to-month=5&to-year=2026"
    return [
        ("page: a middle page, no filter", f"/admin/audit?after={middle}"),
        ("page: by person", f"/admin/audit?person={PERSON}"),
        ("page: by person, last month", f"/admin/audit?person={PERSON}&{last_month}"),
        ("page: by user", f"/admin/audit?user={ACTOR}"),
        ("page: by action + March 2024", f"/admin/audit?action=contract.view&{march}"),
        ("page: by action prefix + March 2024", f"/admin/audit?action=contract&{march}"),
        ("page: by date, March 2024", f"/admin/audit?{march}"),
        ("API: person_id", f"/api/v1/audit/events?person_id={PERSON}&limit=50"),
        ("API: actor_id + from/to", f"/api/v1/audit/events?actor_id={ACTOR}&from=2024-03-01&to=2024-03-31"),
    ]


def main() -> int:
    os.environ.setdefault("DIVERSION_ENV", "testing")
    reuse = os.environ.get("BENCH_REUSE")
    try:
        url = scratch_db.url_of(reuse) if reuse else scratch_db.create()
    except scratch_db.Unreachable as error:
        print(error, file=sys.stderr)
        return 2
    try:
        results = _measure(url, seed=not reuse)
    finally:
        if reuse or os.environ.get("BENCH_KEEP"):
            print(f"kept database {sa.make_url(url).database}")
        else:
            scratch_db.drop(url)
    print(f"\nAudit trail search on {EVENTS:,} events, median of {RUNS} requests each (whole request):")
    for label, (ms, statements, plan) in results.items():
        print(f"  {label:38s} {ms:7.1f} ms  statements {statements:2d}  {plan}")
    return 0


def _seed(connection) -> None:
    """The seed, with audit_events' keys and indexes dropped for the load and built again after it (tests/bench/bulk.py)."""
    from tests.bench.bulk import without_indexes

    connection.execute(sa.text("SET LOCAL statement_timeout = 0"))  # seeding is not a request
    connection.execute(sa.text("SET LOCAL maintenance_work_mem = '512MB'"))
    connection.execute(sa.text("SET LOCAL synchronous_commit = off"))
    with without_indexes(connection, "audit_events"):
        for statement in SEED.split(";\n"):
            if statement.strip():
                connection.execute(sa.text(statement), {"users": USERS, "people": PEOPLE, "events": EVENTS})


def _plan(connection, statement: str, parameters) -> str:
    """The main query's plan in a few words: the node reading audit_events, and the rows it examined."""
    explained = connection.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters).scalar()
    explained = explained if isinstance(explained, list) else json.loads(explained)
    reads, examined = [], 0

    def walk(node):
        nonlocal examined
        if node.get("Relation Name") == "audit_events" or "audit_events" in node.get("Index Name", ""):
            reads.append(f"{node['Node Type']}" + (f" using {node['Index Name']}" if node.get("Index Name") else ""))
            examined += node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0) \
                + node.get("Rows Removed by Index Recheck", 0)
        for child in node.get("Plans", []):
            walk(child)

    walk(explained[0]["Plan"])
    return f"{'; '.join(reads)}: {examined:,} rows examined"


def _measure(url: str, seed: bool) -> dict:
    from flask_migrate import upgrade

    from diversion import clock, create_app
    from diversion.extensions import db
    from diversion.keyset import encode
    from diversion.models import User
    from diversion.services import tokens
    from tests.client import PageClient

    import logging

    logging.getLogger("diversion.request").setLevel(logging.WARNING)  # one line per request is noise here

    app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": True})
    app.test_client_class = PageClient
    with app.app_context():
        started = time.perf_counter()
        if seed:
            upgrade()
            with db.engine.begin() as connection:
                _seed(connection)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("SET statement_timeout = 0"))
            if seed:
                connection.execute(sa.text("ANALYZE"))
            count = connection.scalar(sa.text("SELECT count(*) FROM audit_events"))
            middle = tuple(connection.execute(sa.text(
                "SELECT occurred_at, id FROM audit_events WHERE id = (SELECT max(id) / 2 FROM audit_events)")).one())
        print(f"{'seeded' if seed else 'reused a database of'} {count:,} audit events, {PEOPLE:,} people, "
              f"{USERS:,} users in {time.perf_counter() - started:.0f} s")
        admin = db.session.get(User, ADMIN_ID)
        _token, secret = tokens.issue(admin, {"name": "bench", "purpose": "bench"}, actor=None)
        db.session.commit()
        db.session.refresh(admin)
        db.session.expunge(admin)
        db.session.remove()
    clock.freeze(NOW)
    seen: list = []

    def _record(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", _record)
    client = app.test_client()
    client.sign_in_as(admin)
    paths = searches(encode(middle))  # the page's cursor: the (time, id) of the row before the page
    headers = {"Authorization": f"Bearer {secret}"}
    timings = {label: [] for label, _ in paths}
    counted, main_query = {}, {}
    try:
        for label, path in paths:  # warm up, check each answers, and keep its main query for EXPLAIN
            seen.clear()
            response = client.get(path, headers=headers if path.startswith("/api/") else None)
            if response.status_code != 200:
                raise SystemExit(f"{label}: {path} answered {response.status_code}")
            main_query[label] = next(s for s in seen if "FROM audit_events" in s[0] and "LIMIT" in s[0])
        for _ in range(RUNS):
            for label, path in paths:
                seen.clear()
                t = time.perf_counter()
                client.get(path, headers=headers if path.startswith("/api/") else None)
                timings[label].append((time.perf_counter() - t) * 1000)
                counted[label] = len(seen)
    finally:
        clock.freeze(None)
    with app.app_context():
        sa.event.remove(db.engine, "before_cursor_execute", _record)
        with db.engine.connect() as connection:
            plans = {label: _plan(connection, *main_query[label]) for label, _ in paths}
    return {label: (statistics.median(values), counted[label], plans[label]) for label, values in timings.items()}


if __name__ == "__main__":
    sys.exit(main())
