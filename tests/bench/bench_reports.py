"""Benchmark (not a test): the Checkpoint report on 100,000 contracts in PostgreSQL, against the bare
GROUP BY queries it needs, measured in the same run. Run with `make bench`.

It creates a fresh database, builds the schema with the migrations, seeds 100,000 referrals, people and
contracts (ten years of them, every status) with INSERT ... SELECT, then times, alternately and several
times each:
  - bare: the four aggregate statements the report needs, as plain SQL through the same connection;
  - report: services.reports.checkpoint() for a 12-month period (SQLAlchemy, Python, kpis maths);
and prints the medians and their ratio (goal: at most 2x). Grouped reports are timed the same way.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
import uuid
from datetime import date

import sqlalchemy as sa

SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
CONTRACTS = int(os.environ.get("BENCH_CONTRACTS", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "9"))
PERIOD = (date(2025, 1, 1), date(2025, 12, 31))

SEED = """
INSERT INTO users (id, email, name, role, password_hash, active, password_changed_at, created_at, updated_at, version,
    must_change_password)
SELECT n, 'navigator' || n || '@bench.example', 'Navigator ' || n, 'navigator', 'x', true, now(), now(), now(), 1, false
FROM generate_series(1, 40) AS n;

INSERT INTO people (id, given_name, family_name, name_key, date_of_birth, gender, ethnicity, created_at,
    updated_at, version)
SELECT n, given_name, family_name,
       -- what diversion.domain.identity.name_key gives for these ASCII names (checked by _check_name_keys)
       regexp_replace(lower(given_name), '[^a-z0-9]', '', 'g') || ' '
           || regexp_replace(lower(family_name), '[^a-z0-9]', '', 'g'),
       date '1960-01-01' + ((n::bigint * 7919) % 16000)::int,
       (ARRAY['female', 'male', 'male', 'not_stated'])[1 + n % 4],
       (ARRAY['white_british', 'white_other', 'asian_pakistani', 'black_african', 'mixed_other', 'asian_indian',
              'black_caribbean', 'not_stated'])[1 + (n::bigint * 31) % 8],
       now(), now(), 1
FROM (SELECT n, 'Given' || n AS given_name, 'Family' || (n % 5000) AS family_name
      FROM generate_series(1, :count) AS n) AS s;

INSERT INTO checkpoint_referrals (id, reference, person_id, person_as_recorded, identity_match, status,
    referral_date, offence_category, offence_description, offence_date, hate_crime, interview, evidential_test_met,
    court_order, on_bail, co_accused, detained_mental_health, has_victim, victim_wishes_restorative,
    previous_convictions, eligible, offence_age_limit_months, reasons, possible_duplicates, created_at, updated_at,
    version)
SELECT n, 'CP-' || extract(year FROM referral_date) || '-'
              || lpad(number::text, greatest(5, length(number::text)), '0'),
       n, '{}', 'new', 'contracted', referral_date,
       (ARRAY['theft', 'criminal_damage', 'common_assault', 'public_order', 'drugs_possession', 'fraud'])[1 + n % 6],
       'Benchmark offence', referral_date - 3, false, 'admitted', true, false, false,
       false, false, true, false, 0, true, 3, '[]', '[]', now(), now(), 1
FROM (SELECT n, referral_date,
             row_number() OVER (PARTITION BY extract(year FROM referral_date) ORDER BY n) AS number
      FROM (SELECT n, date '2016-01-01' + ((n::bigint * 3650) / :count)::int AS referral_date
            FROM generate_series(1, :count) AS n) AS d) AS s;

INSERT INTO contracts (id, referral_id, person_id, navigator_id, status, start_date, deadline, participant_consent,
    warning_given, outcome_date, outcome_reason, prosecution_referred, created_at, updated_at, version)
SELECT n, n, n, 1 + n % 40,
       CASE WHEN start_date + 130 > date '2026-06-30' THEN 'active'
            WHEN n % 20 = 0 THEN 'breached' WHEN n % 97 = 0 THEN 'discontinued' ELSE 'completed' END,
       start_date, start_date + 122, true, true,
       CASE WHEN start_date + 130 > date '2026-06-30' THEN NULL
            WHEN n % 20 = 0 THEN start_date + 40 ELSE start_date + 125 END,
       CASE WHEN start_date + 130 > date '2026-06-30' THEN NULL
            WHEN n % 20 = 0 THEN (ARRAY['reoffended', 'condition_failed', 'withdrew_consent', 'other'])[1 + n % 4]
            WHEN n % 97 = 0 THEN 'not_in_public_interest' END,
       n % 20 = 0, now(), now(), 1
FROM (SELECT n, date '2016-01-01' + ((n::bigint * 3650) / :count)::int + (n % 9) AS start_date
      FROM generate_series(1, :count) AS n) AS s;
