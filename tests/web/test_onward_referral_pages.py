"""The onward referral pages of a contract (issue 12, treatment engagement): refer on from a pathway condition,
record whether the person started; errors in the GOV.UK summary; other navigators' contracts are not found."""
import sqlalchemy as sa

from diversion import clock
from diversion.extensions import db
from diversion.models import Condition, OnwardReferral


def _pathway_condition(app, contract_id):
    with app.app_context():
        return db.session.scalar(sa.select(Condition.id).where(Condition.contract_id == contract_id,
                                                               Condition.type == "pathway"))


def _today_parts(prefix):
    today = clock.today()
    return {f"{prefix}-day": str(today.day), f"{prefix}-month": str(today.month), f"{prefix}-year": str(today.year)}


def _onward(app):
    with app.app_context():
        return db.session.scalars(sa.select(OnwardReferral)).one()


def test_the_navigator_refers_on_from_the_contract_page_and_records_the_start(signed_in, make_contract, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    contract_page = client.get_page(f"/contracts/{contract_id}")
    assert contract_page.select_one("#onward-referrals-link")["href"] == f"/contracts/{contract_id}/onward-referrals"
    page = client.get_page(f"/contracts/{contract_id}/onward-referrals")
    assert page.select_one("#no-onward-referrals") is not None
    response = client.post_form(f"/contracts/{contract_id}/onward-referrals", {
        "condition_id": str(_pathway_condition(app, contract_id)), "service": "alcohol_brief_intervention",
        **_today_parts("referred_on")})
    assert response.status_code == 302
    onward = _onward(app)
    assert (onward.service_code, onward.pathway, onward.started_on) == ("alcohol_brief_intervention", "alcohol", None)
    table = client.get_page(f"/contracts/{contract_id}/onward-referrals").select_one("#onward-referrals")
    assert "Alcohol brief intervention" in table.get_text() and "Not yet known" in table.get_text()
    start_url = f"/contracts/{contract_id}/onward-referrals/{onward.id}/start"
    response = client.post_form(start_url, {"answer": "started", "version": str(onward.version),
                                            **_today_parts("started_on")})
    assert response.status_code == 302
    assert _onward(app).started_on == clock.today()
    table = client.get_page(f"/contracts/{contract_id}/onward-referrals").select_one("#onward-referrals")
    assert "within three weeks" in table.get_text()


def test_a_referral_without_its_answers_shows_each_error_in_the_summary(signed_in, make_contract, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    page = client.post_page(f"/contracts/{contract_id}/onward-referrals", {"service": ""}, expected_status=422)
    links = [a["href"] for a in page.select(".govuk-error-summary a")]
    assert links == ["#condition_id", "#service", "#referred_on-day"]
    assert page.title.get_text().startswith("Error:")


def test_a_start_with_no_answer_or_a_stale_version_is_refused(signed_in, make_contract, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    client.post_form(f"/contracts/{contract_id}/onward-referrals", {
        "condition_id": str(_pathway_condition(app, contract_id)), "service": "talking_therapies",
        **_today_parts("referred_on")})
    onward = _onward(app)
    start_url = f"/contracts/{contract_id}/onward-referrals/{onward.id}/start"
    page = client.post_page(start_url, {"version": str(onward.version)}, expected_status=422)
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#answer"]
    client.post_form(start_url, {"answer": "did_not_start", "version": str(onward.version)})
    assert _onward(app).did_not_start is True
    page = client.post_page(start_url, {"answer": "did_not_start", "version": str(onward.version)},
                            expected_status=409)
    assert "Someone else changed" in page.select_one(".govuk-error-summary").get_text()


def test_another_navigators_contract_has_no_onward_referral_pages(signed_in, make_contract, make_user, app):
    contract_id = make_contract(navigator=make_user("navigator"))
    client, _ = signed_in("navigator")
    client.get_page(f"/contracts/{contract_id}/onward-referrals", expected_status=404)
