"""Contracts through the API: every rule of the contract and its error codes."""
from datetime import timedelta

import pytest

from diversion import clock
from tests.api.conftest import bearer
from tests.factories import contract_payload, referral_payload


@pytest.fixture
def api(client, issue_token):
    """Tokens for an officer, a navigator, another navigator and a manager, and helpers to call the API."""
    tokens = {role: issue_token(role) for role in ("custody_officer", "navigator", "manager", "admin")}
    tokens["other_navigator"] = issue_token("navigator")

    class Api:
        user = {k: v[1] for k, v in tokens.items()}

        def call(self, who, method, url, body=None, expected=None):
            response = client.open(url, method=method, json=body, headers=bearer(tokens[who][0]))
            if expected is not None:
                assert response.status_code == expected, response.get_json()
            return response.get_json()

        def referral(self, **overrides):
            return self.call("custody_officer", "POST", "/api/v1/checkpoint/referrals",
                             referral_payload(**overrides), 201)

        def contract(self, referral=None, **overrides):
            referral = referral or self.referral()
            return self.call("navigator", "POST", f"/api/v1/checkpoint/referrals/{referral['id']}/contract",
                             contract_payload(**overrides), 201)
    return Api()


def test_agreeing_a_contract_adds_the_offending_condition_and_the_deadline(api):
    clock.freeze(clock.now().replace(year=2025, month=10, day=31, hour=10))
    referral = api.referral(referral_date="2025-10-31", **{"offence.offence_date": "2025-10-30"})
    contract = api.contract(referral, start_date="2025-10-31")
    assert contract["status"] == "active" and contract["deadline"] == "2026-02-28"
    assert contract["navigator_id"] == api.user["navigator"].id
    assert [c["type"] for c in contract["conditions"]] == ["offending", "pathway", "community"]
    assert contract["conditions"][2]["target_hours"] == 24 and contract["conditions"][2]["hours_done"] == 0
    assert contract["outcome"] is None and contract["prosecution_referred"] is False and contract["notes"] == []
    assert api.call("navigator", "GET", f"/api/v1/checkpoint/referrals/{referral['id']}")["status"] == "contracted"


def test_a_second_contract_on_the_same_referral_is_409(api):
    referral = api.referral()
    api.contract(referral)
    api.call("navigator", "POST", f"/api/v1/checkpoint/referrals/{referral['id']}/contract", contract_payload(), 409)


def test_a_referral_awaiting_approval_cannot_get_a_contract(api):
    referral = api.referral(**{"offence.category": "burglary_residential"})
    body = contract_payload(navigator_id=api.user["navigator"].id)
    api.call("admin", "POST", f"/api/v1/checkpoint/referrals/{referral['id']}/contract", body, 409)


def test_a_navigator_cannot_even_see_a_referral_awaiting_approval(api):
    referral = api.referral(**{"offence.category": "burglary_residential"})
    api.call("navigator", "POST", f"/api/v1/checkpoint/referrals/{referral['id']}/contract", contract_payload(), 404)


def test_contract_rules_are_all_reported_in_one_422(api):
    referral = api.referral(victim_wishes_restorative=True)
    today = clock.today()
    body = contract_payload(
        start_date=(today + timedelta(days=1)).isoformat(), participant_consent=False, warning_given=None,
        conditions=[{"type": "offending", "description": "x"},
                    {"type": "community", "community_kind": "unpaid_work", "target_hours": -2, "description": "Work"},
                    {"type": "pathway", "pathway": "astrology", "description": "Stars"}])
    fields = api.call("navigator", "POST", f"/api/v1/checkpoint/referrals/{referral['id']}/contract", body,
                      422)["error"]["fields"]
    assert {"start_date", "participant_consent", "warning_given", "conditions.0.type",
            "conditions.1.target_hours", "conditions.2.pathway", "conditions"} <= set(fields)
    assert any("victim" in problem for problem in fields["conditions"])


