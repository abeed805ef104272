"""Referral lists: an officer's own recent referrals; everyone's, by status, for managers and admins."""
import pytest

from tests.web.test_intake_support import counting_statements, stored_referral  # noqa: F401  (fixture)


def _names(page) -> list[str]:
    return [row.select_one("td a").get_text(strip=True) for row in page.select("tbody tr")]


def test_an_officer_sees_their_own_referrals_newest_first(signed_in, stored_referral, make_user):
    client, officer = signed_in("custody_officer")
    first = stored_referral(officer, **{"person.given_name": "Amara"})
    stored_referral(make_user("custody_officer"), **{"person.given_name": "Someone-else"})
    second = stored_referral(officer, **{"person.given_name": "Bilal", "offence.category": "robbery"})
    page = client.get_page("/referrals")
    assert page.h1.get_text(strip=True) == "Your recent referrals"
    rows = page.select("tbody tr")
    assert [row.select_one("a")["href"] for row in rows] == [f"/referrals/{second.id}", f"/referrals/{first.id}"]
    cells = [cell.get_text(strip=True) for cell in rows[0].select("td")]
    assert cells[0] == "Bilal O'Sullivan-Nkemelu"
    assert cells[2] == "Robbery" and cells[3] == "Not eligible"
    assert page.select_one("select#status") is not None  # their own referrals, by status
    # The offence and late-entry filters are managers'.
    assert page.select_one("select#category") is None and page.select_one("input[name=late]") is None


def test_an_officer_with_no_referrals_is_told_so(signed_in):
    client, _ = signed_in("custody_officer")
    page = client.get_page("/referrals")
    assert "You have not made any referrals yet." in page.get_text()
    assert page.select_one("a[href='/referrals/new']") is not None


def test_managers_see_everyones_referrals_and_filter_by_status(signed_in, stored_referral, make_user):
    client, _ = signed_in("manager")
    stored_referral(make_user("custody_officer"), **{"person.given_name": "Amara"})
    stored_referral(make_user("custody_officer"), **{"person.given_name": "Bilal",
                                                    "offence.category": "burglary_residential"})
    page = client.get_page("/referrals")
    assert page.h1.get_text(strip=True) == "Checkpoint referrals"
    assert _names(page) == ["Bilal O'Sullivan-Nkemelu", "Amara O'Sullivan-Nkemelu"]
    assert page.select_one("label[for=status]").get_text(strip=True) == "Status"
    filtered = client.get_page("/referrals?status=awaiting_approval")
    assert _names(filtered) == ["Bilal O'Sullivan-Nkemelu"]
    assert filtered.select_one("#status option[selected]")["value"] == "awaiting_approval"
    assert _names(client.get_page("/referrals?status=nonsense")) == _names(page)  # unknown status: everything


def test_lists_are_paged_25_at_a_time(signed_in, stored_referral):
    client, officer = signed_in("custody_officer")
    made = [stored_referral(officer, **{"person.given_name": f"Person{n}"}) for n in range(27)]
    first = client.get_page("/referrals")
    assert len(first.select("tbody tr")) == 25
    assert first.select_one(".govuk-pagination__prev") is None
    next_link = first.select_one(".govuk-pagination__next a")["href"]
    second = client.get_page(next_link)
    assert _names(second) == ["Person1 O'Sullivan-Nkemelu", "Person0 O'Sullivan-Nkemelu"]
    assert second.select_one(".govuk-pagination__next") is None
    back = client.get_page(second.select_one(".govuk-pagination__prev a")["href"])
    assert _names(back) == _names(first)
    assert [row.select_one("a")["href"] for row in first.select("tbody tr")][0] == f"/referrals/{made[-1].id}"


def test_the_status_filter_is_kept_when_paging(signed_in, stored_referral):
    client, _ = signed_in("admin")
    for n in range(26):
        stored_referral(**{"person.given_name": f"Person{n}", "offence.category": "robbery"})
    page = client.get_page("/referrals?status=ineligible")
    assert "status=ineligible" in page.select_one(".govuk-pagination__next a")["href"]


@pytest.mark.parametrize("role", ["navigator", "provider"])
def test_other_roles_cannot_list_referrals(signed_in, role):
    client, _ = signed_in(role)
    client.get_page("/referrals", expected_status=403)


@pytest.mark.parametrize("role", ["custody_officer", "manager"])
def test_a_list_is_a_fixed_number_of_statements_whatever_its_length(signed_in, stored_referral, make_user, app,
                                                                    role):
    client, user = signed_in(role)
    officer = user if role == "custody_officer" else make_user("custody_officer")
    categories = ["theft", "robbery", "burglary_residential"]
    for n in range(2):
        stored_referral(officer, **{"offence.category": categories[n % 3]})
    with counting_statements(app) as few:
        assert len(client.get_page("/referrals").select("tbody tr")) == 2
    for n in range(4):
        stored_referral(officer, **{"offence.category": categories[n % 3]})
    with counting_statements(app) as more:
        assert len(client.get_page("/referrals").select("tbody tr")) == 6
    assert len(few) == len(more)


def test_the_officers_home_page_links_to_referring_and_their_referrals(signed_in):
    client, _ = signed_in("custody_officer")
    page = client.get_page("/")
    links = {a.get_text(strip=True): a["href"] for a in page.select(".app-task-links a")}
    assert links["Refer someone to Checkpoint"] == "/referrals/new"
    assert links["Refer someone to DIVERT"] == "/divert/referrals/new"
    assert links["Your recent Checkpoint referrals"] == "/referrals"
    assert page.select_one(".govuk-inset-text") is None  # nothing is "not available yet" for officers


def test_the_managers_home_page_links_to_approvals_referrals_and_the_audit_trail(signed_in):
    client, _ = signed_in("manager")
    hrefs = {a["href"] for a in client.get_page("/").select(".app-task-links a")}
    assert {"/approvals", "/referrals", "/admin/audit"} <= hrefs


@pytest.mark.parametrize("role, url", [("custody_officer", "/referrals"), ("manager", "/referrals"),
                                       ("manager", "/approvals")])
def test_list_pages_have_one_h1_and_no_inline_styles(signed_in, stored_referral, role, url):
    client, user = signed_in(role)
    stored_referral(user if role == "custody_officer" else None, **{"offence.category": "burglary_residential"})
    page = client.get_page(url)
    assert len(page.find_all("h1")) == 1 and not page.select("[style]")
    assert page.select_one("table caption").get_text(strip=True)


def test_listing_referrals_is_audited_with_the_people_shown(signed_in, stored_referral, app):
    from sqlalchemy import select

    from diversion.extensions import db
    from diversion.models import AuditEvent

    client, manager = signed_in("manager")
    referral = stored_referral()
    client.get_page("/referrals")
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "checkpoint_referral.list"))
        assert event.actor_id == manager.id and event.details["ids"] == [referral.id]
