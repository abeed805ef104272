"""Finding referrals: the queue awaiting a navigator, approvals, everyone's referrals (managers), an officer's own
(with their unfinished drafts and their DIVERT referrals), and the audit trail: filters, sorts and pages."""
from datetime import timedelta

import pytest

from diversion import clock
from diversion.extensions import db
from diversion.models import CheckpointReferral, User
from diversion.services import divert
from tests import factories
from tests.web.test_intake_support import (counting_statements, eligible_answers,  # noqa: F401
                                           start_draft, stored_referral)  # noqa: F401


def _names(page) -> list[str]:
    return [row.select_one("td a").get_text(strip=True) for row in page.select(".moj-filter-layout__content tbody tr")]


def _rows(page) -> list:
    return page.select(".moj-filter-layout__content tbody tr")


def _dated(days_ago: int, given: str, family: str = "Okafor", **overrides) -> dict:
    day = clock.today() - timedelta(days=days_ago)
    return {"referral_date": day.isoformat(), "offence.offence_date": (day - timedelta(days=1)).isoformat(),
            "person.given_name": given, "person.family_name": family, **overrides}


def _header(page, text):
    return next(th for th in page.select("thead th") if th.get_text(strip=True).startswith(text))


# --- The queue ---------------------------------------------------------------------------------

def test_the_queue_waited_longest_first_or_newest_and_filters(signed_in, stored_referral):
    stored_referral(**_dated(3, "Ada"))
    stored_referral(**_dated(9, "Bea", "Nowak", **{"offence.category": "criminal_damage"}))
    stored_referral(**_dated(6, "Cal"))
    client, _ = signed_in("navigator")
    page = client.get_page("/queue")
    assert _names(page) == ["Bea Nowak", "Cal Okafor", "Ada Okafor"]
    assert page.select_one(".moj-filter form")["method"] == "get"
    assert _header(page, "Referred")["aria-sort"] == "ascending"
    newest = client.get_page(_header(page, "Referred").a["href"])
    assert _names(newest) == ["Ada Okafor", "Cal Okafor", "Bea Nowak"]
    assert _header(newest, "Referred")["aria-sort"] == "descending"
    assert _names(client.get_page("/queue?category=criminal_damage")) == ["Bea Nowak"]
    assert _names(client.get_page("/queue?q=nowak+bea")) == ["Bea Nowak"]


# --- Approvals --------------------------------------------------------------------------------

def test_approvals_waiting_longest_first_filtered_and_searchable(signed_in, stored_referral):
    first = stored_referral(**_dated(5, "Ada", **{"offence.category": "burglary_residential"}))
    stored_referral(**_dated(1, "Bea", "Nowak", **{"offence.category": "burglary_residential"}))
    client, _ = signed_in("manager")
    page = client.get_page("/approvals")
    assert _names(page) == ["Ada Okafor", "Bea Nowak"]  # entered first, waiting longest
    assert _header(page, "Waiting")["aria-sort"] == "descending"
    assert _names(client.get_page("/approvals?sort=newest")) == ["Bea Nowak", "Ada Okafor"]
    assert _names(client.get_page("/approvals?q=nowak")) == ["Bea Nowak"]
    with client.application.app_context():
        reference = db.session.get(CheckpointReferral, first.id).reference
    assert _names(client.get_page("/approvals", query_string={"q": reference})) == ["Ada Okafor"]
    assert _names(client.get_page("/approvals?category=theft")) == []


# --- Everyone's referrals and an officer's own ------------------------------------------------

def test_managers_search_everyones_referrals_by_name_pnc_or_reference(signed_in, stored_referral):
    wanted = stored_referral(**_dated(1, "Łukasz", "Wiśniewski", **{"person.pnc_id": "2019/0123456A"}))
    stored_referral(**_dated(1, "Lukas", "Podolski"))
    client, _ = signed_in("manager")
    with client.application.app_context():
        reference = db.session.get(CheckpointReferral, wanted.id).reference
    for q in ("wisniewski lukasz", "ŁUKASZ", "2019/0123456A", reference):
        assert _names(client.get_page("/referrals", query_string={"q": q})) == ["Łukasz Wiśniewski"], q


def test_referrals_sort_oldest_first_and_keep_filters_when_paging(signed_in, stored_referral):
    for n in range(27):
        stored_referral(**_dated(n % 6, f"P{n:02d}", **{"offence.category": "robbery"}))
    client, _ = signed_in("admin")
    first = client.get_page("/referrals?sort=oldest&status=ineligible")
    next_href = first.select_one(".govuk-pagination__next a")["href"]
    assert "sort=oldest" in next_href and "status=ineligible" in next_href
    second = client.get_page(next_href)
    assert len(_names(first)) == 25 and len(_names(second)) == 2
    assert _header(first, "Referral date")["aria-sort"] == "ascending"


def test_an_officer_sees_only_their_own_referrals_when_searching(signed_in, stored_referral, make_user):
    client, officer = signed_in("custody_officer")
    stored_referral(officer, **_dated(1, "Amara"))
    stored_referral(make_user("custody_officer"), **_dated(1, "Amara", "Someone"))
    assert _names(client.get_page("/referrals?q=amara")) == ["Amara Okafor"]