def test_a_start_before_the_referral_date_is_refused(api):
    today = clock.today()
    referral = api.referral(referral_date=(today - timedelta(days=3)).isoformat(),
                            **{"offence.offence_date": (today - timedelta(days=5)).isoformat()})
    body = contract_payload(start_date=(today - timedelta(days=4)).isoformat())
    fields = api.call("navigator", "POST", f"/api/v1/checkpoint/referrals/{referral['id']}/contract", body,
                      422)["error"]["fields"]
    assert list(fields) == ["start_date"]


@pytest.mark.parametrize("hours, ok", [(17, False), (18, True), (36, True), (37, False)])
def test_unpaid_work_is_18_to_36_hours(api, hours, ok):
    referral = api.referral()
    body = contract_payload(conditions=[{"type": "community", "community_kind": "unpaid_work",
                                         "target_hours": hours, "description": "Park clean-up"}])
    api.call("navigator", "POST", f"/api/v1/checkpoint/referrals/{referral['id']}/contract", body, 201 if ok else 422)


def test_at_most_five_conditions_including_offending(api):
    pathways = [{"type": "pathway", "pathway": p, "description": "Attend"} for p in
                ("drugs", "alcohol", "housing", "finance", "gambling")]
    pathways[2]["pathway"] = "accommodation"
    referral = api.referral()
    api.call("navigator", "POST", f"/api/v1/checkpoint/referrals/{referral['id']}/contract",
             contract_payload(conditions=pathways), 422)
    api.contract(referral, conditions=pathways[:4])


def test_a_navigator_sees_only_their_own_caseload(api):
    contract = api.contract()
    api.call("other_navigator", "GET", f"/api/v1/contracts/{contract['id']}", expected=404)
    api.call("manager", "GET", f"/api/v1/contracts/{contract['id']}", expected=200)
    mine = api.call("navigator", "GET", "/api/v1/contracts")["items"]
    theirs = api.call("other_navigator", "GET", "/api/v1/contracts")["items"]
    assert [c["id"] for c in mine] == [contract["id"]] and theirs == []


def test_notes_are_appended_and_validated(api):
    contract = api.contract()
    url = f"/api/v1/contracts/{contract['id']}/notes"
    note = api.call("navigator", "POST", url, {"kind": "meeting", "body": "First meeting held."}, 201)
    assert note["author"]["id"] == api.user["navigator"].id and note["kind"] == "meeting"
    fields = api.call("navigator", "POST", url, {"kind": "gossip", "body": "x" * 20_001}, 422)["error"]["fields"]
    assert set(fields) == {"kind", "body"}
    api.call("navigator", "POST", url, {"kind": "general", "body": "x" * 20_000}, 201)
    future = (clock.now() + timedelta(hours=2)).isoformat()
    api.call("navigator", "POST", url, {"kind": "phone", "body": "Call", "occurred_at": future}, 422)
    assert len(api.call("navigator", "GET", f"/api/v1/contracts/{contract['id']}")["notes"]) == 2


def test_there_is_no_way_to_edit_or_delete_a_note(api):
    contract = api.contract()
    note = api.call("navigator", "POST", f"/api/v1/contracts/{contract['id']}/notes",
                    {"kind": "meeting", "body": "Met."}, 201)
    for method in ("PUT", "PATCH", "DELETE"):
        response = api.call("navigator", method, f"/api/v1/contracts/{contract['id']}/notes")
        assert response["error"]["code"] == "method_not_allowed"
        api.call("navigator", method, f"/api/v1/contracts/{contract['id']}/notes/{note['id']}", expected=404)


def test_progress_adds_hours_and_refuses_negative_hours(api):
    contract = api.contract()
    work = contract["conditions"][2]
    url = f"/api/v1/contracts/{contract['id']}/conditions/{work['id']}/progress"
    entry = api.call("navigator", "POST", url, {"hours": 6.5, "note": "Food bank shift"}, 201)
    assert entry["condition"]["hours_done"] == 6.5
    assert set(api.call("navigator", "POST", url, {"hours": -2, "note": ""}, 422)["error"]["fields"]) == {"hours", "note"}
    api.call("navigator", "POST", url, {"hours": 3, "note": "Another shift"}, 201)
    got = api.call("navigator", "GET", f"/api/v1/contracts/{contract['id']}")
    assert got["conditions"][2]["hours_done"] == 9.5


