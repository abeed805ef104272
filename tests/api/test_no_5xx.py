"""Inputs found by fuzzing the API against its own OpenAPI document (schemathesis): none may give a 5xx."""
import pytest

from tests.api.conftest import bearer


@pytest.mark.parametrize("method, url, body", [
    ("GET", "/api/v1/contracts/33438163941486550319104", None),
    ("GET", "/api/v1/divert/referrals/1156000844647718232902758089883648", None),
    ("GET", "/api/v1/checkpoint/referrals/0", None),
    ("POST", "/api/v1/contracts/9999999999999999999/conditions/138089/status", {"status": "failed"}),
    ("GET", "/api/v1/checkpoint/referrals?cursor=OTk5OTk5OTk5OTk5OTk5OTk5OTk5", None),
    ("GET", "/api/v1/contracts?navigator_id=99999999999999999999", None),
    ("POST", "/api/v1/checkpoint/referrals/1/contract", {"navigator_id": 99999999999999999999}),
    ("POST", "/api/v1/checkpoint/referrals", {"person": {"date_of_birth": "0000-01-01"}, "referral_date": "9999-12-31"}),
])
def test_odd_ids_and_values_are_client_errors(client, issue_token, method, url, body):
    token, _ = issue_token("admin")
    response = client.open(url, method=method, json=body, headers=bearer(token))
    assert 400 <= response.status_code < 500, (url, response.status_code)
    assert "error" in response.get_json()


@pytest.mark.parametrize("url", ["/contracts/99999999999999999999", "/contracts?navigator=99999999999999999999",
                                 "/contracts?page=99999999999999999", "/admin/audit?page=99999999999999999",
                                 "/referrals?after=99999999999999999999"])
def test_odd_numbers_in_page_addresses_are_not_500s(signed_in, url):
    client, _ = signed_in("admin")
    assert client.get(url).status_code < 500
