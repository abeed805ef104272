"""The referral page: outcome, every reason in plain English, the person and offence, possible duplicates,
and the actions the reader's role may take. Every view is audited."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from diversion import clock
from diversion.access import roles_required
from diversion.domain.roles import ADMIN, NAVIGATOR
from diversion.extensions import db
from diversion.models import AuditEvent
from tests.conftest import make_app
from tests.web.test_intake_support import stored_referral  # noqa: F401  (fixture)


def _summary(page) -> dict[str, str]:
    return {row.select_one(".govuk-summary-list__key").get_text(strip=True):
            row.select_one(".govuk-summary-list__value").get_text(" ", strip=True)
            for row in page.select(".govuk-summary-list__row")}


def test_an_eligible_referral_shows_the_outcome_person_and_offence(signed_in, stored_referral):
    client, officer = signed_in("custody_officer")
    referral = stored_referral(officer)
    page = client.get_page(f"/referrals/{referral.id}")
    assert page.h1.get_text(strip=True) == "Eligible for Checkpoint"
    assert page.title.get_text(strip=True).startswith("Checkpoint referral CP-")
    assert "Awaiting a navigator" in page.select_one("#status").get_text()
    rows = _summary(page)
    assert rows["Name"] == "Chloé O'Sullivan-Nkemelu"
    assert rows["Date of birth"] == "12 March 1994"
    assert rows["Offence category"] == "Theft (including shoplifting)"
    assert rows["Referral date"] == f"{clock.today().day} {clock.today():%B %Y}"
    assert rows["Recorded by"] == officer.name
    assert not page.select("form[action$='/approve']")


def test_an_ineligible_referral_explains_every_failing_reason(signed_in, stored_referral):
    client, officer = signed_in("custody_officer")
    today = clock.today()
    referral = stored_referral(officer, **{
        "person.date_of_birth": (today - timedelta(days=365 * 17)).isoformat(),
        "offence.offence_date": (today - timedelta(days=200)).isoformat(),
        "offence.category": "robbery", "offence.hate_crime": True,
        "interview": "denied", "evidential_test_met": False,
        "flags": {"court_order": True, "on_bail": True, "co_accused": True, "detained_mental_health": True}})
    page = client.get_page(f"/referrals/{referral.id}")
    assert page.h1.get_text(strip=True) == "Not eligible for Checkpoint"
    assert [li.get_text(strip=True) for li in page.select(".app-reasons li")] == [
        "They were not yet 18 on the referral date. Checkpoint is for adults.",
        "The offence was more than 3 months before the referral date.",
        "They denied the offence in interview. Checkpoint needs an admission or no comment.",
        "There is not enough evidence to charge. Checkpoint is an alternative to prosecution, so the evidential "
        "test must be met.",
        "This type of offence is excluded from Checkpoint.",
        "Hate crimes are never eligible for Checkpoint.",
        "They are subject to a court order, suspended sentence or conditional discharge.",
        "They are on police or court bail.",
        "There is a co-accused.",
        "They are detained for court or under the Mental Health Act.",
    ]
    assert "Not eligible" in page.select_one("#status").get_text()


def test_a_specific_terms_referral_awaits_a_manager(signed_in, stored_referral):
    client, officer = signed_in("custody_officer")
    referral = stored_referral(officer, **{"offence.category": "burglary_residential"})
    page = client.get_page(f"/referrals/{referral.id}")
    assert page.h1.get_text(strip=True) == "Eligible, if a manager approves"
    assert "Awaiting manager approval" in page.select_one("#status").get_text()
    assert not page.select("form[action$='/approve']")  # officers cannot approve


def test_possible_duplicates_are_listed_to_managers_with_name_date_of_birth_and_pnc(signed_in, stored_referral,
                                                                                    make_user):
    officer = make_user("custody_officer")
    stored_referral(officer, **{"person.pnc_id": "2019/0123456A"})
    stored_referral(officer, **{"person.given_name": "Chloe", "person.pnc_id": "2020/0000001B"})
    referral = stored_referral(officer, **{"person.new_person": True})  # insisted on: same name and birthday
    client, _ = signed_in("manager")
    page = client.get_page(f"/referrals/{referral.id}")
    assert "This person may already be known" in page.select_one(".govuk-warning-text").get_text()
    known = sorted(li.get_text(" ", strip=True) for li in page.select(".app-duplicates li"))
    assert known == ["Chloe O'Sullivan-Nkemelu, born 12 March 1994, PNC ID 2020/0000001B",
                     "Chloé O'Sullivan-Nkemelu, born 12 March 1994, PNC ID 2019/0123456A"]


def test_an_officer_is_not_shown_other_peoples_records_beside_their_referral(signed_in, stored_referral):
    client, officer = signed_in("custody_officer")
    stored_referral(officer, **{"person.pnc_id": "2019/0123456A"})
    referral = stored_referral(officer)
    page = client.get_page(f"/referrals/{referral.id}")
    assert not page.select(".app-duplicates li") and "2019/0123456A" not in page.get_text()


def test_viewing_a_referral_is_audited(signed_in, stored_referral, app):
    client, manager = signed_in("manager")
    referral = stored_referral()
    client.get_page(f"/referrals/{referral.id}")
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "checkpoint_referral.view"))
        assert (event.actor_id, event.object_type, event.object_id, event.source) == (
            manager.id, "checkpoint_referral", str(referral.id), "page")
        assert event.details == {"person_id": referral.person_id}


@pytest.mark.parametrize("role", ["custody_officer", "navigator", "manager", "admin"])
def test_everyone_who_may_read_referrals_sees_the_page(signed_in, stored_referral, role):
    client, user = signed_in(role)
    referral = stored_referral(officer=user) if role == "custody_officer" else stored_referral()
    assert client.get_page(f"/referrals/{referral.id}").h1 is not None


def test_an_officer_cannot_read_another_officers_referral(signed_in, stored_referral):
    client, _ = signed_in("custody_officer")
    client.get_page(f"/referrals/{stored_referral().id}", expected_status=404)


def test_a_provider_cannot_read_a_referral(signed_in, stored_referral, app):
    client, _ = signed_in("provider")
    referral = stored_referral()
    client.get_page(f"/referrals/{referral.id}", expected_status=403)
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "checkpoint_referral.view")) is None


def test_an_unknown_referral_is_a_404(signed_in):
    client, _ = signed_in("manager")
    client.get_page("/referrals/99999", expected_status=404)


def test_navigator_actions_wait_for_the_casework_pages(signed_in, stored_referral, app):
    client, _ = signed_in("navigator")
    referral = stored_referral()
    page = client.get_page(f"/referrals/{referral.id}")
    has_agree = "casework.agree" in app.view_functions
    assert bool(page.find("a", string=lambda s: s and "Agree a contract" in s)) == has_agree


def _stand_in_agree(referral_id):
    return "agree"


def _stand_in_decline(referral_id):
    return "decline"


@pytest.fixture
def casework_app(database_url, _migrated):
    """The app with stand-in casework endpoints, if the real ones are not there yet."""
    app = make_app(database_url)
    guard = roles_required(NAVIGATOR, ADMIN)
    if "casework.agree" not in app.view_functions:
        app.add_url_rule("/stand-in/<int:referral_id>/agree", endpoint="casework.agree",
                         view_func=guard(_stand_in_agree))
    if "casework.decline" not in app.view_functions:
        app.add_url_rule("/stand-in/<int:referral_id>/decline", endpoint="casework.decline",
                         view_func=guard(_stand_in_decline), methods=["POST"])
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("role, sees", [("navigator", True), ("admin", True), ("manager", False),
                                        ("custody_officer", False)])
def test_navigators_may_agree_a_contract_or_record_a_decline(casework_app, make_user, stored_referral, role, sees):
    client = casework_app.test_client()
    user = make_user(role)
    client.sign_in_as(user)
    referral = stored_referral(officer=user) if role == "custody_officer" else stored_referral()
    with casework_app.test_request_context():
        from flask import url_for

        agree_url = url_for("casework.agree", referral_id=referral.id)
        decline_url = url_for("casework.decline", referral_id=referral.id)
    page = client.get_page(f"/referrals/{referral.id}")
    agree = page.select_one(f"a[href='{agree_url}']")
    decline = page.select_one(f"form[action='{decline_url}']")
    assert (agree is not None, decline is not None) == (sees, sees)
    if sees:
        assert decline.select_one("input[name=version]")["value"] == str(referral.version)
        assert decline.select_one("textarea[name=reason]")["id"] == "decline-reason"
        assert page.select_one("label[for=decline-reason]") is not None


def test_navigator_actions_are_only_for_referrals_awaiting_a_navigator(casework_app, make_user, stored_referral):
    client = casework_app.test_client()
    client.sign_in_as(make_user("navigator"))
    referral = stored_referral(**{"offence.category": "burglary_residential"})
    client.get_page(f"/referrals/{referral.id}", expected_status=404)  # awaiting approval: not a navigator's yet
    admin = casework_app.test_client()
    admin.sign_in_as(make_user("admin"))
    page = admin.get_page(f"/referrals/{referral.id}")
    assert page.find("a", string=lambda s: s and "Agree a contract" in s) is None
