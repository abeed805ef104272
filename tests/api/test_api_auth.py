"""Bearer tokens, status codes and the error shape of the contract."""
import pytest
from sqlalchemy import select

from diversion.extensions import db
from diversion.models import ApiToken
from tests.api.conftest import bearer


def _assert_error(response, status, code):
    assert response.status_code == status
    body = response.get_json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)


def test_no_token_is_401_with_the_error_shape(client):
    response = client.get("/api/v1/me")
    _assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer", "Bearer nonsense", "Basic dXNlcjpwYXNz", "Bearer dvt_" + "A" * 43,
                                    "bearer   ", "Bearer " + "x" * 5000])
def test_a_bad_token_is_401(client, header):
    _assert_error(client.get("/api/v1/me", headers={"Authorization": header}), 401, "unauthorized")


def test_a_valid_token_acts_as_its_user(client, issue_token):
    token, user = issue_token("navigator")
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 200
    assert response.get_json() == {"id": user.id, "name": user.name, "email": user.email, "role": "navigator"}


def test_only_a_hash_of_the_token_is_stored(app, issue_token):
    token, _ = issue_token("navigator")
    with app.app_context():
        stored = db.session.scalars(select(ApiToken)).one()
        assert token not in (stored.token_hash, stored.prefix) and stored.token_hash != token
        assert len(stored.token_hash) == 64 and token.startswith(stored.prefix)


def test_a_token_of_a_deactivated_user_stops_working(app, client, issue_token):
    token, user = issue_token("navigator")
    with app.app_context():
        from diversion.models import User

        db.session.get(User, user.id).active = False
        db.session.commit()
    _assert_error(client.get("/api/v1/me", headers=bearer(token)), 401, "unauthorized")


def test_a_valid_token_with_the_wrong_role_is_403(client, issue_token):
    token, _ = issue_token("navigator")
    _assert_error(client.get("/api/v1/audit/events", headers=bearer(token)), 403, "forbidden")


def test_an_unknown_api_path_is_a_json_404(client, issue_token):
    token, _ = issue_token("admin")
    _assert_error(client.get("/api/v1/no-such-thing", headers=bearer(token)), 404, "not_found")


def test_a_wrong_method_is_a_json_405(client, issue_token):
    token, _ = issue_token("admin")
    _assert_error(client.delete("/api/v1/me", headers=bearer(token)), 405, "method_not_allowed")


@pytest.mark.parametrize("body", ["{not json", "[1, 2, 3]", "\"a string\"", "null", "42", "", "\xff\xfe"])
def test_malformed_json_or_a_non_object_is_400_never_5xx(echo_app, issue_token, body):
    token, _ = issue_token("admin")
    response = echo_app.test_client().post("/api/v1/probe/echo", data=body.encode("utf-8", "surrogatepass"),
                                           headers=bearer(token), content_type="application/json")
    _assert_error(response, 400, "bad_request")


def test_a_json_object_reaches_the_view(echo_app, issue_token):
    token, _ = issue_token("manager")
    response = echo_app.test_client().post("/api/v1/probe/echo", json={"name": "Zoë Ńowak"}, headers=bearer(token))
    assert response.status_code == 200
    assert response.get_json() == {"received": {"name": "Zoë Ńowak"}, "role": "manager"}


def test_a_body_over_the_size_limit_is_413_in_the_error_shape(echo_app, issue_token):
    token, _ = issue_token("admin")
    response = echo_app.test_client().post("/api/v1/probe/echo", data=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                                           headers=bearer(token), content_type="application/json")
    _assert_error(response, 413, "payload_too_large")


def test_api_writes_need_no_csrf_token(echo_app, issue_token):
    token, _ = issue_token("admin")
    assert echo_app.test_client().post("/api/v1/probe/echo", json={}, headers=bearer(token)).status_code == 200
