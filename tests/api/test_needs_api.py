"""Suitability on a referral and the needs assessment of a contract through the API (issue 12)."""
import pytest

from tests.api.conftest import bearer
from tests.factories import contract_payload, referral_payload


@pytest.fixture
def api(client, issue_token):
    tokens = {role: issue_token(role) for role in ("custody_officer", "navigator", "manager", "admin", "provider")}
    tokens["other_navigator"] = issue_token("navigator")

    class Api:
        user = {k: v[1] for k, v in tokens.items()}

        def call(self, who, method, url, body=None, expected=None):
            response = client.open(url, method=method, json=body, headers=bearer(tokens[who][0]))
            if expected is not None:
                assert response.status_code == expected, response.get_json()
            return response.get_json()

        def contract(self):
            referral = self.call("custody_officer", "POST", "/api/v1/checkpoint/referrals", referral_payload(), 201)
            return self.call("navigator", "POST", f"/api/v1/checkpoint/referrals/{referral['id']}/contract",
                             contract_payload(), 201)
    return Api()


NEEDS = {"needs": [{"pathway": "alcohol", "score": 3, "note": "Drinks daily"},
                   {"pathway": "accommodation", "score": 2}, {"pathway": "finance", "score": 0}]}


def test_a_referral_keeps_the_officers_suitability_decision_and_reasons(api):
    body = referral_payload(suitability={"decision": "suitable", "reasons": ["low_seriousness", "motivated"],
                                         "note": "First offence, remorseful"})
    referral = api.call("custody_officer", "POST", "/api/v1/checkpoint/referrals", body, 201)
    assert referral["suitability"] == {"decision": "suitable", "reasons": ["low_seriousness", "motivated"],
                                       "note": "First offence, remorseful"}
    read = api.call("navigator", "GET", f"/api/v1/checkpoint/referrals/{referral['id']}", expected=200)
    assert read["suitability"]["decision"] == "suitable"


def test_suitability_is_optional_and_null_when_not_given(api):
    referral = api.call("custody_officer", "POST", "/api/v1/checkpoint/referrals", referral_payload(), 201)
    assert referral["suitability"] is None


@pytest.mark.parametrize("suitability, bad", [
    ({"decision": "maybe", "reasons": ["motivated"]}, "suitability.decision"),
    ({"decision": "suitable", "reasons": []}, "suitability.reasons"),
    ({"decision": "suitable", "reasons": ["too_serious"]}, "suitability.reasons"),  # a reason against
    ({"decision": "not_suitable", "reasons": ["other"], "note": "x\x00"}, "suitability.note"),
    ({"decision": "not_suitable", "reasons": ["other"], "note": "x" * 2001}, "suitability.note"),
    ("suitable", "suitability"),
])
def test_a_bad_suitability_decision_is_a_422_naming_the_field(api, suitability, bad):
    answer = api.call("custody_officer", "POST", "/api/v1/checkpoint/referrals",
                      referral_payload(suitability=suitability), 422)
    assert bad in answer["error"]["fields"]


def test_the_navigator_records_needs_and_medium_or_high_needs_are_suggested(api):
    contract = api.contract()  # its only pathway condition is alcohol
    assessment = api.call("navigator", "PUT", f"/api/v1/contracts/{contract['id']}/needs", NEEDS, 200)
    assert [(n["pathway"], n["score"], n["level"]) for n in assessment["needs"]] == [
        ("alcohol", 3, "high"), ("accommodation", 2, "medium"), ("finance", 0, "none")]
    assert assessment["suggested_pathways"] == ["alcohol", "accommodation"]
    read = api.call("manager", "GET", f"/api/v1/contracts/{contract['id']}/needs", expected=200)
    assert read["needs"][0]["note"] == "Drinks daily" and read["version"] == assessment["version"]


def test_a_changed_assessment_needs_the_version_read_and_a_stale_one_is_409(api):
    contract = api.contract()
    first = api.call("navigator", "PUT", f"/api/v1/contracts/{contract['id']}/needs", NEEDS, 200)
    url = f"/api/v1/contracts/{contract['id']}/needs"
    api.call("navigator", "PUT", url, NEEDS, 422)  # the version is required once there is an assessment
    second = api.call("navigator", "PUT", url, {**NEEDS, "version": first["version"]}, 200)
    assert second["version"] > first["version"]
    api.call("manager", "PUT", url, {**NEEDS, "version": first["version"]}, 409)


