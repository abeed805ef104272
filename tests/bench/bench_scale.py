"""Benchmark (not a test): the project's scale report (issue 14). Run with `make bench` or
`python -m tests.bench.bench_scale`.

For each size (1,000, 100,000 and 1,000,000 contracts) it creates a fresh PostgreSQL database, builds the schema with
the migrations and seeds, with INSERT ... SELECT, ten years of a national deployment's work in proportion: people,
Checkpoint referrals (2% awaiting a navigator), contracts of every status (about 36 open per navigator at any size),
conditions, ten notes and two appointments per contract, two DIVERT referrals per contract with their events, and
five audit events per contract (tests/bench/national_seed.py plus the notes and audit volumes of a
national deployment: 10,000,000 notes and 5,000,000 audit events at 1M). The report counters are then rebuilt
from the cases (`rollups.rebuild`, as `flask reports rebuild` does after a load by SQL).

Then it requests every page and API list of issue 14's table through the app (Flask's test client: the whole
request in one process, sessions, need to know, the audit row, rendering; no network), BENCH_RUNS times each,
alternating them, and prints for each: the median server time at each size, the ratio of the largest size to the
smallest (measured in this one run), and the SQL statements the request ran at the smallest and largest size.
Goals (issue 14): ratio <= 1.3 and < 150 ms at 1M for every page and list; <= 100 ms at 1M for the dashboard and
report API for any period up to ten years; <= 12 statements per page. Each row is marked with the goals it misses.

At the largest size it also makes the ten-year case-level export as a job and reads it back (tests/bench/
bench_export.py: complete, every row, memory growth <= 50 MB). Last, against the largest database, it starts gunicorn with production settings (2 workers) and measures the
caseload page's throughput as a share of /health's on the same server (goal >= 35%: tests/bench/bench_throughput).

Environment: BENCH_SIZES (1000,100000,1000000), BENCH_RUNS (11), BENCH_POSTGRES_URL, BENCH_THROUGHPUT (1: measure;
0: skip), BENCH_EXPORT (1), BENCH_KEEP=1 keeps the databases (names printed), BENCH_REUSE_<size>=<database> measures a kept one.
"""
from __future__ import annotations

import gc
import logging
import os
import statistics
import sys
import time
from datetime import datetime, timezone

import sqlalchemy as sa

from tests.bench import national_seed, scratch_db

SIZES = [int(size) for size in os.environ.get("BENCH_SIZES", "1000,100000,1000000").split(",")]
RUNS = int(os.environ.get("BENCH_RUNS", "11"))
NOW = datetime(2026, 6, 30, 10, tzinfo=timezone.utc)
NOTES_PER_CONTRACT = 10  # national_seed seeds 3; the rest are added here
AUDIT_PER_CONTRACT = 5
TEN_YEARS = "from=2016-07-01&to=2026-06-30"
TEN_YEARS_FORM = ("period=custom&from-day=1&from-month=7&from-year=2016&to-day=30&to-month=6&to-year=2026")

