"""Drug Testing on Arrest through the API: recording a test (the person by the referral identity rules), the
events after a positive one, custody's decision on a missed assessment; 201, 403, 404, 409 and 422."""
from __future__ import annotations

from datetime import timedelta

import pytest

from diversion import clock
from tests.api.conftest import bearer
from tests.factories import drug_test_payload, referral_payload

TESTS = "/api/v1/dtoa/tests"


@pytest.fixture
def api(client, issue_token):
    tokens = {role: issue_token(role)[0] for role in ("custody_officer", "provider", "navigator", "manager")}

    def call(who, method, url, body=None, expected=None):
        response = client.open(url, method=method, json=body, headers=bearer(tokens[who]))
        if expected is not None:
            assert response.status_code == expected, response.get_json()
        return response.get_json()
    return call


def record(api, expected=201, **overrides):
    return api("custody_officer", "POST", TESTS, drug_test_payload(**overrides), expected)


def event(api, test, name, who="provider", expected=201, **extra):
    body = {"event": name, "date": clock.today().isoformat(), **extra}
    return api(who, "POST", f"{TESTS}/{test['id']}/events", body, expected)


def test_a_positive_test_requires_an_assessment_and_books_it(api):
    test = record(api)
    assert test["status"] == "assessment_required" and test["result"] == "cocaine"
    assert test["reference"].startswith(f"DT-{clock.today().year}-")
    assert test["assessment"]["service"] == "community_drug_alcohol" and test["assessment"]["at"]
    assert test["person"]["given_name"] == "Rhys" and test["person"]["id"]
    assert test["version"] >= 1 and test["events"] == [] and test["age_band"] in ("25_34", "35_44")


@pytest.mark.parametrize("result,status", [("negative", "negative"), ("refused", "refused"),
                                           ("opiates", "assessment_required"), ("both", "assessment_required")])
def test_the_status_follows_the_result(api, result, status):
    overrides = {"assessment": None} if result in ("negative", "refused") else {}
    assert record(api, result=result, **overrides)["status"] == status


def test_the_same_person_tested_twice_is_one_record_and_a_pnc_clash_is_409(api):
    first = record(api, **{"person.pnc_id": "2019/0123456A"})
    again = record(api, **{"person.given_name": "RHYS", "person.pnc_id": None})
    assert again["person"]["id"] == first["person"]["id"] and again["identity_match"] == "name_match"
    clash = record(api, expected=409, **{"person.given_name": "Owain", "person.pnc_id": "2019/0123456A"})
    assert clash["error"]["code"] == "identity_mismatch" and "person.pnc_id" in clash["error"]["fields"]
    assert "Rhys" not in str(clash)
    other = record(api, **{"person.new_person": True})
    assert other["person"]["id"] != first["person"]["id"] and other["identity_match"] == "new_person"
    assert first["person"]["id"] in other["possible_duplicates"]


def test_a_chosen_person_is_named_by_id(api):
    first = record(api)
    person = first["person"]
    chosen = record(api, person={"id": person["id"], "given_name": "Rhys", "family_name": "Pritchard",
                                 "date_of_birth": "1994-02-11"})
    assert chosen["person"]["id"] == person["id"] and chosen["identity_match"] == "chosen"


def test_every_bad_field_is_named(api):
    body = drug_test_payload(result="maybe", offence_category="no_such", trigger_offence="yes",
                             test_date=(clock.today() + timedelta(days=1)).isoformat(),
                             assessment={"at": "tomorrow", "service": "nowhere"}, custody_suite_code="nowhere")
    body["person"].pop("family_name")
    answer = api("custody_officer", "POST", TESTS, body, 422)
    assert set(answer["error"]["fields"]) >= {"result", "offence_category", "trigger_offence", "test_date",
                                              "assessment.at", "assessment.service", "custody_suite_code",
                                              "person.family_name"}


def test_a_test_needs_its_authority_and_only_a_positive_one_books_an_assessment(api):
    answer = record(api, expected=422, trigger_offence=False, result="negative")
    assert set(answer["error"]["fields"]) == {"trigger_offence", "assessment"}
    assert record(api, trigger_offence=False, inspector_authority=True)["inspector_authority"] is True
    past = (clock.now() - timedelta(days=2)).isoformat()
    assert "assessment.at" in record(api, expected=422, assessment={"at": past, "service": "community_drug_alcohol"}
                                     )["error"]["fields"]


def test_the_whole_required_assessment_route(api):
    test = record(api)
    assert event(api, test, "initial_assessment_attended")["test_status"] == "initial_assessment_attended"
    later = (clock.now() + timedelta(days=14)).replace(microsecond=0).isoformat()
    follow = event(api, test, "follow_up_required", appointment_at=later)
    assert follow["test_status"] == "follow_up_required" and follow["appointment_at"]
    assert event(api, test, "follow_up_attended")["test_status"] == "follow_up_attended"
    assert event(api, test, "referred_to_treatment")["test_status"] == "referred_to_treatment"
    done = event(api, test, "entered_treatment")
    assert done["test_status"] == "entered_treatment"
    got = api("manager", "GET", f"{TESTS}/{test['id']}", expected=200)
    assert [e["event"] for e in got["events"]] == ["initial_assessment_attended", "follow_up_required",
                                                    "follow_up_attended", "referred_to_treatment",
                                                    "entered_treatment"]
    assert got["version"] == done["version"]


def test_an_event_that_does_not_fit_is_409_and_changes_nothing(api):
    test = record(api)
    answer = event(api, test, "entered_treatment", expected=409)
    assert "Entered treatment" in answer["error"]["message"]
    negative = record(api, result="negative", assessment=None)
    event(api, negative, "initial_assessment_attended", who="custody_officer", expected=409)
    event(api, negative, "initial_assessment_attended", expected=404)  # no work of the provider's: not theirs to see
    assert api("manager", "GET", f"{TESTS}/{test['id']}", expected=200)["events"] == []


