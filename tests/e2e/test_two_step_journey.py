"""In a real browser, by keyboard: a demo user sets up two-step sign-in from their account, saves the recovery
codes, and signs in again with a code; every page passes axe-core with no CSP or script error."""
from datetime import timedelta

import pyotp

from diversion import clock
from diversion.demo import DEMO_PASSWORD
from tests.e2e.test_sign_in_each_role import sign_in_by_keyboard

EMAIL = "provider@example.org"


def _type_code(page, label: str, code: str) -> None:
    page.get_by_label(label).focus()
    page.keyboard.type(code)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_set_up_two_step_sign_in_and_sign_in_with_a_code(watched):
    page = watched.page
    sign_in_by_keyboard(watched, EMAIL, DEMO_PASSWORD)
    watched.goto("/account/password")
    with page.expect_navigation():
        page.get_by_role("link", name="Set up two-step sign-in").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Set up two-step sign-in").click()
    assert page.locator("h1").inner_text() == "Set up two-step sign-in"
    assert page.get_by_role("img", name="QR code to add Police diversion to your authenticator app").count() == 1
    assert watched.axe_violations() == []
    watched.screenshot("two-step-set-up")
    secret = page.locator("[data-testid=totp-secret]").inner_text().replace(" ", "")
    now = clock.now()
    clock.freeze(now)
    _type_code(page, "Code from your authenticator app", pyotp.TOTP(secret).at(now))
    assert page.locator("h1").inner_text() == "Save your recovery codes"
    assert page.locator("[data-testid=recovery-codes] li").count() == 10
    assert watched.axe_violations() == []

    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    clock.freeze(now + timedelta(seconds=30))  # the next code: each is good once
    sign_in_by_keyboard(watched, EMAIL, DEMO_PASSWORD)
    assert page.locator("h1").inner_text() == "Enter the code from your authenticator app"
    assert watched.axe_violations() == []
    _type_code(page, "Enter the code from your authenticator app", "000000" if pyotp.TOTP(secret).at(clock.now())
               != "000000" else "111111")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible() and "not correct" in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    assert watched.axe_violations() == []
    watched.screenshot("two-step-wrong-code")
    page.get_by_label("Enter the code from your authenticator app").fill("")
    _type_code(page, "Enter the code from your authenticator app", pyotp.TOTP(secret).at(clock.now()))
    assert page.locator("h1").inner_text() == "DIVERT referrals"
    assert watched.problems == []
