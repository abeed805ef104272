"""Benchmark (not a test): the working-day pages at 1,000 and at 1,000,000 contracts in PostgreSQL, measured in
one run, to see whether they stay flat as the data grows. Run with `make bench` or
`python -m tests.bench.bench_casework`.

For each size it creates a fresh database, builds the schema with the migrations and seeds, with INSERT ... SELECT,
ten years of Checkpoint work as a national deployment would hold it: one navigator per thousand contracts (so that
each navigator's open caseload is about the same at every size, as it is in life), people, referrals (a few
awaiting a navigator), contracts of every status with two or three conditions each, three notes and two
appointments per contract (some today), alerts, and two DIVERT referrals per contract with their events (for the
same people: most people known to one scheme are known to the other). Then it
signs in as a navigator, a provider and a manager and requests each page BENCH_RUNS times through the app (Flask's
test client: the whole request, sessions, need to know, audit row and rendering, no network), alternating pages, and
prints for each page the median time at both sizes, their ratio (goal: at most 1.3) and the SQL statements the page
ran at each size (which must not grow).
Environment: BENCH_CONTRACTS (1000000), BENCH_CONTRACTS_SMALL (1000), BENCH_RUNS (15), BENCH_POSTGRES_URL;
BENCH_KEEP=1 keeps the seeded databases (their names are printed) and BENCH_REUSE_<size>=<database name> measures
an already seeded one, for looking at plans without seeding again.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
import uuid
from datetime import datetime, timezone

import sqlalchemy as sa

SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
BIG = int(os.environ.get("BENCH_CONTRACTS", "1000000"))
SMALL = int(os.environ.get("BENCH_CONTRACTS_SMALL", "1000"))
RUNS = int(os.environ.get("BENCH_RUNS", "15"))
NOW = datetime(2026, 6, 30, 10, tzinfo=timezone.utc)
TODAY = "date '2026-06-30'"
CONTRACTS_PER_NAVIGATOR = 1000

# (label, role, path): the pages a working day is spent on. The provider's and team pages list everything they
# may see, first page, default sort.
PAGES = [
    ("navigator: Today (home)", "navigator", "/"),
    ("navigator: caseload, open", "navigator", "/contracts"),
    ("navigator: caseload by risk", "navigator", "/contracts?sort=risk"),
    ("navigator: a contract", "navigator", "/contracts/{contract_id}"),
    ("provider: all referrals", "provider", "/divert/referrals"),
    ("provider: upcoming assessments", "provider", "/divert/upcoming"),
    ("manager: team", "manager", "/team"),
    ("manager: awaiting a navigator", "manager", "/queue"),
]

SEED = f"""
INSERT INTO users (id, email, name, role, password_hash, active, password_changed_at, created_at, updated_at,
    version, must_change_password)
SELECT n, 'navigator' || n || '@bench.example', 'Navigator ' || lpad(n::text, 6, '0'), 'navigator', 'x', true,
       now(), now(), now(), 1, false
FROM generate_series(1, :navigators) AS n;

INSERT INTO users (id, email, name, role, password_hash, active, password_changed_at, created_at, updated_at,
    version, must_change_password)
VALUES (:navigators + 1, 'manager@bench.example', 'Manager', 'manager', 'x', true, now(), now(), now(), 1, false),
       (:navigators + 2, 'provider@bench.example', 'Provider', 'provider', 'x', true, now(), now(), now(), 1, false),
       (:navigators + 3, 'custody@bench.example', 'Custody', 'custody_officer', 'x', true, now(), now(), now(), 1,
        false);

INSERT INTO people (id, given_name, family_name, name_key, date_of_birth, gender, ethnicity, created_at,
    updated_at, version)
SELECT n, 'Given' || n, 'Family' || (n % 5000),
       'given' || n || ' family' || (n % 5000),
       date '1960-01-01' + ((n::bigint * 7919) % 16000)::int,
       (ARRAY['female', 'male', 'male', 'not_stated'])[1 + n % 4],
       (ARRAY['white_british', 'white_other', 'asian_pakistani', 'black_african'])[1 + n % 4],
       now(), now(), 1