def test_a_stale_version_is_409(api):
    test = record(api)
    event(api, test, "initial_assessment_attended", version=test["version"])
    event(api, test, "referred_to_treatment", expected=409, version=test["version"])


def test_event_dates_are_never_future_nor_before_the_test(api):
    test = record(api, test_date=(clock.today() - timedelta(days=5)).isoformat(),
                  assessment={"at": clock.now().isoformat(), "service": "community_drug_alcohol"})
    bad = {"event": "initial_assessment_attended", "date": (clock.today() - timedelta(days=6)).isoformat(),
           "appointment_at": clock.now().isoformat()}
    answer = api("provider", "POST", f"{TESTS}/{test['id']}/events", bad, 422)
    assert set(answer["error"]["fields"]) == {"date", "appointment_at"}
    future = {"event": "nonsense", "date": (clock.today() + timedelta(days=1)).isoformat()}
    assert set(api("provider", "POST", f"{TESTS}/{test['id']}/events", future, 422)["error"]["fields"]) == {
        "event", "date"}


def test_a_missed_assessment_goes_to_custody_who_prosecute(api):
    test = record(api)
    assert event(api, test, "initial_assessment_missed")["test_status"] == "initial_assessment_missed"
    event(api, test, "prosecuted_for_non_attendance", who="provider", expected=403)
    done = event(api, test, "prosecuted_for_non_attendance", who="custody_officer")
    assert done["test_status"] == "prosecuted_for_non_attendance"
    got = api("custody_officer", "GET", f"{TESTS}/{test['id']}", expected=200)
    assert got["non_attendance"]["decision"] == "prosecute"


def test_custody_may_take_no_further_action_with_a_reason(api):
    test = record(api)
    missed = event(api, test, "initial_assessment_missed")
    url = f"{TESTS}/{test['id']}/decision"
    answer = api("custody_officer", "POST", url, {"decision": "no_further_action"}, 422)
    assert set(answer["error"]["fields"]) == {"reason", "version"}
    api("provider", "POST", url, {"decision": "prosecute", "version": missed["version"]}, 403)
    decided = api("custody_officer", "POST", url, {"decision": "no_further_action", "version": missed["version"],
                                                   "reason": "In hospital on the day of the assessment"}, 200)
    assert decided["status"] == "no_further_action" and decided["events"][-1]["event"] == "initial_assessment_missed"
    assert decided["non_attendance"]["reason"] == "In hospital on the day of the assessment"
    again = api("custody_officer", "POST", url, {"decision": "prosecute", "version": decided["version"]}, 409)
    assert again["error"]["code"] == "conflict"


def test_a_decision_on_a_follow_up_missed_prosecutes(api):
    test = record(api)
    event(api, test, "initial_assessment_attended")
    event(api, test, "follow_up_required")
    missed = event(api, test, "follow_up_missed")
    decided = api("custody_officer", "POST", f"{TESTS}/{test['id']}/decision",
                  {"decision": "prosecute", "version": missed["version"]}, 200)
    assert decided["status"] == "prosecuted_for_non_attendance"
    assert decided["events"][-1]["event"] == "prosecuted_for_non_attendance"


def test_who_may_do_what(api):
    api("provider", "POST", TESTS, drug_test_payload(), 403)
    api("navigator", "POST", TESTS, drug_test_payload(), 403)
    test = record(api)
    event(api, test, "initial_assessment_attended", who="navigator", expected=403)
    api("navigator", "GET", f"{TESTS}/{test['id']}", expected=404)  # not on their caseload
    api("provider", "GET", f"{TESTS}/{test['id']}", expected=200)
    api("manager", "GET", f"{TESTS}/999999", expected=404)
    api("custody_officer", "POST", f"{TESTS}/999999/events", {"event": "initial_assessment_attended",
                                                             "date": clock.today().isoformat()}, 404)


def test_a_navigator_reads_the_test_of_someone_on_their_caseload(app, api, client, issue_token):
    from diversion.extensions import db
    from diversion.models import User
    from tests import factories

    token, navigator = issue_token("navigator")
    with app.app_context():
        officer = factories.user(role="custody_officer")
        contract = factories.contract(factories.referral(officer, **{"person.given_name": "Rhys",
                                                                     "person.family_name": "Pritchard",
                                                                     "person.date_of_birth": "1994-02-11"}),
                                      db.session.get(User, navigator.id))
        db.session.commit()
        person_id = contract.person_id
    test = record(api, person={"id": person_id, "given_name": "Rhys", "family_name": "Pritchard",
                               "date_of_birth": "1994-02-11"})
    assert client.get(f"{TESTS}/{test['id']}", headers=bearer(token)).status_code == 200
    api("navigator", "GET", f"{TESTS}/{test['id']}", expected=404)  # another navigator


def test_malformed_bodies_are_400_or_422_never_500(api):
    test = record(api)
    for body in ([], "x", {"person": [], "assessment": "x", "test_date": 3, "result": ["cocaine"]},
                 {"person": {"id": "x"}, "assessment": {"at": 5, "service": ["x"]}}):
        answer = api("custody_officer", "POST", TESTS, body)
        assert answer["error"]["code"] in ("bad_request", "validation_failed"), answer
    for body in ({"event": ["x"], "date": 5, "version": "1"}, {"event": None, "appointment_at": "x"}):
        assert api("provider", "POST", f"{TESTS}/{test['id']}/events", body, 422)
