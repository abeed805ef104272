"""Appointments through the API (revision 2, casework): book, record attended or missed, cancel, a day's list."""
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from diversion import clock
from diversion.extensions import db
from diversion.models import AuditEvent
from tests.api.conftest import bearer
from tests.factories import contract_payload, referral_payload

NOW = datetime(2026, 11, 27, 11, 0, tzinfo=UTC)  # 11am in Durham (GMT)


@pytest.fixture
def api(client, issue_token):
    clock.freeze(NOW)
    tokens = {role: issue_token(role) for role in ("custody_officer", "navigator", "manager", "admin", "provider")}
    tokens["other_navigator"] = issue_token("navigator")

    class Api:
        user = {k: v[1] for k, v in tokens.items()}

        def call(self, who, method, url, body=None, expected=None):
            response = client.open(url, method=method, json=body, headers=bearer(tokens[who][0]))
            if expected is not None:
                assert response.status_code == expected, response.get_json()
            return response.get_json()

        def contract(self, who="navigator"):
            referral = self.call("custody_officer", "POST", "/api/v1/checkpoint/referrals",
                                 referral_payload(**{"person.new_person": True}), 201)
            return self.call(who, "POST", f"/api/v1/checkpoint/referrals/{referral['id']}/contract",
                             contract_payload(), 201)

        def book(self, contract, who="navigator", expected=201, **overrides):
            body = {"starts_at": (NOW + timedelta(days=1)).isoformat(), "kind": "navigator_meeting",
                    "location": "Durham Community Hub", **overrides}
            return self.call(who, "POST", f"/api/v1/contracts/{contract['id']}/appointments", body, expected)

        def act(self, contract, appointment, what, body, who="navigator", expected=200):
            return self.call(who, "POST", f"/api/v1/contracts/{contract['id']}/appointments/{appointment['id']}/{what}",
                             body, expected)
    return Api()


def test_booking_answers_201_with_the_contracts_fields(api):
    contract = api.contract()
    unpaid = contract["conditions"][2]["id"]
    made = api.book(contract, kind="unpaid_work", location="  Food bank, Gilesgate ", condition_id=unpaid,
                    starts_at="2026-11-30T09:30:00+00:00")
    assert {k: made[k] for k in ("starts_at", "kind", "location", "condition_id", "status", "version")} == {
        "starts_at": "2026-11-30T09:30:00+00:00", "kind": "unpaid_work", "location": "Food bank, Gilesgate",
        "condition_id": unpaid, "status": "booked", "version": 1}
    assert isinstance(made["id"], int) and made["contract_id"] == contract["id"]


def test_an_appointment_may_be_booked_after_it_happened(api):
    made = api.book(api.contract(), starts_at="2026-11-20T14:00:00+00:00")
    assert made["status"] == "booked"


def test_every_bad_field_of_a_booking_is_named_in_one_422(api):
    contract, other = api.contract(), api.contract()
    fields = api.book(contract, expected=422, starts_at="2026-11-30 09:30", kind="tea", location="x" * 201,
                      condition_id=other["conditions"][1]["id"])["error"]["fields"]
    assert set(fields) == {"starts_at", "kind", "location", "condition_id"}


@pytest.mark.parametrize("starts_at", ["2026-11-30T09:30:00", "tomorrow", "", 1764495000, "2026-11-30T09:30\x00"])
def test_the_start_must_be_a_timestamp_with_an_offset(api, starts_at):
    assert "starts_at" in api.book(api.contract(), expected=422, starts_at=starts_at)["error"]["fields"]


def test_nul_in_the_location_is_a_field_error(api):
    assert set(api.book(api.contract(), expected=422, location="Hub\x00")["error"]["fields"]) == {"location"}


def test_an_ended_contract_takes_no_booking(api):
    contract = api.contract()
    api.call("navigator", "POST", f"/api/v1/contracts/{contract['id']}/outcome", {
        "outcome": "discontinued", "date": NOW.date().isoformat(), "reason": "not_in_public_interest",
        "version": contract["version"]}, 200)
    assert api.book(contract, expected=409)["error"]["code"] == "conflict"