FROM generate_series(1, :count + :count / 50) AS n;

-- Referrals: one per contract, and 2% more awaiting a navigator (the queue).
INSERT INTO checkpoint_referrals (id, reference, person_id, person_as_recorded, identity_match, status,
    referral_date, offence_category, offence_description, offence_date, hate_crime, interview, evidential_test_met,
    court_order, on_bail, co_accused, detained_mental_health, has_victim, victim_wishes_restorative,
    previous_convictions, eligible, offence_age_limit_months, reasons, possible_duplicates, created_by_id,
    created_at, updated_at, version)
SELECT n, 'CP-B-' || n, n, '{{}}', 'new', CASE WHEN n > :count THEN 'awaiting_navigator' ELSE 'contracted' END,
       referral_date, (ARRAY['theft', 'criminal_damage', 'common_assault', 'public_order'])[1 + n % 4],
       'Benchmark offence', referral_date - 3, false, 'admitted', true, false, false, false, false, true, false,
       0, true, 3, '[]', '[]', :navigators + 3, now(), now(), 1
FROM (SELECT n, CASE WHEN n > :count THEN {TODAY} - (n % 20)
                     ELSE date '2016-07-01' + ((n::bigint * 3650) / :count)::int - 3 END AS referral_date
      FROM generate_series(1, :count + :count / 50) AS n) AS d;

-- Contracts: ten years of them, about 36 in progress per navigator at any size.
INSERT INTO contracts (id, referral_id, person_id, navigator_id, status, start_date, deadline, participant_consent,
    warning_given, outcome_date, outcome_reason, prosecution_referred, created_at, updated_at, version)
SELECT n, n, n, 1 + (n - 1) % :navigators,
       CASE WHEN start_date + 130 > {TODAY} THEN 'active'
            WHEN n % 20 = 0 THEN 'breached' ELSE 'completed' END,
       start_date, start_date + 122, true, true,
       CASE WHEN start_date + 130 > {TODAY} THEN NULL WHEN n % 20 = 0 THEN start_date + 40 ELSE start_date + 125 END,
       CASE WHEN start_date + 130 > {TODAY} THEN NULL WHEN n % 20 = 0 THEN 'condition_failed' END,
       n % 20 = 0, now(), now(), 1
FROM (SELECT n, date '2016-07-01' + ((n::bigint * 3650) / :count)::int AS start_date
      FROM generate_series(1, :count) AS n) AS s;

INSERT INTO contract_conditions (contract_id, position, type, description, pathway, community_kind, target_hours,
    hours_done, status, version)
SELECT c.id, p.position,
       (ARRAY['offending', 'pathway', 'community'])[p.position],
       (ARRAY['Do not commit any further offence during the contract.', 'Attend the alcohol service',
              'Unpaid work'])[p.position],
       CASE WHEN p.position = 2 THEN 'alcohol' END,
       CASE WHEN p.position = 3 THEN 'unpaid_work' END,
       CASE WHEN p.position = 3 THEN 24 END,
       CASE WHEN p.position = 3 THEN (c.id % 25) ELSE 0 END,
       CASE WHEN c.status = 'active' THEN 'open' WHEN c.status = 'completed' THEN 'met' ELSE 'failed' END, 1
FROM contracts c CROSS JOIN generate_series(1, 3) AS p(position)
WHERE p.position < 3 OR c.id % 2 = 0;

INSERT INTO contract_notes (contract_id, kind, body, author_id, occurred_at, created_at)
SELECT c.id, (ARRAY['meeting', 'phone', 'general'])[k], 'Benchmark note ' || k, c.navigator_id,
       (c.start_date + k * 9)::timestamp AT TIME ZONE 'UTC', (c.start_date + k * 9)::timestamp AT TIME ZONE 'UTC'
FROM contracts c CROSS JOIN generate_series(1, 3) AS k;

-- Two appointments per contract; for contracts in progress one is today or in the coming days.
INSERT INTO appointments (contract_id, starts_at, kind, location, status, booked_by_id, created_at, updated_at,
    version)
