"""Managers' allocation pages: reserving a queued referral for a navigator, changing a contract's navigator, the team
page (one row per navigator, a fixed number of statements), moving a leaver's caseload, and the navigation's counts."""
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from diversion import clock
from diversion.extensions import db
from diversion.models import Appointment, Contract, NavigatorChange, User
from diversion.services import allocation, divert
from tests import factories
from tests.web.test_intake_support import counting_statements

WEDNESDAY = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture
def world(app, make_user):
    """A custody officer and a manager; navigators are made as each test needs them."""
    return SimpleNamespace(officer=make_user("custody_officer"), manager=make_user("manager"))


def _referral(app, officer, **overrides) -> int:
    with app.app_context():
        referral = factories.referral(db.session.get(User, officer.id), **overrides)
        db.session.commit()
        return referral.id


def _contract(app, officer, navigator, *, started_days_ago: int = 0, high_risk: bool = False, given="Dee") -> int:
    """A contract held by `navigator`; `high_risk`: a DIVERT referral for the person since (a new-referral alert)."""
    with app.app_context():
        officer_row, navigator_row = db.session.get(User, officer.id), db.session.get(User, navigator.id)
        referral = factories.referral(officer_row, **{"person.given_name": given})
        contract = factories.contract(referral, navigator_row)
        if started_days_ago:  # the dates of a contract that started earlier (its deadline may have passed)
            contract.start_date -= timedelta(days=started_days_ago)
            contract.deadline -= timedelta(days=started_days_ago)
        if high_risk:
            person = contract.person
            divert.create({**factories.divert_payload(), "person": {
                "id": person.id, "given_name": person.given_name, "family_name": person.family_name,
                "date_of_birth": person.date_of_birth.isoformat()}}, actor=officer_row)
        db.session.commit()
        return contract.id


def _book(app, contract_id: int, starts_at: datetime, status: str = "booked") -> None:
    with app.app_context():
        booked_by = db.session.get(Contract, contract_id).navigator_id
        db.session.add(Appointment(contract_id=contract_id, starts_at=starts_at, kind="navigator_meeting",
                                   location="Durham", status=status, booked_by_id=booked_by))
        db.session.commit()


def _names(page, selector="tbody tr") -> list[str]:
    return [row.select_one("a, th").get_text(" ", strip=True) for row in page.select(selector)]


# --- Reserving a queued referral -----------------------------------------------------------------------------------

def test_a_manager_reserves_a_queued_referral_and_only_that_navigator_then_sees_it(app, client, world, make_user):
    ada, bo = make_user("navigator", name="Ada Achebe"), make_user("navigator", name="Bo Bright")
    referral_id = _referral(app, world.officer)
    client.sign_in_as(world.manager)
    queue = client.get_page("/queue")
    allocate = queue.select_one(f"a[href='/referrals/{referral_id}/allocate']")
    assert allocate.get_text(" ", strip=True).startswith("Allocate")
    page = client.get_page(allocate["href"])
    assert [label.get_text(strip=True) for label in page.select(".govuk-radios__label")] == ["Ada Achebe", "Bo Bright"]
    version = page.select_one("input[name=version]")["value"]
    response = client.post_form(allocate["href"], {"navigator_id": str(bo.id), "version": version})
    assert response.status_code == 302 and response.location.endswith("/queue")
    reserved = client.get_page("/queue").select_one(".app-reserved-tag")
    assert reserved.get_text(strip=True) == "Reserved for Bo Bright"

    theirs, others = app.test_client(), app.test_client()
    theirs.sign_in_as(bo)
    others.sign_in_as(ada)
    assert theirs.get_page("/queue").select_one(".app-reserved-tag").get_text(strip=True) == "Reserved for you"
    assert others.get_page("/queue").select("tbody tr") == []
    others.get_page(f"/referrals/{referral_id}", expected_status=404)
    others.get_page(f"/referrals/{referral_id}/contract", expected_status=404)


def test_allocating_without_choosing_shows_the_error_on_the_field(app, client, world, make_user):
    make_user("navigator")
    referral_id = _referral(app, world.officer)
    client.sign_in_as(world.manager)
    url = f"/referrals/{referral_id}/allocate"
    version = client.get_page(url).select_one("input[name=version]")["value"]
    page = client.post_page(url, {"version": version}, expected_status=422)
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#navigator_id"]
    assert page.select_one("#navigator_id-error").get_text(" ", strip=True).endswith("Choose a navigator")


