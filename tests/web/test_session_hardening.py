"""Sessions end after a shift however busy (issue 9, finding 9), the cookie is host-bound over HTTPS, and
reading the audit trail is itself audited (finding 10)."""
import secrets
from datetime import timedelta

from sqlalchemy import select

from diversion import clock, create_app
from diversion.extensions import db
from diversion.models import AuditEvent, UserSession


def test_a_busy_session_still_ends_after_ten_hours(signed_in, app):
    client, _ = signed_in("navigator")
    start = clock.now()
    for minutes in range(25, 10 * 60, 25):  # never idle for 30 minutes
        clock.freeze(start + timedelta(minutes=minutes))
        assert client.get("/").status_code == 200
    clock.freeze(start + timedelta(hours=10, minutes=1))
    response = client.get("/")
    assert response.status_code == 302 and "/sign-in" in response.location
    with app.app_context():
        assert db.session.scalars(select(UserSession.ended_reason)).one() == "expired"


def test_over_https_the_session_cookie_is_bound_to_this_host(monkeypatch, database_url):
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(48))
    monkeypatch.setenv("RATELIMIT_SINGLE_PROCESS", "1")  # production on SQLite (the default test run) is one process
    app = create_app({"ENV": "production", "SQLALCHEMY_DATABASE_URI": database_url,
                      "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379"})
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-diversion_session"
    assert app.config["SESSION_COOKIE_SECURE"] is True and app.config.get("SESSION_COOKIE_DOMAIN") in (None, False)


def test_reading_the_audit_trail_is_audited(signed_in, app):
    client, manager = signed_in("manager")
    client.get_page("/admin/audit")
    with app.app_context():
        seen = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "audit.view"))
        assert seen.actor_id == manager.id and seen.details["filters"]["action"] is None  # what was asked for
        assert isinstance(seen.details["ids"], list)
