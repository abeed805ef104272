"""An administrator answers a subject access request in one sitting, by keyboard: from the person's record to the
form, a mistake shown in the GOV.UK error pattern, then everything held, printable; each page axe-core clean."""
from diversion import clock
from diversion.demo import DEMO_PASSWORD
from tests.e2e.keyboard import Keyboard
from tests.e2e.test_sign_in_each_role import sign_in_by_keyboard


def test_an_administrator_answers_a_subject_access_request_in_one_sitting(watched):
    kb, page = Keyboard(watched), watched.page
    sign_in_by_keyboard(watched, "admin@example.org", DEMO_PASSWORD)
    watched.goto("/people?q=Wetherell")
    kb.follow(page.locator("main a[href^='/people/']").first.inner_text())
    kb.follow("Subject access request")
    assert page.locator("h1").inner_text() == "Subject access request"
    kb.press("Record the request and show everything held")  # nothing answered: every question in the summary
    assert page.locator(".govuk-error-summary a").count() == 3
    kb.date("received_on", clock.today())
    kb.type("#purpose", "The person, by email to their home address")
    kb.check("#identity_checked")
    kb.press("Record the request and show everything held")
    assert page.locator("h1").inner_text().startswith("Everything held about")
    assert page.locator("h2.app-sar-section").count() == 12  # one section a kind of record, drug tests on arrest the twelfth
    watched.screenshot("subject-access-answer")
    page.emulate_media(media="print")
    assert page.locator(".govuk-service-navigation").is_hidden() and page.get_by_text("Download everything").is_hidden()
    assert page.locator("h2.app-sar-section").first.is_visible()
    watched.screenshot("subject-access-answer-print")
    assert [p for p in watched.problems if "status of 4" not in p] == []  # a 422 page is expected