def test_navigators_have_no_allocation_pages(app, client, world, make_user):
    nav = make_user("navigator")
    referral_id = _referral(app, world.officer)
    contract_id = _contract(app, world.officer, nav)
    client.sign_in_as(nav)
    assert client.get_page("/queue").select(f"a[href='/referrals/{referral_id}/allocate']") == []
    assert client.get_page(f"/contracts/{contract_id}").select_one("#change-navigator") is None
    for url in (f"/referrals/{referral_id}/allocate", f"/contracts/{contract_id}/navigator", "/team", "/team/reassign"):
        client.get_page(url, expected_status=403)


# --- Changing a contract's navigator -------------------------------------------------------------------------------

def test_a_manager_changes_a_contracts_navigator_with_a_reason(app, client, world, make_user):
    ada, bo = make_user("navigator", name="Ada Achebe"), make_user("navigator", name="Bo Bright")
    contract_id = _contract(app, world.officer, ada)
    client.sign_in_as(world.manager)
    link = client.get_page(f"/contracts/{contract_id}").select_one("#change-navigator")
    page = client.get_page(link["href"])
    assert [label.get_text(strip=True) for label in page.select(".govuk-radios__label")] == ["Bo Bright"]
    version = page.select_one("input[name=version]")["value"]
    page = client.post_page(link["href"], {"navigator_id": str(bo.id), "reason": " ", "version": version},
                            expected_status=422)
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#reason"]
    assert page.select_one("input[name=navigator_id][checked]")["value"] == str(bo.id)  # the choice is kept
    response = client.post_form(link["href"], {"navigator_id": str(bo.id), "reason": "Ada is on leave",
                                               "version": version})
    assert response.status_code == 302
    contract_page = client.get_page(response.location)
    rows = {row.dt.get_text(strip=True): row.dd.get_text(strip=True)
            for row in contract_page.select(".govuk-summary-list__row")}
    assert rows["Navigator"] == "Bo Bright"
    old = app.test_client()
    old.sign_in_as(ada)
    old.get_page(f"/contracts/{contract_id}", expected_status=404)
    with app.app_context():
        assert db.session.scalar(select(NavigatorChange.reason)) == "Ada is on leave"


# --- The team page -------------------------------------------------------------------------------------------------

def test_the_team_page_counts_each_navigators_work(app, client, world, make_user):
    clock.freeze(WEDNESDAY)
    zoe, ada = make_user("navigator", name="Zoë Zhang"), make_user("navigator", name="Ada Achebe")
    make_user("navigator", name="Left Long-ago", active=False)
    first = _contract(app, world.officer, ada, given="Amy")
    _contract(app, world.officer, ada, started_days_ago=130, given="Ben")  # overdue: no contact, conditions open
    _contract(app, world.officer, ada, high_risk=True, given="Cat")  # a new referral
    _book(app, first, WEDNESDAY + timedelta(days=1))  # this week
    _book(app, first, WEDNESDAY + timedelta(days=6))  # next Tuesday: next week
    _book(app, first, WEDNESDAY - timedelta(days=1), status="attended")  # not booked any more
    client.sign_in_as(world.manager)
    page = client.get_page("/team")
    rows = page.select("#navigators tbody tr")
    assert [row.th.get_text(" ", strip=True) for row in rows] == ["Ada Achebe 's caseload", "Zoë Zhang 's caseload"]
    cells = [[td.get_text(" ", strip=True).split(" ")[0] for td in row.select("td")[:4]] for row in rows]
    assert cells == [["3", "1", "2", "1"], ["0", "0", "0", "0"]]
    assert rows[0].th.a["href"] == f"/contracts?navigator={ada.id}"
    high = page.select("#high-risk-contracts tbody tr")
    assert [row.select_one("td a").get_text(strip=True).split(" ")[0] for row in high] == ["Ben", "Cat"]
    assert {row.select("td")[1].get_text(strip=True) for row in high} == {"Ada Achebe"}


