"""Finding things on the caseload: MoJ filter, sortable headers (aria-sort), GOV.UK pagination, one search box
(name in any order and without accents, PNC ID, reference), breach risk, and "N days overdue"."""
from datetime import timedelta

import pytest

from diversion import clock, keyset
from diversion.extensions import db
from diversion.models import Contract
from tests.web.test_intake_support import counting_statements  # noqa: F401


@pytest.fixture
def started(make_contract):
    """started(days_ago, navigator=None, given=..., family=..., **referral overrides) -> contract id"""
    def make(days_ago=0, navigator=None, given="Chloé", family="O'Sullivan-Nkemelu", **referral):
        today = clock.today()
        start = today - timedelta(days=days_ago)
        offence_date = (start - timedelta(days=1)).isoformat()
        overrides = {"referral_date": start.isoformat(), "offence.offence_date": offence_date,
                     "person.given_name": given, "person.family_name": family, **referral}
        return make_contract(navigator=navigator, referral_overrides=overrides, start_date=start.isoformat())
    return make


def _ids(page) -> list[int]:
    return [int(row.select_one("td a")["href"].rsplit("/", 1)[1]) for row in page.select("tbody tr")]


def test_the_caseload_is_an_moj_filter_with_a_get_form(signed_in):
    client, _ = signed_in("navigator")
    page = client.get_page("/contracts")
    form = page.select_one(".moj-filter-layout__filter .moj-filter form")
    assert form["method"] == "get"
    assert {e["name"] for e in form.select("input[name], select[name]")} >= {"q", "status", "due", "sort"}
    assert page.select_one("#navigator") is None  # a navigator's caseload is their own


def test_risk_is_a_tag_on_each_open_contract_and_overdue_reads_in_words(signed_in, started):
    client, navigator = signed_in("navigator")
    low = started(0, navigator)
    medium = started(20, navigator)
    high = started(110, navigator)  # no contact, hours behind, conditions open near the deadline
    overdue = started(130, navigator)
    page = client.get_page("/contracts?sort=risk")
    assert _ids(page) == [overdue, high, medium, low]  # highest risk first, then soonest deadline
    tags = page.select("tbody .app-risk-tag")
    assert [t.get_text(" ", strip=True) for t in tags] == ["High breach risk", "High breach risk",
                                                         "Medium breach risk", "Low breach risk"]
    assert [t["class"][1] for t in tags] == ["govuk-tag--red", "govuk-tag--red", "govuk-tag--orange",
                                             "govuk-tag--grey"]
    left = [span.get_text(strip=True) for span in page.select("tbody .app-time-left")]
    with client.application.app_context():
        late_by = (clock.today() - db.session.get(Contract, overdue).deadline).days
    assert left[0] == f"{late_by} days overdue" and "−" not in " ".join(left) and "-" not in " ".join(left)
    assert left[3].endswith("days left")
    risk_header = [th for th in page.select("thead th") if th.get_text(strip=True).startswith("Risk")][0]
    assert risk_header["aria-sort"] == "descending"


def test_risk_filter_and_sort_are_offered_only_for_one_navigators_open_contracts(signed_in, started, make_user):
    one = make_user("navigator")
    started(0, one)
    high = started(110, one)
    client, _ = signed_in("manager")
    everyone = client.get_page("/contracts?sort=risk&risk=high")
    assert everyone.select_one("#risk") is None
    assert "risk" not in [o["value"] for o in everyone.select("#sort option")]
    assert everyone.select_one("#sort option[selected]")["value"] == "deadline"  # not sorted by risk
    assert len(everyone.select("tbody tr")) == 2 and everyone.select("tbody .app-risk-tag")  # the column stays
    chosen = client.get_page(f"/contracts?navigator={one.id}&risk=high")
    assert _ids(chosen) == [high]
    assert "risk" in [o["value"] for o in chosen.select("#sort option")]
    assert client.get_page(f"/contracts?navigator={one.id}&status=all").select_one("#risk") is None


def _selected_filters(page) -> list[tuple[str, str]]:
    """(heading, the chosen value) of each selected filter, without the hidden "Remove this filter:"."""
    return [(heading.get_text(strip=True), heading.find_next("a", class_="moj-filter__tag").get_text(" ", strip=True)
             .removeprefix("Remove this filter:").strip())
            for heading in page.select(".moj-filter__selected h4")]


def test_managers_choose_among_a_few_navigators_from_a_select(signed_in, started, make_user):
    priya, sam = make_user("navigator", name="Priya Shah"), make_user("navigator", name="Sam Jones")
    make_user("navigator", name="Left Already", active=False)
    mine = started(0, priya)
    started(0, sam)
    client, _ = signed_in("manager")
    page = client.get_page("/contracts")
    options = [o.get_text(strip=True) for o in page.select("select#navigator option")]
    assert options == ["Every navigator", "Priya Shah", "Sam Jones"]  # active ones, by name
    assert page.select_one("#navigator_name") is None
    chosen = client.get_page(f"/contracts?navigator={priya.id}")
    assert _ids(chosen) == [mine]
    assert chosen.select_one("select#navigator option[selected]").get_text(strip=True) == "Priya Shah"
    assert _selected_filters(chosen) == [("Navigator", "Priya Shah")]
    assert chosen.select_one(".moj-filter form input[type=hidden][name=navigator]") is None  # the select carries it


