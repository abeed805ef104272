"""Managers approve or refuse "specific terms" referrals, with a reason, from the approvals queue."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from diversion import clock
from diversion.extensions import db
from diversion.models import AuditEvent, CheckpointReferral
from tests.web.test_intake_support import counting_statements, stored_referral  # noqa: F401  (fixture)

SPECIFIC_TERMS = {"offence.category": "burglary_residential"}


def _referral(app, referral_id) -> CheckpointReferral:
    with app.app_context():
        referral = db.session.get(CheckpointReferral, referral_id)
        db.session.expunge(referral)
        return referral


def test_a_manager_approves_with_a_reason(signed_in, stored_referral, app):
    client, manager = signed_in("manager")
    referral = stored_referral(**SPECIFIC_TERMS)
    url = f"/referrals/{referral.id}"
    page = client.get_page(url)
    form = page.select_one(f"form[action='{url}/approve']")
    assert form.select_one("input[name=version]")["value"] == str(referral.version)
    assert page.select_one("label[for=approve-reason]") is not None
    response = client.post_form(f"{url}/approve", {"reason": "Standard risk; the victim supports it",
                                                   "version": str(referral.version)}, form_page=url)
    assert response.status_code == 302 and response.location == url
    after = client.get_page(url)
    assert "was approved" in after.select_one(".govuk-notification-banner").get_text()
    assert after.h1.get_text(strip=True) == "Eligible for Checkpoint"
    assert "Standard risk; the victim supports it" in after.get_text()
    assert manager.name in after.get_text()
    assert not after.select("form[action$='/approve']")
    stored = _referral(app, referral.id)
    assert (stored.status, stored.decided_by_id) == ("awaiting_navigator", manager.id)
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "checkpoint_referral.approve"))
        assert (event.actor_id, event.justification) == (manager.id, "Standard risk; the victim supports it")


def test_a_manager_refuses_with_a_reason(signed_in, stored_referral, app):
    client, _ = signed_in("admin")
    referral = stored_referral(**SPECIFIC_TERMS)
    url = f"/referrals/{referral.id}"
    response = client.post_form(f"{url}/refuse", {"reason": "High harm to the household",
                                                  "version": str(referral.version)}, form_page=url)
    assert response.status_code == 302
    page = client.get_page(url)
    assert page.h1.get_text(strip=True) == "Not approved for Checkpoint"
    assert _referral(app, referral.id).status == "not_approved"


@pytest.mark.parametrize("action", ["approve", "refuse"])
def test_a_reason_is_required(signed_in, stored_referral, app, action):
    client, _ = signed_in("manager")
    referral = stored_referral(**SPECIFIC_TERMS)
    url = f"/referrals/{referral.id}"
    page = client.post_page(f"{url}/{action}", {"reason": "  ", "version": str(referral.version)},
                            form_page=url, expected_status=422)
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == [f"#{action}-reason"]
    assert "Enter the reason" in page.select_one(f"#{action}-reason-error").get_text()
    assert page.title.get_text(strip=True).startswith("Error: ")
    assert _referral(app, referral.id).status == "awaiting_approval"


def test_a_stale_version_changes_nothing_and_keeps_the_typed_reason(signed_in, stored_referral, app):
    client, _ = signed_in("manager")
    referral = stored_referral(**SPECIFIC_TERMS)
    url = f"/referrals/{referral.id}"
    with app.app_context():  # someone else changes the referral after the manager read it
        record = db.session.get(CheckpointReferral, referral.id)
        record.custody_suite = "Peterlee"
        db.session.commit()
    page = client.post_page(f"{url}/approve", {"reason": "Reviewed the risk", "version": str(referral.version)},
                            form_page=url, expected_status=409)
    assert "Someone else changed this referral" in page.select_one("#approve-reason-error").get_text()
    assert page.select_one(".govuk-error-summary a")["href"] == "#approve-reason"
    assert page.select_one("#approve-reason").get_text() == "Reviewed the risk"
    assert _referral(app, referral.id).status == "awaiting_approval"
    fresh = page.select_one(f"form[action='{url}/approve'] input[name=version]")["value"]
    assert fresh == str(referral.version + 1)
    assert client.post_form(f"{url}/approve", {"reason": "Reviewed the risk", "version": fresh},
                            form_page=url).status_code == 302


def test_a_decided_referral_cannot_be_decided_again(signed_in, stored_referral, app):
    client, _ = signed_in("manager")
    referral = stored_referral(**SPECIFIC_TERMS)
    url = f"/referrals/{referral.id}"
    client.post_form(f"{url}/approve", {"reason": "Fine", "version": str(referral.version)}, form_page=url)
    version = _referral(app, referral.id).version
    page = client.post_page(f"{url}/refuse", {"reason": "Changed my mind", "version": str(version)},
                            form_page=url, expected_status=409)
    assert page.select_one(".govuk-error-summary a")["href"] == "#status"
    assert "cannot be refused now" in page.select_one(".govuk-error-summary").get_text()
    assert _referral(app, referral.id).status == "awaiting_navigator"


@pytest.mark.parametrize("role", ["custody_officer", "navigator", "provider"])
def test_only_managers_and_admins_decide(signed_in, stored_referral, app, role):
    client, _ = signed_in(role)
    referral = stored_referral(**SPECIFIC_TERMS)
    for action in ("approve", "refuse"):
        response = client.post_form(f"/referrals/{referral.id}/{action}", {"reason": "x", "version": "1"},
                                    form_page="/account/password")
        assert response.status_code == 403
    client.get_page("/approvals", expected_status=403)
    assert _referral(app, referral.id).status == "awaiting_approval"


def test_the_queue_lists_referrals_awaiting_approval_oldest_first_with_days_waiting(signed_in, stored_referral):
    client, _ = signed_in("manager")
    clock.freeze(datetime.now(UTC) - timedelta(days=3))
    oldest = stored_referral(**SPECIFIC_TERMS, **{"person.given_name": "Amara"})
    clock.freeze(None)
    newest = stored_referral(**SPECIFIC_TERMS, **{"person.given_name": "Bilal"})
    stored_referral(**{"person.given_name": "Eligible"})  # not awaiting approval
    page = client.get_page("/approvals")
    assert page.h1.get_text(strip=True) == "Referrals awaiting your approval"
    rows = page.select("tbody tr")
    assert [row.select_one("a")["href"] for row in rows] == [f"/referrals/{oldest.id}", f"/referrals/{newest.id}"]
    cells = [[cell.get_text(strip=True) for cell in row.select("td")] for row in rows]
    assert cells[0][0] == "Amara O'Sullivan-Nkemelu" and cells[0][3] == "3 days"
    assert cells[1][3] == "Since today"
    assert cells[0][2] == "Burglary (residential)"


def test_an_empty_queue_says_so(signed_in):
    client, _ = signed_in("admin")
    assert "There are no referrals awaiting approval." in client.get_page("/approvals").get_text()


def test_the_queue_is_a_fixed_number_of_statements_whatever_its_length(signed_in, stored_referral, app):
    client, _ = signed_in("manager")
    for _ in range(2):
        stored_referral(**SPECIFIC_TERMS)
    with counting_statements(app) as few:
        assert len(client.get_page("/approvals").select("tbody tr")) == 2
    for _ in range(4):
        stored_referral(**SPECIFIC_TERMS)
    with counting_statements(app) as more:
        assert len(client.get_page("/approvals").select("tbody tr")) == 6
    assert len(few) == len(more)


def test_the_queue_is_paged_oldest_first(signed_in, stored_referral):
    client, _ = signed_in("manager")
    made = [stored_referral(**SPECIFIC_TERMS, **{"person.given_name": f"Person{n}"}) for n in range(27)]
    first = client.get_page("/approvals")
    hrefs = [row.select_one("a")["href"] for row in first.select("tbody tr")]
    assert hrefs == [f"/referrals/{r.id}" for r in made[:25]]
    second = client.get_page(first.select_one(".govuk-pagination__next a")["href"])
    assert [row.select_one("a")["href"] for row in second.select("tbody tr")] == [
        f"/referrals/{r.id}" for r in made[25:]]
    back = client.get_page(second.select_one(".govuk-pagination__prev a")["href"])
    assert [row.select_one("a")["href"] for row in back.select("tbody tr")] == hrefs
