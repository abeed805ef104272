"""Benchmark (not a test): importing a 1,000,000-row proven reoffending extract against PostgreSQL's own COPY of the
same file into a bare table. Run with `make bench-reoffending` (also part of `make bench`).

It creates a fresh database, builds the schema with the migrations, seeds 100,000 people holding PNC ids with
INSERT ... SELECT generate_series, writes a seeded random CSV of 1,000,000 rows (about half naming a seeded person),
then times, three times each (median):
  - COPY: the file into a bare three-column table (psycopg's cursor.copy, CSV with a header);
  - import: `flask reoffending import FILE` through the app's CLI runner (every line checked, the file staged with
    COPY, its dates checked in SQL, repeats grouped, matched by PNC id and inserted with INSERT ... SELECT,
    records already held left out, indexes kept up, committed), into empty reoffence tables each time;
and prints both and the ratio (goal: import at most 10x COPY).
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

from tests.bench import scratch_db

ROWS = int(os.environ.get("BENCH_REOFFENCES", "1000000"))
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
TODAY = date(2026, 6, 30)
LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"

SEED_PEOPLE = """
INSERT INTO people (id, given_name, family_name, name_key, date_of_birth, pnc_id, created_at, updated_at, version)
SELECT n, 'Given' || n, 'Family' || (n % 5000), 'given' || n || ' family' || (n % 5000),
       date '1960-01-01' + ((n::bigint * 7919) % 16000)::int,
       (2000 + n % 20) || '/' || lpad(n::text, 7, '0') || substr('ABCDEFGHJKLMNPQRTUVWXYZ', 1 + n % 23, 1),
       now(), now(), 1
FROM generate_series(1, :count) AS n
"""


def pnc(n: int) -> str:
    """The PNC id the seed gives person n (and, for n beyond the seeded people, nobody's)."""
    return f"{2000 + n % 20}/{n:07d}{LETTERS[n % 23]}"


def write_extract(path: Path) -> None:
    rng = random.Random(2026)
    first = date(2018, 1, 1).toordinal()
    span = (TODAY - timedelta(days=400)).toordinal() - first
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("pnc_id", "offence_date", "disposal_date"))
        for _ in range(ROWS):
            offence = first + rng.randrange(span)
            writer.writerow((pnc(rng.randrange(1, 2 * PEOPLE + 1)), date.fromordinal(offence).isoformat(),
                             date.fromordinal(offence + rng.randrange(0, 365)).isoformat()))


def main() -> int:
    os.environ.setdefault("DIVERSION_ENV", "testing")
    try:
        with scratch_db.fresh() as url, tempfile.TemporaryDirectory() as folder:
            return _run(url, Path(folder) / "extract.csv")
    except scratch_db.Unreachable as error:
        print(error, file=sys.stderr)
        return 2


def _copy_bare(engine, path: Path) -> float:
    with engine.begin() as connection:
        connection.execute(sa.text("TRUNCATE bare_extract"))
    raw = engine.raw_connection()
    try:
        started = time.perf_counter()
        with raw.driver_connection.cursor() as cursor:
            with cursor.copy("COPY bare_extract FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                with path.open("rb") as handle:
                    while chunk := handle.read(1 << 20):
                        copy.write(chunk)
        raw.commit()
        return time.perf_counter() - started
    finally:
        raw.close()


def _import(app, engine, path: Path) -> tuple[float, str]:
    with engine.begin() as connection:
        connection.execute(sa.text("TRUNCATE reoffences, reoffence_imports"))
    runner = app.test_cli_runner()
    started = time.perf_counter()
    result = runner.invoke(args=["reoffending", "import", str(path)])
    elapsed = time.perf_counter() - started
    if result.exit_code != 0:
        raise RuntimeError(result.output) from result.exception
    return elapsed, result.output.strip().splitlines()[-1]


def _run(url: str, path: Path) -> int:
    from flask_migrate import upgrade

    from diversion import clock, create_app
    from diversion.extensions import db

    app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        engine = db.engine
        started = time.perf_counter()
        with engine.begin() as connection:
            connection.execute(sa.text(SEED_PEOPLE), {"count": PEOPLE})
            connection.execute(sa.text("CREATE TABLE bare_extract (pnc_id text, offence_date date, disposal_date date)"))
            connection.execute(sa.text("ANALYZE"))
        print(f"seeded {PEOPLE:,} people with PNC ids in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        write_extract(path)
        print(f"wrote {ROWS:,} rows ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s")
        clock.freeze(datetime(2026, 6, 30, 12, tzinfo=timezone.utc))
        timings: dict[str, list[float]] = {"copy": [], "import": []}
        summary = ""
        for _ in range(RUNS):
            timings["copy"].append(_copy_bare(engine, path))
            elapsed, summary = _import(app, engine, path)
            timings["import"].append(elapsed)
        copy, imported = statistics.median(timings["copy"]), statistics.median(timings["import"])
        print(f"COPY into a bare table: {copy:6.2f} s (runs: {', '.join(f'{t:.2f}' for t in timings['copy'])})")
        print(f"reoffending import:     {imported:6.2f} s (runs: {', '.join(f'{t:.2f}' for t in timings['import'])})")
        print(f"  {summary}")
        print(f"ratio {imported / copy:.2f}x (median of {RUNS}; goal: at most 10x)")
        db.session.remove()
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