# (label, who, path, kind): kind "page" (goal 150 ms), "report" (goal 100 ms) or "api" (150 ms). {contract}, {person},
# {audit_middle} are filled in from the seeded data.
REQUESTS = [
    ("navigator: Today (home)", "navigator", "/", "page"),
    ("navigator: caseload, open", "navigator", "/contracts", "page"),
    ("navigator: caseload by risk", "navigator", "/contracts?sort=risk", "page"),
    ("navigator: caseload, all statuses", "navigator", "/contracts?status=all", "page"),
    ("navigator: a contract", "navigator", "/contracts/{contract}", "page"),
    ("navigator: a person", "navigator", "/people/{person}", "page"),
    ("provider: DIVERT worklist", "provider", "/divert/referrals", "page"),
    ("provider: upcoming assessments", "provider", "/divert/upcoming", "page"),
    ("manager: home (alerts waiting)", "manager", "/", "page"),
    ("manager: team", "manager", "/team", "page"),
    ("manager: awaiting a navigator", "manager", "/queue", "page"),
    ("manager: caseload, all navigators, open", "manager", "/contracts", "page"),
    ("manager: caseload search by name, all", "manager", "/contracts?status=all&q=Given{person}", "page"),
    ("manager: dashboard, last 12 months", "manager", "/reports/", "report"),
    ("manager: dashboard, 10 years", "manager", "/reports/?" + TEN_YEARS_FORM, "report"),
    ("admin: users", "admin", "/admin/users", "page"),
    ("admin: audit trail, first page", "admin", "/admin/audit", "page"),
    ("admin: audit trail, a middle page", "admin", "/admin/audit?after={audit_middle}", "page"),
    ("API: referrals awaiting a navigator", "manager-api", "/api/v1/checkpoint/referrals?status=awaiting_navigator",
     "api"),
    ("API: contracts, manager, active", "manager-api", "/api/v1/contracts?status=active", "api"),
    ("API: DIVERT referrals, referred", "manager-api", "/api/v1/divert/referrals?status=referred", "api"),
    ("API: audit events, a person", "admin-api", "/api/v1/audit/events?person_id={person}", "api"),
    ("API: Checkpoint report, 10 years", "manager-api", "/api/v1/reports/checkpoint?" + TEN_YEARS, "report"),
    ("API: Checkpoint report by navigator, 10 y", "manager-api",
     "/api/v1/reports/checkpoint?group_by=navigator&" + TEN_YEARS, "report"),
    ("API: DIVERT report, 10 years", "manager-api", "/api/v1/reports/divert?" + TEN_YEARS, "report"),
    ("API: partnership report, 10 years", "manager-api", "/api/v1/reports/partnership?" + TEN_YEARS, "report"),
    ("API: needs report, 10 years", "manager-api", "/api/v1/reports/needs?" + TEN_YEARS, "report"),
    ("API: reoffending report, 10 years", "manager-api", "/api/v1/reports/reoffending?" + TEN_YEARS, "report"),
]
# The tables nothing else in the seed reads from: loaded without their indexes and keys, which are built after.
BULK_TABLES = ("contract_notes", "appointments", "contract_alerts", "divert_events",
               "audit_events")
GOAL_MS = {"page": 150, "api": 150, "report": 100}
GOAL_RATIO, GOAL_STATEMENTS = 1.3, 12

EXTRA_SEED = f"""
INSERT INTO users (id, email, name, role, password_hash, active, password_changed_at, created_at, updated_at,
    version, must_change_password)
VALUES (:navigators + 4, 'admin@bench.example', 'Admin', 'admin', 'x', true, now(), now(), now(), 1, false);

SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users));

INSERT INTO contract_notes (contract_id, kind, body, author_id, occurred_at, created_at)
SELECT c.id, 'general', 'Benchmark note ' || k, c.navigator_id,
       (c.start_date + k * 9)::timestamp AT TIME ZONE 'UTC', (c.start_date + k * 9)::timestamp AT TIME ZONE 'UTC'
FROM contracts c CROSS JOIN generate_series(4, {NOTES_PER_CONTRACT}) AS k
"""

# Five events per contract spread evenly over the ten years: views of contracts and people, notes, list views and
# sign-ins; each person's events scattered through the table by a multiplicative hash, as in life.
AUDIT_SEED = """
INSERT INTO audit_events (id, occurred_at, actor_id, action, object_type, object_id, person_id, source)
SELECT n, timestamptz '2016-07-01 00:00+00' + (n::float8 * (315446400.0 / :events)) * interval '1 second',
       1 + (n::bigint * 7919) % :navigators,
       (ARRAY['contract.view', 'contract.view', 'contract.view', 'person.view', 'contract.note', 'contract.list',
              'auth.sign_in'])[k],
       (ARRAY['contract', 'contract', 'contract', 'person', 'contract', 'contract', 'user'])[k],
       CASE WHEN k <= 5 THEN (1 + (n::bigint * 104729) % :count)::text
            WHEN k = 7 THEN (1 + (n::bigint * 7919) % :navigators)::text END,
       CASE WHEN k <= 5 THEN 1 + (n::bigint * 104729) % :count END,
       'page'
FROM (SELECT n, 1 + ((n::bigint * 2654435761) % 4294967296) % 7 AS k FROM generate_series(1, :events) AS n) AS s;

SELECT setval(pg_get_serial_sequence('audit_events', 'id'), (SELECT max(id) FROM audit_events))
"""


