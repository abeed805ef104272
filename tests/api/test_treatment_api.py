"""Onward referrals and their starts through the API (issue 12, treatment engagement): Checkpoint ones from a
pathway condition, DIVERT ones from the provider's onward_referral event; need to know as for the parent."""
from datetime import timedelta

import pytest

from diversion import clock
from tests.api.conftest import bearer
from tests.factories import contract_payload, divert_payload, referral_payload


@pytest.fixture
def api(client, issue_token):
    tokens = {role: issue_token(role) for role in ("custody_officer", "navigator", "manager", "admin", "provider")}
    tokens["other_navigator"] = issue_token("navigator")

    class Api:
        def call(self, who, method, url, body=None, expected=None):
            response = client.open(url, method=method, json=body, headers=bearer(tokens[who][0]))
            if expected is not None:
                assert response.status_code == expected, response.get_json()
            return response.get_json()

        def contract(self):
            referral = self.call("custody_officer", "POST", "/api/v1/checkpoint/referrals", referral_payload(), 201)
            return self.call("navigator", "POST", f"/api/v1/checkpoint/referrals/{referral['id']}/contract",
                             contract_payload(), 201)

        def pathway(self, contract):
            return next(c["id"] for c in contract["conditions"] if c["type"] == "pathway")

        def refer(self, contract, expected=201, **overrides):
            body = {"condition_id": self.pathway(contract), "service": "alcohol_brief_intervention",
                    "referred_on": clock.today().isoformat(), **overrides}
            return self.call("navigator", "POST", f"/api/v1/contracts/{contract['id']}/onward-referrals", body,
                             expected)

        def divert_onward(self):
            referral = self.call("custody_officer", "POST", "/api/v1/divert/referrals", divert_payload(), 201)
            today = clock.today().isoformat()
            self.call("provider", "POST", f"/api/v1/divert/referrals/{referral['id']}/events",
                      {"event": "contacted", "date": today}, 201)
            self.call("provider", "POST", f"/api/v1/divert/referrals/{referral['id']}/events",
                      {"event": "onward_referral", "date": today, "onward_to": "mental_health"}, 201)
            return referral
    return Api()


def test_the_navigator_refers_someone_on_from_a_pathway_condition(api):
    contract = api.contract()
    made = api.refer(contract)
    assert (made["scheme"], made["service"], made["pathway"], made["status"]) == (
        "checkpoint", "alcohol_brief_intervention", "alcohol", "waiting")
    assert made["condition_id"] == api.pathway(contract) and made["contract_id"] == contract["id"]
    listed = api.call("navigator", "GET", f"/api/v1/contracts/{contract['id']}/onward-referrals", expected=200)
    assert [item["id"] for item in listed["items"]] == [made["id"]] and listed["next"] is None


def test_a_start_within_three_weeks_is_recorded_with_the_version_read(api):
    contract = api.contract()
    made = api.refer(contract)
    started = api.call("navigator", "POST", f"/api/v1/onward-referrals/{made['id']}/start",
                       {"started_on": clock.today().isoformat(), "version": made["version"]}, 200)
    assert (started["status"], started["started_within_three_weeks"]) == ("started", True)
    again = api.call("navigator", "POST", f"/api/v1/onward-referrals/{made['id']}/start",
                     {"did_not_start": True, "version": made["version"]}, 409)
    assert again["error"]["code"] == "conflict"


def test_did_not_start_is_recorded(api):
    made = api.refer(api.contract())
    answer = api.call("navigator", "POST", f"/api/v1/onward-referrals/{made['id']}/start",
                      {"did_not_start": True, "version": made["version"]}, 200)
    assert (answer["status"], answer["did_not_start"], answer["not_started_within_three_weeks"]) == (
        "did_not_start", True, True)