def test_a_navigator_chosen_by_id_outside_the_select_is_named_and_kept(signed_in, started, make_user):
    make_user("navigator", name="Priya Shah")
    left = make_user("navigator", name="Left Already", active=False)
    theirs = started(0, left)
    admin = make_user("admin", name="Ada Admin")
    client, _ = signed_in("manager")
    chosen = client.get_page(f"/contracts?navigator={left.id}")
    assert _ids(chosen) == [theirs]
    assert _selected_filters(chosen) == [("Navigator", "Left Already")]
    assert chosen.select_one(".moj-filter form input[type=hidden][name=navigator]")["value"] == str(left.id)
    # An id that is not a navigator's finds nothing, and no other staff member's name is shown for it
    other = client.get_page(f"/contracts?navigator={admin.id}")
    assert _ids(other) == [] and _selected_filters(other) == [("Navigator", "No such navigator")]


def test_beyond_a_select_of_navigators_managers_type_part_of_a_name_or_email(signed_in, started, make_user,
                                                                            monkeypatch):
    from diversion.checkpoint.casework import navigator_filter

    monkeypatch.setattr(navigator_filter, "SELECT_UP_TO", 1)  # a national service: a thousand navigators
    priya = make_user("navigator", name="Priya Shah", email="p.shah@force.example")
    sam = make_user("navigator", name="Sam Jones", email="sam.jones@force.example")
    left = make_user("navigator", name="Priya Left", active=False)
    hers, his, theirs = started(0, priya), started(5, sam), started(10, left)
    client, _ = signed_in("manager")
    page = client.get_page("/contracts")
    assert page.select_one("select#navigator") is None
    box = page.select_one("input#navigator_name")
    assert box["name"] == "navigator_name" and page.select_one("label[for=navigator_name]")
    assert set(_ids(page)) == {hers, his, theirs}
    assert set(_ids(client.get_page("/contracts?navigator_name=PRIYA"))) == {hers, theirs}  # any case; left too
    found = client.get_page("/contracts?navigator_name=+sam.jones@+")  # an email, trimmed
    assert _ids(found) == [his]
    assert found.select_one("input#navigator_name")["value"] == "sam.jones@"
    assert _selected_filters(found) == [("Navigator's name or email", "sam.jones@")]
    assert _ids(client.get_page("/contracts", query_string={"navigator_name": "pri\x00ya"})) == []  # a NUL: nobody
    for wildcard in ("%", "_", "\\"):  # themselves, not LIKE's wildcards: nobody's name or email holds them
        assert _ids(client.get_page("/contracts", query_string={"navigator_name": wildcard})) == []
    # A navigator chosen by id (the team page links to one) still works, and is named in the selected filters
    chosen = client.get_page(f"/contracts?navigator={sam.id}")
    assert _ids(chosen) == [his]
    assert _selected_filters(chosen) == [("Navigator", "Sam Jones")]
    # ... and stays chosen when the filter form is applied (a hidden field: there is no select to carry it)
    form = chosen.select_one(".moj-filter form")
    assert form.select_one("input[type=hidden][name=navigator]")["value"] == str(sam.id)
    assert page.select_one(".moj-filter form input[name=navigator]") is None  # none chosen: none carried


def test_a_navigator_has_no_navigator_filter_whatever_the_address_says(signed_in, started, make_user, monkeypatch):
    from diversion.checkpoint.casework import navigator_filter

    monkeypatch.setattr(navigator_filter, "SELECT_UP_TO", 0)
    client, navigator = signed_in("navigator", name="Nav One")
    mine = started(0, navigator)
    started(0, make_user("navigator", name="Other Person"))
    page = client.get_page("/contracts?navigator_name=other")
    assert _ids(page) == [mine]
    assert page.select_one("#navigator_name") is None and page.select_one("#navigator") is None


def test_sorts_by_deadline_name_and_start_date_with_aria_sort(signed_in, started):
    client, navigator = signed_in("navigator")
    a = started(30, navigator, given="Zara", family="Adams")
    b = started(10, navigator, given="Amir", family="Brown")
    c = started(50, navigator, given="Bo", family="Cole")
    page = client.get_page("/contracts")
    assert _ids(page) == [c, a, b]  # soonest deadline first
    deadline = [th for th in page.select("thead th") if th.get_text(strip=True).startswith("Deadline")][0]
    assert deadline["aria-sort"] == "ascending"
    assert _ids(client.get_page(deadline.a["href"])) == [b, a, c]  # the header's link reverses it
    by_name = client.get_page("/contracts?sort=name")
    assert _ids(by_name) == [a, b, c]
    person = [th for th in by_name.select("thead th") if th.get_text(strip=True).startswith("Person")][0]
    assert person["aria-sort"] == "ascending"
    assert _ids(client.get_page("/contracts?sort=start")) == [b, a, c]
    assert _ids(client.get_page("/contracts?sort=start_oldest")) == [c, a, b]


