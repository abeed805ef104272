"""An administrator works through the retention review list by keyboard: retains one record with a reason and a
next review date, erases another after "Are you sure?", and the reports give the same figures as before; then
the audit trail answers "who has looked at this person this month" in one filter. Each page axe-core clean."""
from datetime import timedelta

from diversion import clock
from diversion.demo import DEMO_PASSWORD
from tests.e2e.keyboard import Keyboard
from tests.e2e.test_sign_in_each_role import sign_in_by_keyboard

TEN_YEARS = "/reports/?period=custom&from=2015-01-01&to={today}&group=age_band&divert_group=age_band"


def _figures(watched) -> str:
    """Every table of the reports dashboard over ten years, grouped by age band (the fact an erasure must keep
    from a date of birth it destroys), as the page shows them."""
    watched.goto(TEN_YEARS.format(today=clock.today().isoformat()))
    tables = watched.page.locator("main table")
    assert tables.count() >= 3
    return "\n".join(tables.nth(n).inner_text() for n in range(tables.count()))


def _open(kb, href: str) -> None:
    """Follow a link by keyboard (focus, Enter), found by where it goes."""
    kb.page.locator(f"main a[href='{href}']").first.focus()
    with kb.page.expect_navigation():
        kb.page.keyboard.press("Enter")
    kb.accessible()


def test_an_administrator_works_through_the_retention_list_and_the_figures_do_not_change(watched):
    kb, page = Keyboard(watched), watched.page
    sign_in_by_keyboard(watched, "admin@example.org", DEMO_PASSWORD)
    before = _figures(watched)

    watched.goto("/admin/data-protection")
    kb.follow("Work through the retention review list")
    due = page.locator("#due tbody tr")
    assert due.count() == 4
    links = [due.nth(n).locator("a").first for n in (0, 1)]
    (first, first_href), (second, second_href) = ((link.inner_text().split(":")[0].strip(), link.get_attribute("href"))
                                                  for link in links)

    _open(kb, first_href)
    kb.check("#decision")  # retain
    kb.date("review_date", clock.today() + timedelta(days=2 * 365))
    kb.type("#reason", "Named in a live investigation (operation reference on file)")
    kb.press("Record the decision")
    assert first not in page.locator("#due").inner_text()

    _open(kb, second_href)
    person_path = page.url.split("/admin/retention/")[1]
    kb.check("#decision-2")  # erase
    kb.type("#reason", "No policing purpose remains (MoPI review)")
    kb.press("Record the decision")
    assert page.locator("h1").inner_text().startswith("Are you sure")
    watched.screenshot("retention-erase-confirm")
    kb.press(page.locator("#confirm").inner_text())
    assert second not in page.locator("main").inner_text() or "erased" in page.locator("main").inner_text()
    assert watched.goto(f"/people/{person_path}").status == 404

    assert _figures(watched) == before

    watched.goto("/admin/erasures")
    assert "No policing purpose remains" in page.locator("main table").inner_text()
    assert second not in page.locator("main").inner_text()
    watched.screenshot("erasure-log")
    # The one 404 asked for (the erased person's page): its response and the console's report of it.
    expected = (f"/people/{person_path}", "status of 404 (NOT FOUND)")
    assert [p for p in watched.problems if not p.endswith(expected)] == []


def test_the_audit_trail_answers_who_looked_at_a_person_this_month_in_one_filter(watched):
    kb, page = Keyboard(watched), watched.page
    sign_in_by_keyboard(watched, "admin@example.org", DEMO_PASSWORD)
    watched.goto("/people?q=Wetherell")
    kb.follow(page.locator("main a[href^='/people/']").first.inner_text())
    person_id = page.url.rstrip("/").split("/")[-1]
    today = clock.today()
    watched.goto(f"/admin/audit?person={person_id}&from-day=1&from-month={today.month}&from-year={today.year}")
    kb.accessible()
    rows = page.locator("main table tbody tr")
    assert rows.count() >= 1
    assert "Dev Patel viewed" in rows.first.inner_text()
    watched.screenshot("audit-who-looked")
