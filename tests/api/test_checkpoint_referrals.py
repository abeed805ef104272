"""POST/GET /api/v1/checkpoint/referrals: screening, person matching, validation, decisions."""
from datetime import timedelta

import pytest

from diversion import clock
from tests.api.conftest import bearer
from tests.factories import referral_payload


@pytest.fixture
def officer(issue_token, client):
    token, user = issue_token("custody_officer")

    def post(body, expected=201):
        response = client.post("/api/v1/checkpoint/referrals", json=body, headers=bearer(token))
        assert response.status_code == expected, response.get_json()
        return response.get_json()
    post.token, post.user = token, user
    return post


def test_an_eligible_referral_awaits_a_navigator(officer):
    body = officer(referral_payload())
    assert body["status"] == "awaiting_navigator"
    assert body["eligibility"] == {"eligible": True, "reasons": []}
    assert body["person"]["id"] and body["person"]["given_name"] == "Chloé"
    assert body["person"]["family_name"] == "O'Sullivan-Nkemelu"  # names kept exactly
    assert body["version"] == 1 and body["referral_date"] == clock.today().isoformat()


def test_every_failing_reason_is_listed_and_the_referral_is_kept_as_ineligible(officer):
    today = clock.today()
    body = officer(referral_payload(**{
        "person.date_of_birth": (today.replace(year=today.year - 17)).isoformat(),
        "offence.offence_date": (today - timedelta(days=200)).isoformat(),
        "offence.hate_crime": True, "interview": "denied", "evidential_test_met": False,
        "flags": {"court_order": True, "on_bail": True, "co_accused": True, "detained_mental_health": True},
        "offence.category": "robbery"}))
    assert body["status"] == "ineligible"
    assert body["eligibility"]["reasons"] == [
        "under_18", "offence_too_old", "denied_offence", "evidential_test_not_met", "excluded_offence",
        "hate_crime", "current_court_order", "on_bail", "co_accused", "detained_mental_health"]


def test_an_18th_birthday_on_the_referral_date_is_eligible(officer):
    clock.freeze(clock.now().replace(year=2026, month=6, day=15, hour=12))
    body = officer(referral_payload(**{"person.date_of_birth": "2008-06-15", "referral_date": "2026-06-15",
                                       "offence.offence_date": "2026-06-10"}))
    assert body["eligibility"]["eligible"] is True


def test_specific_terms_categories_await_a_managers_approval(officer, issue_token, client):
    body = officer(referral_payload(**{"offence.category": "burglary_residential"}))
    assert body["status"] == "awaiting_approval"
    token, _ = issue_token("manager")
    approved = client.post(f"/api/v1/checkpoint/referrals/{body['id']}/approve",
                           json={"reason": "Low risk, first offence", "version": body["version"]},
                           headers=bearer(token))
    assert approved.status_code == 200
    assert approved.get_json()["status"] == "awaiting_navigator"


def test_approval_with_a_stale_version_is_409_and_changes_nothing(officer, issue_token, client):
    body = officer(referral_payload(**{"offence.category": "burglary_residential"}))
    token, _ = issue_token("manager")
    response = client.post(f"/api/v1/checkpoint/referrals/{body['id']}/approve",
                           json={"reason": "ok", "version": body["version"] + 5}, headers=bearer(token))
    assert response.status_code == 409
    again = client.get(f"/api/v1/checkpoint/referrals/{body['id']}", headers=bearer(token)).get_json()
    assert again["status"] == "awaiting_approval" and again["version"] == body["version"]


def test_only_managers_and_admins_approve(officer, client):
    body = officer(referral_payload(**{"offence.category": "burglary_residential"}))
    response = client.post(f"/api/v1/checkpoint/referrals/{body['id']}/approve",
                           json={"reason": "ok", "version": 1}, headers=bearer(officer.token))
    assert response.status_code == 403


def test_approving_a_referral_that_needs_no_approval_is_409(officer, issue_token, client):
    body = officer(referral_payload())
    token, _ = issue_token("manager")
    response = client.post(f"/api/v1/checkpoint/referrals/{body['id']}/approve",
                           json={"reason": "ok", "version": 1}, headers=bearer(token))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "conflict"


def test_a_navigator_records_that_the_person_declined(officer, issue_token, client):
    body = officer(referral_payload())
    token, _ = issue_token("navigator")
    response = client.post(f"/api/v1/checkpoint/referrals/{body['id']}/decline",
                           json={"reason": "Wants to go to court", "version": 1}, headers=bearer(token))
    assert response.status_code == 200 and response.get_json()["status"] == "declined"


