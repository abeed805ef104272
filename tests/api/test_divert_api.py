"""DIVERT through the API: referral rules, the funnel, repeat referrals, error codes."""
from datetime import timedelta

import pytest

from diversion import clock
from tests.api.conftest import bearer
from tests.factories import divert_payload


@pytest.fixture
def api(client, issue_token):
    tokens = {role: issue_token(role)[0] for role in ("custody_officer", "provider", "navigator")}

    def call(who, method, url, body=None, expected=None):
        response = client.open(url, method=method, json=body, headers=bearer(tokens[who]))
        if expected is not None:
            assert response.status_code == expected, response.get_json()
        return response.get_json()
    return call


def refer(api, **overrides):
    return api("custody_officer", "POST", "/api/v1/divert/referrals", divert_payload(**overrides), 201)


def event(api, referral, name, expected=201, **extra):
    body = {"event": name, "date": clock.today().isoformat(), **extra}
    return api("provider", "POST", f"/api/v1/divert/referrals/{referral['id']}/events", body, expected)


def test_a_referral_starts_referred_with_its_number_for_that_person(api):
    body = refer(api)
    assert body["status"] == "referred" and body["referral_number"] == 1 and body["events"] == []
    assert body["person"]["given_name"] == "Kai"


def test_the_funnel_from_referral_to_completion(api):
    referral = refer(api)
    for name, status in [("contact_failed", "referred"), ("contacted", "contacted"),
                         ("assessment_booked", "assessment_booked"), ("did_not_attend", "assessment_booked"),
                         ("assessment_booked", "assessment_booked"), ("assessed", "assessed"),
                         ("completed", "completed")]:
        assert event(api, referral, name)["referral_status"] == status
    onward = event(api, referral, "onward_referral", onward_to="treatment")
    assert onward["referral_status"] == "completed" and onward["onward_to"] == "treatment"
    got = api("provider", "GET", f"/api/v1/divert/referrals/{referral['id']}", expected=200)
    assert [e["event"] for e in got["events"]][-2:] == ["completed", "onward_referral"]


def test_an_event_out_of_order_is_409_naming_the_current_status(api):
    referral = refer(api)
    error = event(api, referral, "completed", 409)["error"]
    assert error["code"] == "conflict" and "Referred" in error["message"]


def test_nothing_fits_after_an_end(api):
    referral = refer(api)
    event(api, referral, "declined")
    event(api, referral, "contacted", 409)


def test_bad_event_input_is_422_with_every_field(api):
    referral = refer(api)
    future = (clock.today() + timedelta(days=1)).isoformat()
    body = {"event": "teleported", "date": future, "onward_to": "astrology"}
    fields = api("provider", "POST", f"/api/v1/divert/referrals/{referral['id']}/events", body, 422)["error"]["fields"]
    assert set(fields) == {"event", "date", "onward_to"}
    before = (clock.today() - timedelta(days=3)).isoformat()
    body = {"event": "contacted", "date": before}
    assert "date" in api("provider", "POST", f"/api/v1/divert/referrals/{referral['id']}/events", body,
                         422)["error"]["fields"]


def test_suspected_supply_and_unknown_substances_are_refused(api):
    body = divert_payload(suspected_supply=True, substance="glitter", source="bus")
    fields = api("custody_officer", "POST", "/api/v1/divert/referrals", body, 422)["error"]["fields"]
    assert set(fields) == {"suspected_supply", "substance", "source"}


def test_someone_who_never_engaged_is_not_referred_again(api):
    first = refer(api, **{"person.pnc_id": "2020/0000123X"})
    event(api, first, "disengaged")
    error = api("custody_officer", "POST", "/api/v1/divert/referrals",
                divert_payload(**{"person.pnc_id": "2020/0000123X"}), 409)["error"]
    assert error["code"] == "previous_non_engagement"


def test_someone_who_engaged_may_be_referred_again(api):
    first = refer(api, **{"person.pnc_id": "2020/0000456Y"})
    for name in ("contacted", "assessed", "disengaged"):
        event(api, first, name)
    second = refer(api, **{"person.pnc_id": "2020/0000456Y"})
    assert second["referral_number"] == 2 and second["person"]["id"] == first["person"]["id"]


def test_roles(api):
    referral = refer(api)
    api("provider", "POST", "/api/v1/divert/referrals", divert_payload(), 403)
    api("custody_officer", "POST", f"/api/v1/divert/referrals/{referral['id']}/events",
        {"event": "contacted", "date": clock.today().isoformat()}, 403)
    assert api("provider", "GET", "/api/v1/divert/referrals?status=referred", expected=200)["items"]
    api("provider", "GET", "/api/v1/divert/referrals?status=lost", expected=422)