def test_an_officer_sees_their_unfinished_drafts_to_continue_or_delete(signed_in):
    client, _ = signed_in("custody_officer")
    draft_id = start_draft(client)
    person = {**eligible_answers()["person"], "person-given_name": "Dara", "person-family_name": "Quinn"}
    assert client.post_form(f"/referrals/new/{draft_id}/person", person).status_code == 302
    page = client.get_page("/referrals")
    [row] = page.select("tr.app-draft")
    assert row.select_one("td").get_text(strip=True) == "Dara Quinn"
    assert row.select_one("a")["href"] == f"/referrals/new/{draft_id}/check"
    delete = row.select_one("form")
    assert delete["action"] == f"/referrals/new/{draft_id}/discard"
    asked = client.post_page(delete["action"], form_page="/referrals")  # are you sure? nothing deleted yet
    assert "Are you sure" in asked.select_one("h1").get_text()
    assert client.get_page("/referrals").select("tr.app-draft") != []
    client.post_form(delete["action"], {"confirm": "yes"}, form_page="/referrals")
    assert client.get_page("/referrals").select("tr.app-draft") == []


def test_an_officer_sees_their_divert_referrals_too(signed_in, app, make_user):
    client, officer = signed_in("custody_officer")
    with app.app_context():
        divert.create(factories.divert_payload(**{"person.given_name": "Mine"}), actor=db.session.get(User, officer.id))
        other = factories.user(role="custody_officer")
        divert.create(factories.divert_payload(**{"person.given_name": "Theirs", "person.new_person": True}),
                      actor=other)
        db.session.commit()
    page = client.get_page("/referrals")
    section = page.find("h2", string="Your DIVERT referrals").find_next("table")
    assert [a.get_text(strip=True) for a in section.select("tbody a")] == ["Mine Brennan"]
    listed = client.get_page("/divert/referrals")
    assert [r.select_one("a").get_text(strip=True) for r in listed.select("tbody tr")] == ["Mine Brennan"]


@pytest.mark.parametrize("role, url", [("navigator", "/queue"), ("manager", "/approvals"), ("manager", "/referrals"),
                                       ("custody_officer", "/referrals"), ("admin", "/admin/audit")])
def test_each_list_is_the_same_number_of_statements_for_5_and_60_rows(signed_in, stored_referral, app, role, url):
    client, user = signed_in(role)
    officer = user if role == "custody_officer" else None
    category = {"/approvals": "burglary_residential"}.get(url, "theft")
    for n in range(5):
        stored_referral(officer, **_dated(n, f"A{n}", **{"offence.category": category}))
    with counting_statements(app) as few:
        assert len(_rows(client.get_page(url))) >= 5
    for n in range(55):
        stored_referral(officer, **_dated(n % 20, f"B{n}", **{"offence.category": category}))
    with counting_statements(app) as more:
        assert len(_rows(client.get_page(url))) == (50 if url == "/admin/audit" else 25)
    assert len(few) == len(more)


# --- The audit trail --------------------------------------------------------------------------

def _actions(page) -> list[str]:
    return [row.select_one("code.app-audit-action").get_text(strip=True) for row in page.select("tbody tr")]


def test_the_audit_trail_filters_by_action_user_and_dates(signed_in, app, make_user):
    from diversion import audit

    someone = make_user("navigator")
    with app.app_context():
        for action, actor_id in (("contract.view", someone.id), ("contract.note", someone.id),
                                 ("person.view", someone.id), ("contract.viewed_elsewhere", None)):
            audit.record(action, actor=db.session.get(User, actor_id) if actor_id else None)
        db.session.commit()
    client, _ = signed_in("admin")
    assert set(_actions(client.get_page("/admin/audit?action=contract"))) == {
        "contract.view", "contract.note", "contract.viewed_elsewhere"}
    assert _actions(client.get_page("/admin/audit?action=contract.view")) == ["contract.view"]
    by_user = client.get_page(f"/admin/audit?user={someone.id}&sort=oldest")
    assert _actions(by_user) == ["contract.view", "contract.note", "person.view"]
    assert _header(by_user, "When")["aria-sort"] == "ascending"
    today, yesterday = clock.today(), clock.today() - timedelta(days=1)
    dated = {"from-day": today.day, "from-month": today.month, "from-year": today.year}
    assert len(_actions(client.get_page("/admin/audit", query_string={**dated, "user": someone.id}))) == 3
    before = {"to-day": yesterday.day, "to-month": yesterday.month, "to-year": yesterday.year}
    assert _actions(client.get_page("/admin/audit", query_string={**before, "user": someone.id})) == []
    tags = client.get_page("/admin/audit", query_string={**dated, "action": "person"}).select(".moj-filter__tag")
    assert len(tags) == 2


def test_the_audit_trail_explains_a_bad_filter_instead_of_failing(signed_in, app):
    from diversion import audit

    client, _ = signed_in("admin")
    with app.app_context():
        audit.record("test.event")
        db.session.commit()
    page = client.get_page("/admin/audit?action=DROP%20TABLE&from-day=31&from-month=2&from-year=2026")
    links = [a["href"] for a in page.select(".govuk-error-summary a")]
    assert links == ["#action", "#from-day"]
    assert page.select("tbody tr")  # still lists, without the bad filters
    backwards = client.get_page("/admin/audit?from-day=2&from-month=1&from-year=2026&to-day=1&to-month=1&to-year=2026")
    assert [a["href"] for a in backwards.select(".govuk-error-summary a")] == ["#to-day"]


def test_the_audit_trail_pages_back_and_forth(signed_in, app):
    from diversion import audit

    with app.app_context():
        for n in range(60):
            audit.record(f"test.event{n}")
        db.session.commit()
    client, _ = signed_in("admin")
    first = client.get_page("/admin/audit?action=test")
    assert len(first.select("tbody tr")) == 50
    second = client.get_page(first.select_one(".govuk-pagination__next a")["href"])
    assert len(second.select("tbody tr")) == 10
    assert _actions(client.get_page(second.select_one(".govuk-pagination__prev a")["href"])) == _actions(first)
