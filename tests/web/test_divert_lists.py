"""The provider's lists: every referral they may see (filters, sorts, pages) and upcoming assessments."""
from datetime import date, datetime, timedelta, timezone

import pytest

from diversion import clock
from diversion.extensions import db
from diversion.models import DivertReferral, User
from diversion.services import divert
from tests import factories
from tests.web.test_intake_support import counting_statements  # noqa: F401

NOW = datetime(2026, 11, 18, 9, 0, tzinfo=timezone.utc)  # a Wednesday


@pytest.fixture
def make_referral(app):
    """make_referral(name, referral_date, events=[(event, date, extra)], substance=...) -> id"""
    with app.app_context():
        people = {"officer": factories.user(role="custody_officer"), "provider": factories.user(role="provider")}
        db.session.commit()
        ids = {k: v.id for k, v in people.items()}

    def make(given, family="Brennan", referred=date(2026, 11, 2), events=(), **overrides):
        with app.app_context():
            officer, provider = (db.session.get(User, ids[k]) for k in ("officer", "provider"))
            referral = divert.create(factories.divert_payload(**{
                "person.given_name": given, "person.family_name": family, "person.new_person": True,
                "referral_date": referred.isoformat(), **overrides}), actor=officer)
            for event, on, *extra in events:
                divert.record_event(referral, {"event": event, "date": on.isoformat(), **(extra[0] if extra else {})},
                                    actor=provider)
            db.session.commit()
            return referral.id
    return make


@pytest.fixture(autouse=True)
def _frozen():
    clock.freeze(NOW)


def _names(page) -> list[str]:
    return [row.select_one("td a").get_text(strip=True) for row in page.select("tbody tr")]


def test_every_referral_stays_in_sight_whatever_its_status(signed_in, make_referral):
    make_referral("Ada")
    make_referral("Bea", events=[("contacted", date(2026, 11, 3))])
    make_referral("Cal", events=[("declined", date(2026, 11, 3))])
    client, _ = signed_in("provider")
    page = client.get_page("/divert/referrals")
    assert sorted(_names(page)) == ["Ada Brennan", "Bea Brennan", "Cal Brennan"]
    assert page.select_one(".moj-filter-layout .moj-filter form[method=get]") is not None
    assert page.select_one("#status") and page.select_one("#substance") and page.select_one("#waited")


def test_filters_by_status_substance_and_days_waited_at_status(signed_in, make_referral):
    make_referral("Ada", referred=date(2026, 11, 2))  # referred, 16 days at status
    make_referral("Bea", substance="cocaine", events=[("contacted", date(2026, 11, 16))])  # 2 days
    make_referral("Cal", events=[("contacted", date(2026, 11, 4))])  # 14 days
    client, _ = signed_in("provider")
    assert _names(client.get_page("/divert/referrals?status=contacted&sort=name")) == ["Bea Brennan", "Cal Brennan"]
    assert _names(client.get_page("/divert/referrals?substance=cocaine")) == ["Bea Brennan"]
    page = client.get_page("/divert/referrals?waited=14&sort=name")
    assert _names(page) == ["Ada Brennan", "Cal Brennan"]
    tags = [a.get_text(" ", strip=True) for a in page.select(".moj-filter__selected .moj-filter__tag")]
    assert tags == ["Remove this filter: At least 14 days"]
    assert _names(client.get_page(page.select_one(".moj-filter__tag")["href"])) != _names(page)
    assert client.get_page("/divert/referrals?waited=soon").select_one("#waited-error") is not None


def test_sorts_by_name_referral_date_and_waited_longest(signed_in, make_referral):
    make_referral("Ada", "Zed", referred=date(2026, 11, 10))
    make_referral("Bea", "Young", referred=date(2026, 11, 2), events=[("contacted", date(2026, 11, 17))])
    make_referral("Cal", "Xu", referred=date(2026, 11, 5))
    client, _ = signed_in("provider")
    assert _names(client.get_page("/divert/referrals")) == ["Ada Zed", "Cal Xu", "Bea Young"]  # newest first
    by_name = client.get_page("/divert/referrals?sort=name")
    assert _names(by_name) == ["Cal Xu", "Bea Young", "Ada Zed"]
    assert _names(client.get_page("/divert/referrals?sort=oldest")) == ["Bea Young", "Cal Xu", "Ada Zed"]
    assert _names(client.get_page("/divert/referrals?sort=waited")) == ["Cal Xu", "Ada Zed", "Bea Young"]
    headers = {th.get_text(" ", strip=True).split(" (")[0]: th for th in by_name.select("thead th")}
    assert headers["Person"]["aria-sort"] == "ascending"
    assert headers["Referred"]["aria-sort"] == "none"
    reversed_link = headers["Referred"].a["href"]
    assert _names(client.get_page(reversed_link)) == ["Ada Zed", "Cal Xu", "Bea Young"]
    assert by_name.select_one("#sort option[selected]")["value"] == "name"


