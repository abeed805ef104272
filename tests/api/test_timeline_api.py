"""GET /api/v1/contracts/{id}/timeline, progress with the day it happened, and breach risk on every contract read."""
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from diversion import clock
from diversion.domain import timeline as timeline_rules
from diversion.extensions import db
from diversion.models import Appointment, AuditEvent, NavigatorChange
from tests.api.conftest import bearer
from tests.factories import contract_payload, referral_payload

START = datetime(2026, 3, 2, 10, tzinfo=timezone.utc)


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

        def contract(self, **overrides):
            start = overrides.get("start_date")
            dated = {"referral_date": start, "offence.offence_date": "2026-03-01"} if start else {}
            referral = self.call("custody_officer", "POST", "/api/v1/checkpoint/referrals",
                                 referral_payload(**{"person.new_person": True}, **dated), 201)
            return self.call("navigator", "POST", f"/api/v1/checkpoint/referrals/{referral['id']}/contract",
                             contract_payload(**overrides), 201)
    return Api()


def _progress_url(contract, index=2):
    return f"/api/v1/contracts/{contract['id']}/conditions/{contract['conditions'][index]['id']}/progress"


def test_the_timeline_lists_every_kind_newest_first_with_who_and_when(api, app):
    clock.freeze(START)
    contract = api.contract()
    navigator = api.user["navigator"]
    clock.freeze(START + timedelta(days=1))
    api.call("navigator", "POST", f"/api/v1/contracts/{contract['id']}/notes", {"kind": "phone", "body": "Called"}, 201)
    clock.freeze(START + timedelta(days=3))
    api.call("navigator", "POST", _progress_url(contract), {"hours": 4, "note": "Food bank", "occurred_on": "2026-03-04"},
             201)
    with app.app_context():
        db.session.add(Appointment(contract_id=contract["id"], starts_at=START + timedelta(days=2), kind="other",
                                   location="Office", status="missed", booked_by_id=navigator.id))
        db.session.add(NavigatorChange(contract_id=contract["id"], from_navigator_id=navigator.id,
                                       to_navigator_id=navigator.id, reason="Back from leave",
                                       changed_by_id=api.user["manager"].id, created_at=START + timedelta(days=3, hours=1)))
        db.session.commit()
    body = api.call("manager", "GET", f"/api/v1/contracts/{contract['id']}/timeline", expected=200)
    assert body["next"] is None
    assert [i["kind"] for i in body["items"]] == ["navigator_change", "progress", "appointment", "note"]
    change, progress, appointment, note = body["items"]
    assert change["by"] == {"id": api.user["manager"].id, "name": api.user["manager"].name}
    assert change["reason"] == "Back from leave" and change["to"]["id"] == navigator.id
    assert progress["occurred_on"] == "2026-03-04" and progress["hours"] == 4 and progress["note"] == "Food bank"
    assert progress["occurred_at"].startswith("2026-03-04T12:00:00")  # midday UK on the day it happened
    assert appointment["status"] == "missed" and appointment["appointment_kind"] == "other"
    assert note == {**note, "note_kind": "phone", "body": "Called", "by": {"id": navigator.id, "name": navigator.name}}
    assert datetime.fromisoformat(note["occurred_at"]) == START + timedelta(days=1)


def test_the_kind_filter_repeated_or_comma_separated(api):
    contract = api.contract()
    api.call("navigator", "POST", f"/api/v1/contracts/{contract['id']}/notes", {"kind": "phone", "body": "Called"}, 201)
    api.call("navigator", "POST", _progress_url(contract), {"note": "Started"}, 201)
    url = f"/api/v1/contracts/{contract['id']}/timeline"
    assert [i["kind"] for i in api.call("navigator", "GET", url + "?kind=note", expected=200)["items"]] == ["note"]
    both = api.call("navigator", "GET", url + "?kind=note,progress", expected=200)["items"]
    assert sorted(i["kind"] for i in both) == ["note", "progress"]
    assert len(api.call("navigator", "GET", url + "?kind=note&kind=progress", expected=200)["items"]) == 2
    error = api.call("navigator", "GET", url + "?kind=rumour", expected=422)["error"]
    assert list(error["fields"]) == ["kind"]


