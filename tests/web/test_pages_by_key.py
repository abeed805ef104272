"""Long lists paged by key (issue 14, part 3): the referral queue and the provider's worklist reach every row,
each exactly once, however many there are, and stay whole when rows arrive between two pages; their pages are
GOV.UK pagination (links a keyboard reaches, rel next / prev) with how many there are in all."""
from datetime import date, datetime, timedelta, timezone

import pytest

from diversion import clock
from diversion.extensions import db
from diversion.models import CheckpointReferral
from tests.web.test_divert_lists import make_referral  # noqa: F401  (the fixture)
from tests.web.test_intake_support import stored_referral  # noqa: F401  (the fixture)

NOW = datetime(2026, 11, 18, 9, 0, tzinfo=timezone.utc)  # a Wednesday


@pytest.fixture(autouse=True)
def _frozen():
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def _ids(page, within="") -> list[int]:
    return [int(a["href"].split("/referrals/")[1].split("/")[0].split("?")[0])
            for a in page.select(f"{within} tbody tr td:first-child a")]


def _pagination_links(nav) -> dict:
    """rel -> href of a GOV.UK pagination's links, checking each is a real link a keyboard reaches."""
    links = {}
    for a in nav.select("a.govuk-pagination__link"):
        assert a.get("href") and a.get("tabindex") != "-1"
        assert a.get_text(" ", strip=True).split(" ")[0] in ("Previous", "Next")
        links[a["rel"][0] if isinstance(a.get("rel"), list) else a["rel"]] = a["href"]
    return links


def _queued(app, stored_referral, n, days_ago, name):  # noqa: F811
    day = clock.today() - timedelta(days=days_ago)
    return stored_referral(**{"referral_date": day.isoformat(), "offence.offence_date": (day - timedelta(1)).isoformat(),
                              "person.given_name": name, "person.family_name": f"Queue{n}"}).id


def test_the_queue_reaches_every_waiting_referral_once_even_as_more_arrive(signed_in, app, stored_referral):  # noqa: F811
    waiting = [_queued(app, stored_referral, n, n % 20, f"A{n}") for n in range(57)]
    with app.app_context():
        assert {r.status for r in db.session.query(CheckpointReferral)} == {"awaiting_navigator"}
    client, _ = signed_in("navigator")
    page = client.get_page("/queue")
    assert "57 referrals waiting, 25 on this page." in page.select_one("[role=status]").get_text(" ", strip=True)
    seen, pages, arrived = [], 0, []
    while True:
        pages += 1
        seen += _ids(page, ".moj-filter-layout__content")
        nav = page.select_one("nav.govuk-pagination")
        links = _pagination_links(nav) if nav else {}
        if pages == 1:
            assert nav["aria-label"] and "prev" not in links
            # Between two pages, referrals arrive: one waiting longer than any (before the cursor), one newer.
            arrived = [_queued(app, stored_referral, 100, 30, "Early"), _queued(app, stored_referral, 101, 0, "Late")]
        if "next" not in links:
            break
        page = client.get_page(links["next"])
        assert pages < 10
    assert pages == 3
    assert len(seen) == len(set(seen))  # none twice
    assert set(waiting) <= set(seen)    # none lost
    assert arrived[1] in seen and arrived[0] not in seen  # a newer one is met on the way; an older one is behind
    back = client.get_page(_pagination_links(page.select_one("nav.govuk-pagination"))["prev"])
    assert len(_ids(back, ".moj-filter-layout__content")) == 25


def test_a_queue_longer_than_the_count_goes_says_more_than(signed_in, app, stored_referral, monkeypatch):  # noqa: F811
    from diversion import keyset

    monkeypatch.setattr(keyset, "COUNTED_UP_TO", 3)
    for n in range(5):
        _queued(app, stored_referral, n, n, f"B{n}")
    client, _ = signed_in("manager")
    status = client.get_page("/queue").select_one("[role=status]").get_text(" ", strip=True)
    assert status == "More than 3 referrals waiting."
    monkeypatch.setattr(keyset, "COUNTED_UP_TO", 5)
    status = client.get_page("/queue").select_one("[role=status]").get_text(" ", strip=True)
    assert status == "5 referrals waiting."


def test_the_queues_pages_keep_the_sort_and_filters(signed_in, app, stored_referral):  # noqa: F811
    for n in range(27):
        _queued(app, stored_referral, n, n, "Ann")
    client, _ = signed_in("manager")
    page = client.get_page("/queue?sort=newest&q=ann")
    nxt = _pagination_links(page.select_one("nav.govuk-pagination"))["next"]
    assert "sort=newest" in nxt and "q=ann" in nxt and "after=" in nxt
    assert len(_ids(client.get_page(nxt), ".moj-filter-layout__content")) == 2


def test_the_worklist_pages_each_list_by_its_own_cursor_and_reaches_every_referral(signed_in, make_referral):  # noqa: F811
    new = [make_referral(f"New{n}", referred=date(2026, 10, 1) + timedelta(days=n)) for n in range(28)]
    booked = [make_referral(f"Book{n}", referred=date(2026, 10, 1) + timedelta(days=n % 9),
                            events=[("contacted", date(2026, 11, 10)), ("assessment_booked", date(2026, 11, 17))])
              for n in range(27)]
    overdue = [make_referral(f"Late{n}", referred=date(2026, 10, 1) + timedelta(days=n),
                             events=[("contacted", date(2026, 11, 3))]) for n in range(26)]
    recent = make_referral("Recent", events=[("contacted", date(2026, 11, 17))])  # 1 working day: not overdue
    client, _ = signed_in("provider")
    first = client.get_page("/divert/worklist")
    sections = {s["id"]: s for s in first.select("main section")}
    assert list(sections) == ["new", "booked", "follow-up"]
    assert "28 in all, 25 on this page." in sections["new"].get_text(" ", strip=True)
    assert "27 in all" in sections["booked"].get_text(" ", strip=True)
    navs = [s.select_one("nav.govuk-pagination") for s in sections.values()]
    assert len({nav["aria-label"] for nav in navs}) == 3  # each landmark named for its list
    for name, expected in (("new", new), ("booked", booked), ("follow-up", overdue)):
        page, seen = first, []
        while True:
            section = page.select_one(f"section#{name}")
            seen += _ids(section)
            links = _pagination_links(section.select_one("nav.govuk-pagination")) \
                if section.select_one("nav.govuk-pagination") else {}
            if "next" not in links:
                break
            assert links["next"].endswith(f"#{name}")
            page = client.get_page(links["next"])
            # The other lists stay on their first page while this one moves on.
            for other in {"new", "booked", "follow-up"} - {name}:
                assert _ids(page.select_one(f"section#{other}")) == _ids(first.select_one(f"section#{other}"))
        assert sorted(seen) == sorted(expected), name
    assert recent not in _ids(first)
    days = first.select_one("section#follow-up tbody tr").select("td")[-1].get_text(strip=True)
    assert days == "11"  # 3 November to 18 November: eleven working days since the last event
