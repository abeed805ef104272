"""Benchmark (not a test): the proven reoffending report from the counters (services/reoffending_counts.py) against
the cohort scan it replaced (services/reoffending_recount.py), and what keeping the counters adds to an import.

It creates a fresh database, builds the schema with the migrations, seeds BENCH_CONTRACTS contracts (ten years,
with their referrals and people, twice as many DIVERT referrals: tests/bench/national_seed.py) and about one proven
reoffence for every two people, all with INSERT ... SELECT; rebuilds the counters (timed: what the upgrade does);
then times, several times each (median):
  - the report by the cohort scan and from the counters: the dashboard's default period, ten years, ten years
    grouped by ethnicity, each followed up for 12 months;
  - an import of BENCH_IMPORT records (a CSV through the command line's path; half of them naming a person with a
    case), with the counters kept and with their upkeep switched off, the added records removed between runs;
and checks that both ways give the same figures afterwards.

    BENCH_CONTRACTS=100000 .venv/bin/python -m tests.bench.bench_reoffending_report
"""
from __future__ import annotations

import csv
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

from tests.bench import national_seed, scratch_db

CONTRACTS = int(os.environ.get("BENCH_CONTRACTS", "100000"))
IMPORT = int(os.environ.get("BENCH_IMPORT", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
IMPORT_RUNS = int(os.environ.get("BENCH_IMPORT_RUNS", "2"))
TODAY = date(2026, 6, 30)

MORE = """
UPDATE people SET pnc_id = (2000 + id % 20) || '/' || lpad(id::text, 7, '0')
                           || substr('ABCDEFGHJKLMNPQRTUVWXYZ', 1 + id % 23, 1);

INSERT INTO reoffence_imports (id, source, imported_at, received, matched, unmatched, added)
VALUES (1, 'cli', now(), 0, 0, 0, 0);

INSERT INTO reoffences (pnc_id, offence_date, disposal_date, person_id, import_id, imported_at)
SELECT p.pnc_id || '', o.offence_date, least(o.offence_date + (p.id * 13) % 300, date '2026-06-30'), p.id, 1, now()
FROM people p
CROSS JOIN LATERAL (SELECT date '2016-03-01' + ((p.id::bigint * 7919 + k * 104729) % 3700)::int AS offence_date
                    FROM generate_series(1, 1 + p.id % 2) AS k) AS o
WHERE p.id % 3 <> 0 AND o.offence_date <= date '2026-06-30'
ON CONFLICT DO NOTHING;

SELECT setval(pg_get_serial_sequence('reoffence_imports', 'id'), 1)
"""


def main() -> int:
    os.environ.setdefault("DIVERSION_ENV", "testing")
    kept = os.environ.get("BENCH_KEEP")  # BENCH_KEEP=<name>: the database is made with that name and kept
    try:
        with scratch_db.fresh(name=kept, keep=bool(kept)) as url:
            return _run(url)
    except scratch_db.Unreachable as error:
        print(error, file=sys.stderr)
        return 2


def _timed(work, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _run(url: str) -> int:
    from flask_migrate import upgrade

    from diversion import clock, create_app
    from diversion.extensions import db
    from diversion.services import reoffending_counts, reoffending_report, rollups

    app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        with db.engine.begin() as connection:
            navigators = max(1, CONTRACTS // national_seed.CONTRACTS_PER_NAVIGATOR)
            for statement in (national_seed.SEED + ";\n" + MORE).split(";\n"):
                if statement.strip():
                    connection.execute(sa.text(statement), {"count": CONTRACTS, "navigators": navigators})
            held = connection.execute(sa.text("SELECT count(*) FROM reoffences")).scalar_one()
        print(f"seeded {CONTRACTS:,} contracts, {2 * CONTRACTS:,} DIVERT referrals, {held:,} reoffences "
              f"in {time.perf_counter() - started:.1f} s")
        with db.engine.begin() as connection:
            connection.execute(sa.text("SET LOCAL statement_timeout = 0"))
            started = time.perf_counter()
            rows = rollups.rebuild(connection)
            print(f"rebuilt every report counter ({rows:,} rows) in {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            reoffending_counts.rebuild(connection)
            print(f"rebuilt the reoffending counters alone (the upgrade 0015) in {time.perf_counter() - started:.1f} s")
            connection.execute(sa.text("ANALYZE"))
        clock.freeze(datetime(2026, 6, 30, 12, tzinfo=timezone.utc))
        if os.environ.get("BENCH_SEED_ONLY"):
            return 0
        default = reoffending_report.period({}, 12)
        cases = [("dashboard default period", default, None), ("ten years", (date(2016, 7, 1), TODAY), None),
                 ("ten years by ethnicity", (date(2016, 7, 1), TODAY), "ethnicity")]
        real_unsettled = reoffending_counts.unsettled
        for label, (start, end), grouped in cases:
            reoffending_counts.unsettled = lambda session: True  # noqa: E731  (the cohort scan)
            scan = _timed(lambda: reoffending_report.report(start, end, 12, grouped), max(1, RUNS // 2))
            scanned = reoffending_report.report(start, end, 12, grouped)
            reoffending_counts.unsettled = real_unsettled
            counted = _timed(lambda: reoffending_report.report(start, end, 12, grouped))
            same = reoffending_report.report(start, end, 12, grouped) == scanned
            print(f"{label:28} scan {scan * 1000:9.1f} ms   counters {counted * 1000:7.1f} ms   same: {same}")
            db.session.rollback()
        _bench_import(db)
        return 0


def _write_extract(path: Path, people: int) -> None:
    rng = random.Random(2026)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("pnc_id", "offence_date", "disposal_date"))
        for _ in range(IMPORT):
            n = rng.randrange(1, 2 * people + 1)  # half name a seeded person (everyone seeded has a case)
            pnc = f"{2000 + n % 20}/{n:07d}{'ABCDEFGHJKLMNPQRTUVWXYZ'[n % 23]}"
            offence = date(2016, 7, 1) + timedelta(days=rng.randrange(3500))
            writer.writerow((pnc, offence.isoformat(), min(TODAY, offence + timedelta(days=rng.randrange(300)))))


def _bench_import(db) -> None:
    from diversion.services import reoffending_import, reoffending_import_counts as counters, reoffending_report

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "extract.csv"
        _write_extract(path, CONTRACTS)
        real = (counters.before_import, counters.after_table_lock, counters.after_import)

        def once(keep: bool) -> float:
            if not keep:
                counters.before_import = counters.after_table_lock = counters.after_import = lambda session: None
            try:
                started = time.perf_counter()
                answer = reoffending_import.import_file(path)
                db.session.commit()
                took = time.perf_counter() - started
            finally:
                counters.before_import, counters.after_table_lock, counters.after_import = real
            if keep:
                print(f"  import kept the counters: {answer['added']:,} added of {IMPORT:,}")
            return took, answer["import_id"]

        def remove(import_id: int, keep: bool) -> None:
            if keep:  # the counters took these records: rebuild them without (timing only)
                db.session.execute(sa.text("DELETE FROM reoffences WHERE import_id = :i"), {"i": import_id})
                from diversion.services import reoffending_counts
                reoffending_counts.rebuild(db.session.connection())
            else:
                db.session.execute(sa.text("DELETE FROM reoffences WHERE import_id = :i"), {"i": import_id})
            db.session.commit()

        plain, kept = [], []
        for run in range(IMPORT_RUNS):
            took, import_id = once(False)
            plain.append(took)
            remove(import_id, False)
            took, import_id = once(True)
            kept.append(took)
            if run < IMPORT_RUNS - 1:
                remove(import_id, True)
        print(f"import of {IMPORT:,} records: without counters {statistics.median(plain):.2f} s, "
              f"keeping them {statistics.median(kept):.2f} s")
        start, end = date(2016, 7, 1), TODAY
        counted = reoffending_report.report(start, end, 12, "ethnicity")
        from diversion.services import reoffending_counts
        reoffending_counts_unsettled = reoffending_counts.unsettled
        reoffending_counts.unsettled = lambda session: True  # noqa: E731
        try:
            scanned = reoffending_report.report(start, end, 12, "ethnicity")
        finally:
            reoffending_counts.unsettled = reoffending_counts_unsettled
        print(f"after the import, counters == scan: {counted == scanned}")


if __name__ == "__main__":
    sys.exit(main())
