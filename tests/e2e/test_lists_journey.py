"""Finding things in chromium, by keyboard, axe-core clean: a navigator finds a case by name and sorts their
caseload by breach risk; a provider finds every referral and sees booked assessments; an admin filters the
audit trail. Screenshots at 1280 and 375 px."""
from diversion.demo import DEMO_PASSWORD
from tests.e2e.keyboard import Keyboard
from tests.e2e.test_sign_in_each_role import sign_in_by_keyboard


def _shots(watched, name):
    for width in (1280, 375):
        watched.page.set_viewport_size({"width": width, "height": 900})
        watched.screenshot(f"{name}-{width}")
    watched.page.set_viewport_size({"width": 1280, "height": 900})


def test_a_navigator_finds_a_case_and_sorts_by_risk(watched):
    kb, page = Keyboard(watched), watched.page
    sign_in_by_keyboard(watched, "navigator@example.org", DEMO_PASSWORD)
    watched.goto("/contracts")
    kb.accessible()
    first = page.locator("tbody tr td a").first.inner_text()
    kb.type("#q", " ".join(reversed(first.split())).lower())  # any order of words, any case
    kb.press("Apply filters")
    assert first in page.locator("tbody").inner_text()
    watched.goto("/contracts")
    kb.pick("#sort", "Breach risk")
    kb.press("Apply filters")
    assert page.locator("th[aria-sort=descending]").inner_text().startswith("Risk")
    _shots(watched, "caseload-by-risk")
    assert watched.problems == []


def test_a_provider_finds_every_referral_and_upcoming_assessments(watched):
    kb, page = Keyboard(watched), watched.page
    sign_in_by_keyboard(watched, "provider@example.org", DEMO_PASSWORD)
    kb.follow("All referrals")
    kb.pick("#status", "Declined")
    kb.press("Apply filters")
    assert set(page.locator("tbody tr td:nth-child(4)").all_inner_texts()) == {"Declined"}
    _shots(watched, "divert-all-referrals")
    kb.follow("Upcoming assessments")
    assert page.locator("tbody tr").count() > 0
    _shots(watched, "divert-upcoming")
    assert watched.problems == []


def test_an_admin_filters_the_audit_trail(watched):
    kb, page = Keyboard(watched), watched.page
    sign_in_by_keyboard(watched, "admin@example.org", DEMO_PASSWORD)
    watched.goto("/admin/audit")
    kb.accessible()
    kb.type("#action", "auth")
    kb.press("Apply filters")
    assert all(a.startswith("auth.") for a in page.locator("tbody tr td:nth-child(3)").all_inner_texts())
    _shots(watched, "audit-filtered")
    assert watched.problems == []
