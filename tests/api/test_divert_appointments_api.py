"""DIVERT revision 2: `assessment_booked` takes `appointment_at` (a timestamp with an offset, may be future)."""
from datetime import timedelta

from diversion import clock
from tests.api.conftest import bearer
from tests.api.test_divert_api import api, event, refer  # noqa: F401  (fixture)


def _booked(api, **extra):
    referral = refer(api)
    event(api, referral, "contacted")
    return referral, event(api, referral, "assessment_booked", **extra)


def test_a_booking_keeps_its_appointment_time_and_the_referral_shows_it_as_next(api):
    when = (clock.now() + timedelta(days=3)).replace(microsecond=0)
    referral, booked = _booked(api, appointment_at=when.isoformat())
    assert booked["appointment_at"] == when.isoformat()
    got = api("provider", "GET", f"/api/v1/divert/referrals/{referral['id']}", expected=200)
    assert got["next_appointment_at"] == when.isoformat()
    assert got["events"][-1]["appointment_at"] == when.isoformat()
    assert got["status_since"] == clock.today().isoformat()


def test_the_appointment_time_may_be_left_out(api):
    referral, booked = _booked(api)
    assert booked["appointment_at"] is None and booked["referral_status"] == "assessment_booked"


def test_an_appointment_time_must_have_an_offset(api):
    referral = refer(api)
    event(api, referral, "contacted")
    error = event(api, referral, "assessment_booked", 422, appointment_at="2026-12-01T10:00:00")["error"]
    assert list(error["fields"]) == ["appointment_at"]
    event(api, referral, "assessment_booked", 422, appointment_at=12)
    event(api, referral, "assessment_booked", 422, appointment_at="tomorrow")


def test_only_a_booking_takes_an_appointment_time(api):
    referral = refer(api)
    error = event(api, referral, "contacted", 422, appointment_at=clock.now().isoformat())["error"]
    assert error["fields"]["appointment_at"] == ["Only a booked assessment has an appointment time"]


def test_an_appointment_is_not_before_the_referral_date(api):
    referral = refer(api)
    event(api, referral, "contacted")
    before = (clock.now() - timedelta(days=30)).isoformat()
    error = event(api, referral, "assessment_booked", 422, appointment_at=before)["error"]
    assert "before the referral date" in error["fields"]["appointment_at"][0]


def test_the_openapi_document_names_appointment_at(client, issue_token):
    token, _ = issue_token("provider")
    schemas = client.get("/api/v1/openapi.json", headers=bearer(token)).get_json()["components"]["schemas"]
    assert schemas["DivertEventInput"]["properties"]["appointment_at"]["format"] == "date-time"
    assert "appointment_at" not in schemas["DivertEventInput"]["required"]
