from tests.api.conftest import bearer


def test_reports_are_for_managers_and_admins_and_match_the_contract_shape(client, issue_token):
    manager, _ = issue_token("manager")
    navigator, _ = issue_token("navigator")
    assert client.get("/api/v1/reports/checkpoint", headers=bearer(navigator)).status_code == 403
    body = client.get("/api/v1/reports/checkpoint?from=2026-01-01&to=2026-03-31", headers=bearer(manager)).get_json()
    assert body["period"] == {"from": "2026-01-01", "to": "2026-03-31"}
    assert set(body) >= {"referrals", "eligible", "contracts_started", "ended", "completion_rate",
                         "completion_rate_ci95", "breach_reasons", "median_days_referral_to_contract", "active_now",
                         "overdue_now"}
    grouped = client.get("/api/v1/reports/checkpoint?group_by=gender", headers=bearer(manager)).get_json()
    assert grouped["groups"] == []
    divert = client.get("/api/v1/reports/divert?group_by=substance", headers=bearer(manager)).get_json()
    assert set(divert) >= {"referrals", "repeat_referrals", "contacted", "assessed", "completed", "assessed_rate",
                           "median_days_to_assessment", "groups"}


def test_bad_report_arguments_are_one_422_naming_each(client, issue_token):
    manager, _ = issue_token("manager")
    response = client.get("/api/v1/reports/checkpoint?from=2026-13-01&to=nope", headers=bearer(manager))
    assert response.status_code == 422 and set(response.get_json()["error"]["fields"]) == {"from", "to"}
    response = client.get("/api/v1/reports/divert?group_by=navigator", headers=bearer(manager))
    assert response.status_code == 422 and "group_by" in response.get_json()["error"]["fields"]