SELECT c.id,
       CASE WHEN k = 2 AND c.status = 'active' THEN TIMESTAMP '2026-06-30 09:00' + ((c.id % 7) || ' days')::interval
                                                    + ((c.id % 8) || ' hours')::interval
            ELSE (c.start_date + 20 * k)::timestamp + interval '10 hours' END AT TIME ZONE 'UTC',
       (ARRAY['navigator_meeting', 'pathway_session'])[k], 'Benchmark office',
       CASE WHEN k = 2 AND c.status = 'active' THEN 'booked' WHEN c.id % 11 = 0 THEN 'missed' ELSE 'attended' END,
       c.navigator_id, now(), now(), 1
FROM contracts c CROSS JOIN generate_series(1, 2) AS k;

INSERT INTO contract_alerts (contract_id, kind, scheme, date, summary, created_at)
SELECT c.id, 'new_referral', 'divert', {TODAY} - 2, '{{}}', now()
FROM contracts c WHERE c.status = 'active' AND c.id % 13 = 0;

-- DIVERT: two referrals per contract, ten years of them, every status; booked ones have an appointment.
INSERT INTO divert_referrals (id, reference, person_id, person_as_recorded, identity_match, status, referral_date,
    source, substance, suspected_supply, referring_officer, referral_number, ever_assessed, possible_duplicates,
    created_by_id, created_at, updated_at, version, next_appointment_at, status_since)
SELECT n, 'DV-B-' || n, 1 + n % (:count + :count / 50), '{{}}', 'new', status, referral_date,
       (ARRAY['street', 'custody'])[1 + n % 2],
       (ARRAY['cannabis', 'cannabis', 'cannabis', 'cocaine', 'ketamine'])[1 + n % 5], false, 'PC Bench', 1,
       status IN ('assessed', 'completed'), '[]', :navigators + 3, now(), now(), 1,
       CASE WHEN status = 'assessment_booked'
            THEN (referral_date + 14)::timestamp AT TIME ZONE 'UTC' + interval '10 hours' END,
       CASE WHEN status = 'referred' THEN referral_date ELSE referral_date + 3 END
FROM (SELECT n, referral_date,
             CASE WHEN referral_date > {TODAY} - 30 THEN
                       (ARRAY['referred', 'contacted', 'assessment_booked', 'assessment_booked'])[1 + n % 4]
                  ELSE (ARRAY['completed', 'completed', 'completed', 'disengaged', 'declined'])[1 + n % 5] END
                  AS status
      FROM (SELECT n, date '2016-07-01' + ((n::bigint * 3650) / (2 * :count))::int AS referral_date
            FROM generate_series(1, 2 * :count) AS n) AS d) AS s;

INSERT INTO divert_events (referral_id, event, date, recorded_by_id, created_at, appointment_at)
SELECT r.id, 'contacted', r.referral_date + 3, :navigators + 2, now(), NULL
FROM divert_referrals r WHERE r.status <> 'referred';

INSERT INTO divert_events (referral_id, event, date, recorded_by_id, created_at, appointment_at)
SELECT r.id, 'assessment_booked', r.referral_date + 4, :navigators + 2, now(), r.next_appointment_at
FROM divert_referrals r WHERE r.status = 'assessment_booked';

SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users));
SELECT setval(pg_get_serial_sequence('people', 'id'), (SELECT max(id) FROM people));
SELECT setval(pg_get_serial_sequence('checkpoint_referrals', 'id'), (SELECT max(id) FROM checkpoint_referrals));
SELECT setval(pg_get_serial_sequence('contracts', 'id'), (SELECT max(id) FROM contracts));
SELECT setval(pg_get_serial_sequence('divert_referrals', 'id'), (SELECT max(id) FROM divert_referrals))
"""


def main() -> int:
    os.environ.setdefault("DIVERSION_ENV", "testing")
    results = {}
    for size in (SMALL, BIG):
        outcome = _with_database(size)
        if outcome is None:
            return 2
        results[size] = outcome
    print(f"\nWorking-day pages, median of {RUNS} requests each (ratio = {BIG:,} contracts / {SMALL:,}; goal <= 1.3):")
    worst = 0.0
    for label, *_ in PAGES:
        (small_ms, small_sql), (big_ms, big_sql) = results[SMALL][label], results[BIG][label]
        ratio = big_ms / small_ms
        worst = max(worst, ratio)
        print(f"  {label:34s} {small_ms:7.1f} ms -> {big_ms:7.1f} ms  ratio {ratio:4.2f}   "
              f"statements {small_sql} -> {big_sql}")
    print(f"worst ratio {worst:.2f}")
    return 0


def _with_database(size: int):
    admin = sa.create_engine(SERVER, isolation_level="AUTOCOMMIT")
    reuse = os.environ.get(f"BENCH_REUSE_{size}")
    if reuse:
        return _measure(sa.make_url(SERVER).set(database=reuse).render_as_string(hide_password=False), size,
                        seed=False)
    name = f"diversion_bench_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        print(f"PostgreSQL is needed for the benchmark and is unreachable: {type(error).__name__}", file=sys.stderr)
        return None
    url = sa.make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    try:
        return _measure(url, size)
    finally:
        if os.environ.get("BENCH_KEEP"):
            print(f"kept database {name} ({size:,} contracts)")
        else:
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _measure(url: str, size: int, seed: bool = True) -> dict:
    from flask_migrate import upgrade

    from diversion import clock, create_app
    from diversion.extensions import db
    from diversion.models import User
    from tests.client import PageClient

    import logging

    logging.getLogger("diversion.request").setLevel(logging.WARNING)  # one line per request is noise here

    app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": True})
    app.test_client_class = PageClient
    navigators = max(1, size // CONTRACTS_PER_NAVIGATOR)
    with app.app_context():
        started = time.perf_counter()
        if seed:
            upgrade()
        with db.engine.begin() as connection:
            connection.execute(sa.text("SET LOCAL statement_timeout = 0"))  # seeding is not a request
            for statement in SEED.split(";\n") if seed else ():
                if statement.strip():
                    connection.execute(sa.text(statement), {"count": size, "navigators": navigators})
            connection.execute(sa.text("ANALYZE"))
            counts = {table: connection.scalar(sa.text(f"SELECT count(*) FROM {table}")) for table in (
                "contracts", "contract_notes", "appointments", "divert_referrals", "divert_events")}
            open_for_one = connection.scalar(sa.text(
                "SELECT count(*) FROM contracts WHERE navigator_id = 1 AND status = 'active'"))
            contract_id = connection.scalar(sa.text(
                "SELECT min(id) FROM contracts WHERE navigator_id = 1 AND status = 'active'"))
        print(f"{'seeded' if seed else 'reused a database of'} {', '.join(f'{n:,} {t}' for t, n in counts.items())}, {navigators:,} navigators "
              f"({open_for_one} open contracts for navigator 1) in {time.perf_counter() - started:.0f} s")
        users = {role: db.session.scalar(sa.select(User).where(User.role == role).order_by(User.id).limit(1))
                 for role in ("navigator", "provider", "manager")}
        db.session.remove()
    clock.freeze(NOW)
    statements = {"n": 0}

    def _count(*_args, **_kwargs):
        statements["n"] += 1

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", _count)

    clients = {}
    for role, user in users.items():
        client = app.test_client()
        client.sign_in_as(user)
        clients[role] = client
    paths = [(label, role, path.format(contract_id=contract_id)) for label, role, path in PAGES]
    timings = {label: [] for label, *_ in paths}
    counted = {}
    try:
        for label, role, path in paths:  # warm up, and check each page answers
            response = clients[role].get(path)
            if response.status_code != 200:
                raise SystemExit(f"{label}: {path} answered {response.status_code}")
        for _ in range(RUNS):
            for label, role, path in paths:
                statements["n"] = 0
                t = time.perf_counter()
                clients[role].get(path)
                timings[label].append((time.perf_counter() - t) * 1000)
                counted[label] = statements["n"]
    finally:
        clock.freeze(None)
    return {label: (statistics.median(values), counted[label]) for label, values in timings.items()}


if __name__ == "__main__":
    sys.exit(main())
