import os
import random
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from diversion import create_app
from diversion.config import ConfigError, normalise_database_url, secret_key_weakness

ROOT = Path(__file__).resolve().parents[1]
STRONG_KEY = secrets.token_urlsafe(48)


@pytest.fixture
def production_env(monkeypatch):
    """An environment a production app starts in (each test then spoils one setting)."""
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("RATELIMIT_SINGLE_PROCESS", "1")
    monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
    return monkeypatch


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"ENV": "production"})


def test_production_sends_the_session_cookie_over_https_only(production_env, database_url):
    app = create_app({"ENV": "production", "SQLALCHEMY_DATABASE_URI": database_url,
                      "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.debug is False


def test_an_unknown_environment_name_is_refused():
    with pytest.raises(ConfigError):
        create_app({"ENV": "staging"})


@pytest.mark.parametrize("given, expected", [
    ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:///x.db", "sqlite:///x.db"),
])
def test_database_urls_use_psycopg_3(given, expected):
    assert normalise_database_url(given) == expected


def test_the_debugger_is_never_on_even_if_flask_debug_is_set(monkeypatch, database_url):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url})
    assert app.debug is False


# --- issue 9, finding 7(g): a real secret key, numbers that are numbers, one clear line --------------------------

@pytest.mark.parametrize("key", [
    "x" * 40,                                      # one character repeated
    "ab" * 20,                                     # two
    "short-but-random-Qz81",                       # under 32 characters
    "change-me-to-a-long-random-secret-string",    # a placeholder
    "abcdefghijklmnopqrstuvwxyz0123456789",        # a run
    "passwordpasswordpasswordpassword1",
    "0123456789012345678901234567890123456789",    # ten characters, repeated
])
def test_production_refuses_a_weak_secret_key_without_repeating_it(production_env, key):
    production_env.setenv("SECRET_KEY", key)
    with pytest.raises(ConfigError, match="SECRET_KEY is too weak") as refused:
        create_app({"ENV": "production"})
    assert key not in str(refused.value) and "\n" not in str(refused.value)


def test_random_keys_of_32_bytes_or_more_are_strong_enough():
    generator = random.Random(20261126)  # fixed, so that the test cannot flake
    hex_keys = ["".join(generator.choice("0123456789abcdef") for _ in range(64)) for _ in range(300)]
    keys = hex_keys + [secrets.token_urlsafe(32), secrets.token_urlsafe(48), secrets.token_hex(32),
                       "diversion-" + secrets.token_urlsafe(32)]
    assert [key for key in keys if secret_key_weakness(key)] == []


def test_development_and_testing_take_any_key(monkeypatch, database_url):
    monkeypatch.setenv("SECRET_KEY", "x")
    for env in ("development", "testing"):
        assert create_app({"ENV": env, "SQLALCHEMY_DATABASE_URI": database_url}).config["SECRET_KEY"] == "x"


@pytest.mark.parametrize("value, hops", [("", 0), ("0", 0), ("2", 2), (" 1 ", 1)])
def test_trusted_proxies_is_a_small_whole_number(monkeypatch, database_url, value, hops):
    monkeypatch.setenv("TRUSTED_PROXIES", value)
    assert create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url}).config["TRUSTED_PROXIES"] == hops


@pytest.mark.parametrize("value", ["one", "-1", "1.5", "99", "\u0661"])
def test_a_trusted_proxies_value_that_is_not_a_number_is_a_config_error_not_a_value_error(monkeypatch, value):
    monkeypatch.setenv("TRUSTED_PROXIES", value)
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES must be a whole number from 0 to 5"):
        create_app({"ENV": "testing"})


def _start(tmp_path, command, **env):
    environment = {**os.environ, "DIVERSION_ENV": "production", "SECRET_KEY": STRONG_KEY,
                   "RATELIMIT_SINGLE_PROCESS": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}", **env}
    return subprocess.run([sys.executable, *command], env=environment, capture_output=True, text=True, cwd=ROOT,
                          timeout=60)


@pytest.mark.parametrize("command", [["-c", "import wsgi"], ["-m", "flask", "--app", "wsgi", "routes"]],
                         ids=["gunicorn imports wsgi", "flask --app wsgi"])
@pytest.mark.parametrize("setting, value, says", [
    ("SECRET_KEY", "x", "SECRET_KEY is too weak for production"),
    ("TRUSTED_PROXIES", "one", "TRUSTED_PROXIES must be a whole number"),
    ("DIVERSION_ENV", "staging", "DIVERSION_ENV must be production, development or testing"),
])
def test_a_configuration_error_is_one_line_on_stderr_and_a_non_zero_exit(tmp_path, command, setting, value, says):
    done = _start(tmp_path, command, **{setting: value})
    assert done.returncode == 4  # gunicorn: "App failed to load", so it stops instead of restarting workers
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Configuration error: ") and says in lines[0], done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_a_good_production_configuration_starts(tmp_path):
    done = _start(tmp_path, ["-c", "import wsgi; print(wsgi.app.config['ENV'])"])
    assert (done.returncode, done.stdout.strip()) == (0, "production"), done.stderr


@pytest.mark.parametrize("name, value", [("SIGNIN_LIMIT_PER_ACCOUNT", "five a minute"),
                                         ("SIGNIN_LIMIT_PER_ADDRESS", "0 per minute"),
                                         ("TWO_STEP_LIMIT_PER_ACCOUNT", "5 per minute;10 per hour")])
def test_a_limit_the_throttle_cannot_read_stops_start_up_rather_than_switching_throttling_off(monkeypatch, name,
                                                                                           value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        create_app({"ENV": "development", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


@pytest.mark.parametrize("key", ["0123456789abcdef" * 2, "qwertzuiop" * 4, "Ab3" * 16])
def test_a_secret_key_with_less_than_32_random_bytes_worth_is_refused(key):
    from diversion.config import secret_key_weakness

    assert secret_key_weakness(key) is not None


@pytest.mark.parametrize("name, value", [("DATABASE_STATEMENT_TIMEOUT", "0"), ("DATABASE_CONNECT_TIMEOUT", "nan"),
                                         ("DATABASE_POOL_TIMEOUT", "inf"), ("SESSION_ABSOLUTE_HOURS", "ten")])
def test_a_timeout_or_lifetime_that_is_not_a_sensible_number_stops_start_up(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        create_app({"ENV": "development",
                    "SQLALCHEMY_DATABASE_URI": "postgresql://postgres@127.0.0.1:5432/postgres"})
