"""Live cases (revision 2): a new offence during a contract is dealt with by prosecution. A new Checkpoint
referral for someone with a contract in progress is ineligible (`live_contract`), and any new referral puts an
alert before the contract's navigator, who decides whether it is a breach."""
from datetime import timedelta

import pytest

from diversion import clock
from tests.api.conftest import bearer
from tests.factories import contract_payload, divert_payload, referral_payload

PERSON = {"person.given_name": "Agnieszka", "person.family_name": "Zając", "person.date_of_birth": "1988-02-03"}


@pytest.fixture
def api(client, issue_token):
    tokens = {role: issue_token(role) for role in ("custody_officer", "navigator", "provider", "manager")}
    tokens["navigator2"] = issue_token("navigator")

    class Api:
        def call(self, who, method, url, body=None, expected=200):
            response = client.open(url, method=method, json=body, headers=bearer(tokens[who][0]))
            assert response.status_code == expected, response.get_json()
            return response.get_json()

        def contract(self, **overrides):
            referral = self.call("custody_officer", "POST", "/api/v1/checkpoint/referrals",
                                 referral_payload(**PERSON, **overrides), 201)
            return self.call("navigator", "POST", f"/api/v1/checkpoint/referrals/{referral['id']}/contract",
                             contract_payload(start_date=referral["referral_date"]), 201)

        def refer(self, scheme="checkpoint", **overrides):
            body = referral_payload(**PERSON, **overrides) if scheme == "checkpoint" else \
                divert_payload(**PERSON, **overrides)
            return self.call("custody_officer", "POST", f"/api/v1/{scheme}/referrals", body, 201)
    return Api()


def test_a_new_checkpoint_referral_during_a_contract_is_ineligible_as_live_contract(api):
    api.contract()
    again = api.refer()
    assert again["eligibility"] == {"eligible": False, "reasons": ["live_contract"]}
    assert again["status"] == "ineligible"


@pytest.mark.parametrize("scheme", ["checkpoint", "divert"])
def test_any_new_referral_alerts_the_contracts_navigator(api, scheme):
    contract = api.contract()
    new = api.refer(scheme)
    read = api.call("navigator", "GET", f"/api/v1/contracts/{contract['id']}")
    [alert] = read["alerts"]
    assert {k: alert[k] for k in ("kind", "scheme", "referral_id", "date")} == {
        "kind": "new_referral", "scheme": scheme, "referral_id": new["id"], "date": new["referral_date"]}
    assert alert["resolved_at"] is None and read["version"] > contract["version"]
    assert alert["summary"]["reference"] == new["reference"]


def test_a_referral_before_the_contract_started_is_not_a_live_contract(api):
    start = clock.today() - timedelta(days=10)
    referral = api.call("custody_officer", "POST", "/api/v1/checkpoint/referrals",
                        referral_payload(**PERSON, referral_date=start.isoformat(),
                                         **{"offence.offence_date": (start - timedelta(days=1)).isoformat()}), 201)
    api.call("navigator", "POST", f"/api/v1/checkpoint/referrals/{referral['id']}/contract",
             contract_payload(start_date=clock.today().isoformat()), 201)
    earlier = api.refer(referral_date=(start - timedelta(days=2)).isoformat(),
                        **{"offence.offence_date": (start - timedelta(days=3)).isoformat()})
    assert "live_contract" not in earlier["eligibility"]["reasons"]


def test_after_the_contract_ends_a_new_referral_is_eligible_again_and_alerts_nobody(api):
    contract = api.contract()
    api.call("navigator", "POST", f"/api/v1/contracts/{contract['id']}/outcome",
             {"outcome": "discontinued", "reason": "not_in_public_interest", "date": clock.today().isoformat(),
              "version": contract["version"]})
    later = clock.now() + timedelta(days=1)
    clock.freeze(later)
    again = api.refer(referral_date=later.date().isoformat())
    assert again["eligibility"]["eligible"] is True
    assert api.call("navigator", "GET", f"/api/v1/contracts/{contract['id']}")["alerts"] == []


def test_a_contract_is_not_completed_while_an_alert_is_undecided(api):
    contract = api.contract()
    api.refer("divert")
    read = api.call("navigator", "GET", f"/api/v1/contracts/{contract['id']}")
    refused = api.call("navigator", "POST", f"/api/v1/contracts/{contract['id']}/outcome",
                       {"outcome": "completed", "date": clock.today().isoformat(), "version": read["version"]}, 409)
    assert refused["error"]["fields"]["alerts"] == [str(read["alerts"][0]["id"])]


