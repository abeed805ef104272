"""DIVERT in chromium, by keyboard, axe-core clean on every page: an officer refers someone found with
cannabis; the provider contacts them, books and holds the assessment, and records completion."""
from diversion import clock
from diversion.demo import DEMO_PASSWORD
from tests.e2e.keyboard import Keyboard
from tests.e2e.test_sign_in_each_role import sign_in_by_keyboard


def test_refer_to_divert_and_follow_it_to_completion(watched):
    kb, page, today = Keyboard(watched), watched.page, clock.today()
    sign_in_by_keyboard(watched, "custody@example.org", DEMO_PASSWORD)
    kb.follow("Refer someone to DIVERT")
    kb.type("#person-given_name", "Rhys")
    kb.type("#person-family_name", "Ó Briain")
    kb.date("person-date_of_birth", today.replace(year=today.year - 19, day=2))
    kb.type("#person-phone", "07700 900456")
    kb.pick("#substance", "Cannabis")
    kb.check("input[name=suspected_supply][value=no]")
    kb.check("input[name=source][value=street]")
    kb.type("#location", "Riverside park")
    kb.press("Send referral")
    assert page.locator(".govuk-panel__title").inner_text() == "Referral sent to DIVERT"
    watched.screenshot("divert-confirmation")
    kb.press("Sign out")

    sign_in_by_keyboard(watched, "provider@example.org", DEMO_PASSWORD)
    kb.follow("Your worklist")
    # New referrals are listed oldest first, a page at a time: the newest is on the last page of that list.
    new_pages = page.get_by_role("navigation", name="Pages of new referrals to contact")
    while page.get_by_role("link", name="Rhys Ó Briain").count() == 0:
        new_pages.get_by_role("link", name="Next").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        kb.accessible()
    kb.follow("Rhys Ó Briain")
    for event in ("contacted", "assessment_booked", "assessed", "completed"):
        kb.check(f"input[name=event][value={event}]")
        if event == "assessment_booked":  # when the assessment will be held
            kb.date("appointment_at-date", today)
            kb.type("#appointment_at-time", "23:59")
        kb.press("Record")
        assert "Recorded" in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator("h1 .govuk-tag").inner_text() == "Completed"
    watched.screenshot("divert-completed")
    assert watched.problems == []
