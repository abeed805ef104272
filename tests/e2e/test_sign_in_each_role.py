"""In a real browser, by keyboard: each demo user signs in, sees their home page, and every page they
can reach passes axe-core with no serious or critical violation and no CSP or script error."""
import re

import pytest

from diversion.demo import DEMO_PASSWORD

ROLE_PAGES = {
    "custody@example.org": ("Refer people to diversion",
                            ["/referrals", "/referrals/new", "/divert/referrals/new", "/account/password"]),
    "navigator@example.org": ("Today",
                              ["/queue", "/contracts", "/contracts?status=overdue", "/people?q=a",
                               "/account/password"]),
    "provider@example.org": ("DIVERT referrals", ["/divert/worklist", "/people?q=wisniewski", "/account/password"]),
    "manager@example.org": ("Oversee the schemes",
                            ["/reports/", "/reports/?period=this_month", "/approvals", "/referrals",
                             "/contracts?status=breached", "/queue", "/divert/worklist",
                             "/people/2", "/people?q=wetherell", "/admin/audit"]),
    "admin@example.org": ("Administer the service",
                          ["/admin/users", "/admin/users/new", "/admin/users/1", "/admin/tokens",
                           "/account/tokens", "/account/tokens/new", "/admin/audit", "/admin/reference",
                           "/admin/reference/policies/divert_minimum_age", "/people?q=wetherell", "/account/password"]),
}
# After the listed pages, open the first record each list links to (a contract, a referral) and check it too.
FIRST_RECORD = {"navigator@example.org": "/contracts", "manager@example.org": "/referrals",
                "provider@example.org": "/divert/worklist", "custody@example.org": "/referrals",
                "admin@example.org": "/people?q=wetherell"}


def sign_in_by_keyboard(watched, email: str, password: str) -> None:
    page = watched.page
    watched.goto("/sign-in")
    page.keyboard.press("Tab")  # the first stop on every page is the skip link
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.get_by_label("Email address").focus()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.parametrize("email", list(ROLE_PAGES))
def test_each_demo_user_signs_in_and_every_page_they_reach_is_accessible(watched, email):
    heading, pages = ROLE_PAGES[email]
    watched.goto("/sign-in")
    assert watched.axe_violations() == []
    sign_in_by_keyboard(watched, email, DEMO_PASSWORD)
    page = watched.page
    assert page.locator("h1").inner_text() == heading
    assert watched.axe_violations() == []
    watched.screenshot(f"home-{email.split('@')[0]}")
    for path in pages:
        watched.goto(path)
        assert page.locator("h1").count() == 1, path
        assert watched.axe_violations() == [], path
    if email in FIRST_RECORD:
        watched.goto(FIRST_RECORD[email])
        href = page.locator("main tbody a").first.get_attribute("href")
        watched.goto(href)
        assert page.locator("h1").count() == 1, href
        assert watched.axe_violations() == [], href
    watched.screenshot(f"last-{email.split('@')[0]}")
    assert watched.problems == []


def test_form_errors_are_announced_in_an_error_summary_that_takes_focus(watched):
    watched.goto("/sign-in")
    page = watched.page
    page.get_by_label("Email address").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    # GOV.UK Frontend's JavaScript moves focus to the summary so screen readers announce it
    page.wait_for_function("document.activeElement.classList.contains('govuk-error-summary')")
    assert watched.axe_violations() == []
    watched.screenshot("sign-in-errors")
    assert watched.problems == []


def test_signing_out_by_keyboard_returns_to_sign_in(watched):
    sign_in_by_keyboard(watched, "navigator@example.org", DEMO_PASSWORD)
    page = watched.page
    page.get_by_role("button", name="Sign out").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/sign-in$", page.url)
    assert page.locator("h1").inner_text() == "Sign in"
    assert "You have signed out" in page.locator(".govuk-notification-banner").inner_text()