def test_the_navigator_says_why_an_alert_is_not_a_breach(api):
    contract = api.contract()
    api.refer("divert")
    read = api.call("navigator", "GET", f"/api/v1/contracts/{contract['id']}")
    alert = read["alerts"][0]
    url = f"/api/v1/contracts/{contract['id']}/alerts/{alert['id']}/dismiss"
    api.call("navigator", "POST", url, {"version": read["version"]}, 422)
    api.call("navigator", "POST", url, {"reason": "Old offence", "version": read["version"] - 1}, 409)
    done = api.call("navigator", "POST", url, {"reason": "The possession was before the contract",
                                               "version": read["version"]})
    assert done["alerts"][0]["resolution"] == "not_a_breach"
    api.call("navigator", "POST", url, {"reason": "Again", "version": done["version"]}, 409)


def test_recording_a_breach_answers_every_open_alert(api):
    contract = api.contract()
    api.refer("divert")
    api.refer()
    read = api.call("navigator", "GET", f"/api/v1/contracts/{contract['id']}")
    breached = api.call("navigator", "POST", f"/api/v1/contracts/{contract['id']}/outcome",
                        {"outcome": "breached", "reason": "reoffended", "date": clock.today().isoformat(),
                         "version": read["version"]})
    assert [a["resolution"] for a in breached["alerts"]] == ["breached", "breached"]


def test_another_navigator_sees_neither_the_contract_nor_its_alerts(api):
    contract = api.contract()
    api.refer("divert")
    api.call("navigator2", "GET", f"/api/v1/contracts/{contract['id']}", expected=404)
    alert_id = api.call("manager", "GET", f"/api/v1/contracts/{contract['id']}")["alerts"][0]["id"]
    api.call("navigator2", "POST", f"/api/v1/contracts/{contract['id']}/alerts/{alert_id}/dismiss",
             {"reason": "x", "version": 1}, 404)


def test_unpaid_work_is_met_only_when_the_hours_are_done(api):
    contract = api.contract()
    work = contract["conditions"][2]
    url = f"/api/v1/contracts/{contract['id']}/conditions/{work['id']}"
    refused = api.call("navigator", "POST", f"{url}/status", {"status": "met", "version": contract["version"]}, 409)
    assert refused["error"]["fields"] == {"conditions": [str(work["id"])]} and "0 of 24" in refused["error"]["message"]
    api.call("navigator", "POST", f"{url}/progress", {"hours": 23.5, "note": "Food bank"}, 201)
    read = api.call("navigator", "GET", f"/api/v1/contracts/{contract['id']}")
    api.call("navigator", "POST", f"{url}/status", {"status": "met", "version": read["version"]}, 409)
    api.call("navigator", "POST", f"{url}/progress", {"hours": 0.5, "note": "Last half hour"}, 201)
    read = api.call("navigator", "GET", f"/api/v1/contracts/{contract['id']}")
    met = api.call("navigator", "POST", f"{url}/status", {"status": "met", "version": read["version"]})
    assert met["conditions"][2]["status"] == "met"
    failed = api.call("navigator", "POST", f"{url}/status", {"status": "failed", "version": met["version"]}, 200)
    assert failed["conditions"][2]["status"] == "failed"  # failing it needs no hours


def test_a_second_contract_is_not_agreed_while_the_first_is_in_progress(api):
    first = api.call("custody_officer", "POST", "/api/v1/checkpoint/referrals", referral_payload(**PERSON), 201)
    second = api.call("custody_officer", "POST", "/api/v1/checkpoint/referrals", referral_payload(**PERSON), 201)
    assert second["status"] == "awaiting_navigator"  # neither had a contract when they were made
    api.call("navigator", "POST", f"/api/v1/checkpoint/referrals/{first['id']}/contract",
             contract_payload(start_date=first["referral_date"]), 201)
    refused = api.call("navigator2", "POST", f"/api/v1/checkpoint/referrals/{second['id']}/contract",
                       contract_payload(start_date=second["referral_date"]), 409)
    assert "another contract in progress" in refused["error"]["message"]


def test_discontinuing_a_contract_closes_its_alerts(api):
    contract = api.contract()
    api.refer("divert")
    read = api.call("navigator", "GET", f"/api/v1/contracts/{contract['id']}")
    ended = api.call("navigator", "POST", f"/api/v1/contracts/{contract['id']}/outcome",
                     {"outcome": "discontinued", "reason": "died", "date": clock.today().isoformat(),
                      "version": read["version"]})
    assert [a["resolution"] for a in ended["alerts"]] == ["contract_ended"]


def test_a_divert_alert_tells_the_navigator_nothing_about_the_drug(api):
    contract = api.contract()
    api.refer("divert", substance="cocaine")
    [alert] = api.call("navigator", "GET", f"/api/v1/contracts/{contract['id']}")["alerts"]
    assert set(alert["summary"]) == {"reference", "referring_officer"} and "cocaine" not in str(alert)
