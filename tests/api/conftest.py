import pytest
from flask import Blueprint, g, jsonify

from diversion.api.auth import api_roles
from diversion.api.body import json_object
from diversion.domain.roles import ADMIN, MANAGER
from diversion.extensions import csrf, db
from diversion.services import tokens
from tests.conftest import make_app


@pytest.fixture
def issue_token(app, make_user):
    """issue_token(role) → (token, user) for a new user of that role."""
    def _issue(role="admin", **fields):
        user = make_user(role, **fields)
        with app.app_context():
            from diversion.models import User

            _record, secret = tokens.issue(db.session.get(User, user.id), {"name": "tests", "purpose": "tests"}, actor=None)
            db.session.commit()
        return secret, user
    return _issue


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def echo_app(database_url, _migrated):
    """The real app plus one POST endpoint (managers and admins) that echoes a JSON object.

    Until the Checkpoint endpoints exist, it proves the body handling and role guard every write uses.
    """
    app = make_app(database_url)
    probe = Blueprint("api_probe", __name__, url_prefix="/api/v1/probe")

    @probe.route("/echo", methods=["POST"])
    @api_roles(ADMIN, MANAGER)
    def echo():
        return jsonify(received=json_object(), role=g.api_user.role)

    csrf.exempt(probe)
    app.register_blueprint(probe)
    yield app
    with app.app_context():
        db.engine.dispose()