"""

BARE = [
    "SELECT count(*), sum(CASE WHEN r.eligible THEN 1 ELSE 0 END) FROM checkpoint_referrals r "
    "JOIN people p ON r.person_id = p.id WHERE r.referral_date BETWEEN :start AND :end",
    "SELECT (c.start_date - r.referral_date) AS d, count(*) FROM contracts c JOIN checkpoint_referrals r "
    "ON c.referral_id = r.id JOIN people p ON c.person_id = p.id WHERE c.start_date BETWEEN :start AND :end GROUP BY d",
    "SELECT c.status, c.outcome_reason, count(*) FROM contracts c JOIN checkpoint_referrals r ON c.referral_id = r.id "
    "JOIN people p ON c.person_id = p.id WHERE c.outcome_date BETWEEN :start AND :end GROUP BY c.status, c.outcome_reason",
    "SELECT count(*), sum(CASE WHEN c.deadline < :today THEN 1 ELSE 0 END) FROM contracts c "
    "JOIN checkpoint_referrals r ON c.referral_id = r.id JOIN people p ON c.person_id = p.id WHERE c.status = 'active'",
]


def main() -> int:
    os.environ.setdefault("DIVERSION_ENV", "testing")
    admin = sa.create_engine(SERVER, isolation_level="AUTOCOMMIT")
    name = f"diversion_bench_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        print(f"PostgreSQL is needed for the benchmark and is unreachable: {type(error).__name__}", file=sys.stderr)
        return 2
    url = sa.make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    try:
        return _run(url)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _run(url: str) -> int:
    from flask_migrate import upgrade

    from diversion import clock, create_app
    from diversion.extensions import db
    from diversion.services import reports

    app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        with db.engine.begin() as connection:
            for statement in SEED.split(";\n"):
                if statement.strip():
                    connection.execute(sa.text(statement), {"count": CONTRACTS})
            _check_name_keys(connection)
        print(f"seeded {CONTRACTS:,} contracts with their referrals and people in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        with db.engine.begin() as connection:  # cases loaded with SQL: the report counters are rebuilt from them
            from diversion.services import rollups

            rows = rollups.rebuild(connection)
            connection.execute(sa.text("ANALYZE"))
        print(f"rebuilt the report counters ({rows:,} rows) in {time.perf_counter() - started:.1f} s")
        from datetime import datetime, timezone

        clock.freeze(datetime(2026, 6, 30, 12, tzinfo=timezone.utc))
        params = {"start": PERIOD[0], "end": PERIOD[1], "today": date(2026, 6, 30)}
        connection = db.session.connection()

        def bare():
            for statement in BARE:
                connection.execute(sa.text(statement), params).all()

        results = {}
        for label, group in [("overall", None), ("by ethnicity", "ethnicity"), ("by navigator", "navigator")]:
            def report(group=group):
                reports.checkpoint(*PERIOD, group)
            timings = {"bare": [], "report": []}
            bare(), report()  # warm caches and compiled statements
            for _ in range(RUNS):
                for which, work in (("bare", bare), ("report", report)):
                    t = time.perf_counter()
                    work()
                    timings[which].append(time.perf_counter() - t)
            b, r = statistics.median(timings["bare"]), statistics.median(timings["report"])
            results[label] = (b, r)
            print(f"Checkpoint report {label:13s}: report {r * 1000:7.1f} ms, bare GROUP BY {b * 1000:7.1f} ms, "
                  f"ratio {r / b:4.2f}x (median of {RUNS})")
        for label, period in [("12 months", PERIOD), ("10 years", (date(2016, 1, 1), date(2025, 12, 31)))]:
            for group in (None, "ethnicity", "navigator"):
                timings = []
                for _ in range(RUNS):
                    t = time.perf_counter()
                    reports.checkpoint(*period, group)
                    reports.divert(*period, group if group != "navigator" else None)
                    reports.monthly_checkpoint(*period)
                    timings.append(time.perf_counter() - t)
                print(f"dashboard figures {label}, by {group or 'nothing'}: "
                      f"{statistics.median(timings) * 1000:.1f} ms (median of {RUNS})")
        from diversion.services import report_recount

        print("counters equal a full recount:", report_recount.differences([PERIOD]) == [])
        figures = reports.checkpoint(*PERIOD)
        print(f"(period {PERIOD[0]} to {PERIOD[1]}: {figures['contracts_started']:,} contracts started, "
              f"{figures['ended']['completed']:,} completed, completion rate {figures['completion_rate']})")
        plan = connection.execute(sa.text("EXPLAIN " + BARE[2]), params).scalars().all()
        print("plan of the outcomes query:", " | ".join(line.strip() for line in plan[:6]))
        worst = max(r / b for b, r in results.values())
        print(f"worst ratio {worst:.2f}x (goal: at most 2x)")
        _export_memory(reports)
        db.session.remove()
        db.engine.dispose()
    return 0


def _check_name_keys(connection) -> None:
    """The seed computes name_key in SQL: it must be what the app computes in Python for the same names."""
    from diversion.domain.identity import name_key

    sample = connection.execute(sa.text(
        "SELECT given_name, family_name, name_key FROM people WHERE id % 997 = 1 OR id IN (1, 4999, 5000)")).all()
    wrong = [row for row in sample if row.name_key != name_key(row.given_name, row.family_name)]
    if wrong:
        raise AssertionError(f"seeded name_key differs from domain.identity.name_key for {len(wrong)} of "
                             f"{len(sample)} sampled people, e.g. {tuple(wrong[0])}")


def _export_memory(reports) -> None:
    """The case-level CSV streams in batches: peak Python memory for one year of rows against ten years."""
    import tracemalloc

    peaks = {}
    for label, period in (("1 year", PERIOD), ("10 years", (date(2016, 1, 1), date(2026, 6, 30)))):
        tracemalloc.start()
        rows = sum(1 for _ in reports.case_rows(*period))
        peaks[label] = (rows, tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    (small_rows, small_peak), (big_rows, big_peak) = peaks["1 year"], peaks["10 years"]
    print(f"case export streaming: {small_rows:,} rows peak {small_peak / 1e6:.1f} MB, {big_rows:,} rows peak "
          f"{big_peak / 1e6:.1f} MB: {big_rows / small_rows:.1f}x the rows for {big_peak / small_peak:.2f}x the memory")


if __name__ == "__main__":
    sys.exit(main())
