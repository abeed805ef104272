"""GET /api/v1/reports/partnership (managers and admins), and the referral's custody suite: the contract's
`custody_suite` text is still taken as it was; the extra `custody_suite_code` must be on the list (422)."""
from tests import factories
from tests.api.conftest import bearer


def test_partnership_figures_are_for_managers_and_admins(client, issue_token):
    manager, _ = issue_token("manager")
    navigator, _ = issue_token("navigator")
    assert client.get("/api/v1/reports/partnership", headers=bearer(navigator)).status_code == 403
    assert client.get("/api/v1/reports/partnership").status_code == 401
    body = client.get("/api/v1/reports/partnership?from=2026-01-01&to=2026-03-31", headers=bearer(manager)).get_json()
    assert body["period"] == {"from": "2026-01-01", "to": "2026-03-31"}
    assert set(body) >= {"people_diverted", "people_diverted_by_scheme", "people_referred",
                         "people_seen_more_than_once", "custody_suites", "ethnicity"}
    assert body["custody_suites"][-1] == {"code": "other", "name": "Other / not recorded", "active": True,
                                          "referrals": 0, "eligible": 0}


def test_bad_dates_are_one_422_naming_each(client, issue_token):
    manager, _ = issue_token("manager")
    response = client.get("/api/v1/reports/partnership?from=2026-13-01&to=nope", headers=bearer(manager))
    assert response.status_code == 422 and set(response.get_json()["error"]["fields"]) == {"from", "to"}


def test_the_custody_suite_name_is_still_free_text_and_a_known_one_is_linked(client, issue_token):
    officer, _ = issue_token("custody_officer")
    known = client.post("/api/v1/checkpoint/referrals", headers=bearer(officer),
                        json=factories.referral_payload(custody_suite="DURHAM"))
    assert known.status_code == 201
    assert (known.get_json()["custody_suite"], known.get_json()["custody_suite_code"]) == ("Durham", "durham")
    unknown = client.post("/api/v1/checkpoint/referrals", headers=bearer(officer),
                          json=factories.referral_payload(**{"custody_suite": "Middlesbrough",
                                                             "person.given_name": "Ann"}))
    assert unknown.status_code == 201
    assert (unknown.get_json()["custody_suite"], unknown.get_json()["custody_suite_code"]) == ("Middlesbrough", None)


def test_an_unknown_custody_suite_code_is_a_422_naming_it_with_every_other_bad_field(client, issue_token):
    officer, _ = issue_token("custody_officer")
    response = client.post("/api/v1/checkpoint/referrals", headers=bearer(officer),
                           json=factories.referral_payload(custody_suite_code="atlantis", interview="maybe",
                                                           **{"person.language": "french"}))
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) >= {"custody_suite_code", "interview", "person.language"}


def test_the_language_for_letters_is_kept_and_shown_on_the_person(client, issue_token):
    officer, _ = issue_token("custody_officer")
    admin, _ = issue_token("admin")
    created = client.post("/api/v1/checkpoint/referrals", headers=bearer(officer),
                          json=factories.referral_payload(**{"person.language": "welsh"})).get_json()
    person = client.get(f"/api/v1/people/{created['person']['id']}", headers=bearer(admin)).get_json()
    assert person["language"] == "welsh"


def test_the_language_is_changed_with_the_contact_details_and_anything_else_is_a_422(client, issue_token):
    officer, _ = issue_token("custody_officer")
    admin, _ = issue_token("admin")
    created = client.post("/api/v1/checkpoint/referrals", headers=bearer(officer),
                          json=factories.referral_payload()).get_json()
    url = f"/api/v1/people/{created['person']['id']}"
    version = client.get(url, headers=bearer(admin)).get_json()["version"]
    refused = client.post(url + "/contact", headers=bearer(admin), json={"language": "cymraeg", "version": version})
    assert refused.status_code == 422 and set(refused.get_json()["error"]["fields"]) == {"language"}
    changed = client.post(url + "/contact", headers=bearer(admin), json={"language": "welsh", "version": version})
    assert changed.status_code == 200 and changed.get_json()["language"] == "welsh"
