"""A working day in chromium, by keyboard, axe-core clean on every page, no page wider than the screen at 1280 or
375 px: a navigator starts on Today, finds a case by name, books an appointment, records that it was missed with
a note, and sees it on the contract's timeline filtered to appointments; a manager hands a leaver's caseload to a
colleague from the team page."""
from datetime import timedelta

from diversion import clock
from diversion.demo import DEMO_PASSWORD
from tests.e2e.keyboard import Keyboard
from tests.e2e.test_sign_in_each_role import sign_in_by_keyboard


def _fits(watched, name: str) -> None:
    """Screenshots at 1280 and 375 px; at each, the page is no wider than the window (tables scroll in place)."""
    for width in (1280, 375):
        watched.page.set_viewport_size({"width": width, "height": 900})
        assert watched.page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        watched.screenshot(f"{name}-{width}")
    watched.page.set_viewport_size({"width": 1280, "height": 900})


def _choose(watched, label: str) -> None:
    """A radio or checkbox found by its label, chosen with Space."""
    control = watched.page.get_by_label(label, exact=True)
    control.focus()
    watched.page.keyboard.press("Space")
    assert control.is_checked(), label


def test_a_navigator_books_an_appointment_records_it_missed_and_sees_it_on_the_timeline(watched):
    kb, page = Keyboard(watched), watched.page
    sign_in_by_keyboard(watched, "navigator@example.org", DEMO_PASSWORD)
    assert page.locator("h1").inner_text() == "Today"
    assert page.locator("h2", has_text="Breach risk on your open contracts").count() == 1
    _fits(watched, "navigator-today")

    kb.follow("Caseload")
    name = page.locator("tbody tr td a").first.inner_text()
    kb.type("#q", " ".join(reversed(name.split())).lower())  # one step: any order of words, any case
    kb.press("Apply filters")
    assert page.locator("tbody tr").count() == 1
    kb.follow(name)
    assert name in page.locator("h1").inner_text()

    kb.follow("Book an appointment")
    kb.date("date", clock.today() - timedelta(days=1))  # yesterday: it has happened, so attendance can be kept
    kb.type("#time-hour", "10")
    kb.type("#time-minute", "30")
    kb.check("input[name=kind][value=navigator_meeting]")
    kb.type("#location", "Durham Community Hub, Saddler Street")
    kb.press("Book appointment")
    kb.follow("Record attendance")
    kb.check("input[name=attended][value=no]")
    kb.press("Record attendance")
    kb.type("#body", "Did not attend. Rang twice and left a message; booking again for next week.")
    kb.press("Add note")
    assert name in page.locator("h1").inner_text()

    page.locator("summary", has_text="Filter the timeline").focus()
    page.keyboard.press("Enter")
    _choose(watched, "Appointments")
    kb.press("Show")
    kinds = set(page.locator(".moj-timeline__item").evaluate_all("items => items.map(i => i.dataset.kind)"))
    assert kinds == {"appointment"}, kinds
    assert page.locator(".moj-timeline__item", has_text="Meeting with the navigator: missed").count() >= 1
    _fits(watched, "contract-timeline-appointments")
    assert watched.problems == []


def test_a_manager_hands_a_leavers_caseload_to_a_colleague(watched):
    kb, page = Keyboard(watched), watched.page
    sign_in_by_keyboard(watched, "manager@example.org", DEMO_PASSWORD)
    kb.follow("Team")
    _fits(watched, "manager-team")
    row = page.locator("#navigators tbody tr", has_text="Harpreet Gill")
    held = int(row.locator("td").nth(0).inner_text())
    assert held > 0

    kb.follow("Reassign a navigator's caseload")
    kb.pick("#from", "Harpreet")
    kb.press("Continue")
    _choose(watched, "Kwame Boateng")
    kb.type("#reason", "Harpreet Gill has left the service; Kwame takes on her cases.")
    kb.press("Continue")
    assert f"{held} open contract" in page.locator("main").inner_text()
    kb.press("Move the caseload")
    assert "moved" in page.locator(".govuk-notification-banner").inner_text().lower()

    kb.follow("Team")
    assert page.locator("#navigators tbody tr", has_text="Harpreet Gill").locator("td").nth(0).inner_text() == "0"
    assert watched.problems == []
