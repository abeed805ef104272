import pytest

from diversion import create_app
from diversion.config import ConfigError, normalise_database_url


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"ENV": "production"})


def test_production_sends_the_session_cookie_over_https_only(monkeypatch, database_url):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    app = create_app({"ENV": "production", "SQLALCHEMY_DATABASE_URI": database_url})
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
