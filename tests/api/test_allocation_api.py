"""Allocation through the API (revision 2, casework): a manager reserves a queued referral for a navigator and
hands a contract to another navigator with a reason; the contract's errors, codes and need to know."""
import pytest
from sqlalchemy import select

from diversion.extensions import db
from diversion.models import NavigatorChange
from tests.api.conftest import bearer
from tests.factories import contract_payload, referral_payload


@pytest.fixture
def api(client, issue_token):
    tokens = {role: issue_token(role) for role in ("custody_officer", "manager", "admin")}
    tokens["ada"] = issue_token("navigator", name="Ada Lovelace")
    tokens["bo"] = issue_token("navigator", name="Bo Diddley")

    class Api:
        user = {k: v[1] for k, v in tokens.items()}

        def call(self, who, method, url, body=None, expected=None):
            response = client.open(url, method=method, json=body, headers=bearer(tokens[who][0]))
            if expected is not None:
                assert response.status_code == expected, response.get_json()
            return response.get_json()

        def referral(self, **overrides):
            overrides.setdefault("person.given_name", f"Given{len(created)}")
            created.append(1)
            return self.call("custody_officer", "POST", "/api/v1/checkpoint/referrals", referral_payload(**overrides),
                             201)

        def allocate(self, referral, navigator, who="manager", expected=200):
            return self.call(who, "POST", f"/api/v1/checkpoint/referrals/{referral['id']}/allocate",
                             {"navigator_id": self.user[navigator].id if navigator else None,
                              "version": referral["version"]}, expected)

        def contract(self, navigator="ada"):
            referral = self.referral()
            return self.call(navigator, "POST", f"/api/v1/checkpoint/referrals/{referral['id']}/contract",
                             contract_payload(), 201)
    created = []
    return Api()


def test_a_manager_reserves_a_referral_for_one_navigator_who_alone_sees_and_agrees_it(api):
    referral = api.referral()
    reserved = api.allocate(referral, "bo")
    assert reserved["id"] == referral["id"] and reserved["status"] == "awaiting_navigator"
    assert reserved["allocated_navigator_id"] == api.user["bo"].id and reserved["version"] > referral["version"]
    queue = api.call("ada", "GET", "/api/v1/checkpoint/referrals?status=awaiting_navigator", expected=200)
    assert referral["id"] not in [r["id"] for r in queue["items"]]
    api.call("ada", "GET", f"/api/v1/checkpoint/referrals/{referral['id']}", expected=404)
    api.call("ada", "POST", f"/api/v1/checkpoint/referrals/{referral['id']}/contract", contract_payload(), 404)
    api.call("ada", "POST", f"/api/v1/checkpoint/referrals/{referral['id']}/decline",
             {"reason": "Said no", "version": reserved["version"]}, 404)
    queue = api.call("bo", "GET", "/api/v1/checkpoint/referrals?status=awaiting_navigator", expected=200)
    assert referral["id"] in [r["id"] for r in queue["items"]]
    contract = api.call("bo", "POST", f"/api/v1/checkpoint/referrals/{referral['id']}/contract", contract_payload(),
                        201)
    assert contract["navigator_id"] == api.user["bo"].id


def test_allocating_again_replaces_the_navigator_and_null_frees_it(api):
    referral = api.referral()
    referral = api.allocate(referral, "bo")
    referral = api.allocate(referral, "ada", who="admin")
    assert referral["allocated_navigator_id"] == api.user["ada"].id
    referral = api.allocate(referral, None)
    assert referral["allocated_navigator_id"] is None
    api.call("bo", "GET", f"/api/v1/checkpoint/referrals/{referral['id']}", expected=200)


