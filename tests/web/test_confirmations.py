"""Nothing irreversible happens on one click (issue 10, item 7): marking a condition failed, recording an
outcome, deactivating a user, revoking a token and deleting a referral draft each show an "Are you sure?" page
first (what will happen, a warning, a button that carries the same values and `version`, and a Cancel link);
nothing changes until it is confirmed. The reason for a breach or a discontinuation is asked on a page of its
own, only for those outcomes."""
from sqlalchemy import select

from diversion import clock
from diversion.extensions import db
from diversion.models import Contract


def _contract(app, contract_id):
    with app.app_context():
        contract = db.session.get(Contract, contract_id)
        return contract.status, contract.version, [(c.id, c.type, c.status) for c in contract.conditions]


def _hidden(page) -> dict:
    form = page.select_one("form:has(#confirm)") or page.select_one("main form")
    return {i["name"]: i["value"] for i in form.select("input[type=hidden]") if i["name"] != "csrf_token"}


def _today_fields():
    today = clock.today()
    return {"outcome_date-day": str(today.day), "outcome_date-month": str(today.month),
            "outcome_date-year": str(today.year)}


def _is_confirmation(page, question):
    assert page.h1.get_text(strip=True) == question
    assert page.select_one(".govuk-warning-text") is not None
    assert page.select_one("#cancel")["href"]
    assert page.select_one("form:has(#confirm) input[name=csrf_token]") is not None


def test_marking_a_condition_failed_asks_first_and_changes_nothing_until_confirmed(signed_in, make_contract, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    url = f"/contracts/{contract_id}"
    _, version, conditions = _contract(app, contract_id)
    pathway = [c for c in conditions if c[1] == "pathway"][0][0]
    page = client.post_page(f"{url}/conditions/{pathway}/status", {"status": "failed", "version": str(version)},
                            form_page=url)
    _is_confirmation(page, "Are you sure condition 2 has failed?")
    assert page.select_one("#cancel")["href"] == f"{url}#condition-{pathway}"
    assert _hidden(page) == {"status": "failed", "version": str(version), "confirm": "yes"}
    assert [c for c in _contract(app, contract_id)[2] if c[0] == pathway][0][2] == "open"
    response = client.post_form(f"{url}/conditions/{pathway}/status", _hidden(page), form_page=url)
    assert response.status_code == 302
    assert [c for c in _contract(app, contract_id)[2] if c[0] == pathway][0][2] == "failed"


def test_marking_a_condition_met_needs_no_confirmation(signed_in, make_contract, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    url = f"/contracts/{contract_id}"
    _, version, conditions = _contract(app, contract_id)
    pathway = [c for c in conditions if c[1] == "pathway"][0][0]
    response = client.post_form(f"{url}/conditions/{pathway}/status", {"status": "met", "version": str(version)},
                                form_page=url)
    assert response.status_code == 302


def test_a_breach_asks_why_on_its_own_page_then_asks_to_confirm(signed_in, make_contract, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    url = f"/contracts/{contract_id}"
    contract_page = client.get_page(url)
    assert contract_page.select("input[name=breach_reason], input[name=discontinue_reason]") == []
    version = str(_contract(app, contract_id)[1])
    reason_page = client.post_page(f"{url}/outcome", {"outcome": "breached", **_today_fields(),
                                                      "details": "Said so", "version": version}, form_page=url)
    legend = reason_page.select_one("h1.govuk-fieldset__heading")
    assert legend.get_text(strip=True) == "Why was the contract breached?"
    assert [i["value"] for i in reason_page.select("input[name=breach_reason]")] == [
        "reoffended", "condition_failed", "withdrew_consent", "other"]
    unanswered = client.post_page(f"{url}/outcome", _hidden(reason_page), form_page=url, expected_status=422)
    assert [a["href"] for a in unanswered.select(".govuk-error-summary a")] == ["#breach_reason"]
    assert unanswered.select_one(".govuk-form-group--error #breach_reason") is not None
    confirm = client.post_page(f"{url}/outcome", {**_hidden(reason_page), "breach_reason": "withdrew_consent"},
                               form_page=url)
    _is_confirmation(confirm, "Are you sure the contract is breached?")
    assert "Withdrew consent" in confirm.select_one(".govuk-summary-list").get_text()
    assert _hidden(confirm)["version"] == version and _hidden(confirm)["confirm"] == "yes"
    assert _contract(app, contract_id)[0] == "active"
    response = client.post_form(f"{url}/outcome", _hidden(confirm), form_page=url)
    assert response.status_code == 302
    assert _contract(app, contract_id)[0] == "breached"


def test_a_discontinuation_asks_its_own_reasons(signed_in, make_contract, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    url = f"/contracts/{contract_id}"
    page = client.post_page(f"{url}/outcome", {"outcome": "discontinued", **_today_fields(),
                                               "version": str(_contract(app, contract_id)[1])}, form_page=url)
    assert [i["value"] for i in page.select("input[name=discontinue_reason]")] == [
        "not_in_public_interest", "died", "other"]
    assert page.select("input[name=breach_reason]") == []


def test_a_breach_from_an_alert_suggests_reoffending(signed_in, make_contract, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    url = f"/contracts/{contract_id}"
    form = client.get_page(f"{url}?breach=reoffended").select_one("form[action$='/outcome']")
    assert form.select_one("input[name=outcome][value=breached]").has_attr("checked")
    fields = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]") if i["name"] != "csrf_token"}
    page = client.post_page(f"{url}/outcome", {**fields, "outcome": "breached", **_today_fields()}, form_page=url)
    assert page.select_one("input[name=breach_reason][value=reoffended]").has_attr("checked")


def test_a_stale_confirmation_changes_nothing(signed_in, make_contract, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    url = f"/contracts/{contract_id}"
    page = client.post_page(f"{url}/outcome", {"outcome": "breached", "breach_reason": "other", **_today_fields(),
                                               "version": "999", "confirm": "yes"}, form_page=url)
    assert "Someone else changed this contract" in page.select_one("#outcome_conflict").get_text()
    assert _contract(app, contract_id)[0] == "active"


def test_deactivating_a_user_asks_first_carrying_the_version(signed_in, make_user, app):
    from diversion.models import User
    client, _ = signed_in("admin")
    user = make_user("navigator")
    url = f"/admin/users/{user.id}"
    page = client.post_page(f"{url}/deactivate", {"version": str(user.version)}, form_page=url)
    _is_confirmation(page, f"Are you sure you want to deactivate {user.name}?")
    assert page.select_one("#cancel")["href"] == url
    assert _hidden(page) == {"version": str(user.version), "confirm": "yes"}
    with app.app_context():
        assert db.session.get(User, user.id).active is True


def test_deleting_a_draft_from_a_link_asks_first(signed_in, app):
    from tests.web.test_intake_support import start_draft
    from diversion.models import ReferralDraft
    client, _ = signed_in("custody_officer")
    draft_id = start_draft(client)
    page = client.get_page(f"/referrals/new/{draft_id}/discard")
    _is_confirmation(page, "Are you sure you want to delete this referral without sending it?")
    assert page.select_one("#cancel")["href"] == f"/referrals/new/{draft_id}/check"
    with app.app_context():
        assert db.session.get(ReferralDraft, draft_id) is not None