def test_the_offending_condition_is_not_set_by_hand(api):
    contract = api.contract()
    offending = contract["conditions"][0]
    api.call("navigator", "POST", f"/api/v1/contracts/{contract['id']}/conditions/{offending['id']}/status",
             {"status": "met", "version": contract["version"]}, 409)


def _meet_all(api, contract):
    """Every condition met; unpaid work first has its hours done (it is met only then)."""
    for condition in contract["conditions"][1:]:
        if condition.get("target_hours"):
            api.call("navigator", "POST", f"/api/v1/contracts/{contract['id']}/conditions/{condition['id']}/progress",
                     {"hours": condition["target_hours"], "note": "All the hours done at the food bank"}, 201)
    contract = api.call("navigator", "GET", f"/api/v1/contracts/{contract['id']}")
    version = contract["version"]
    for condition in contract["conditions"][1:]:
        contract = api.call("navigator", "POST",
                            f"/api/v1/contracts/{contract['id']}/conditions/{condition['id']}/status",
                            {"status": "met", "version": version}, 200)
        version = contract["version"]
    return contract


def test_completion_before_the_deadline_is_409(api):
    contract = _meet_all(api, api.contract())
    response = api.call("navigator", "POST", f"/api/v1/contracts/{contract['id']}/outcome",
                        {"outcome": "completed", "date": clock.today().isoformat(), "version": contract["version"]},
                        409)
    assert "date" in response["error"]["fields"]


def test_completion_with_an_unmet_condition_names_it(api):
    start = clock.today() - timedelta(days=130)
    referral = api.referral(referral_date=start.isoformat(),
                            **{"offence.offence_date": (start - timedelta(days=1)).isoformat()})
    contract = api.contract(referral, start_date=start.isoformat())
    response = api.call("navigator", "POST", f"/api/v1/contracts/{contract['id']}/outcome",
                        {"outcome": "completed", "date": clock.today().isoformat(), "version": contract["version"]},
                        409)
    assert response["error"]["fields"]["conditions"] == [str(c["id"]) for c in contract["conditions"][1:]]


def test_completion_on_or_after_the_deadline_with_every_condition_met_is_no_further_action(api):
    start = clock.today() - timedelta(days=130)
    referral = api.referral(referral_date=start.isoformat(),
                            **{"offence.offence_date": (start - timedelta(days=1)).isoformat()})
    contract = _meet_all(api, api.contract(referral, start_date=start.isoformat()))
    assert contract["status"] == "overdue"
    done = api.call("navigator", "POST", f"/api/v1/contracts/{contract['id']}/outcome",
                    {"outcome": "completed", "date": contract["deadline"], "version": contract["version"]}, 200)
    assert done["status"] == "completed" and done["conditions"][0]["status"] == "met"
    assert done["outcome"]["outcome"] == "completed" and done["prosecution_referred"] is False
    api.call("navigator", "POST", f"/api/v1/contracts/{contract['id']}/outcome",
             {"outcome": "breached", "reason": "other", "date": clock.today().isoformat(),
              "version": done["version"]}, 409)


def test_a_breach_for_reoffending_refers_for_prosecution_and_fails_offending(api):
    contract = api.contract()
    breached = api.call("navigator", "POST", f"/api/v1/contracts/{contract['id']}/outcome",
                        {"outcome": "breached", "reason": "reoffended", "date": clock.today().isoformat(),
                         "details": "Arrested for shoplifting", "version": contract["version"]}, 200)
    assert breached["status"] == "breached" and breached["prosecution_referred"] is True
    assert breached["conditions"][0]["status"] == "failed"
    assert breached["outcome"]["reason"] == "reoffended"


