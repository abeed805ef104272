"""Configuration, read from the environment once at start-up.

`DIVERSION_ENV` chooses the profile: ``production`` (the default, so that a forgotten setting fails safe),
``development`` (``make run``) or ``testing``.
"""
from __future__ import annotations

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

    settings = {
        "ENV": env,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(
            os.environ.get("DATABASE_URL") or _sqlite_url(instance_path)
        ),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},  # no case data in tracebacks
        # Sessions: a signed cookie holding only a server-side session key (see services/sessions.py).
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", production),
        "SESSION_COOKIE_NAME": "diversion_session",
        "PERMANENT_SESSION_LIFETIME": timedelta(minutes=30),
        "SESSION_IDLE_MINUTES": 30,
        "REMEMBER_COOKIE_DURATION": timedelta(seconds=0),
        # Request size limits (413 beyond them).
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 256 * 1024,
        "MAX_FORM_PARTS": 200,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the (30-minute idle) session
        # Sign-in throttling. Counted only on failures; the windows are short so that nobody can lock
        # a colleague out for long by guessing at their account.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": False,
        "SIGNIN_LIMIT_PER_ACCOUNT": os.environ.get("SIGNIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes"),
        "SIGNIN_LIMIT_PER_ADDRESS": os.environ.get("SIGNIN_LIMIT_PER_ADDRESS", "30 per 15 minutes"),
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        "FORCE_HTTPS": _flag("FORCE_HTTPS", False),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        "SERVICE_NAME": "Police diversion",
    }
    if env == "testing":
        settings["WTF_CSRF_ENABLED"] = True
    settings.update(overrides or {})
    return settings
