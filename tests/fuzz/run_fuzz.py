"""`make fuzz`: schemathesis over the whole OpenAPI document, against the app as production runs it (gunicorn, two
workers) on a fresh SQLite database holding the demo data, once with an administrator's token and once with a
custody officer's. It fails when any case gets a server error, when schemathesis itself reports an error, or when
fewer than FUZZ_MIN_CASES (5,000) cases were generated in all (issue 9: "at least 5,000 cases, 0 server errors").

Settings (environment): FUZZ_MAX_EXAMPLES (per operation, default 60: about 3,600 cases a token), FUZZ_MIN_CASES
(default 5000), FUZZ_SEED (repeat a run: each run prints its seeds). Run from anywhere: `python tests/fuzz/run_fuzz.py`.
"""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TOKENS_FOR = {"admin": "admin@example.org", "custody officer": "custody@example.org"}  # diversion/demo/__init__.py users
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "60"))
MIN_CASES = int(os.environ.get("FUZZ_MIN_CASES", "5000"))


def say(text: str) -> None:
    print(f"fuzz: {text}", flush=True)


def flask(env: dict, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"fuzz: flask {' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(base: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"fuzz: gunicorn stopped at start-up (exit {server.returncode})")
        try:
            with urllib.request.urlopen(base + "/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"fuzz: gunicorn did not answer {base}/health within {seconds:.0f} s")


def schemathesis(base: str, token: str, env: dict, log: Path) -> tuple[int, int, int, str]:
    """One run: (exit status, cases generated, cases with a failure, its summary lines). It runs in the temporary
    folder, so that its cache (.schemathesis/) goes with it and no run replays another's."""
    command = [str(BIN / "schemathesis"), "run", f"{base}/api/v1/openapi.json", "--url", f"{base}/api/v1",
               "-H", f"Authorization: Bearer {token}", "--checks", "not_a_server_error",
               "--max-examples", str(MAX_EXAMPLES)]
    if os.environ.get("FUZZ_SEED"):
        command += ["--seed", os.environ["FUZZ_SEED"]]
    with open(log, "w") as out:
        status = subprocess.run(command, cwd=log.parent, env=env, stdout=out, stderr=subprocess.STDOUT).returncode
    text = log.read_text(errors="replace")
    generated = re.search(r"(\d+) generated", text)
    failed = re.search(r"(\d+) found (\d+) unique failure", text)
    summary = "\n".join(line for line in text.splitlines()
                        if re.search(r"generated|unique failure|^Seed:|Server error|^\s+(Tested|Selected):", line))
    return status, int(generated.group(1)) if generated else 0, int(failed.group(1)) if failed else 0, summary


def main() -> int:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="diversion-fuzz-") as tmp:
        tmp = Path(tmp)
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp / 'fuzz.sqlite3'}", "DIVERSION_ENV": "development",
               "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
        env.pop("RATELIMIT_STORAGE_URI", None)
        say(f"a fresh SQLite database in {tmp}: migrating and loading the demo data")
        flask(env, "db", "upgrade")
        flask(env, "demo")
        tokens = {who: flask(env, "users", "token", email).strip().splitlines()[-1]
                  for who, email in TOKENS_FOR.items()}
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server_log = tmp / "gunicorn.log"
        with open(server_log, "w") as log:
            server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "2", "--bind",
                                       f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env, stdout=log,
                                      stderr=subprocess.STDOUT)
        results = {}
        try:
            wait_until_up(base, server)
            say(f"gunicorn (2 workers, pid {server.pid}) at {base}; schemathesis, --max-examples {MAX_EXAMPLES}")
            for who, token in tokens.items():
                status, generated, failed, summary = schemathesis(base, token, env, tmp / f"schemathesis-{who}.log")
                results[who] = (status, generated, failed)
                say(f"as {who}: exit {status}, {generated} cases generated, {failed} with a server error")
                print("    " + summary.replace("\n", "\n    "), flush=True)
                if status != 0:
                    print((tmp / f"schemathesis-{who}.log").read_text(errors="replace")[-6000:], flush=True)
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        tracebacks = server_log.read_text(errors="replace").count("Traceback")
        if tracebacks:
            print(server_log.read_text(errors="replace")[-6000:], flush=True)
    total = sum(generated for _status, generated, _failed in results.values())
    server_errors = sum(failed for _status, _generated, failed in results.values())
    problems = [f"schemathesis as {who} exited {status}" for who, (status, _g, _f) in results.items() if status]
    if server_errors:
        problems.append(f"{server_errors} cases got a server error")
    if total < MIN_CASES:
        problems.append(f"only {total} cases generated in all, fewer than {MIN_CASES}")
    say(f"{total} cases in all ({', '.join(f'{who} {g}' for who, (_s, g, _f) in results.items())}), "
        f"{server_errors} server errors, {tracebacks} tracebacks in the server's log, "
        f"{time.monotonic() - started:.0f} s")
    for problem in problems:
        say("FAILED: " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
