"""The command-line operations of the contract."""
import pytest
from sqlalchemy import func, select

from diversion.extensions import db
from diversion.models import User
from tests.api.conftest import bearer


@pytest.fixture
def cli(app):
    return app.test_cli_runner()


def _run(cli, *args):
    return cli.invoke(args=list(args))


def test_users_create_makes_a_user_who_can_sign_in(cli, app):
    result = _run(cli, "users", "create", "Jo.Bloggs@Police.example", "--name", "Jo Bloggs", "--role", "manager",
                  "--password", "Copper-teapot-sunrise-19")
    assert result.exit_code == 0, result.output
    assert app.test_client().sign_in_with_password("jo.bloggs@police.example",
                                                   "Copper-teapot-sunrise-19").status_code == 302


@pytest.mark.parametrize("args, message", [
    (["--role", "sergeant", "--password", "Copper-teapot-sunrise-19"], "sergeant"),
    (["--role", "manager", "--password", "password1234"], "harder to guess"),
    (["--role", "manager", "--password", "short"], "12 characters"),
])
def test_users_create_fails_clearly_on_bad_input(cli, app, args, message):
    result = _run(cli, "users", "create", "jo@police.example", "--name", "Jo Bloggs", *args)
    assert result.exit_code != 0
    assert message in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_users_create_refuses_a_duplicate_email(cli):
    args = ["users", "create", "jo@police.example", "--name", "Jo", "--role", "manager",
            "--password", "Copper-teapot-sunrise-19"]
    assert _run(cli, *args).exit_code == 0
    result = _run(cli, *args)
    assert result.exit_code != 0 and "already exists" in result.output


def test_users_token_prints_a_working_token_on_its_last_line(cli, app, make_user):
    user = make_user("custody_officer")
    result = _run(cli, "users", "token", user.email)
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[-1]
    assert app.test_client().get("/api/v1/me", headers=bearer(token)).get_json()["id"] == user.id


def test_users_token_for_an_unknown_email_fails(cli):
    result = _run(cli, "users", "token", "nobody@police.example")
    assert result.exit_code != 0 and "No user" in result.output


def test_demo_is_idempotent_with_a_user_for_every_role(demo_app):
    """demo_app is the demo data set as `flask demo` has just loaded it: the command again changes nothing."""
    assert _run(demo_app.test_cli_runner(), "demo").exit_code == 0
    with demo_app.app_context():
        roles = sorted(db.session.scalars(select(User.role)))
    assert roles == sorted(["custody_officer", "navigator", "navigator", "navigator", "navigator", "provider",
                            "manager", "admin"])


def test_cli_changes_are_audited_as_coming_from_the_cli(cli, app):
    from diversion.models import AuditEvent

    _run(cli, "users", "create", "jo@police.example", "--name", "Jo", "--role", "admin",
         "--password", "Copper-teapot-sunrise-19")
    with app.app_context():
        event = db.session.scalars(select(AuditEvent)).one()
    assert (event.action, event.source, event.actor_id) == ("user.create", "cli", None)


def test_demo_refuses_to_run_in_production_and_creates_nobody(app, database_url, monkeypatch):
    """Issue 9, finding 4: the demo's accounts have published passwords."""
    import secrets

    from tests.conftest import make_app

    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(48))
    monkeypatch.setenv("RATELIMIT_SINGLE_PROCESS", "1")  # a production configuration that starts
    production = make_app(database_url, ENV="production")
    result = production.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0
    assert "refuses to run in production" in result.output and len(result.output.strip().splitlines()) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_flask_demo_on_the_command_line_says_why_in_one_line_in_production(tmp_path):
    import os
    import secrets
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "DIVERSION_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(48),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}", "RATELIMIT_SINGLE_PROCESS": "1"}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "demo"], env=env, capture_output=True,
                          text=True, cwd=Path(__file__).resolve().parents[1], timeout=60)
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        "Error: demo refuses to run in production (DIVERSION_ENV=production): it creates accounts whose passwords "
        "are published. Use it only in development."]
    assert "Created" not in done.stdout


def test_the_last_administrator_can_have_two_step_sign_in_reset_from_the_command_line(app, make_user):
    from sqlalchemy import select

    from diversion.extensions import db
    from diversion.models import AuditEvent, User

    admin = make_user("admin", totp_secret="JBSWY3DPEHPK3PXP")
    with app.app_context():
        db.session.get(User, admin.id).totp_confirmed_at = db.session.get(User, admin.id).created_at
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["users", "reset-two-step", admin.email])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.get(User, admin.id)
        assert (user.totp_secret, user.totp_confirmed_at) == (None, None)
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.two_step_reset")).source == "cli"
    assert app.test_cli_runner().invoke(args=["users", "reset-two-step", "nobody@police.example"]).exit_code != 0