def test_attendance_is_recorded_only_once_the_appointment_has_started(api):
    contract = api.contract()
    made = api.book(contract, starts_at=(NOW + timedelta(minutes=30)).isoformat())
    body = {"attended": True, "version": made["version"]}
    assert "started" in api.act(contract, made, "attendance", body, expected=409)["error"]["message"]
    clock.freeze(NOW + timedelta(minutes=30))
    done = api.act(contract, made, "attendance", {**body, "note": "Talked through the housing referral"})
    assert (done["status"], done["note"], done["version"]) == ("attended", "Talked through the housing referral", 2)
    assert done["recorded_by"] == api.user["navigator"].id
    again = api.act(contract, done, "attendance", {"attended": False, "version": done["version"]}, expected=409)
    assert "already attended" in again["error"]["message"]


def test_not_attending_is_missed_and_counts_toward_the_risk_on_the_contract(api, app):
    contract = api.contract()
    for days in (3, 2):
        made = api.book(contract, starts_at=(NOW - timedelta(days=days)).isoformat())
        assert api.act(contract, made, "attendance", {"attended": False, "version": made["version"]})["status"] == "missed"
    from diversion.models import Contract
    from diversion.services import risk

    with app.app_context():
        risk_now = risk.for_contract(db.session.get(Contract, contract["id"]))
    assert risk_now.level == "high" and "missed_appointments" in risk_now.reasons


def test_a_stale_version_is_409_and_changes_nothing(api):
    contract = api.contract()
    made = api.book(contract, starts_at=(NOW - timedelta(hours=1)).isoformat())
    api.act(contract, made, "attendance", {"attended": True, "version": made["version"] + 1}, expected=409)
    api.act(contract, made, "cancel", {"reason": "Clash", "version": made["version"] - 1}, expected=409)
    still = api.act(contract, made, "cancel", {"reason": "Clash with a court date", "version": made["version"]})
    assert still["status"] == "cancelled" and still["cancel_reason"] == "Clash with a court date"


def test_attendance_and_cancel_need_the_version(api):
    contract = api.contract()
    made = api.book(contract, starts_at=(NOW - timedelta(hours=1)).isoformat())
    assert set(api.act(contract, made, "attendance", {"attended": "yes"}, expected=422)["error"]["fields"]) == {
        "attended", "version"}
    assert set(api.act(contract, made, "cancel", {"reason": " "}, expected=422)["error"]["fields"]) == {
        "reason", "version"}


def test_over_long_or_nul_text_is_a_field_error(api):
    contract = api.contract()
    made = api.book(contract, starts_at=(NOW - timedelta(hours=1)).isoformat())
    for what, field, body in (("attendance", "note", {"attended": True, "note": "x" * 20_001}),
                              ("attendance", "note", {"attended": True, "note": "a\x00b"}),
                              ("cancel", "reason", {"reason": "x" * 2_001}), ("cancel", "reason", {"reason": "\x00"})):
        answer = api.act(contract, made, what, {**body, "version": made["version"]}, expected=422)
        assert list(answer["error"]["fields"]) == [field]


def test_a_cancelled_appointment_cannot_be_cancelled_again_or_recorded(api):
    contract = api.contract()
    made = api.book(contract, starts_at=(NOW - timedelta(hours=1)).isoformat())
    done = api.act(contract, made, "cancel", {"reason": "Ill", "version": made["version"]})
    api.act(contract, done, "cancel", {"reason": "Ill", "version": done["version"]}, expected=409)
    api.act(contract, done, "attendance", {"attended": True, "version": done["version"]}, expected=409)