def test_the_high_risk_list_is_a_pages_worth_and_each_count_leads_to_the_rest(app, client, world, make_user,
                                                                               monkeypatch):
    from diversion.services import team

    monkeypatch.setattr(team, "HIGH_RISK_SHOWN", 1)  # (25 in life)
    clock.freeze(WEDNESDAY)
    ada = make_user("navigator", name="Ada Achebe")
    _contract(app, world.officer, ada, started_days_ago=130, given="Ben")  # overdue: the soonest deadline
    _contract(app, world.officer, ada, high_risk=True, given="Cat")
    client.sign_in_as(world.manager)
    page = client.get_page("/team")
    high = page.select("#high-risk-contracts tbody tr")
    assert [row.select_one("td a").get_text(strip=True).split(" ")[0] for row in high] == ["Ben"]
    assert "The 1 with the soonest deadlines of 2." in page.select_one("#high-risk ~ p").get_text(" ", strip=True)
    count = page.select_one("#navigators tbody tr").select("td")[2].a
    assert count.get_text(" ", strip=True).startswith("2") and count["href"] == f"/contracts?navigator={ada.id}&risk=high"
    rest = client.get_page(count["href"])
    assert len(rest.select("tbody tr")) == 2


def test_the_team_page_is_a_fixed_number_of_statements_whatever_the_team(app, client, world, make_user):
    client.sign_in_as(world.manager)
    navigator = make_user("navigator")
    _contract(app, world.officer, navigator, high_risk=True)
    client.get_page("/team")
    with counting_statements(app) as few:
        assert len(client.get_page("/team").select("#navigators tbody tr")) == 1
    for n in range(4):
        another = make_user("navigator")
        for m in range(2):
            _contract(app, world.officer, another, high_risk=m == 0, given=f"P{n}{m}")
    with counting_statements(app) as more:
        page = client.get_page("/team")
        assert len(page.select("#navigators tbody tr")) == 5 and len(page.select("#high-risk-contracts tbody tr")) == 5
    assert len(few) == len(more) <= 12  # issue 14: at most 12 a page, session and audit included


def test_the_team_pages_by_25_navigators_in_name_order(app, client, world, make_user):
    for n in range(27):
        make_user("navigator", name=f"Navigator {n:02d}")
    client.sign_in_as(world.manager)
    first = client.get_page("/team")
    assert len(first.select("#navigators tbody tr")) == 25
    assert first.select_one("#navigators tbody th").get_text(" ", strip=True).startswith("Navigator 00")
    second = client.get_page(first.select_one(".govuk-pagination__next a")["href"])
    assert [r.th.get_text(" ", strip=True).split(" 's")[0] for r in second.select("#navigators tbody tr")] == [
        "Navigator 25", "Navigator 26"]
    assert second.select_one(".govuk-pagination__next") is None
    back = client.get_page(second.select_one(".govuk-pagination__prev a")["href"])  # by key, both ways
    assert _names(back, "#navigators tbody tr") == _names(first, "#navigators tbody tr")


# --- A leaver's caseload -------------------------------------------------------------------------------------------

def test_a_leavers_caseload_moves_after_a_confirmation(app, client, world, make_user):
    ada, bo = make_user("navigator", name="Ada Achebe"), make_user("navigator", name="Bo Bright")
    kept = _contract(app, world.officer, ada, given="Kim")
    moving = _contract(app, world.officer, ada, given="Max")
    referral_id = _referral(app, world.officer)
    with app.app_context():
        referral = db.session.get(allocation.CheckpointReferral, referral_id)
        allocation.allocate(referral, {"navigator_id": ada.id, "version": referral.version},
                            actor=db.session.get(User, world.manager.id))
        db.session.commit()
    client.sign_in_as(world.manager)
    form = client.get_page(f"/team/reassign?from={ada.id}")
    boxes = form.select("input[name=contract_ids]")
    assert sorted(int(b["value"]) for b in boxes) == sorted([kept, moving])
    assert all(b.has_attr("checked") for b in boxes + form.select("input[name=referral_ids]"))
    data = {"from_navigator_id": str(ada.id), "navigator_id": str(bo.id), "reason": "Ada has left the service",
            "contract_ids": [str(moving)], "referral_ids": [str(referral_id)], "action": "check"}
    check = client.post_page("/team/reassign", data, form_page=f"/team/reassign?from={ada.id}")
    assert check.h1.get_text(strip=True) == "Check before you move the caseload"
    with app.app_context():  # nothing moves before the confirmation
        assert db.session.get(Contract, moving).navigator_id == ada.id
    confirm = {i["name"]: i["value"] for i in check.select("form input[type=hidden]") if i["name"] != "csrf_token"}
    response = client.post_form("/team/reassign", {**confirm, "action": "confirm"}, form_page="/team")
    assert response.status_code == 302 and response.location.endswith("/team")
    with app.app_context():
        assert db.session.get(Contract, moving).navigator_id == bo.id
        assert db.session.get(Contract, kept).navigator_id == ada.id
        assert db.session.get(allocation.CheckpointReferral, referral_id).allocated_navigator_id == bo.id
        assert db.session.scalar(select(func.count()).select_from(NavigatorChange)) == 1