@pytest.mark.parametrize("overrides, bad", [
    ({"condition_id": None}, "condition_id"),
    ({"service": "reiki"}, "service"),
    ({"service": "x\x00"}, "service"),
    ({"referred_on": "2026-02-30"}, "referred_on"),
    ({"referred_on": (clock.today() + timedelta(days=3)).isoformat()}, "referred_on"),
    ({"referred_on": (clock.today() - timedelta(days=3)).isoformat()}, "referred_on"),  # before the contract
])
def test_a_bad_onward_referral_is_a_422_naming_the_field(api, overrides, bad):
    answer = api.refer(api.contract(), expected=422, **overrides)
    assert bad in answer["error"]["fields"]


def test_only_a_pathway_condition_can_be_referred_on_from(api):
    contract = api.contract()
    unpaid = next(c["id"] for c in contract["conditions"] if c["type"] == "community")
    answer = api.refer(contract, expected=422, condition_id=unpaid)
    assert "condition_id" in answer["error"]["fields"]


@pytest.mark.parametrize("body, bad", [
    ({"started_on": (clock.today() + timedelta(days=1)).isoformat()}, "started_on"),
    ({"started_on": (clock.today() - timedelta(days=1)).isoformat()}, "started_on"),  # before the referral
    ({}, "started_on"),
    ({"started_on": clock.today().isoformat(), "did_not_start": True}, "started_on"),
    ({"did_not_start": "yes"}, "did_not_start"),
])
def test_a_bad_start_is_a_422_naming_the_field(api, body, bad):
    made = api.refer(api.contract())
    answer = api.call("navigator", "POST", f"/api/v1/onward-referrals/{made['id']}/start",
                      {**body, "version": made["version"]}, 422)
    assert bad in answer["error"]["fields"]


def test_another_navigators_contract_and_its_onward_referrals_are_not_found(api):
    contract = api.contract()
    made = api.refer(contract)
    api.call("other_navigator", "POST", f"/api/v1/contracts/{contract['id']}/onward-referrals",
             {"condition_id": api.pathway(contract), "service": "debt_advice",
              "referred_on": clock.today().isoformat()}, 404)
    api.call("other_navigator", "POST", f"/api/v1/onward-referrals/{made['id']}/start",
             {"did_not_start": True, "version": made["version"]}, 404)
    api.call("provider", "POST", f"/api/v1/onward-referrals/{made['id']}/start",
             {"did_not_start": True, "version": made["version"]}, 404)
    api.call("navigator", "POST", "/api/v1/onward-referrals/999999/start",
             {"did_not_start": True, "version": 1}, 404)


def test_a_divert_onward_referral_event_makes_an_onward_referral_the_provider_starts(api):
    referral = api.divert_onward()
    listed = api.call("provider", "GET", f"/api/v1/divert/referrals/{referral['id']}/onward-referrals",
                      expected=200)["items"]
    assert [(i["scheme"], i["service"], i["pathway"]) for i in listed] == [
        ("divert", "talking_therapies", "mental_health")]
    onward = listed[0]
    started = api.call("provider", "POST", f"/api/v1/onward-referrals/{onward['id']}/start",
                       {"started_on": clock.today().isoformat(), "version": onward["version"]}, 200)
    assert started["started_within_three_weeks"] is True
    # a navigator never reads DIVERT records: not found
    api.call("navigator", "POST", f"/api/v1/onward-referrals/{onward['id']}/start",
             {"did_not_start": True, "version": started["version"]}, 404)


def test_the_treatment_report_is_for_managers(api):
    api.call("navigator", "GET", "/api/v1/reports/treatment", expected=403)
    report = api.call("manager", "GET", "/api/v1/reports/treatment", expected=200)
    assert {"overall", "by_scheme", "services", "pathways", "within_days"} <= set(report)
    api.call("manager", "GET", "/api/v1/reports/treatment?from=2026-13-01", expected=422)


def test_the_services_are_a_reference_list(api):
    items = api.call("provider", "GET", "/api/v1/treatment-services", expected=200)["items"]
    assert {"community_drug_alcohol", "talking_therapies", "housing_options", "womens_centre",
            "liaison_diversion"} <= {i["code"] for i in items}