def test_due_within_n_days(signed_in, started):
    client, navigator = signed_in("navigator")
    near = started(110, navigator)  # about 12 days left
    started(0, navigator)
    assert _ids(client.get_page("/contracts?due=14")) == [near]
    assert len(client.get_page("/contracts?due=200").select("tbody tr")) == 2
    page = client.get_page("/contracts?due=soon")
    assert page.select_one("#due-error") and len(page.select("tbody tr")) == 2


@pytest.mark.parametrize("q", ["lukasz wisniewski", "Wiśniewski Łukasz", "WISNIEWSKI", "2019/0123456A",
                               " 2019/0123456a "])
def test_one_search_box_finds_a_name_in_any_order_without_accents_or_a_pnc_id(signed_in, started, q):
    client, navigator = signed_in("navigator")
    wanted = started(0, navigator, given="Łukasz", family="Wiśniewski", **{"person.pnc_id": "2019/0123456A"})
    started(0, navigator, given="Lukas", family="Podolski")
    assert _ids(client.get_page("/contracts", query_string={"q": q})) == [wanted]


def test_search_by_reference(signed_in, started, app):
    client, navigator = signed_in("navigator")
    wanted = started(0, navigator)
    started(0, navigator)
    with app.app_context():
        reference = db.session.get(Contract, wanted).referral.reference
    for q in (reference, reference.lower().replace("-", " ")):
        assert _ids(client.get_page("/contracts", query_string={"q": q})) == [wanted]


def test_a_navigator_finds_only_their_own_cases(signed_in, started, make_user):
    client, navigator = signed_in("navigator")
    mine = started(0, navigator, given="Amara", family="Okafor")
    started(0, make_user("navigator"), given="Amara", family="Okafor")
    assert _ids(client.get_page("/contracts?q=okafor&status=all")) == [mine]
    assert _ids(client.get_page(f"/contracts?q=okafor&navigator=999")) == [mine]


def test_pages_of_25_keep_the_filters_and_sort(signed_in, started):
    client, navigator = signed_in("navigator")
    made = [started(n, navigator, given=f"P{n:02d}") for n in range(27)]
    first = client.get_page("/contracts?sort=name&due=200")
    assert len(first.select("tbody tr")) == 25
    next_href = first.select_one(".govuk-pagination__next a")["href"]
    assert "sort=name" in next_href and "due=200" in next_href
    second = client.get_page(next_href)
    assert set(_ids(second)) == set(made) - set(_ids(first))
    assert second.select_one(".govuk-pagination__next") is None  # pages by key: Previous / Next, no numbers
    previous = client.get_page(second.select_one(".govuk-pagination__prev a")["href"])
    assert _ids(previous) == _ids(first)


def test_the_count_is_of_the_whole_list_on_every_page_and_past_its_end(signed_in, started):
    # (read with a page's rows, or on its own when there are no rows to carry it)
    client, navigator = signed_in("navigator")
    for n in range(27):
        started(n, navigator, given=f"P{n:02d}")
    first = client.get_page("/contracts?sort=name")
    second = client.get_page(first.select_one(".govuk-pagination__next a")["href"])
    past_the_end = client.get_page("/contracts?sort=name&after=" + keyset.encode(("\uffff", "\uffff", 10 ** 6)))
    assert past_the_end.select("tbody tr") == []
    assert [p.select_one("p[role=status]").get_text(" ", strip=True).split(",")[0]
            for p in (first, second, past_the_end)] == ["27 contracts"] * 3


def test_a_caseload_longer_than_the_count_goes_says_more_than(signed_in, started, monkeypatch):
    client, navigator = signed_in("navigator")
    for n in range(5):
        started(n, navigator, given=f"P{n:02d}")
    monkeypatch.setattr(keyset, "COUNTED_UP_TO", 4)
    first = client.get_page("/contracts").select_one("p[role=status]").get_text(" ", strip=True)
    assert first.startswith("More than 4 contracts, ")
    monkeypatch.setattr(keyset, "COUNTED_UP_TO", 5)
    assert client.get_page("/contracts").select_one("p[role=status]").get_text(" ", strip=True).startswith(
        "5 contracts, ")


@pytest.mark.parametrize("url", ["/contracts", "/contracts?sort=risk", "/contracts?sort=name&risk=medium"])
def test_a_caseload_page_is_the_same_number_of_statements_for_5_and_60_contracts(signed_in, started, app, url):
    client, navigator = signed_in("navigator")
    for n in range(5):
        started(20 + n * 3, navigator)  # medium risk: no contact for 14 days, hours behind
    with counting_statements(app) as few:
        assert len(client.get_page(url).select("tbody tr")) == 5
    for n in range(55):
        started(20 + n, navigator)
    with counting_statements(app) as more:
        assert len(client.get_page(url).select("tbody tr")) == 25
    assert len(few) == len(more)