def test_moving_nothing_is_an_error_on_the_checkboxes(app, client, world, make_user):
    ada, bo = make_user("navigator"), make_user("navigator")
    _contract(app, world.officer, ada)
    client.sign_in_as(world.manager)
    page = client.post_page("/team/reassign", {"from_navigator_id": str(ada.id), "navigator_id": str(bo.id),
                                               "reason": "Leaving", "action": "check"},
                            form_page="/team/reassign", expected_status=422)
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#contract_ids"]


# --- Counts at a glance --------------------------------------------------------------------------------------------

def _badges(client) -> dict[str, str]:
    """Each navigation link with a badge: its whole text, as a screen reader reads it."""
    page = client.get_page("/")
    return {link.contents[0].strip(): link.get_text("", strip=False).split(",", 1)[1].strip()
            for link in page.select(".govuk-service-navigation__link") if link.select_one(".moj-notification-badge")}


def test_the_navigation_counts_what_waits_for_each_role(app, world, make_user):
    ada, bo = make_user("navigator"), make_user("navigator")
    for n in range(3):
        _referral(app, world.officer, **{"person.given_name": f"Q{n}"})
    reserved = _referral(app, world.officer, **{"person.given_name": "Res"})
    for n in range(2):
        _referral(app, world.officer, **{"offence.category": "burglary_residential", "person.given_name": f"A{n}"})
    _contract(app, world.officer, ada, high_risk=True, given="Al")
    with app.app_context():
        referral = db.session.get(allocation.CheckpointReferral, reserved)
        allocation.allocate(referral, {"navigator_id": bo.id, "version": referral.version},
                            actor=db.session.get(User, world.manager.id))
        db.session.commit()
    clients = {}
    for name, user in (("manager", world.manager), ("ada", ada), ("bo", bo)):
        clients[name] = app.test_client()
        clients[name].sign_in_as(user)
    assert _badges(clients["manager"]) == {"Approvals": "2 waiting", "Awaiting a navigator": "4 waiting"}
    assert _badges(clients["ada"]) == {"Awaiting a navigator": "3 waiting", "Alerts": "1 to decide"}
    assert _badges(clients["bo"]) == {"Awaiting a navigator": "4 waiting"}
    alerts = clients["ada"].get_page("/").select_one(".govuk-service-navigation__link[href='/#alerts-title']")
    assert alerts.select_one("[aria-hidden=true]").get_text() == "1"


def test_a_badge_counts_no_further_than_its_cap_and_says_more_than(app, world, monkeypatch):
    from diversion.services import badges

    monkeypatch.setattr(badges, "CAP", 2)  # (99 in life: three referrals stand for a national queue)
    for n in range(3):
        _referral(app, world.officer, **{"person.given_name": f"Q{n}"})
    client = app.test_client()
    client.sign_in_as(world.manager)
    assert _badges(client)["Awaiting a navigator"] == "more than 2 waiting"
    queue = client.get_page("/").select_one(".govuk-service-navigation__link[href='/queue']")
    assert queue.select_one("[aria-hidden=true]").get_text() == "2+"


