"""Configuration, read from the environment once at start-up.

`DIVERSION_ENV` chooses the profile: ``production`` (the default, so that a forgotten setting fails safe),
``development`` (``make run``) or ``testing``.
"""
from __future__ import annotations

import math
import os
import secrets
from datetime import timedelta
from pathlib import Path


class ConfigError(RuntimeError):
    """The environment does not describe a configuration the app can safely start with."""


def _sqlite_url(instance_path: str) -> str:
    return "sqlite:///" + str(Path(instance_path) / "diversion.sqlite3")


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the operator used."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _dev_secret_key(instance_path: str) -> str:
    """A development key kept in instance/ so that restarting `make run` keeps people signed in."""
    path = Path(instance_path) / "dev-secret-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY_MIN_LENGTH = 32  # characters: 32 hex digits are 16 random bytes, token_urlsafe(32) gives 43
SECRET_KEY_RECIPE = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'
_SECRET_KEY_MIN_DISTINCT = 10
_OBVIOUS_KEY_PARTS = ("changeme", "change-me", "change_me", "secret", "password", "passw0rd", "example",
                      "placeholder", "default", "insecure", "letmein", "qwerty", "123456", "abcdef", "diversion")


def secret_key_weakness(secret: str) -> str | None:
    """Why `secret` cannot be a production SECRET_KEY, or None. The key signs sessions, so it must be long random
    text: at least SECRET_KEY_MIN_LENGTH characters once placeholders, obvious words and simple runs are taken
    out ("change-me-to-a-long-secret" fails, "diversion-" + 40 random characters passes), with at least 10
    different characters in what is left (a random key has far more; "x" * 40 has one). The reasons given never
    repeat the key."""
    if len(secret) < SECRET_KEY_MIN_LENGTH:
        return f"it is {len(secret)} characters long"
    rest = secret.lower()
    for part in _OBVIOUS_KEY_PARTS:
        rest = rest.replace(part, "")
    if len(rest) < SECRET_KEY_MIN_LENGTH:
        return "without its placeholder words and simple runs it is too short"
    if len(set(rest)) < _SECRET_KEY_MIN_DISTINCT:
        return f"it uses only {len(set(rest))} different characters"
    # About 32 random bytes' worth: its length times the bits each character can carry (32 hex digits carry 128
    # bits: refused; token_urlsafe(32) about 220, 64 hex digits 256: accepted); a repeated word has few.
    if _repeats(rest) or len(rest) * math.log2(len(set(rest))) < SECRET_KEY_MIN_BITS:
        return "it is not random enough (use 32 random bytes or more)"
    return None


SECRET_KEY_MIN_BITS = 160  # an estimate, kept below what any 32 random bytes reach


