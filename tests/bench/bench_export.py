"""Benchmark (not a test): the ten-year case-level export of 1,000,000 contracts as a job, on PostgreSQL (issue 14,
part 2: "complete every time, memory growth ≤ 50 MB").

Creates a fresh database, migrates it, seeds BENCH_CONTRACTS (default 1,000,000) contracts with their referrals and
people over ten years with INSERT … SELECT, then, in this one process:
  - makes the export job for the whole ten years by the worker's code (export_runner), timing it and measuring the
    process's peak resident memory above what it held before (Linux: /proc/self/clear_refs resets the peak);
  - reads the stored file back as a download does (decompressing chunk by chunk), checking its SHA-256, its size
    and that its last line is the trailer counting every row, again with the peak memory above the start.
Run: `.venv/bin/python tests/bench/bench_export.py` (BENCH_POSTGRES_URL names the server).
"""
from __future__ import annotations

import hashlib
import os
import sys
import time
from datetime import date, datetime, timezone

import sqlalchemy as sa

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))  # this checkout

from tests.bench import scratch_db  # noqa: E402  (after the checkout is on the path)

CONTRACTS = int(os.environ.get("BENCH_CONTRACTS", "1000000"))
GOAL_MB = 50

SEED = """
INSERT INTO users (id, email, name, role, password_hash, active, password_changed_at, must_change_password,
    created_at, updated_at, version)
SELECT n, 'user' || n || '@bench.example', 'Navigator ' || n, CASE WHEN n = 1 THEN 'manager' ELSE 'navigator' END,
       'x', true, now(), false, now(), now(), 1
FROM generate_series(1, 1001) AS n;

INSERT INTO people (id, given_name, family_name, name_key, date_of_birth, gender, ethnicity, created_at,
    updated_at, version)
SELECT n, 'Given' || n, 'Family' || (n % 5000), 'given' || n || ' family' || (n % 5000),
       date '1960-01-01' + ((n::bigint * 7919) % 16000)::int,
       (ARRAY['female', 'male', 'male', 'not_stated'])[1 + n % 4],
       (ARRAY['white_british', 'white_other', 'asian_pakistani', 'black_african', 'mixed_other', 'asian_indian',
              'black_caribbean', 'not_stated'])[1 + (n::bigint * 31) % 8],
       now(), now(), 1
FROM generate_series(1, :count) AS n;

INSERT INTO checkpoint_referrals (id, reference, person_id, person_as_recorded, identity_match, status,
    referral_date, offence_category, offence_description, offence_date, hate_crime, interview, evidential_test_met,
    court_order, on_bail, co_accused, detained_mental_health, has_victim, victim_wishes_restorative,
    previous_convictions, eligible, offence_age_limit_months, reasons, possible_duplicates, created_at, updated_at,
    version)
SELECT n, 'CP-' || extract(year FROM referral_date) || '-' || lpad(n::text, 7, '0'),
       n, '{}', 'new', 'contracted', referral_date,
       (ARRAY['theft', 'criminal_damage', 'common_assault', 'public_order', 'drugs_possession', 'fraud'])[1 + n % 6],
       'Benchmark offence', referral_date - 3, false, 'admitted', true, false, false,
       false, false, true, false, 0, true, 3, '[]', '[]', now(), now(), 1
FROM (SELECT n, date '2016-01-01' + ((n::bigint * 3650) / :count)::int AS referral_date
      FROM generate_series(1, :count) AS n) AS d;

INSERT INTO contracts (id, referral_id, person_id, navigator_id, status, start_date, deadline, participant_consent,
    warning_given, outcome_date, outcome_reason, prosecution_referred, created_at, updated_at, version)
SELECT n, n, n, 2 + n % 1000,
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

SELECT setval(pg_get_serial_sequence('users', 'id'), 1001)
"""


def _kb(field: str) -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))