def test_search_by_name_any_order_and_accents_pnc_or_reference(signed_in, make_referral, app):
    wanted = make_referral("Łukasz", "Wiśniewski", **{"person.pnc_id": "2019/0123456A"})
    make_referral("Other", "Person")
    with app.app_context():
        reference = db.session.get(DivertReferral, wanted).reference
    client, _ = signed_in("provider")
    for q in ("wisniewski lukasz", "LUKASZ", "2019/0123456A", reference, reference.lower()):
        assert _names(client.get_page("/divert/referrals", query_string={"q": q})) == ["Łukasz Wiśniewski"], q


def test_pages_of_25_with_previous_and_next_keep_the_filters(signed_in, make_referral):
    for n in range(27):
        make_referral(f"P{n:02d}", referred=date(2026, 10, 1) + timedelta(days=n))
    client, _ = signed_in("provider")
    first = client.get_page("/divert/referrals?sort=oldest&substance=cannabis")
    assert len(first.select("tbody tr")) == 25 and first.select_one(".govuk-pagination__prev") is None
    next_href = first.select_one(".govuk-pagination__next a")["href"]
    assert "sort=oldest" in next_href and "substance=cannabis" in next_href
    second = client.get_page(next_href)
    assert _names(second) == ["P25 Brennan", "P26 Brennan"]
    back = client.get_page(second.select_one(".govuk-pagination__prev a")["href"])
    assert _names(back) == _names(first)
    assert _names(client.get_page("/divert/referrals?after=rubbish")) == _names(client.get_page("/divert/referrals"))


@pytest.mark.parametrize("url", ["/divert/referrals", "/divert/referrals?sort=name&after=",
                                 "/divert/upcoming"])
def test_a_page_is_the_same_number_of_statements_for_5_and_60_rows(signed_in, make_referral, app, url):
    def booked(n):
        at = (NOW + timedelta(hours=n)).isoformat()
        return [("contacted", date(2026, 11, 3)), ("assessment_booked", date(2026, 11, 4), {"appointment_at": at})]
    for n in range(5):
        make_referral(f"A{n}", events=booked(n))
    client, _ = signed_in("provider")
    with counting_statements(app) as few:
        assert len(client.get_page(url).select("tbody tr")) == 5
    for n in range(55):
        make_referral(f"B{n}", events=booked(n + 10))
    with counting_statements(app) as more:
        assert len(client.get_page(url).select("tbody tr")) == 25
    assert len(few) == len(more)


def test_upcoming_lists_booked_assessments_from_today_soonest_first(signed_in, make_referral):
    def booking(at):
        return [("contacted", date(2026, 11, 3)), ("assessment_booked", date(2026, 11, 4), {"appointment_at": at})]
    make_referral("Later", events=booking("2026-11-25T10:00:00+00:00"))
    make_referral("Soon", events=booking("2026-11-19T14:30:00+00:00"))
    make_referral("Earlier-today", events=booking("2026-11-18T08:00:00+00:00"))
    make_referral("Yesterday", events=booking("2026-11-17T10:00:00+00:00"))
    make_referral("Assessed", events=booking("2026-11-20T10:00:00+00:00") + [("assessed", date(2026, 11, 18))])
    make_referral("No-time", events=[("contacted", date(2026, 11, 3)), ("assessment_booked", date(2026, 11, 4))])
    client, _ = signed_in("provider")
    page = client.get_page("/divert/upcoming")
    assert _names(page) == ["Earlier-today Brennan", "Soon Brennan", "Later Brennan"]
    assert page.select("tbody tr")[1].select_one("td").get_text(strip=True) == "19 November 2026 at 2:30pm"
    assert page.select_one("thead th")["aria-sort"] == "ascending"


@pytest.mark.parametrize("role, referrals, upcoming", [
    ("provider", 200, 200), ("manager", 200, 200), ("admin", 200, 200), ("navigator", 403, 403),
    ("custody_officer", 200, 403)])  # an officer lists the DIVERT referrals they made (need to know)
def test_who_may_see_the_provider_lists(signed_in, role, referrals, upcoming):
    client, _ = signed_in(role)
    client.get_page("/divert/referrals", expected_status=referrals)
    client.get_page("/divert/upcoming", expected_status=upcoming)


def test_the_worklist_and_home_page_lead_to_the_lists(signed_in):
    client, _ = signed_in("provider")
    links = {a["href"] for a in client.get_page("/divert/worklist").select(".moj-sub-navigation a")}
    assert {"/divert/worklist", "/divert/referrals", "/divert/upcoming"} == links
    hrefs = {a["href"] for a in client.get_page("/").select("a")}
    assert {"/divert/referrals", "/divert/upcoming"} <= hrefs


def test_an_officer_lists_only_the_divert_referrals_they_made(signed_in, make_referral):
    make_referral("Someone")  # made by another officer
    client, _ = signed_in("custody_officer")
    page = client.get_page("/divert/referrals")
    assert page.h1.get_text(strip=True) == "Your DIVERT referrals"
    assert page.select("tbody tr") == [] and page.select_one(".moj-sub-navigation") is None