def test_outcome_input_errors_are_422(api):
    contract = api.contract()
    url = f"/api/v1/contracts/{contract['id']}/outcome"
    future = (clock.today() + timedelta(days=1)).isoformat()
    assert set(api.call("navigator", "POST", url, {"outcome": "breached", "date": future}, 422)["error"]["fields"]) == {
        "date", "reason", "version"}
    api.call("navigator", "POST", url, {"outcome": "discontinued", "date": clock.today().isoformat()}, 422)
    api.call("navigator", "POST", url, {"outcome": "vanished", "date": clock.today().isoformat()}, 422)


def test_a_stale_version_on_an_outcome_is_409_and_changes_nothing(api):
    contract = api.contract()
    api.call("navigator", "POST", f"/api/v1/contracts/{contract['id']}/outcome",
             {"outcome": "breached", "reason": "other", "date": clock.today().isoformat(),
              "version": contract["version"] + 1}, 409)
    assert api.call("navigator", "GET", f"/api/v1/contracts/{contract['id']}")["status"] == "active"


def test_contracts_filter_by_status_and_due_before(api):
    first = api.contract()
    api.call("navigator", "POST", f"/api/v1/contracts/{first['id']}/outcome",
             {"outcome": "discontinued", "reason": "not_in_public_interest", "date": clock.today().isoformat(),
              "version": first["version"]}, 200)
    second = api.contract()
    assert [c["id"] for c in api.call("manager", "GET", "/api/v1/contracts?status=active")["items"]] == [second["id"]]
    due = (clock.today() + timedelta(days=200)).isoformat()
    assert len(api.call("manager", "GET", f"/api/v1/contracts?due_before={due}")["items"]) == 2
    api.call("manager", "GET", "/api/v1/contracts?status=lost&due_before=2026-02-30", expected=422)


def test_the_contract_list_costs_the_same_statements_for_three_contracts_as_for_twelve(api, app):
    from tests.web.test_intake_support import counting_statements

    def statements_for_a_page() -> int:
        with counting_statements(app) as statements:
            api.call("manager", "GET", "/api/v1/contracts?limit=500")
        return len(statements)
    names = iter(["Ada", "Bo", "Cy", "Di", "Ed", "Flo", "Gil", "Hal", "Ivy", "Jon", "Kit", "Lou"])

    def another_contract():
        return api.contract(api.referral(**{"person.given_name": next(names)}))
    for _ in range(3):
        another_contract()
    api.call("manager", "GET", "/api/v1/me")  # the token's first use in a while is recorded: not part of a page
    few = statements_for_a_page()
    for _ in range(9):
        another_contract()
    assert statements_for_a_page() == few


def test_an_outcome_recorded_before_its_moment_was_kept_reads_as_null_not_a_server_error(api, app):
    # Outcomes recorded before the app kept when (migration 0012 dates them by the row's last change for the
    # breach pack) have no recorded_at: the contract and the list that holds it still answer.
    import sqlalchemy as sa

    from diversion.extensions import db
    from diversion.models import Contract

    contract = api.contract()
    api.call("navigator", "POST", f"/api/v1/contracts/{contract['id']}/outcome",
             {"outcome": "breached", "reason": "reoffended", "date": clock.today().isoformat(),
              "version": contract["version"]}, 200)
    with app.app_context():
        db.session.execute(sa.update(Contract).where(Contract.id == contract["id"]).values(outcome_recorded_at=None))
        db.session.commit()
    one = api.call("manager", "GET", f"/api/v1/contracts/{contract['id']}", expected=200)
    assert one["outcome"]["outcome"] == "breached" and one["outcome"]["recorded_at"] is None
    listed = api.call("manager", "GET", "/api/v1/contracts?status=breached", expected=200)["items"]
    assert [c["outcome"]["recorded_at"] for c in listed if c["id"] == contract["id"]] == [None]