def main() -> int:
    os.environ.setdefault("DIVERSION_ENV", "testing")
    logging.getLogger("diversion.request").setLevel(logging.WARNING)  # one line per request is noise here
    started = time.perf_counter()
    databases = {}
    try:
        for size in SIZES:  # seed every size first, then measure them side by side
            url = _database(size)
            if url is None:
                return 2
            databases[size] = url
        prepared = {size: _prepare(url, size, seed=not os.environ.get(f"BENCH_REUSE_{size}"))
                    for size, url in databases.items()}
        results = _measure(prepared)
        _print_table(results)
        export_ok = None
        if os.environ.get("BENCH_EXPORT", "1") != "0":
            export_ok = _export(*prepared[SIZES[-1]][:2], SIZES[-1])
        for app, *_rest in prepared.values():
            with app.app_context():
                from diversion.extensions import db

                db.engine.dispose()
        throughput = None
        if os.environ.get("BENCH_THROUGHPUT", "1") != "0":
            throughput = _throughput(databases[SIZES[-1]])
        if export_ok is not None:
            print(f"case-level export of {SIZES[-1]:,} rows: "
                  f"{'complete, within the memory goal' if export_ok else 'MISSES the goal'}")
        if throughput is not None:
            print(f"caseload throughput at {SIZES[-1]:,} contracts: {throughput:.1%} of /health "
                  f"(goal >= 35%){'' if throughput >= 0.35 else '  MISSES the goal'}")
    finally:
        for size, url in databases.items():
            if os.environ.get("BENCH_KEEP") or os.environ.get(f"BENCH_REUSE_{size}"):
                print(f"kept database {sa.make_url(url).database} ({size:,} contracts)")
            else:
                scratch_db.drop(url)
    print(f"scale report finished in {(time.perf_counter() - started) / 60:.1f} min")
    return 0


def _print_table(results: dict) -> None:
    small, big = SIZES[0], SIZES[-1]
    sizes = "".join(f"{_size_label(size):>10s}" for size in SIZES)
    print(f"\nScale report: median server time of {RUNS} requests each, in one run (ratio = {_size_label(big)} / "
          f"{_size_label(small)}; goals: ratio <= {GOAL_RATIO}, < 150 ms at {_size_label(big)} (reports < 100 ms), "
          f"<= {GOAL_STATEMENTS} statements)")
    print(f"| {'page or list':44s} |{sizes} | ratio | statements | answer, kB     | misses |")
    print(f"|{'-' * 46}|{'-' * len(sizes)}-|-------|------------|----------------|--------|")
    missed_rows = 0
    for label, _who, _path, kind in REQUESTS:
        times = [results[size][label][0] for size in SIZES]
        small_sql, big_sql = results[small][label][1], results[big][label][1]
        ratio = times[-1] / times[0]
        misses = [name for name, missed in (("ratio", ratio > GOAL_RATIO), ("time", times[-1] >= GOAL_MS[kind]),
                                            ("statements", big_sql > GOAL_STATEMENTS or big_sql > small_sql))
                  if missed]
        missed_rows += bool(misses)
        answer = f"{_kilobytes(results[small][label][2]):>5s} -> {_kilobytes(results[big][label][2]):<5s}"
        print(f"| {label:44s} |{''.join(f'{t:8.1f}ms' for t in times)} | {ratio:5.2f} | {small_sql:4d} -> {big_sql:<4d}"
              f"| {answer:14s} | {', '.join(misses) or '-':6s} |")
    print(f"{len(REQUESTS) - missed_rows} of {len(REQUESTS)} rows within every goal")
    print("(answer: the size of the page or JSON at the smallest and largest size. Where it grows, the answer holds "
          "more: a list not yet full at the small size, or a row per navigator)")


