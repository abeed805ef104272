"""When the database cannot answer, or two transactions collided: 503 (with when to try again) or 409, in the
house's error shapes, never a 500."""
import os
import time

import pytest
from flask import Blueprint
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from diversion.api.auth import api_roles
from diversion.domain.roles import ADMIN
from diversion.extensions import db
from tests.api.conftest import bearer
from tests.conftest import make_app


class Orig(Exception):
    def __init__(self, sqlstate):
        super().__init__("database says no")
        self.sqlstate = sqlstate


@pytest.fixture
def trouble_app(database_url, _migrated):
    app = make_app(database_url)
    probe = Blueprint("trouble", __name__, url_prefix="/api/v1/trouble")

    @probe.route("/<sqlstate>")
    @api_roles(ADMIN)
    def fail(sqlstate):
        raise OperationalError("SELECT 1", {}, Orig(None if sqlstate == "down" else sqlstate))

    app.register_blueprint(probe)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def admin_token(trouble_app):
    from diversion.models import User
    from diversion.services import tokens
    from tests import factories

    with trouble_app.app_context():
        user = factories.user(role="admin")
        secret = tokens.issue(db.session.get(User, user.id), {"name": "t", "purpose": "tests"}, actor=None)[1]
        db.session.commit()
    return secret


def test_a_database_that_cannot_answer_is_503_with_retry_after(trouble_app, admin_token):
    response = trouble_app.test_client().get("/api/v1/trouble/down", headers=bearer(admin_token))
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert response.get_json()["error"]["code"] == "service_unavailable"


@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])
def test_a_deadlock_or_serialisation_failure_is_409_try_again(trouble_app, admin_token, sqlstate):
    response = trouble_app.test_client().get(f"/api/v1/trouble/{sqlstate}", headers=bearer(admin_token))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "conflict"


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="PostgreSQL's timeouts")
def test_a_statement_that_hangs_is_cut_off_and_answered_503_within_the_timeout(database_url, _migrated, monkeypatch):
    monkeypatch.setenv("DATABASE_STATEMENT_TIMEOUT", "1")
    app = make_app(database_url)
    probe = Blueprint("hang", __name__, url_prefix="/api/v1/hang")

    @probe.route("")
    @api_roles(ADMIN)
    def hang():
        db.session.execute(text("SELECT pg_sleep(5)"))
        return {}

    app.register_blueprint(probe)
    from diversion.models import User
    from diversion.services import tokens
    from tests import factories

    with app.app_context():
        user = factories.user(role="admin")
        secret = tokens.issue(db.session.get(User, user.id), {"name": "t", "purpose": "tests"}, actor=None)[1]
        db.session.commit()
    started = time.monotonic()
    response = app.test_client().get("/api/v1/hang", headers=bearer(secret))
    assert response.status_code == 503 and time.monotonic() - started < 4
    with app.app_context():
        db.engine.dispose()
