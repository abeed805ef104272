"""Page quality in chromium (issue 10, item 7): the follow-up questions (why a contract was breached, how many
hours of unpaid work) are asked on pages of their own only when they apply and are axe-core clean, as are the
"Are you sure?" pages; the dashboard's charts say what the tables beside them say; and at 375 px wide, tables
scroll inside their own box instead of widening the page."""
from diversion import clock
from diversion.demo import DEMO_PASSWORD
from tests.e2e.keyboard import Keyboard
from tests.e2e.test_sign_in_each_role import sign_in_by_keyboard


def _first_link(watched, path: str, selector: str) -> str:
    watched.goto(path)
    return watched.page.locator(selector).first.get_attribute("href")


def test_a_breach_asks_why_then_asks_to_confirm_and_each_page_passes_axe(watched):
    kb, page, today = Keyboard(watched), watched.page, clock.today()
    sign_in_by_keyboard(watched, "navigator@example.org", DEMO_PASSWORD)
    watched.goto(_first_link(watched, "/contracts", "main a[href^='/contracts/']"))
    assert page.locator("input[name=breach_reason]").count() == 0  # not asked before it applies
    kb.check("input[name=outcome][value=breached]")
    kb.date("outcome_date", today)
    kb.press("Continue")
    assert page.locator("h1").inner_text() == "Why was the contract breached?"
    kb.press("Continue")  # no answer: the GOV.UK error pattern, still axe-clean
    assert page.locator(".govuk-error-summary a[href='#breach_reason']").count() == 1
    kb.check("input[name=breach_reason][value=withdrew_consent]")
    kb.press("Continue")
    assert page.locator("h1").inner_text() == "Are you sure the contract is breached?"
    watched.screenshot("quality-confirm-breach")
    kb.follow("Cancel")
    assert page.locator("h1 .govuk-tag").inner_text() != "Breached"  # nothing was recorded
    assert [p for p in watched.problems if "status of 4" not in p] == []  # a 422 page is expected


def test_unpaid_work_asks_the_hours_on_the_next_page_and_it_passes_axe(watched):
    kb, page = Keyboard(watched), watched.page
    sign_in_by_keyboard(watched, "navigator@example.org", DEMO_PASSWORD)
    watched.goto(_first_link(watched, "/queue", "main a[href^='/referrals/']"))
    kb.press("Agree a contract")
    assert page.locator("#community-target_hours").count() == 0
    kb.pick("#pathway1-pathway", "Alcohol")
    kb.type("#pathway1-description", "Attend the alcohol service")
    if page.locator("#victim-description").count():  # the victim wants a restorative approach
        kb.type("#victim-description", "Write a letter of apology")
    kb.check("input[name=community-community_kind][value=unpaid_work]")
    kb.type("#community-description", "Volunteer at the food bank")
    kb.check("#participant_consent")
    kb.check("#warning_given")
    kb.press("Continue")
    assert page.locator("h1").inner_text() == "How many hours of unpaid work?"
    kb.type("#community-target_hours", "40")
    kb.press("Continue")
    assert page.locator("#community-target_hours-error").count() == 1
    kb.type("#community-target_hours", "20")
    kb.press("Continue")
    assert page.locator("h1").inner_text() == "Check the contract before you agree it"
    assert [p for p in watched.problems if "status of 4" not in p] == []  # a 422 page is expected


def test_the_charts_use_the_tables_month_labels_and_are_named(watched):
    sign_in_by_keyboard(watched, "manager@example.org", DEMO_PASSWORD)
    watched.goto("/reports/?period=last_12_months")
    page = watched.page
    page.wait_for_function("window.Chart && Chart.getChart('trend-chart')")
    labels = page.evaluate("Chart.getChart('trend-chart').data.labels")
    assert labels == page.locator("#trend-table tbody th").all_inner_texts()
    assert labels[0][:3].isalpha() and labels[0][-4:].isdigit()  # "Jan 2026", not "2026-01"
    for chart in ("trend-chart", "funnel-chart"):
        assert page.get_by_role("img", name=page.locator(f"#{chart}").get_attribute("aria-label")).count() == 1
    Keyboard(watched).accessible()


def test_at_375_pixels_tables_scroll_in_their_box_not_the_page(watched):
    page = watched.page
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in_by_keyboard(watched, "manager@example.org", DEMO_PASSWORD)
    for path in ("/reports/?period=last_12_months", "/people/2"):
        watched.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
        assert page.locator(".app-table-scroll").count() >= 1, path
        Keyboard(watched).accessible()  # a scrolling box takes focus and has a name (scrollable-region-focusable)
    watched.goto("/reports/?period=last_12_months")
    wide = page.evaluate("Array.from(document.querySelectorAll('.app-table-scroll'))"
                         ".some(box => box.scrollWidth > box.clientWidth)")
    assert wide  # the group table is wider than the screen: its own box scrolls instead of the page
    watched.screenshot("quality-reports-375")
    assert [p for p in watched.problems if "status of 4" not in p] == []  # a 422 page is expected
