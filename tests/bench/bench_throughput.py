"""Benchmark (not a test): how many caseload pages the app serves per second, as a share of `/health` on the same
gunicorn (issue 14's goal: at least 35%). Run with `python -m tests.bench.bench_throughput` against a database that
holds the demo data (`flask --app wsgi demo`).

It starts gunicorn with production settings (2 sync workers, no debug, templates not reloaded) on a free port, signs
the demo navigator in by starting a server-side session (no password hashing in the measurement), then for
BENCH_ROUNDS rounds drives /health and /contracts in turn with BENCH_CLIENTS threads for BENCH_SECONDS each and
prints requests per second for each, the median of the rounds and the ratio. Every caseload answer is checked (200,
the page's heading), so a redirect to sign-in cannot pass for a fast page.
Environment: DATABASE_URL (required, PostgreSQL), BENCH_ROUNDS (5), BENCH_SECONDS (8), BENCH_CLIENTS (4),
BENCH_WORKERS (2), BENCH_PATH (/contracts), BENCH_EMAIL (navigator@example.org).
"""
from __future__ import annotations

import http.client
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "4"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
PATH = os.environ.get("BENCH_PATH", "/contracts")
EMAIL = os.environ.get("BENCH_EMAIL", "navigator@example.org")


def _environment() -> dict:
    env = dict(os.environ)
    env.update({"DIVERSION_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(48),
                "RATELIMIT_SINGLE_PROCESS": "1", "SESSION_COOKIE_SECURE": "0", "TOTP_REQUIRED": "0",
                "LOG_LEVEL": "WARNING"})
    env.pop("FLASK_DEBUG", None)
    return env


def _session_cookie(env: dict) -> str:
    """A signed session cookie for a fresh server-side session of EMAIL (made as the app makes one at sign-in)."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        from sqlalchemy import select

        from diversion import create_app
        from diversion.extensions import db
        from diversion.models import User
        from diversion.services import sessions

        app = create_app()
        with app.app_context():
            user = db.session.scalar(select(User).where(User.email == EMAIL))
            if user is None:
                raise SystemExit(f"no user {EMAIL}: load the demo data first (flask --app wsgi demo)")
            key = sessions.start(user)
            db.session.commit()
            serializer = app.session_interface.get_signing_serializer(app)
            value = serializer.dumps({"_user_id": key, "_fresh": True, "_permanent": True})
            return f"{app.config['SESSION_COOKIE_NAME']}={value}"
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _drive(port: int, path: str, cookie: str, seconds: float, expect: bytes | None) -> float:
    """Requests per second that CLIENTS threads get through in `seconds` (a new connection each: sync workers)."""
    done, failures = [0] * CLIENTS, []
    stop = time.perf_counter() + seconds

    def client(slot: int) -> None:
        while time.perf_counter() < stop:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            body = response.read()
            connection.close()
            if response.status != 200 or (expect and expect not in body):
                failures.append(response.status)
                return
            done[slot] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(slot,)) for slot in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"{path} answered {failures[0]}: not a signed-in page")
    return sum(done) / (time.perf_counter() - started)


def _wait_for(port: int, server: subprocess.Popen) -> None:
    for _ in range(200):
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped: " + server.stderr.read().decode()[-2000:])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def main() -> int:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("DATABASE_URL must name a PostgreSQL database holding the demo data", file=sys.stderr)
        return 2
    env = _environment()
    cookie = _session_cookie(env)
    port = _free_port()
    server = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "--workers", str(WORKERS),
                               "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
                              cwd=ROOT, env=env, stderr=subprocess.PIPE)
    try:
        _wait_for(port, server)
        for path in ("/health", PATH):  # warm both workers: imports, templates, pools
            _drive(port, path, cookie, 1.5, None)
        health, page = [], []
        for number in range(1, ROUNDS + 1):
            health.append(_drive(port, "/health", cookie, SECONDS, None))
            page.append(_drive(port, PATH, cookie, SECONDS, b"govuk-table"))
            print(f"round {number}: /health {health[-1]:7.1f}/s   {PATH} {page[-1]:7.1f}/s   "
                  f"ratio {page[-1] / health[-1]:6.1%}", flush=True)
        ratios = [p / h for p, h in zip(page, health)]
        print(f"median: /health {statistics.median(health):.1f}/s, {PATH} {statistics.median(page):.1f}/s; "
              f"median ratio {statistics.median(ratios):.1%} (goal: at least 35%)")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