def test_only_the_contracts_navigator_managers_and_admins_read_its_timeline(api, app):
    contract = api.contract()
    url = f"/api/v1/contracts/{contract['id']}/timeline"
    for who in ("navigator", "manager", "admin"):
        api.call(who, "GET", url, expected=200)
    api.call("other_navigator", "GET", url, expected=404)
    api.call("custody_officer", "GET", url, expected=403)
    api.call("provider", "GET", url, expected=403)
    api.call("manager", "GET", "/api/v1/contracts/999999/timeline", expected=404)
    with app.app_context():
        readers = db.session.scalars(sa.select(AuditEvent.actor_id).where(
            AuditEvent.action == "contract.timeline.view", AuditEvent.object_id == str(contract["id"]))).all()
    assert sorted(readers) == sorted(api.user[w].id for w in ("navigator", "manager", "admin"))


def test_the_documented_kinds_are_the_timelines_kinds(api):
    document = api.call("admin", "GET", "/api/v1/openapi.json", expected=200)
    operation = document["paths"]["/contracts/{contract_id}/timeline"]["get"]
    kind = next(p for p in operation["parameters"] if p["name"] == "kind")
    assert kind["schema"]["items"]["enum"] == list(timeline_rules.KINDS)
    assert document["components"]["schemas"]["Contract"]["properties"]["risk"] == {"$ref": "#/components/schemas/Risk"}


def test_progress_takes_the_day_it_happened_and_defaults_to_today(api):
    clock.freeze(START + timedelta(days=10))
    contract = api.contract(start_date="2026-03-05")
    entry = api.call("navigator", "POST", _progress_url(contract), {"note": "Session", "occurred_on": "2026-03-06"}, 201)
    assert entry["occurred_on"] == "2026-03-06"
    assert api.call("navigator", "POST", _progress_url(contract), {"note": "Today"}, 201)["occurred_on"] == "2026-03-12"
    assert api.call("navigator", "POST", _progress_url(contract), {"note": "On the first day",
                                                                    "occurred_on": "2026-03-05"}, 201)


@pytest.mark.parametrize("occurred_on, problem", [
    ("2026-03-13", "cannot be in the future"),
    ("2026-03-04", "cannot be before the contract started"),
    ("2026-02-30", "must be a real date"),
    ("12/03/2026", "must be a real date"),
    (20260312, "YYYY-MM-DD"),
])
def test_a_progress_date_in_the_future_before_the_start_or_unreadable_is_a_field_error(api, occurred_on, problem):
    clock.freeze(START + timedelta(days=10))
    contract = api.contract(start_date="2026-03-05")
    error = api.call("navigator", "POST", _progress_url(contract), {"note": "x", "occurred_on": occurred_on,
                                                                    "hours": -1}, 422)["error"]
    assert set(error["fields"]) == {"occurred_on", "hours"}  # every bad field at once
    assert problem in error["fields"]["occurred_on"][0]


def test_every_contract_read_carries_its_breach_risk(api, app):
    clock.freeze(START)
    contract = api.contract()
    assert contract["risk"] == {"level": "low", "reasons": []}
    with app.app_context():
        for days in (1, 2):
            db.session.add(Appointment(contract_id=contract["id"], starts_at=START + timedelta(days=days),
                                       kind="other", location="Office", status="missed",
                                       booked_by_id=api.user["navigator"].id))
        db.session.commit()
    clock.freeze(START + timedelta(days=15))
    one = api.call("navigator", "GET", f"/api/v1/contracts/{contract['id']}", expected=200)
    assert one["risk"] == {"level": "high", "reasons": ["missed_appointments", "no_contact"]}
    listed = api.call("manager", "GET", "/api/v1/contracts", expected=200)["items"]
    assert [c["risk"] for c in listed if c["id"] == contract["id"]] == [one["risk"]]


def test_the_contract_list_reads_risk_in_the_same_number_of_statements_for_1_and_for_20(api, app):
    from tests.web.test_intake_support import counting_statements

    api.contract()
    with counting_statements(app) as one:
        assert len(api.call("manager", "GET", "/api/v1/contracts", expected=200)["items"]) == 1
    for _ in range(19):
        api.contract()
    with counting_statements(app) as twenty:
        items = api.call("manager", "GET", "/api/v1/contracts", expected=200)["items"]
    assert len(items) == 20 and all(i["risk"]["level"] == "low" for i in items)
    reads = [[s for s in counted if s.lstrip().upper().startswith("SELECT")] for counted in (one, twenty)]
    assert len(reads[1]) == len(reads[0])  # (a token's last use is written at most once a minute: not counted)
