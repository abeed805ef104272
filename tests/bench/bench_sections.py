"""Benchmark (not a test): the dashboard's other sections (custody suites, ethnicity, needs by pathway, treatment
engagement) read from the report counters, against the full recount they replaced (services/section_recount.py:
the old GROUP BY queries), on BENCH_CONTRACTS contracts in PostgreSQL, for 12 months and for 10 years.

    BENCH_CONTRACTS=100000 .venv/bin/python tests/bench/bench_sections.py

Seeds people, referrals and contracts as bench_reports.py does, then (with INSERT ... SELECT) custody suites and
declined offers on the referrals, a DIVERT referral for every third person, a pathway condition, an onward
referral and a needs assessment with three scores for every contract; rebuilds the counters; times each section.
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
from tests.bench.bench_reports import CONTRACTS, SEED, SERVER, _check_name_keys  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
PERIODS = {"12 months": (date(2025, 1, 1), date(2025, 12, 31)), "10 years": (date(2016, 1, 1), date(2025, 12, 31))}

MORE = """
UPDATE checkpoint_referrals SET
    custody_suite_code = (ARRAY['durham', 'darlington', 'peterlee', NULL])[1 + id % 4],
    status = CASE WHEN id % 13 = 0 THEN 'declined' WHEN id % 17 = 0 THEN 'awaiting_navigator' ELSE status END,
    eligible = id % 11 <> 0;

INSERT INTO divert_referrals (id, reference, person_id, person_as_recorded, identity_match, status, referral_date,
    source, substance, suspected_supply, referring_officer, referral_number, ever_assessed, possible_duplicates,
    created_at, updated_at, version)
SELECT n, 'DV-B-' || n, n * 3, '{}', 'new',
       (ARRAY['referred', 'contacted', 'assessed', 'completed', 'declined'])[1 + n % 5],
       date '2016-01-01' + ((n::bigint * 3 * 3650) / :count)::int, (ARRAY['street', 'custody'])[1 + n % 2],
       (ARRAY['cannabis', 'cocaine'])[1 + n % 2], false, 'PC 1 Bench', 1, n % 5 IN (2, 3), '[]', now(), now(), 1
FROM generate_series(1, :count / 3) AS n;

INSERT INTO contract_conditions (id, contract_id, position, type, description, pathway, hours_done, status, version)
SELECT n, n, 1, 'pathway', 'Benchmark condition',
       (ARRAY['alcohol', 'drugs', 'mental_health', 'accommodation'])[1 + n % 4], 0, 'open', 1
FROM generate_series(1, :count) AS n;

INSERT INTO onward_referrals (id, scheme, contract_id, condition_id, service_code, pathway, referred_on, started_on,
    did_not_start, recorded_by_id, created_at, updated_at, version)
SELECT c.id, 'checkpoint', c.id, c.id,
       (ARRAY['alcohol_brief_intervention', 'talking_therapies', 'community_drug_alcohol'])[1 + c.id % 3],
       k.pathway, c.start_date + 7,
       CASE WHEN c.id % 5 = 0 THEN NULL ELSE c.start_date + 7 + (c.id % 40) END, c.id % 10 = 5, 1, now(), now(), 1
FROM contracts c JOIN contract_conditions k ON k.id = c.id;

INSERT INTO needs_assessments (id, contract_id, assessed_on, assessed_by_id, created_at, updated_at, version)
SELECT id, id, start_date, 1, now(), now(), 1 FROM contracts;

INSERT INTO need_scores (id, assessment_id, position, pathway, score, review_result)
SELECT a.id * 3 + p.i, a.id, p.i, (ARRAY['alcohol', 'drugs', 'mental_health'])[1 + p.i], (a.id + p.i) % 4,
       CASE WHEN (a.id + p.i) % 4 = 0 THEN NULL ELSE (ARRAY['met', 'reduced', 'unchanged', NULL])[1 + a.id % 4] END
FROM needs_assessments a CROSS JOIN generate_series(0, 2) AS p(i);
"""


def main() -> int:
    os.environ.setdefault("DIVERSION_ENV", "testing")
    admin = sa.create_engine(SERVER, isolation_level="AUTOCOMMIT")
    name = f"diversion_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    try:
        return _run(url)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _run(url: str) -> int:
    from datetime import datetime, timezone

    from flask_migrate import upgrade

    from diversion import clock, create_app
    from diversion.extensions import db
    from diversion.services import needs_report, partnership, rollups, section_recount, treatment_report

    app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        with db.engine.begin() as connection:
            for statement in (SEED + MORE).split(";\n"):
                if statement.strip():
                    connection.execute(sa.text(statement), {"count": CONTRACTS})
            _check_name_keys(connection)
        print(f"seeded {CONTRACTS:,} contracts (with conditions, onward referrals, needs assessments) and "
              f"{CONTRACTS // 3:,} DIVERT referrals in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        with db.engine.begin() as connection:
            rows = rollups.rebuild(connection)
            connection.execute(sa.text("ANALYZE"))
        print(f"rebuilt the report counters ({rows:,} rows) in {time.perf_counter() - started:.1f} s")
        clock.freeze(datetime(2026, 6, 30, 12, tzinfo=timezone.utc))
        sections = [("custody suites", partnership.by_custody_suite, section_recount.custody_suites),
                    ("ethnicity", partnership.by_ethnicity, section_recount.ethnicity),
                    ("needs by pathway", needs_report.by_pathway, section_recount.needs_by_pathway),
                    ("treatment", treatment_report.report, section_recount.treatment)]
        for label, period in PERIODS.items():
            for name, counters, recount in sections:
                assert counters(*period) == recount(*period), (name, label)
                times = {}
                for which, work in (("before (recount)", recount), ("after (counters)", counters)):
                    work(*period)  # warm
                    runs = []
                    for _ in range(RUNS):
                        t = time.perf_counter()
                        work(*period)
                        runs.append(time.perf_counter() - t)
                    times[which] = statistics.median(runs) * 1000
                print(f"{label:9s} {name:17s}: " + ", ".join(f"{k} {v:8.1f} ms" for k, v in times.items()))
        db.session.remove()
        db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