def test_bad_needs_are_a_422_naming_every_bad_field(api):
    contract = api.contract()
    answer = api.call("navigator", "PUT", f"/api/v1/contracts/{contract['id']}/needs", {"needs": [
        {"pathway": "astrology", "score": 1}, {"pathway": "drugs", "score": 4}, {"pathway": "drugs", "score": 1},
        {"pathway": "alcohol", "score": True, "note": "a" * 2001}]}, 422)
    assert set(answer["error"]["fields"]) == {"needs.0.pathway", "needs.1.score", "needs.2.pathway", "needs.3.score",
                                     "needs.3.note"}
    assert "needs" in api.call("navigator", "PUT", f"/api/v1/contracts/{contract['id']}/needs", {"needs": []},
                               422)["error"]["fields"]


def test_the_review_records_met_reduced_or_unchanged_for_assessed_pathways(api):
    contract = api.contract()
    url = f"/api/v1/contracts/{contract['id']}/needs"
    api.call("navigator", "POST", url + "/review", {"reviews": [{"pathway": "alcohol", "result": "met"}],
                                                     "version": 1}, 409)  # nothing assessed yet
    assessment = api.call("navigator", "PUT", url, NEEDS, 200)
    answer = api.call("navigator", "POST", url + "/review", {"reviews": [
        {"pathway": "drugs", "result": "met"}, {"pathway": "alcohol", "result": "better"}],
        "version": assessment["version"]}, 422)
    assert set(answer["error"]["fields"]) == {"reviews.0.pathway", "reviews.1.result"}
    reviewed = api.call("navigator", "POST", url + "/review", {"reviews": [
        {"pathway": "alcohol", "result": "reduced"}, {"pathway": "accommodation", "result": "met"}],
        "version": assessment["version"]}, 200)
    assert {n["pathway"]: n["review"] for n in reviewed["needs"]} == {
        "alcohol": "reduced", "accommodation": "met", "finance": None}
    assert reviewed["reviewed_by"] == api.user["navigator"].id
    api.call("navigator", "POST", url + "/review", {"reviews": [{"pathway": "alcohol", "result": "met"}],
                                                     "version": assessment["version"]}, 409)  # stale


def test_only_the_contracts_navigator_managers_and_admins_see_or_assess_needs(api):
    contract = api.contract()
    url = f"/api/v1/contracts/{contract['id']}/needs"
    api.call("other_navigator", "PUT", url, NEEDS, 404)  # need to know: not their caseload
    api.call("provider", "PUT", url, NEEDS, 403)
    api.call("custody_officer", "GET", url, expected=403)
    api.call("navigator", "GET", url, expected=404)  # none yet
    api.call("admin", "PUT", url, NEEDS, 200)
    api.call("other_navigator", "GET", url, expected=404)
    api.call("navigator", "PUT", "/api/v1/contracts/999999/needs", NEEDS, 404)


def test_the_needs_report_counts_levels_and_reviews_by_pathway(api):
    contract = api.contract()
    url = f"/api/v1/contracts/{contract['id']}/needs"
    assessment = api.call("navigator", "PUT", url, NEEDS, 200)
    api.call("navigator", "POST", url + "/review", {"reviews": [{"pathway": "alcohol", "result": "met"}],
                                                     "version": assessment["version"]}, 200)
    report = api.call("manager", "GET", "/api/v1/reports/needs", expected=200)
    by = {p["pathway"]: p for p in report["pathways"]}
    assert report["assessments"] == 1
    assert by["alcohol"]["levels"] == {"none": 0, "low": 0, "medium": 0, "high": 1}
    assert by["alcohol"]["reviews"] == {"met": 1, "reduced": 0, "unchanged": 0, "not_reviewed": 0}
    assert by["accommodation"]["reviews"]["not_reviewed"] == 1 and by["finance"]["levels"]["none"] == 1
    api.call("navigator", "GET", "/api/v1/reports/needs", expected=403)
    assert "from" in api.call("admin", "GET", "/api/v1/reports/needs?from=2026-13-01", expected=422)["error"]["fields"]