def test_another_navigators_contract_and_its_appointments_are_not_found(api):
    contract = api.contract()
    made = api.book(contract, starts_at=(NOW - timedelta(hours=1)).isoformat())
    api.book(contract, who="other_navigator", expected=404)
    api.act(contract, made, "attendance", {"attended": True, "version": 1}, who="other_navigator", expected=404)
    api.act(contract, made, "cancel", {"reason": "x", "version": 1}, who="other_navigator", expected=404)
    # an appointment is found only on its own contract
    mine = api.contract()
    api.call("navigator", "POST", f"/api/v1/contracts/{mine['id']}/appointments/{made['id']}/cancel",
             {"reason": "x", "version": 1}, 404)


def test_managers_and_admins_work_any_contract_and_others_are_refused(api):
    contract = api.contract()
    api.book(contract, who="manager")
    api.book(contract, who="admin")
    api.book(contract, who="provider", expected=403)
    api.book(contract, who="custody_officer", expected=403)


def test_the_day_list_holds_that_days_appointments_in_time_order_for_whoever_may_see_them(api):
    mine, theirs = api.contract(), api.contract(who="other_navigator")
    late = api.book(mine, starts_at="2026-11-27T15:00:00+00:00")
    early = api.book(mine, starts_at="2026-11-27T09:00:00+00:00")
    api.book(mine, starts_at="2026-11-28T00:30:00+00:00")  # tomorrow
    other = api.book(theirs, who="other_navigator", starts_at="2026-11-27T10:00:00+00:00")
    listed = api.call("navigator", "GET", "/api/v1/appointments?date=2026-11-27", expected=200)
    assert [a["id"] for a in listed["items"]] == [early["id"], late["id"]] and listed["next"] is None
    assert listed["items"][0]["person"]["family_name"] and listed["items"][0]["navigator_id"] == api.user["navigator"].id
    # a navigator gets their own whatever navigator_id says
    assert [a["id"] for a in api.call("navigator", "GET", "/api/v1/appointments?date=2026-11-27&navigator_id="
                                      f"{api.user['other_navigator'].id}", expected=200)["items"]] == [early["id"], late["id"]]
    team = api.call("manager", "GET", "/api/v1/appointments?date=2026-11-27", expected=200)
    assert [a["id"] for a in team["items"]] == [early["id"], other["id"], late["id"]]
    one = api.call("manager", "GET", f"/api/v1/appointments?date=2026-11-27&navigator_id={api.user['other_navigator'].id}",
                   expected=200)
    assert [a["id"] for a in one["items"]] == [other["id"]]
    assert api.call("navigator", "GET", "/api/v1/appointments", expected=200)["items"][0]["id"] == early["id"]  # today


def test_the_day_list_pages_with_an_opaque_cursor(api):
    contract = api.contract()
    made = [api.book(contract, starts_at=f"2026-11-27T{h:02d}:00:00+00:00")["id"] for h in (9, 10, 11)]
    first = api.call("admin", "GET", "/api/v1/appointments?date=2026-11-27&limit=2", expected=200)
    second = api.call("admin", "GET", f"/api/v1/appointments?date=2026-11-27&limit=2&cursor={first['next']}",
                      expected=200)
    assert [a["id"] for a in first["items"] + second["items"]] == made and second["next"] is None


def test_a_bad_day_or_navigator_is_a_422_naming_each(api):
    answer = api.call("manager", "GET", "/api/v1/appointments?date=2026-02-30&navigator_id=x", expected=422)
    assert set(answer["error"]["fields"]) == {"date", "navigator_id"}
    api.call("provider", "GET", "/api/v1/appointments", expected=403)
    api.call("custody_officer", "GET", "/api/v1/appointments", expected=403)


def test_every_write_and_read_is_audited(api, app):
    contract = api.contract()
    made = api.book(contract, starts_at=(NOW - timedelta(hours=1)).isoformat())
    api.act(contract, made, "attendance", {"attended": False, "version": made["version"]})
    api.call("navigator", "GET", "/api/v1/appointments", expected=200)
    with app.app_context():
        actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"appointment.book", "appointment.missed", "appointment.list"} <= actions
