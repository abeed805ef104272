"""One person, one record in chromium, by keyboard, axe-core clean on every page: an officer refers someone
whose name is close to a known person's and says it is the same person; an administrator compares two records
of one woman and merges them; the navigator of a contract sees the new referral and says it is not a breach."""
from diversion.demo import DEMO_PASSWORD
from diversion.demo.identity import JADE_BIRTHDAY_DAYS_AGO
from diversion import clock
from datetime import timedelta
from tests.e2e.keyboard import Keyboard
from tests.e2e.test_sign_in_each_role import sign_in_by_keyboard


def test_an_officer_is_asked_whether_a_similar_known_person_is_the_same(watched):
    kb, page = Keyboard(watched), watched.page
    born = clock.today() - timedelta(days=JADE_BIRTHDAY_DAYS_AGO)
    sign_in_by_keyboard(watched, "custody@example.org", DEMO_PASSWORD)
    kb.follow("Refer someone to DIVERT")
    kb.type("#person-given_name", "Jaid")
    kb.type("#person-family_name", "Wetherell")
    kb.date("person-date_of_birth", born)
    kb.pick("#substance", "Cannabis")
    kb.check("input[name=suspected_supply][value=no]")
    kb.check("input[name=source][value=street]")
    kb.press("Send referral")
    question = page.locator("#identity").locator("xpath=ancestor::fieldset")
    assert "Is this one of these people already known?" in question.inner_text()
    assert "Jade Wetherell" in question.inner_text() and "PNC" not in question.inner_text()
    watched.screenshot("identity-question")
    kb.check("input[name=identity][value^=person-]")
    kb.press("Send referral")
    assert page.locator(".govuk-panel__title").inner_text() == "Referral sent to DIVERT"
    assert page.locator(".govuk-panel__body strong").inner_text().startswith("DV-")
    assert watched.problems == []


def test_an_administrator_merges_two_records_of_one_person(watched):
    kb, page = Keyboard(watched), watched.page
    sign_in_by_keyboard(watched, "admin@example.org", DEMO_PASSWORD)
    kb.follow("Find a person")
    kb.type("#q", "wetherell jade")
    kb.press("Search")
    kb.follow("Jade Wetherell")
    kb.follow("Compare and merge")
    assert page.locator("h1").inner_text() == "Are these two records the same person?"
    watched.screenshot("merge-compare")
    kb.type("#reason", "Same custody photograph and address; the first name was misspelt")
    kb.press("Merge the records")
    assert "Records merged" in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator(".app-duplicates").count() == 0
    assert watched.problems == []


def test_a_navigator_decides_a_new_referral_is_not_a_breach(watched):
    kb, page = Keyboard(watched), watched.page
    sign_in_by_keyboard(watched, "navigator@example.org", DEMO_PASSWORD)
    banner = page.locator(".app-alert")
    assert "New referrals during a contract" in banner.inner_text()
    page.locator(".app-alerts a").first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    kb.accessible()
    form = page.locator(".app-alert form").first
    kb.type(f"#{form.locator('textarea').get_attribute('id')}", "The offence was before the contract began")
    kb.press("It is not a breach")
    assert "not a breach" in page.locator(".govuk-notification-banner--success").inner_text()
    watched.screenshot("alert-dismissed")
    assert watched.problems == []
