"""A DIVERT referral's onward referrals (issue 12): the provider's `onward_referral` event makes one; the provider
sees it from the referral page, records that the person started (or did not), with errors in the GOV.UK summary
and a clear message when someone else answered first. Who may see and record them is the API's rule."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from diversion import clock
from diversion.extensions import db
from diversion.models import AuditEvent, DivertReferral, OnwardReferral, User
from diversion.services import divert
from tests import factories


def _parts(prefix, day):
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month), f"{prefix}-year": str(day.year)}


@pytest.fixture
def divert_onward(app, make_user):
    """make() -> (referral id, onward referral id): a DIVERT referral a provider referred on to drug treatment
    five days ago."""
    def make(given="Kai"):
        officer, provider = make_user("custody_officer"), make_user("provider")
        with app.app_context():
            referred_on = clock.today() - timedelta(days=5)
            referral = divert.create(factories.divert_payload(**{"person.given_name": given},
                                                              referral_date=referred_on.isoformat()),
                                     actor=db.session.get(User, officer.id))
            worker = db.session.get(User, provider.id)
            divert.record_event(referral, {"event": "contacted", "date": referred_on.isoformat()}, actor=worker)
            divert.record_event(referral, {"event": "onward_referral", "date": referred_on.isoformat(),
                                           "onward_to": "treatment"}, actor=worker)
            db.session.commit()
            onward = db.session.scalar(sa.select(OnwardReferral.id)
                                       .where(OnwardReferral.divert_referral_id == referral.id))
            return referral.id, onward
    return make


def _onward(app, onward_id) -> OnwardReferral:
    with app.app_context():
        return db.session.get(OnwardReferral, onward_id)


def test_the_provider_finds_the_onward_referral_from_the_referral_and_records_the_start(signed_in, app,
                                                                                        divert_onward):
    referral_id, onward_id = divert_onward()
    client, provider = signed_in("provider")
    referral_page = client.get_page(f"/divert/referrals/{referral_id}")
    list_url = f"/divert/referrals/{referral_id}/onward-referrals"
    assert referral_page.select_one("#onward-referrals-link")["href"] == list_url
    page = client.get_page(list_url)
    row = page.select_one(f"#onward-{onward_id}").get_text(" ", strip=True)
    assert "Community drug and alcohol service" in row and "Drugs" in row and "Not yet known" in row
    start_url = f"/divert/referrals/{referral_id}/onward-referrals/{onward_id}/start"
    assert page.select_one(f"#onward-{onward_id} a")["href"] == start_url
    form = client.get_page(start_url)
    deadline = clock.today() - timedelta(days=5) + timedelta(days=21)
    assert f"{deadline.day} " in form.select_one("#three-weeks").get_text()
    assert "within three weeks" in form.select_one("#three-weeks").get_text()
    version = form.select_one("input[name=version]")["value"]
    response = client.post_form(start_url, {"answer": "started", "version": version,
                                            **_parts("started_on", clock.today())})
    assert response.status_code == 302 and response.location == list_url
    assert _onward(app, onward_id).started_on == clock.today()
    row = client.get_page(list_url).select_one(f"#onward-{onward_id}").get_text(" ", strip=True)
    assert "Started" in row and "(within three weeks)" in row
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "onward_referral.start"))
        person_id = db.session.get(DivertReferral, referral_id).person_id
        assert (event.actor_id, event.object_type, event.object_id, event.person_id, event.source) == \
            (provider.id, "divert_referral", str(referral_id), person_id, "page")
        assert event.details["status"] == "started"
        viewed = db.session.scalars(sa.select(AuditEvent.object_id).where(
            AuditEvent.action == "divert_referral.view", AuditEvent.actor_id == provider.id)).all()
        assert viewed.count(str(referral_id)) >= 3  # the referral, the list and the start page each read it


def test_did_not_start_is_shown_and_the_answer_can_be_corrected(signed_in, app, divert_onward):
    referral_id, onward_id = divert_onward()
    client, _ = signed_in("provider")
    start_url = f"/divert/referrals/{referral_id}/onward-referrals/{onward_id}/start"
    client.post_form(start_url, {"answer": "did_not_start", "version": str(_onward(app, onward_id).version)},
                     expected_status=302)
    assert _onward(app, onward_id).did_not_start is True
    page = client.get_page(start_url)
    assert page.select_one("input[name=answer][value=did_not_start]").has_attr("checked")
    assert "Did not start" in client.get_page(f"/divert/referrals/{referral_id}/onward-referrals").select_one(
        f"#onward-{onward_id}").get_text()
    client.post_form(start_url, {"answer": "started", "version": page.select_one("input[name=version]")["value"],
                                 **_parts("started_on", clock.today())}, expected_status=302)
    record = _onward(app, onward_id)
    assert (record.started_on, record.did_not_start) == (clock.today(), False)


@pytest.mark.parametrize("form, links", [
    ({}, ["#answer"]),
    ({"answer": "started"}, ["#started_on-day"]),
    ({"answer": "started", "started_on-day": "3", "started_on-month": "", "started_on-year": "2026"},
     ["#started_on-day"]),
    ({"answer": "started", **_parts("started_on", clock.today() + timedelta(days=1))}, ["#started_on-day"]),
    ({"answer": "started", **_parts("started_on", clock.today() - timedelta(days=30))}, ["#started_on-day"]),
])
def test_a_start_without_a_good_answer_shows_each_error_in_the_summary(signed_in, app, divert_onward, form, links):
    referral_id, onward_id = divert_onward()
    client, _ = signed_in("provider")
    page = client.post_page(f"/divert/referrals/{referral_id}/onward-referrals/{onward_id}/start",
                            {"version": str(_onward(app, onward_id).version), **form}, expected_status=422)
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == links
    assert page.title.get_text().startswith("Error:")
    assert _onward(app, onward_id).started_on is None


def test_a_stale_version_says_someone_else_answered_first(signed_in, app, divert_onward):
    referral_id, onward_id = divert_onward()
    client, _ = signed_in("provider")
    start_url = f"/divert/referrals/{referral_id}/onward-referrals/{onward_id}/start"
    read = client.get_page(start_url).select_one("input[name=version]")["value"]
    client.post_form(start_url, {"answer": "did_not_start", "version": read}, expected_status=302)
    page = client.post_page(start_url, {"answer": "started", "version": read,
                                        **_parts("started_on", clock.today())}, expected_status=409)
    assert "Someone else changed this onward referral" in page.select_one(".govuk-error-summary").get_text()
    assert page.select_one("input[name=version]")["value"] != read  # the page now holds what is there
    assert _onward(app, onward_id).did_not_start is True


@pytest.mark.parametrize("role", ["custody_officer", "navigator"])
def test_other_roles_may_not_use_the_pages(signed_in, divert_onward, role):
    referral_id, onward_id = divert_onward()
    client, _ = signed_in(role)
    client.get_page(f"/divert/referrals/{referral_id}/onward-referrals", expected_status=403)
    client.get_page(f"/divert/referrals/{referral_id}/onward-referrals/{onward_id}/start", expected_status=403)


def test_a_manager_reads_the_list_without_start_links_and_may_not_record(signed_in, divert_onward):
    referral_id, onward_id = divert_onward()
    client, _ = signed_in("manager")
    page = client.get_page(f"/divert/referrals/{referral_id}/onward-referrals")
    assert page.select_one(f"#onward-{onward_id}") is not None
    assert page.select(f"#onward-{onward_id} a") == []
    client.get_page(f"/divert/referrals/{referral_id}/onward-referrals/{onward_id}/start", expected_status=403)


def test_the_officer_who_referred_sees_no_onward_link_on_their_referral(app, signed_in, make_user):
    client, officer = signed_in("custody_officer")
    with app.app_context():
        referral = divert.create(factories.divert_payload(), actor=db.session.get(User, officer.id))
        db.session.commit()
        referral_id = referral.id
    page = client.get_page(f"/divert/referrals/{referral_id}")
    assert page.select_one("#onward-referrals-link") is None


def test_an_onward_referral_is_found_only_under_its_own_referral(signed_in, app, divert_onward, make_contract):
    first, first_onward = divert_onward("Kai")
    second, second_onward = divert_onward("Ola")
    client, navigator = signed_in("provider")
    client.get_page(f"/divert/referrals/{first}/onward-referrals/{second_onward}/start", expected_status=404)
    client.post_form(f"/divert/referrals/{first}/onward-referrals/{second_onward}/start",
                     {"answer": "did_not_start", "version": "1"}, form_page=f"/divert/referrals/{first}",
                     expected_status=404)
    assert _onward(app, second_onward).did_not_start is False
    client.get_page("/divert/referrals/999999/onward-referrals", expected_status=404)
    client.get_page(f"/divert/referrals/999999/onward-referrals/{first_onward}/start", expected_status=404)
    client.get_page(f"/divert/referrals/{first}/onward-referrals/999999/start", expected_status=404)


def test_a_checkpoint_onward_referral_is_not_found_under_a_divert_referral(signed_in, app, divert_onward,
                                                                           make_contract, make_user):
    from diversion.models import Condition, Contract
    from diversion.services import treatment

    referral_id, _ = divert_onward()
    contract_id = make_contract()
    with app.app_context():
        contract = db.session.get(Contract, contract_id)
        condition = next(c for c in contract.conditions if c.type == "pathway")
        checkpoint = treatment.refer(contract, {"condition_id": condition.id, "service": "other_support",
                                                "referred_on": contract.start_date.isoformat()},
                                     actor=db.session.get(User, contract.navigator_id)).id
        db.session.commit()
    client, _ = signed_in("provider")
    client.get_page(f"/divert/referrals/{referral_id}/onward-referrals/{checkpoint}/start", expected_status=404)
    admin = app.test_client()
    admin.sign_in_as(make_user("admin"))
    admin.get_page(f"/divert/referrals/{referral_id}/onward-referrals/{checkpoint}/start", expected_status=404)
