"""Drug Testing on Arrest in chromium, by keyboard, axe-core clean on every page: a custody officer records a
positive test on one page, gives the warning and books the initial assessment; the provider finds it on their
worklist and records that the person attended."""
from diversion import clock
from diversion.demo import DEMO_PASSWORD
from tests.e2e.keyboard import Keyboard
from tests.e2e.test_sign_in_each_role import sign_in_by_keyboard


def test_a_positive_test_is_recorded_and_the_assessment_attended(watched):
    kb, page, today = Keyboard(watched), watched.page, clock.today()
    sign_in_by_keyboard(watched, "custody@example.org", DEMO_PASSWORD)
    pages = []  # every page the officer's browser loads from here to the confirmation
    page.on("request", lambda request: pages.append((request.method, request.url.split("/", 3)[3]))
            if request.resource_type == "document" else None)
    kb.follow("Record a drug test")
    kb.type("#person-given_name", "Ffion")
    kb.type("#person-family_name", "Ap Iorwerth")
    kb.date("person-date_of_birth", today.replace(year=today.year - 27, day=3))
    kb.check("input[name=authority][value=trigger]")
    kb.pick("#offence_category", "Theft")
    kb.check("#warning_given")
    kb.check("input[name=result][value=cocaine]")
    kb.date("assessment-at", today)
    kb.type("#assessment-time", "23:59")
    kb.pick("#assessment-service", "Community drug")
    kb.press("Save the test")
    assert page.locator(".govuk-panel__title").inner_text() == "Drug test recorded"
    # Under a minute is a matter of steps, not of a stopwatch: one form (eleven answers, the warning among them),
    # saved once, and the confirmation.
    assert [method for method, _ in pages] == ["GET", "POST", "GET"], pages
    reference = page.locator(".govuk-panel__body strong").inner_text()
    assert "section 12 of the Drugs Act 2005" in page.locator("main").inner_text()
    watched.screenshot("dtoa-confirmation")
    kb.press("Sign out")

    sign_in_by_keyboard(watched, "provider@example.org", DEMO_PASSWORD)
    kb.follow("Required drug assessments")
    kb.follow(reference)
    kb.check("input[name=event][value=initial_assessment_attended]")
    kb.press("Record")
    assert "Recorded" in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator("h1 .govuk-tag").inner_text() == "Initial assessment attended"
    watched.screenshot("dtoa-attended")
    assert watched.problems == []