def test_allocation_errors_have_the_contracts_shape(api):
    referral = api.referral()
    url = f"/api/v1/checkpoint/referrals/{referral['id']}/allocate"
    answer = api.call("manager", "POST", url, {"navigator_id": api.user["manager"].id,
                                               "version": referral["version"]}, 422)
    assert list(answer["error"]["fields"]) == ["navigator_id"]
    answer = api.call("manager", "POST", url, {"navigator_id": "Bo"}, 422)
    assert sorted(answer["error"]["fields"]) == ["navigator_id", "version"]
    api.call("manager", "POST", url, {"navigator_id": api.user["bo"].id, "version": referral["version"] + 5}, 409)
    approval = api.referral(**{"offence.category": "burglary_residential"})
    api.call("manager", "POST", f"/api/v1/checkpoint/referrals/{approval['id']}/allocate",
             {"navigator_id": api.user["bo"].id, "version": approval["version"]}, 409)
    api.call("manager", "POST", "/api/v1/checkpoint/referrals/99999/allocate",
             {"navigator_id": api.user["bo"].id, "version": 1}, 404)
    for who in ("ada", "custody_officer"):
        api.call(who, "POST", url, {"navigator_id": api.user["bo"].id, "version": referral["version"]}, 403)


def test_reassigning_a_contract_moves_it_out_of_the_old_navigators_sight(api, app):
    contract = api.contract("ada")
    moved = api.call("manager", "POST", f"/api/v1/contracts/{contract['id']}/navigator",
                     {"navigator_id": api.user["bo"].id, "reason": "Ada is on leave until March",
                      "version": contract["version"]}, 200)
    assert moved["navigator_id"] == api.user["bo"].id and moved["version"] > contract["version"]
    assert moved["conditions"] == contract["conditions"]
    api.call("ada", "GET", f"/api/v1/contracts/{contract['id']}", expected=404)
    assert contract["id"] not in [c["id"] for c in api.call("ada", "GET", "/api/v1/contracts", expected=200)["items"]]
    api.call("bo", "GET", f"/api/v1/contracts/{contract['id']}", expected=200)
    with app.app_context():
        change = db.session.scalar(select(NavigatorChange))
        assert (change.from_navigator_id, change.to_navigator_id, change.reason) == (
            api.user["ada"].id, api.user["bo"].id, "Ada is on leave until March")


def test_reassignment_errors(api):
    contract = api.contract("ada")
    url = f"/api/v1/contracts/{contract['id']}/navigator"
    answer = api.call("manager", "POST", url, {"navigator_id": api.user["ada"].id, "reason": "",
                                               "version": contract["version"]}, 422)
    assert sorted(answer["error"]["fields"]) == ["reason"]
    answer = api.call("manager", "POST", url, {"navigator_id": api.user["ada"].id, "reason": "Why not",
                                               "version": contract["version"]}, 422)
    assert sorted(answer["error"]["fields"]) == ["navigator_id"]
    api.call("manager", "POST", url, {"navigator_id": api.user["bo"].id, "reason": "x" * 2001,
                                      "version": contract["version"]}, 422)
    api.call("manager", "POST", url, {"navigator_id": api.user["bo"].id, "reason": "Stale",
                                      "version": contract["version"] - 1}, 409)
    api.call("ada", "POST", url, {"navigator_id": api.user["bo"].id, "reason": "Mine to give",
                                  "version": contract["version"]}, 403)
    ended = api.call("ada", "POST", f"/api/v1/contracts/{contract['id']}/outcome",
                     {"outcome": "discontinued", "date": contract["start_date"], "reason": "not_in_public_interest",
                      "version": contract["version"]}, 200)
    api.call("manager", "POST", url, {"navigator_id": api.user["bo"].id, "reason": "Too late",
                                      "version": ended["version"]}, 409)


def test_both_writes_are_in_the_openapi_document(api):
    document = api.call("manager", "GET", "/api/v1/openapi.json", expected=200)
    allocate = document["paths"]["/checkpoint/referrals/{referral_id}/allocate"]["post"]
    reassign = document["paths"]["/contracts/{contract_id}/navigator"]["post"]
    assert allocate["requestBody"]["content"]["application/json"]["schema"]["required"] == ["navigator_id", "version"]
    schema = reassign["requestBody"]["content"]["application/json"]["schema"]
    assert schema["properties"]["reason"]["maxLength"] == 2000