def test_the_counts_cost_one_statement_whatever_the_numbers(app, client, world, make_user):
    client.sign_in_as(world.manager)
    client.get_page("/team")
    with counting_statements(app) as none_waiting:
        client.get_page("/team")
    for n in range(3):
        _referral(app, world.officer, **{"person.given_name": f"Q{n}", "offence.category": "burglary_residential"})
        _referral(app, world.officer, **{"person.given_name": f"R{n}"})
    with counting_statements(app) as some_waiting:
        page = client.get_page("/team")
    assert len(page.select(".moj-notification-badge")) == 2
    assert len(none_waiting) == len(some_waiting)
    counts = [s for s in some_waiting if "count(" in s.lower() and "checkpoint_referrals" in s]
    assert len(counts) == 1  # both badges in one statement


def test_the_counts_leave_out_an_erased_persons_cases(app, world, make_user):
    """The badges are counted in plain SQL (services/badges.py): the erased rule is written on each count."""
    from diversion.models import CheckpointReferral, Person

    ada = make_user("navigator")
    _referral(app, world.officer, **{"person.given_name": "Kept"})
    gone = _referral(app, world.officer, **{"person.given_name": "Gone"})
    held = _contract(app, world.officer, ada, high_risk=True, given="Al")
    client = app.test_client()
    client.sign_in_as(ada)
    assert _badges(client) == {"Awaiting a navigator": "2 waiting", "Alerts": "1 to decide"}
    with app.app_context():
        people = [db.session.get(CheckpointReferral, gone).person_id, db.session.get(Contract, held).person_id]
        for person in db.session.scalars(select(Person).where(Person.id.in_(people))):
            person.erased_at = clock.now()
        db.session.commit()
    assert _badges(client) == {"Awaiting a navigator": "1 waiting"}


# --- No caseload stranded ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("change, data", [("role", {"role": "manager"}), ("deactivate", {}),
                                          ("deactivate", {"confirm": "yes"})])
def test_an_admin_cannot_take_away_a_navigator_who_still_holds_work(app, client, world, make_user, change, data):
    nav = make_user("navigator", name="Ada Achebe")
    _contract(app, world.officer, nav)
    client, _admin = client, make_user("admin")
    client.sign_in_as(_admin)
    response = client.post_form(f"/admin/users/{nav.id}/{change}", {**data, "version": nav.version},
                                form_page=f"/admin/users/{nav.id}")
    assert response.status_code == 409
    from bs4 import BeautifulSoup

    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    summary = page.select_one("#caseload-held")
    assert "Ada Achebe still holds 1 open contract" in summary.get_text(" ", strip=True)
    assert summary.select_one("a")["href"] == f"/team/reassign?from={nav.id}"
    with app.app_context():
        kept = db.session.get(User, nav.id)
        assert (kept.role, kept.active) == ("navigator", True)


def test_once_the_caseload_has_moved_the_navigator_can_be_deactivated(app, client, world, make_user):
    ada, bo = make_user("navigator"), make_user("navigator")
    contract_id = _contract(app, world.officer, ada)
    with app.app_context():
        contract = db.session.get(Contract, contract_id)
        allocation.reassign(contract, {"navigator_id": bo.id, "reason": "Leaving", "version": contract.version},
                            actor=db.session.get(User, world.manager.id))
        db.session.commit()
    client.sign_in_as(make_user("admin"))
    response = client.post_form(f"/admin/users/{ada.id}/deactivate", {"version": ada.version, "confirm": "yes"},
                                form_page=f"/admin/users/{ada.id}")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, ada.id).active is False


def test_the_referral_page_says_who_it_is_reserved_for(app, client, world, make_user):
    bo = make_user("navigator", name="Bo Bright")
    referral_id = _referral(app, world.officer)
    client.sign_in_as(world.manager)
    page = client.get_page(f"/referrals/{referral_id}")
    assert page.select_one("#reserved-for") is None
    assert page.select_one(f"a[href='/referrals/{referral_id}/allocate']").get_text(strip=True) == \
        "Reserve it for a navigator"
    with app.app_context():
        referral = db.session.get(allocation.CheckpointReferral, referral_id)
        allocation.allocate(referral, {"navigator_id": bo.id, "version": referral.version},
                            actor=db.session.get(User, world.manager.id))
        db.session.commit()
    assert client.get_page(f"/referrals/{referral_id}").select_one("#reserved-for strong").get_text(strip=True) == \
        "Reserved for Bo Bright"
    theirs = app.test_client()
    theirs.sign_in_as(bo)
    assert "only you can take it" in theirs.get_page(f"/referrals/{referral_id}").select_one("#reserved-for").get_text()
