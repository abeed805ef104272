"""Benchmark (not a test): the distinct-people figures (DIVERT people and repeats, people diverted by scheme,
people seen more than once) read from the people counters (services/people_counts.py) against the queries that
count them from the cases (services/report_recount.py), for 12 months and for 10 years, in PostgreSQL.

Seeds BENCH_CONTRACTS referrals, people and contracts (as bench_reports.py does) and twice as many DIVERT
referrals spread over the same people and ten years, with INSERT ... SELECT; rebuilds the counters; checks the two
ways agree; prints the medians. `BENCH_CONTRACTS=1000000 .venv/bin/python tests/bench/bench_people.py`.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
import uuid
from datetime import date

import sqlalchemy as sa

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from tests.bench.bench_reports import SEED, SERVER  # noqa: E402

CONTRACTS = int(os.environ.get("BENCH_CONTRACTS", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
PERIODS = {"12 months": (date(2025, 1, 15), date(2026, 1, 14)), "10 years": (date(2016, 1, 15), date(2026, 1, 14))}

DIVERT_SEED = """
INSERT INTO divert_referrals (id, reference, person_id, person_as_recorded, identity_match, status, referral_date,
    source, substance, suspected_supply, referring_officer, referral_number, ever_assessed, possible_duplicates,
    created_at, updated_at, version)
SELECT n, 'DV-' || n, 1 + (n::bigint * 7919) % (:count * 3 / 4), '{}', 'new', 'referred',
       date '2016-01-01' + ((n::bigint * 3650) / (2 * :count))::int + (n % 5), 'street', 'cannabis', false, 'PC 1',
       1, false, '[]', now(), now(), 1
FROM generate_series(1, 2 * :count) AS n
"""


def main() -> int:
    os.environ.setdefault("DIVERSION_ENV", "testing")
    os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "300")  # seeding a million rows, and the old queries
    admin = sa.create_engine(SERVER, isolation_level="AUTOCOMMIT")
    name = f"diversion_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    try:
        return _run(url)
    finally:
        if os.environ.get("BENCH_KEEP"):
            print(f"kept database {name}")
            return 0
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _median_ms(work) -> float:
    work()  # warm
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def _run(url: str) -> int:
    from datetime import datetime, timezone

    from flask_migrate import upgrade

    from diversion import clock, create_app
    from diversion.extensions import db
    from diversion.services import people_counts, report_recount

    app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        with db.engine.begin() as connection:
            for statement in [*SEED.split(";\n"), DIVERT_SEED]:
                if statement.strip():
                    connection.execute(sa.text(statement), {"count": CONTRACTS})
        print(f"seeded {CONTRACTS:,} contracts and {2 * CONTRACTS:,} DIVERT referrals in "
              f"{time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        with db.engine.begin() as connection:
            rows = people_counts.rebuild(connection)
            connection.execute(sa.text("ANALYZE"))
        print(f"rebuilt the people counters ({rows:,} rows) in {time.perf_counter() - started:.1f} s")
        clock.freeze(datetime(2026, 6, 30, 12, tzinfo=timezone.utc))
        figures = (("divert_people", people_counts.divert_people, report_recount.divert_people),
                   ("people_diverted", people_counts.people_diverted, report_recount.people_diverted),
                   ("seen_more_than_once", people_counts.seen_more_than_once, report_recount.seen_more_than_once))
        for label, (start, end) in PERIODS.items():
            for name, new, old in figures:
                assert new(start, end) == old(start, end), (label, name, new(start, end), old(start, end))
                new_ms, old_ms = _median_ms(lambda: new(start, end)), _median_ms(lambda: old(start, end))
                print(f"{label:9s} {name:20s}: counters {new_ms:7.1f} ms, from the cases {old_ms:8.1f} ms  "
                      f"{new(start, end)}")
        _plan(db, people_counts)
        db.session.remove()
        db.engine.dispose()
    return 0


def _plan(db, people_counts) -> int:
    """The plan of the read of all four streams over ten years (as `_read` runs it: no parallel workers)."""
    start, end = PERIODS["10 years"]
    statement, params = people_counts._statement(people_counts.STREAMS, start, end)
    db.session.execute(sa.text("SET LOCAL max_parallel_workers_per_gather = 0"))
    plan = db.session.execute(sa.text("EXPLAIN (ANALYZE, BUFFERS) " + statement.text), params).scalars().all()
    print("plan, all four streams over 10 years:", " | ".join(line.strip() for line in plan if not line.startswith(" ")))
    db.session.rollback()
    return 0

if __name__ == "__main__":
    sys.exit(main())