def test_a_known_pnc_id_links_the_referral_to_the_same_person(officer):
    first = officer(referral_payload(**{"person.pnc_id": "2019/0123456A"}))
    second = officer(referral_payload(**{"person.pnc_id": "2019/0123456a", "person.given_name": "Chloe"}))
    assert second["person"]["id"] == first["person"]["id"]


def test_the_same_name_once_normalised_and_birthday_without_a_pnc_id_is_the_same_person(officer):
    first = officer(referral_payload(**{"person.pnc_id": "2019/0123456A"}))
    second = officer(referral_payload(**{"person.given_name": "chloe", "person.family_name": "O’SULLIVAN NKEMELU"}))
    assert second["person"]["id"] == first["person"]["id"] and second["identity_match"] == "name_match"
    assert second["person"]["given_name"] == "chloe"  # what was typed is kept on the referral


def test_same_birthday_and_a_similar_name_is_offered_as_a_possible_duplicate(officer):
    first = officer(referral_payload(**{"person.pnc_id": "2019/0123456A"}))
    second = officer(referral_payload(**{"person.given_name": "Khloe"}))
    assert second["person"]["id"] != first["person"]["id"] and second["identity_match"] == "new"
    assert second["possible_duplicates"] == [first["person"]["id"]]
    other = officer(referral_payload(**{"person.given_name": "Marek", "person.family_name": "Wiśniewski"}))
    assert other["possible_duplicates"] == []


def test_bad_input_names_every_bad_field_in_one_422(officer):
    today = clock.today()
    body = referral_payload(**{
        "person.given_name": "", "person.date_of_birth": "2001-02-30", "person.gender": "unknown",
        "referral_date": (today + timedelta(days=1)).isoformat(), "offence.category": "jaywalking",
        "interview": "maybe", "evidential_test_met": "yes"})
    body["person"].pop("family_name")
    error = officer(body, expected=422)["error"]
    assert error["code"] == "validation_failed"
    assert set(error["fields"]) == {"person.given_name", "person.family_name", "person.date_of_birth",
                                    "person.gender", "referral_date", "offence.category", "interview",
                                    "evidential_test_met"}


def test_an_offence_after_the_referral_and_an_arrest_before_the_offence_are_refused(officer):
    today = clock.today()
    body = referral_payload(**{"referral_date": (today - timedelta(days=10)).isoformat(),
                               "offence.offence_date": (today - timedelta(days=5)).isoformat(),
                               "offence.arrest_date": (today - timedelta(days=6)).isoformat()})
    fields = officer(body, expected=422)["error"]["fields"]
    assert "offence.offence_date" in fields and "offence.arrest_date" in fields


@pytest.mark.parametrize("body", [{"person": "Bob"}, {"person": None, "offence": []}, {"flags": "none"}])
def test_wrong_shapes_are_422_not_500(officer, body):
    assert officer(body, expected=422)["error"]["fields"]


def test_providers_may_not_refer_or_read_checkpoint(issue_token, client, officer):
    body = officer(referral_payload())
    token, _ = issue_token("provider")
    assert client.post("/api/v1/checkpoint/referrals", json=referral_payload(),
                       headers=bearer(token)).status_code == 403
    assert client.get(f"/api/v1/checkpoint/referrals/{body['id']}", headers=bearer(token)).status_code == 403


def test_referrals_are_listed_by_status(officer, client):
    officer(referral_payload())
    officer(referral_payload(**{"offence.category": "robbery"}))
    listing = client.get("/api/v1/checkpoint/referrals?status=ineligible", headers=bearer(officer.token)).get_json()
    assert [r["status"] for r in listing["items"]] == ["ineligible"] and listing["next"] is None
    assert client.get("/api/v1/checkpoint/referrals?status=bogus",
                      headers=bearer(officer.token)).status_code == 422


def test_an_unknown_referral_is_404(client, officer):
    assert client.get("/api/v1/checkpoint/referrals/999999", headers=bearer(officer.token)).status_code == 404


def test_offence_categories_are_reference_data(client, officer):
    items = client.get("/api/v1/reference/offence-categories", headers=bearer(officer.token)).get_json()["items"]
    by_code = {i["code"]: i["eligibility"] for i in items}
    assert by_code["theft"] == "eligible" and by_code["burglary_residential"] == "specific_terms"
    assert by_code["robbery"] == "excluded"
