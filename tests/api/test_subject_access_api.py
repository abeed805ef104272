"""GET /api/v1/people/{id}/export: everything held about a person, for administrators only, recorded as a
disclosure (a subject access request answered, with its purpose, and an audit event naming the person)."""
from datetime import timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import select

from diversion import clock
from diversion.extensions import db
from diversion.models import AuditEvent, Contract, Person, SubjectAccessRequest, User
from diversion.services import contracts, divert, erasure, merges
from tests.api.conftest import bearer
from tests.factories import contract_payload, divert_payload, referral_payload


@pytest.fixture
def world(client, issue_token):
    tokens = {role: issue_token(role) for role in ("custody_officer", "navigator", "provider", "manager", "admin")}
    referral = client.post("/api/v1/checkpoint/referrals", json=referral_payload(),
                           headers=bearer(tokens["custody_officer"][0])).get_json()
    contract = client.post(f"/api/v1/checkpoint/referrals/{referral['id']}/contract", json=contract_payload(),
                           headers=bearer(tokens["navigator"][0])).get_json()
    client.post(f"/api/v1/contracts/{contract['id']}/notes", headers=bearer(tokens["navigator"][0]),
                json={"kind": "phone", "body": "Called her friend Dee on 07700 900321."})

    class World:
        person_id = referral["person"]["id"]

        def export(self, who="admin", query="", person_id=None, expected=200):
            response = client.get(f"/api/v1/people/{person_id or self.person_id}/export{query}",
                                  headers=bearer(tokens[who][0]))
            assert response.status_code == expected, response.get_json()
            return response.get_json()
    World.admin, World.contract = tokens["admin"][1], contract
    return World()


def _requests(app):
    with app.app_context():
        return list(db.session.scalars(select(SubjectAccessRequest).order_by(SubjectAccessRequest.id)))


def _events(app, action="person.subject_access"):
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_an_administrator_gets_everything_held_and_the_export_is_recorded(world, app):
    bundle = world.export()
    assert bundle["format"] == "subject-access-bundle/1"
    assert bundle["subject"]["id"] == world.person_id and bundle["subject"]["given_name"] == "Chloé"
    assert len(bundle["checkpoint_referrals"]) == 1 and len(bundle["contracts"]) == 1
    [note] = bundle["notes"]
    assert note["body"] == "Called her friend Dee on 07700 900321."
    assert {note["body"][s["start"]:s["end"]] for s in note["redaction_review"][0]["spans"]} == {"Dee", "07700 900321"}
    [request] = _requests(app)
    assert (request.received_on, request.purpose, request.answered_by_id) == (
        clock.today(), "subject access request", world.admin.id)
    assert bundle["request"]["id"] == request.id and bundle["request"]["deadline"]
    [event] = _events(app)
    assert (event.person_id, event.justification, event.source) == (world.person_id, "subject access request", "api")


def test_the_day_received_and_the_purpose_may_be_given(world, app):
    received = clock.today() - timedelta(days=10)
    bundle = world.export(query=f"?received_on={received.isoformat()}&purpose={quote('Her solicitor, J Grey & Co')}")
    assert bundle["request"]["received_on"] == received.isoformat()
    assert bundle["request"]["purpose"] == "Her solicitor, J Grey & Co" and bundle["request"]["in_time"] is True
    assert _events(app)[0].justification == "Her solicitor, J Grey & Co"
    again = world.export()
    assert again["subject_access_requests"][0]["received_on"] == received.isoformat()  # the earlier one
    [logged] = [e for e in again["disclosure_log"] if e["action"] == "person.subject_access"]
    assert logged["by"] == {"id": world.admin.id, "name": world.admin.name}
    assert logged["purpose"] == "Her solicitor, J Grey & Co" and logged["source"] == "api"


@pytest.mark.parametrize("query, fields", [
    ("?received_on=2026-02-30", {"received_on"}),
    ("?received_on=yesterday", {"received_on"}),
    ("?received_on=2999-01-01&purpose=" + "x" * 2001, {"received_on", "purpose"}),
    ("?purpose=%00", {"purpose"}),
])
def test_bad_query_values_are_422_naming_every_field_and_record_nothing(world, app, query, fields):
    body = world.export(query=query, expected=422)
    assert body["error"]["code"] == "validation_failed" and set(body["error"]["fields"]) == fields
    assert _requests(app) == [] and _events(app) == []


@pytest.mark.parametrize("role", ["custody_officer", "navigator", "provider", "manager"])
def test_only_administrators_may_export(world, app, role):
    assert world.export(who=role, expected=403)["error"]["code"] == "forbidden"
    assert _requests(app) == [] and _events(app) == []


def test_an_unknown_or_erased_person_is_404(world, app):
    assert world.export(person_id=999_999, expected=404)["error"]["code"] == "not_found"
    with app.app_context():
        contract = db.session.get(Contract, world.contract["id"])
        contracts.record_outcome(contract, {"outcome": "discontinued", "date": clock.today().isoformat(),
                                            "reason": "moved_away", "version": contract.version},
                                 actor=db.session.get(User, contract.navigator_id))
        erasure.erase(db.session.get(Person, world.person_id), actor=db.session.get(User, world.admin.id),
                      reason="Retention review: no policing purpose")
        db.session.commit()
    assert world.export(expected=404)["error"]["code"] == "not_found"
    assert _requests(app) == []


def test_a_record_merged_into_another_is_404_and_the_record_kept_holds_both(world, app, client):
    with app.app_context():
        admin = db.session.get(User, world.admin.id)
        other = divert.create(divert_payload(), actor=admin)
        kept, merged_id = db.session.get(Person, world.person_id), other.person_id
        merges.merge(kept.id, merged_id, {"reason": "The same person", "version": kept.version,
                                          "other_version": other.person.version}, actor=admin)
        db.session.commit()
    world.export(person_id=merged_id, expected=404)
    bundle = world.export()
    assert [p["id"] for p in bundle["merged_records"]] == [merged_id]
    assert [r["person_id"] for r in bundle["divert_referrals"]] == [world.person_id]


def test_no_token_is_401(world, client):
    assert client.get(f"/api/v1/people/{world.person_id}/export").status_code == 401


def test_the_export_is_documented_in_openapi(world, client, issue_token):
    token, _ = issue_token("admin")
    spec = client.get("/api/v1/openapi.json", headers=bearer(token)).get_json()
    operation = spec["paths"]["/people/{person_id}/export"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"person_id", "received_on", "purpose"}
    assert {"200", "401", "403", "404", "422"} <= set(operation["responses"])
    assert "disclosure" in operation["description"]