def _reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as refs:  # "5": reset the peak resident set size to the current one
        refs.write("5")


class Peak:
    """The process's peak resident memory above what it held when the block began, in MB."""

    def __enter__(self):
        _reset_peak()
        self.before = _kb("VmRSS")
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started
        self.growth_mb = (_kb("VmHWM") - self.before) / 1024


def main() -> int:
    os.environ.setdefault("DIVERSION_ENV", "testing")
    try:
        with scratch_db.fresh("diversion_bench_export") as url:
            return _run(url)
    except scratch_db.Unreachable as error:
        print(error, file=sys.stderr)
        return 2


def _run(url: str) -> int:
    from flask_migrate import upgrade

    from diversion import create_app
    from diversion.extensions import db
    from diversion.models import User

    app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        with db.engine.begin() as connection:
            connection.execute(sa.text("SET LOCAL statement_timeout = 0"))  # seeding a million rows takes longer
            for statement in SEED.split(";\n"):
                if statement.strip():
                    connection.execute(sa.text(statement), {"count": CONTRACTS})
            connection.execute(sa.text("ANALYZE"))
        print(f"seeded {CONTRACTS:,} contracts with their referrals and people in {time.perf_counter() - started:.1f} s")
        ok = export_report(app, db.session.get(User, 1), CONTRACTS)
        db.engine.dispose()
    return 0 if ok else 1


def export_report(app, manager, expected_rows: int) -> bool:
    """Inside `app`'s context: the ten-year case-level export as a job, then read back as a download; prints time,
    size and memory growth of each, and whether the file is whole. Used by this file and by the scale report."""
    from diversion import clock, export_runner
    from diversion.domain import exports as rules
    from diversion.extensions import db
    from diversion.models import ExportJob
    from diversion.services import export_jobs

    clock.freeze(datetime(2026, 6, 30, 12, tzinfo=timezone.utc))
    try:
        def made(start: date, end: date):
            job = export_jobs.request("checkpoint-cases", start, end, "Benchmark", actor=manager)
            db.session.commit()
            with Peak() as peak:
                status = export_runner.run_inline(job.id)
            db.session.expire_all()
            return db.session.get(ExportJob, job.id), status, peak

        made(date(2026, 1, 1), date(2026, 1, 31))  # warm: imports, compiled statements, the first chunk
        job, status, peak = made(date(2016, 1, 1), date(2026, 6, 30))
        print(f"export job, ten years: {status}, {job.rows:,} rows, {job.bytes / 1e6:.1f} MB of CSV stored as "
              f"{job.stored_bytes / 1e6:.1f} MB gzip, in {peak.seconds:.1f} s; peak memory growth {peak.growth_mb:.1f} MB")
        engine = db.engine
        db.session.remove()
        with Peak() as read:
            digest, size, tail = hashlib.sha256(), 0, b""
            for piece in export_jobs.plain_chunks(job.id, engine):
                digest.update(piece)
                size += len(piece)
                tail = (tail + piece[-200:])[-200:]
        last = tail.rstrip(b"\r\n").rsplit(b"\n", 1)[-1].decode().strip('"')
        whole = digest.hexdigest() == job.sha256 and size == job.bytes and rules.rows_in_trailer(last) == job.rows
        print(f"download read back: {size / 1e6:.1f} MB in {read.seconds:.1f} s, peak memory growth "
              f"{read.growth_mb:.1f} MB; SHA-256, size and trailer ({last!r}) {'agree' if whole else 'DIFFER'}")
        ok = status == "done" and whole and job.rows == expected_rows and max(peak.growth_mb, read.growth_mb) <= GOAL_MB
        print(f"export of {expected_rows:,} rows {'within' if ok else 'NOT within'} the goal (complete, every row, "
              f"memory growth <= {GOAL_MB} MB)")
        return ok
    finally:
        clock.freeze(None)


if __name__ == "__main__":
    sys.exit(main())
