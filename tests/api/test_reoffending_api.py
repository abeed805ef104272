"""Proven reoffending through the API (api-contract, Revision 2: outcomes): the import and the report."""
import pytest
import sqlalchemy as sa

from diversion.extensions import db
from diversion.models import AuditEvent, Reoffence
from tests.api.conftest import bearer

URL = "/api/v1/reoffending/records"
RECORD = {"pnc_id": "2010/0000001A", "offence_date": "2024-09-01", "disposal_date": "2024-10-01"}


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Reoffence))


@pytest.mark.parametrize("role", ["custody_officer", "navigator", "provider"])
def test_only_managers_and_admins_import_or_read_reoffending(client, issue_token, role):
    token, _ = issue_token(role)
    assert client.post(URL, json={"records": [RECORD]}, headers=bearer(token)).status_code == 403
    assert client.get("/api/v1/reports/reoffending", headers=bearer(token)).status_code == 403


def test_without_a_token_it_is_401(client):
    assert client.post(URL, json={"records": [RECORD]}).status_code == 401


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_an_import_answers_matched_and_unmatched(client, issue_token, app, role):
    token, _ = issue_token(role)
    response = client.post(URL, json={"records": [RECORD, dict(RECORD, pnc_id="1999/7654321Z")]},
                           headers=bearer(token))
    assert response.status_code == 200
    body = response.get_json()
    assert (body["matched"], body["unmatched"], body["added"], body["duplicates"]) == (0, 2, 2, 0)
    assert _count(app) == 2


def test_the_import_is_audited_with_counts_and_no_pnc_id(client, issue_token, app):
    token, user = issue_token("manager")
    client.post(URL, json={"records": [RECORD]}, headers=bearer(token))
    with app.app_context():
        event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "reoffending.import")).one()
    assert (event.actor_id, event.source) == (user.id, "api")
    assert event.details["received"] == 1 and "2010/0000001A" not in str(event.details)


def test_every_bad_field_is_named_with_dotted_names_and_nothing_is_saved(client, issue_token, app):
    token, _ = issue_token("manager")
    records = [RECORD, {"pnc_id": "x", "offence_date": "2024-02-30"}, "not an object",
               dict(RECORD, disposal_date="2024-08-31"), dict(RECORD, pnc_id="2010/0000002A\x00")]
    response = client.post(URL, json={"records": records}, headers=bearer(token))
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {
        "records.1.pnc_id", "records.1.offence_date", "records.1.disposal_date", "records.2",
        "records.3.disposal_date", "records.4.pnc_id"}
    assert _count(app) == 0


def test_a_disposal_before_the_offence_is_422(client, issue_token):
    token, _ = issue_token("manager")
    response = client.post(URL, json={"records": [dict(RECORD, disposal_date="2024-08-01")]}, headers=bearer(token))
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "records.0.disposal_date": ["The disposal date must be on or after the offence date"]}


def test_ten_thousand_records_are_taken_and_ten_thousand_and_one_refused(client, issue_token, app):
    token, _ = issue_token("manager")
    records = [dict(RECORD, pnc_id=f"2010/{n:07d}A") for n in range(10_001)]
    refused = client.post(URL, json={"records": records}, headers=bearer(token))
    assert refused.status_code == 422 and list(refused.get_json()["error"]["fields"]) == ["records"]
    assert _count(app) == 0
    taken = client.post(URL, json={"records": records[:10_000]}, headers=bearer(token))
    assert taken.status_code == 200 and taken.get_json()["unmatched"] == 10_000
    assert _count(app) == 10_000


@pytest.mark.parametrize("body", [{}, {"records": []}, {"records": "all of them"}, {"records": None}])
def test_a_body_without_a_list_of_records_is_422(client, issue_token, body):
    token, _ = issue_token("manager")
    response = client.post(URL, json=body, headers=bearer(token))
    assert response.status_code == 422 and list(response.get_json()["error"]["fields"]) == ["records"]


def test_a_body_that_is_not_an_object_is_400(client, issue_token):
    token, _ = issue_token("manager")
    response = client.post(URL, data="[1, 2]", content_type="application/json", headers=bearer(token))
    assert response.status_code == 400


def test_the_report_has_the_contract_shape(client, issue_token):
    token, _ = issue_token("manager")
    body = client.get("/api/v1/reports/reoffending?from=2024-01-01&to=2024-12-31&months=12",
                      headers=bearer(token)).get_json()
    assert body["period"] == {"from": "2024-01-01", "to": "2024-12-31"} and body["months"] == 12
    assert set(body) >= {"cohort", "reoffended", "rate", "rate_ci95", "groups", "during_contract"}
    assert [g["key"] for g in body["groups"]] == ["checkpoint_completed", "checkpoint_breached", "divert_assessed",
                                                  "divert_not_assessed"]
    assert (body["cohort"], body["rate"], body["rate_ci95"]) == (0, None, None)
    grouped = client.get("/api/v1/reports/reoffending?group_by=age_band", headers=bearer(token)).get_json()
    assert grouped["group_by"] == "age_band" and grouped["by_group"] == []


def test_bad_report_arguments_are_one_422_naming_each(client, issue_token):
    token, _ = issue_token("admin")
    response = client.get("/api/v1/reports/reoffending?months=36&to=nope&group_by=navigator", headers=bearer(token))
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"months", "to", "group_by"}
