"""GET /api/v1/retention/due and POST /api/v1/people/{id}/retention (api-contract "Revision 2: data protection")."""
from datetime import date, timedelta

import pytest

from diversion import clock
from diversion.extensions import db
from diversion.models import User
from tests.api.conftest import bearer
from tests.retention_helpers import divert_ended, divert_open


@pytest.fixture
def people(app, make_user):
    """Three people due (reviews a year, two and three years ago), one open case, one not yet due."""
    officer, provider = make_user("custody_officer"), make_user("provider")
    today = clock.today()
    with app.app_context():
        o, p = db.session.get(User, officer.id), db.session.get(User, provider.id)
        made = {name: divert_ended(o, p, today - timedelta(days=days), given_name=name).person_id
                for name, days in (("Ann", 7 * 365), ("Bob", 8 * 365), ("Cat", 9 * 365), ("Dan", 365))}
        made["Open"] = divert_open(o, today - timedelta(days=9 * 365), given_name="Open").person_id
        db.session.commit()
    return made


def test_the_due_list_pages_earliest_first_with_the_contract_fields(client, issue_token, people):
    token, _ = issue_token("admin")
    first = client.get("/api/v1/retention/due?limit=2", headers=bearer(token)).get_json()
    assert [item["given_name"] for item in first["items"]] == ["Cat", "Bob"]
    assert set(first["items"][0]) == {"id", "given_name", "family_name", "review_date", "last_case_ended", "version"}
    ended = date.fromisoformat(first["items"][0]["last_case_ended"])
    assert date.fromisoformat(first["items"][0]["review_date"]) == ended.replace(year=ended.year + 6)
    rest = client.get(f"/api/v1/retention/due?limit=2&cursor={first['next']}", headers=bearer(token)).get_json()
    assert [item["given_name"] for item in rest["items"]] == ["Ann"] and rest["next"] is None
    later = (clock.today() + timedelta(days=6 * 365)).isoformat()
    everyone = client.get(f"/api/v1/retention/due?due_by={later}", headers=bearer(token)).get_json()
    assert [item["given_name"] for item in everyone["items"]] == ["Cat", "Bob", "Ann", "Dan"]


def test_bad_arguments_are_named_together(client, issue_token):
    token, _ = issue_token("admin")
    response = client.get("/api/v1/retention/due?due_by=2026-02-30&limit=0&cursor=nonsense", headers=bearer(token))
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"due_by", "limit", "cursor"}


@pytest.mark.parametrize("role", ["custody_officer", "navigator", "provider", "manager"])
def test_only_admins_review_retention(client, issue_token, people, role):
    token, _ = issue_token(role)
    assert client.get("/api/v1/retention/due", headers=bearer(token)).status_code == 403
    assert client.post(f"/api/v1/people/{people['Ann']}/retention", json={}, headers=bearer(token)).status_code == 403
    assert client.get("/api/v1/retention/due").status_code == 401


def _version(client, token, person_id):
    items = client.get("/api/v1/retention/due?limit=500", headers=bearer(token)).get_json()["items"]
    return next(item["version"] for item in items if item["id"] == person_id)


def test_retain_sets_the_next_review_and_takes_the_person_off_the_list(client, issue_token, people):
    token, admin = issue_token("admin")
    next_review = (clock.today() + timedelta(days=2 * 365)).isoformat()
    body = {"decision": "retain", "reason": "Linked to an open investigation", "review_date": next_review,
            "version": _version(client, token, people["Ann"])}
    response = client.post(f"/api/v1/people/{people['Ann']}/retention", json=body, headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    decided = response.get_json()
    assert (decided["decision"], decided["review_date"], decided["decided_by"], decided["person_id"]) == (
        "retain", next_review, admin.id, people["Ann"])
    listed = client.get("/api/v1/retention/due", headers=bearer(token)).get_json()["items"]
    assert people["Ann"] not in [item["id"] for item in listed]
    again = client.post(f"/api/v1/people/{people['Ann']}/retention", json=body, headers=bearer(token))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"


def test_every_bad_field_is_named(client, issue_token, people):
    token, _ = issue_token("admin")
    response = client.post(f"/api/v1/people/{people['Ann']}/retention",
                           json={"decision": "retain", "reason": "\x00", "review_date": "2001-01-01"},
                           headers=bearer(token))
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"reason", "review_date", "version"}
    assert client.post(f"/api/v1/people/{people['Ann']}/retention", data="[1]", headers=bearer(token),
                       content_type="application/json").status_code == 400


def test_an_open_case_is_409_open_case_and_an_unknown_person_404(client, issue_token, people):
    token, _ = issue_token("admin")
    body = {"decision": "retain", "reason": "Kept", "review_date": (clock.today() + timedelta(days=9)).isoformat(),
            "version": 1}
    response = client.post(f"/api/v1/people/{people['Open']}/retention", json=body, headers=bearer(token))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "open_case"
    assert "close the case first" in response.get_json()["error"]["message"]
    assert client.post("/api/v1/people/999999/retention", json=body, headers=bearer(token)).status_code == 404


def test_erase_removes_the_person_from_the_list_and_from_view(client, issue_token, people):
    token, _ = issue_token("admin")
    body = {"decision": "erase", "reason": "No policing purpose remains",
            "version": _version(client, token, people["Bob"])}
    response = client.post(f"/api/v1/people/{people['Bob']}/retention", json=body, headers=bearer(token))
    assert response.status_code == 200 and response.get_json()["decision"] == "erase"
    listed = client.get("/api/v1/retention/due", headers=bearer(token)).get_json()["items"]
    assert people["Bob"] not in [item["id"] for item in listed]
    assert client.get(f"/api/v1/people/{people['Bob']}", headers=bearer(token)).status_code == 404