def _kilobytes(size: int) -> str:
    return f"{size / 1000:.1f}" if size < 10_000 else f"{size / 1000:.0f}"


def _size_label(size: int) -> str:
    return f"{size // 1_000_000}M" if size >= 1_000_000 and size % 1_000_000 == 0 else \
        f"{size // 1000}k" if size % 1000 == 0 else str(size)


def _database(size: int) -> str | None:
    """The URL of a fresh database for `size` contracts (or of the kept one named by BENCH_REUSE_<size>)."""
    reuse = os.environ.get(f"BENCH_REUSE_{size}")
    if reuse:
        return scratch_db.url_of(reuse)
    try:
        return scratch_db.create()
    except scratch_db.Unreachable as error:
        print(error, file=sys.stderr)
        return None


def _seed(connection, size: int, navigators: int) -> dict:
    from diversion.services import rollups
    from tests.bench.bulk import without_indexes

    timings = {}
    connection.execute(sa.text("SET LOCAL statement_timeout = 0"))  # seeding is not a request
    connection.execute(sa.text("SET LOCAL maintenance_work_mem = '512MB'"))
    connection.execute(sa.text("SET LOCAL synchronous_commit = off"))
    parameters = {"count": size, "navigators": navigators, "events": size * AUDIT_PER_CONTRACT}
    t = time.perf_counter()
    with without_indexes(connection, *BULK_TABLES):
        for statement in (national_seed.SEED + ";\n" + EXTRA_SEED + ";\n" + AUDIT_SEED).split(";\n"):
            if statement.strip():
                connection.execute(sa.text(statement), parameters)
        timings["rows"] = time.perf_counter() - t
        t = time.perf_counter()
    timings["indexes"] = time.perf_counter() - t
    t = time.perf_counter()
    rollups.rebuild(connection)  # cases loaded by SQL: the report counters are built from them
    timings["counters"] = time.perf_counter() - t
    return timings


def _prepare(url: str, size: int, seed: bool) -> tuple:
    """Migrate and seed (unless reused) one size's database; an app on it, signed-in clients and the requests."""
    from flask_migrate import upgrade

    from diversion import create_app
    from diversion.extensions import db
    from diversion.keyset import encode
    from diversion.models import User
    from diversion.services import tokens
    from tests.client import PageClient

    app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": True})
    app.test_client_class = PageClient
    navigators = max(1, size // national_seed.CONTRACTS_PER_NAVIGATOR)
    with app.app_context():
        started = time.perf_counter()
        timings = {}
        upgrade()  # (a kept database is brought up to the code's schema)
        if seed:
            with db.engine.begin() as connection:
                timings = _seed(connection, size, navigators)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("SET statement_timeout = 0"))
            t = time.perf_counter()
            if seed:  # the visibility map too: index-only scans, as a settled production database has them
                connection.execute(sa.text("VACUUM ANALYZE"))
            else:  # a kept database: what an upgrade may have rebuilt (the counters) is settled again
                connection.execute(sa.text("VACUUM ANALYZE report_counts, people_event_counts, people_pair_counts"))
            timings["vacuum"] = time.perf_counter() - t
            counts = {table: connection.scalar(sa.text(f"SELECT count(*) FROM {table}")) for table in (
                "contracts", "contract_notes", "divert_referrals", "audit_events", "report_counts")}
            contract = connection.scalar(sa.text(
                "SELECT min(id) FROM contracts WHERE navigator_id = 1 AND status = 'active'"))
            person = connection.scalar(sa.text("SELECT person_id FROM contracts WHERE id = :id"), {"id": contract})
            audit_middle = tuple(connection.execute(sa.text(
                "SELECT occurred_at, id FROM audit_events WHERE id = (SELECT max(id) / 2 FROM audit_events)")).one())
        print(f"{'seeded' if seed else 'reused'} {size:,}: {', '.join(f'{n:,} {t}' for t, n in counts.items())} "
              f"in {time.perf_counter() - started:.0f} s "
              f"({', '.join(f'{k} {v:.0f} s' for k, v in timings.items())})", flush=True)
        users = {role: db.session.scalar(sa.select(User).where(User.role == role).order_by(User.id).limit(1))
                 for role in ("navigator", "provider", "manager", "admin")}
        secrets = {}
        for role in ("manager", "admin"):
            _token, secrets[role] = tokens.issue(users[role], {"name": "bench", "purpose": "bench"}, actor=None)
        db.session.commit()
        for user in users.values():
            db.session.refresh(user)
            db.session.expunge(user)
        db.session.remove()
    counter = {"n": 0}

    def _count(*_args, **_kwargs):
        counter["n"] += 1

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", _count)
    clients = {}
    for role, user in users.items():
        client = app.test_client()
        client.sign_in_as(user)
        clients[role] = client
    fill = {"contract": contract, "person": person, "audit_middle": encode(audit_middle)}
    requests = []
    for label, who, path, _kind in REQUESTS:
        role, _, api = who.partition("-")
        headers = {"Authorization": f"Bearer {secrets[role]}"} if api else {}
        client = app.test_client() if api else clients[role]
        requests.append((label, client, path.format(**fill), headers))
    return app, users["manager"], requests, counter