def _repeats(text: str) -> bool:
    """"qwertzuiop" four times over, or any text that is one short piece repeated."""
    return any(len(text) % size == 0 and text == text[:size] * (len(text) // size) for size in range(1, 17))


MAX_TRUSTED_PROXIES = 5


def _whole_number(name: str, default: int, *, maximum: int, meaning: str) -> int:
    """A small whole number from the environment; anything else stops start-up with a one-line ConfigError."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or int(text) > maximum:
        raise ConfigError(f"{name} must be a whole number from 0 to {maximum} ({meaning}), not {text[:20]!r}")
    return int(text)


def _seconds(name: str, default: float) -> float:
    """Seconds from the environment: more than 0 (0 would switch the timeout off) and at most 300."""
    value = os.environ.get(name, "").strip()
    try:
        seconds = float(value) if value else default
    except ValueError:
        seconds = math.nan
    if not 0 < seconds <= 300:  # also refuses nan and inf
        raise ConfigError(f"{name} must be a number of seconds from more than 0 to 300, not {value!r}")
    return seconds


def _engine_options(url: str) -> dict:
    """No case data in tracebacks; and a database that hangs answers 503 within seconds rather than holding every
    worker until gunicorn kills it: a connect timeout, a statement and lock timeout (PostgreSQL), a pool wait.
    No parallel workers either (PostgreSQL): a request reads a page by index, and starting workers for it cost more
    than the reads (at 100,000 contracts the team page's conditions 16 -> 2 ms, a page's risk facts 7.6 -> 0.5 ms).
    Maintenance work lifts both limits for its own transaction (maintenance_limits.py)."""
    options = {"pool_pre_ping": True, "hide_parameters": True}
    if url.startswith(("postgres://", "postgresql")):
        statement_ms = int(_seconds("DATABASE_STATEMENT_TIMEOUT", 15) * 1000)
        options["connect_args"] = {"connect_timeout": int(_seconds("DATABASE_CONNECT_TIMEOUT", 5)),
                                   "options": f"-c statement_timeout={statement_ms} -c lock_timeout={statement_ms} "
                                              "-c max_parallel_workers_per_gather=0"}
        options["pool_timeout"] = _seconds("DATABASE_POOL_TIMEOUT", 10)
    return options


def _export_runner(production: bool) -> str:
    runner = os.environ.get("EXPORT_RUNNER", "").strip() or ("worker" if production else "inline")
    if runner not in ("worker", "inline"):
        raise ConfigError(f"EXPORT_RUNNER must be worker or inline, not {runner[:20]!r}")
    return runner


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load(instance_path: str, overrides: dict | None = None) -> dict:
    """Return the settings for this process as a plain dict."""
    env = (overrides or {}).get("ENV") or os.environ.get("DIVERSION_ENV", "production")
    if env not in {"production", "development", "testing"}:
        raise ConfigError(f"DIVERSION_ENV must be production, development or testing, not {env!r}")
    production = env == "production"
    secret = os.environ.get("SECRET_KEY")
    if not secret:
        if production:
            raise ConfigError("SECRET_KEY must be set in production (a long random string).")
        secret = _dev_secret_key(instance_path) if env == "development" else "testing-only-secret-key"
    elif production and (weakness := secret_key_weakness(secret)):
        raise ConfigError(f"SECRET_KEY is too weak for production: {weakness}. Use at least {SECRET_KEY_MIN_LENGTH} "
                          f"random characters, e.g. the output of: {SECRET_KEY_RECIPE}")

    settings = {
        "ENV": env,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(
            os.environ.get("DATABASE_URL") or _sqlite_url(instance_path)
        ),

        # Sessions: a signed cookie holding only a server-side session key (see services/sessions.py).
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", production),
        # Over HTTPS the __Host- prefix binds the cookie to this host and path, secure only (RFC 6265bis).
        "SESSION_COOKIE_NAME": "__Host-diversion_session" if _flag("SESSION_COOKIE_SECURE", production)
        else "diversion_session",
        "PERMANENT_SESSION_LIFETIME": timedelta(minutes=30),
        "SESSION_IDLE_MINUTES": 30,
        "SESSION_ABSOLUTE_HOURS": _whole_number("SESSION_ABSOLUTE_HOURS", 10, maximum=24,
                                                meaning="the hours a session may last, however busy"),
        "REMEMBER_COOKIE_DURATION": timedelta(seconds=0),
        # Request size limits (413 beyond them).
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 256 * 1024,
        "MAX_FORM_PARTS": 200,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the (30-minute idle) session
        # Sign-in throttling. Counted only on failures; the windows are short so that nobody can lock
        # a colleague out for long by guessing at their account.
        # Production counts in one place that every worker shares (Redis); see _throttle_store below.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_STRATEGY": "moving-window",  # a sliding window: no burst at the boundary of two windows
        "RATELIMIT_HEADERS_ENABLED": False,
        # If the shared store stops answering, count in this process (and log it) rather than fail sign-in.
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # Per account wherever the guesses come from; per address only a high ceiling, so that one address
        # (a force behind one proxy) trying made-up accounts never locks every colleague out.
        "SIGNIN_LIMIT_PER_ACCOUNT": os.environ.get("SIGNIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes"),
        "SIGNIN_LIMIT_PER_ADDRESS": os.environ.get("SIGNIN_LIMIT_PER_ADDRESS", "300 per 15 minutes"),
        # Two-step sign-in (TOTP): required in production, offered in development and testing. Wrong codes
        # are counted per account, like wrong passwords.
        "TOTP_REQUIRED": _flag("TOTP_REQUIRED", production),
        "TWO_STEP_LIMIT_PER_ACCOUNT": os.environ.get("TWO_STEP_LIMIT_PER_ACCOUNT", "5 per 15 minutes"),
        "TRUSTED_PROXIES": _whole_number("TRUSTED_PROXIES", 0, maximum=MAX_TRUSTED_PROXIES,
                                         meaning="the number of reverse proxies in front of the app"),
        "FORCE_HTTPS": _flag("FORCE_HTTPS", False),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        "SERVICE_NAME": "Police diversion",
        # Long exports (the case-level CSV) are jobs (services/export_jobs.py): made by a separate worker process
        # (`flask --app wsgi exports work`) in production, or inline by the request that asks (development, tests).
        "EXPORT_RUNNER": _export_runner(production),
        "EXPORT_KEEP_DAYS": _whole_number("EXPORT_KEEP_DAYS", 7, maximum=90,
                                          meaning="the days a finished export's file is kept"),
        "EXPORT_RUNNING_LIMIT_MINUTES": 60,  # a job running longer than this lost its worker: failed as interrupted
        "EXPORT_STATEMENT_TIMEOUT": 600,  # seconds, each statement of a job (PostgreSQL); requests keep theirs
    }
    if env == "testing":
        settings["WTF_CSRF_ENABLED"] = True
    settings.update(overrides or {})
    settings.setdefault("SQLALCHEMY_ENGINE_OPTIONS", _engine_options(settings["SQLALCHEMY_DATABASE_URI"]))
    _reporting_database(settings)
    _check_limits(settings)
    if production:
        _throttle_store(settings["RATELIMIT_STORAGE_URI"])
        _nothing_local(settings)
    return settings


def _reporting_database(settings: dict) -> None:
    """REPORTING_DATABASE_URL: a read replica for report and export reads (diversion/reporting_db.py); unset, they
    read the primary."""
    url = settings.get("REPORTING_DATABASE_URL", os.environ.get("REPORTING_DATABASE_URL", "")) or ""
    settings["REPORTING_DATABASE_URL"] = normalise_database_url(url.strip()) if url.strip() else None
    if settings["REPORTING_DATABASE_URL"]:
        reporting = settings["REPORTING_DATABASE_URL"]
        settings.setdefault("SQLALCHEMY_BINDS", {"reporting": {"url": reporting, **_engine_options(reporting)}})


def _nothing_local(settings: dict) -> None:
    """Production runs as any number of workers on any number of hosts behind a load balancer, so it keeps nothing
    on one host: sessions are rows in the database (services/sessions.py), throttle counts are in the shared store
    (_throttle_store), the secret key comes from the environment. A SQLite file is on this host's disk: refused,
    unless the operator says the app runs as one process (RATELIMIT_SINGLE_PROCESS=1)."""
    if _flag("RATELIMIT_SINGLE_PROCESS", False):
        return
    for name, url in (("DATABASE_URL", settings["SQLALCHEMY_DATABASE_URI"]),
                      ("REPORTING_DATABASE_URL", settings["REPORTING_DATABASE_URL"] or "")):
        if url.startswith("sqlite"):
            raise ConfigError(f"{name} must name a PostgreSQL database every host shares in production, not a "
                              "SQLite file on this host's disk; set RATELIMIT_SINGLE_PROCESS=1 only if the app runs "
                              "as one process.")


def _check_limits(settings: dict) -> None:
    """A limit the throttle cannot read would be skipped, silently: no throttling at all. Refuse it at start."""
    from limits import parse_many

    for name in ("SIGNIN_LIMIT_PER_ACCOUNT", "SIGNIN_LIMIT_PER_ADDRESS", "TWO_STEP_LIMIT_PER_ACCOUNT"):
        try:
            parsed = parse_many(settings[name])
        except ValueError:
            parsed = []
        if len(parsed) != 1 or parsed[0].amount < 1:
            raise ConfigError(f"{name} must be one limit such as '5 per 15 minutes', not {settings[name]!r}")


def _throttle_store(uri: str) -> None:
    """Sign-in throttling counted per process is no throttling with several workers (each counts its own
    guesses): production needs a shared store, unless the operator says this is one process only."""
    if uri.startswith("memory://") and not _flag("RATELIMIT_SINGLE_PROCESS", False):
        raise ConfigError("RATELIMIT_STORAGE_URI must name a store every worker shares (e.g. redis://127.0.0.1:6379) "
                          "in production; set RATELIMIT_SINGLE_PROCESS=1 only if the app runs as one process.")