def _measure(prepared: dict) -> dict:
    """Each request at every size in turn, BENCH_RUNS rounds (so that the machine's load, which drifts, falls on
    every size alike): {size: {label: (median ms, statements, bytes answered)}}."""
    from diversion import clock

    clock.freeze(NOW)
    gc.freeze()  # what is loaded stays out of the collector's walks, as wsgi.py does in each gunicorn worker
    timings = {size: {label: [] for label, *_ in REQUESTS} for size in prepared}
    counted = {size: {} for size in prepared}
    answered = {size: {} for size in prepared}
    try:
        for size, (_app, _manager, requests, _counter) in prepared.items():  # warm up, and check each answers
            for label, client, path, headers in requests:
                response = client.get(path, headers=headers)
                if response.status_code != 200:
                    raise SystemExit(f"{size:,}: {label}: {path} answered {response.status_code}")
        for number in range(RUNS):
            for index, (label, *_rest) in enumerate(REQUESTS):
                for size, (_app, _manager, requests, counter) in prepared.items():
                    _label, client, path, headers = requests[index]
                    counter["n"] = 0
                    t = time.perf_counter()
                    response = client.get(path, headers=headers)
                    timings[size][label].append((time.perf_counter() - t) * 1000)
                    counted[size][label] = counter["n"]
                    answered[size][label] = len(response.data)
                    if response.status_code != 200:
                        raise SystemExit(f"{size:,}: {label}: {path} answered {response.status_code}")
            print(f"round {number + 1} of {RUNS} done", flush=True)
    finally:
        clock.freeze(None)
    return {size: {label: (statistics.median(values), counted[size][label], answered[size][label])
                   for label, values in by_label.items()}
            for size, by_label in timings.items()}


def _export(app, manager, size: int) -> bool:
    from diversion.extensions import db
    from tests.bench.bench_export import export_report

    with app.app_context():  # every contract started within the ten years the export covers
        return export_report(app, db.session.merge(manager), size)


RUNTIME_ROLE = "diversion_bench_app"


def _throughput(url: str) -> float | None:
    """Caseload vs /health on gunicorn connected as a least-privilege runtime role, as production runs (connected
    as the owner, /health would also log a warning on every call)."""
    from diversion.database_roles import grant_runtime_privileges
    from tests.bench import bench_throughput

    owner = sa.create_engine(url)
    with owner.begin() as connection:
        if not connection.scalar(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": RUNTIME_ROLE}):
            connection.execute(sa.text(f"CREATE ROLE {RUNTIME_ROLE} LOGIN NOINHERIT"))
        connection.execute(sa.text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
        grant_runtime_privileges(connection, RUNTIME_ROLE)
    owner.dispose()
    database = sa.make_url(url).set(drivername="postgresql", username=RUNTIME_ROLE, password=None)
    return bench_throughput.ratio(database.render_as_string(hide_password=False), email="navigator1@bench.example")


if __name__ == "__main__":
    sys.exit(main())
