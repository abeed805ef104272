"""What happens after (issue 12), in chromium, by keyboard, each page axe-core clean: a navigator records a needs
assessment and later its review; refers someone on from a pathway condition and records that they started, as the
DIVERT provider does from a DIVERT referral; a navigator breaches a contract, signs the breach evidence pack with
the notes chosen and opens it as it prints, and the referring officer sees the breach on their home page, new once
and then no longer new."""
from __future__ import annotations

from contextlib import contextmanager

from diversion import clock
from diversion.demo import DEMO_PASSWORD
from tests.e2e.conftest import Watched
from tests.e2e.keyboard import Keyboard
from tests.e2e.test_sign_in_each_role import sign_in_by_keyboard


@contextmanager
def signed_in(browser, live_server, email: str):
    """A browser of its own for one demo user, signed in by keyboard: (watched, keyboard)."""
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    page.set_default_timeout(10_000)
    watched = Watched(page, live_server)
    sign_in_by_keyboard(watched, email, DEMO_PASSWORD)
    try:
        yield watched, Keyboard(watched)
        assert watched.problems == [], watched.problems
    finally:
        context.close()


def _open(kb, selector: str) -> None:
    """Follow a link found by a selector, by keyboard (focus, Enter); then axe-core."""
    kb.page.locator(selector).first.focus()
    with kb.page.expect_navigation():
        kb.page.keyboard.press("Enter")
    kb.accessible()


def _choose(kb, selector: str) -> None:
    kb.page.locator(selector).focus()
    kb.page.keyboard.press("Space")
    assert kb.page.is_checked(selector), selector


def _an_active_contract(kb, *, pathway: bool = False) -> str:
    """Open one of the navigator's active contracts from the caseload (with a pathway condition if asked); its
    path."""
    page = kb.page
    kb.watched.goto("/contracts")
    kb.accessible()
    hrefs = [a.get_attribute("href") for a in page.locator("main tbody a[href^='/contracts/']").all()]
    for href in hrefs:
        kb.watched.goto(href)
        if page.locator("#outcome").count() and (not pathway or "Pathway" in page.locator("main").inner_text()):
            kb.accessible()
            return href
    raise AssertionError("no active contract in the caseload")


def test_a_navigator_records_a_needs_assessment_and_at_the_end_its_review(browser, live_server):
    with signed_in(browser, live_server, "navigator@example.org") as (watched, kb):
        page = watched.page
        contract = _an_active_contract(kb)
        _open(kb, "#assess-needs, a:has-text('Change the needs assessment')")
        assert page.locator("h1").inner_text() == "Needs assessment"
        for pathway, score in (("drugs", 3), ("alcohol", 1), ("accommodation", 2)):
            _choose(kb, f"input[name=score-{pathway}][value='{score}']")
        kb.type("#note-drugs", "Daily cannabis use; wants to cut down before the baby is born.")
        watched.screenshot("needs-assessment")
        kb.press("Save the needs assessment")
        assert page.url.endswith(f"{contract}#needs")
        needs = page.locator("#needs ~ div table, #needs + div table").first.inner_text()
        assert "Drugs" in needs and "High" in needs and "Daily cannabis use" in needs

        _open(kb, "#review-needs")
        assert page.locator("h1").inner_text() == "Review needs"
        _choose(kb, "input[name=review-drugs][value=reduced]")
        _choose(kb, "input[name=review-alcohol][value=met]")
        _choose(kb, "input[name=review-accommodation][value=unchanged]")
        watched.screenshot("needs-review")
        kb.press("Save the review")
        needs = page.locator("#needs ~ div table, #needs + div table").first.inner_text()
        assert "reviewed" in needs and "Need reduced" in needs and "Need met" in needs


def test_a_navigator_refers_on_from_a_pathway_condition_and_records_the_start(browser, live_server):
    today = clock.today()
    with signed_in(browser, live_server, "navigator@example.org") as (watched, kb):
        page = watched.page
        _an_active_contract(kb, pathway=True)
        _open(kb, "#onward-referrals-link")
        assert page.locator("h1").inner_text() == "Onward referrals"
        page.locator("#condition_id").select_option(index=1)  # the first pathway condition
        kb.page.focus("#service")
        page.locator("#service").select_option("housing_options")
        kb.date("referred_on", today)
        kb.press("Record the onward referral")
        row = page.locator("#onward-referrals tbody tr", has_text="Housing options").last
        assert "Not yet known" in row.inner_text()
        row.locator("a").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        kb.accessible()
        assert "within three weeks" in page.locator("#three-weeks").inner_text()
        _choose(kb, "#answer")  # yes, they started
        kb.date("started_on", today)
        watched.screenshot("onward-start-contract")
        kb.press("Save")
        row = page.locator("#onward-referrals tbody tr", has_text="Housing options").last
        assert "Started" in row.inner_text() and "(within three weeks)" in row.inner_text()


def test_the_divert_provider_refers_on_and_records_that_the_person_started(browser, live_server):
    today = clock.today()
    with signed_in(browser, live_server, "provider@example.org") as (watched, kb):
        page = watched.page
        watched.goto("/divert/referrals?status=assessed")
        kb.accessible()
        _open(kb, "main tbody a[href^='/divert/referrals/']")
        assert page.locator("input[name=event][value=onward_referral]").count() == 1
        _choose(kb, "input[name=event][value=onward_referral]")
        page.focus("#onward_to")
        page.locator("#onward_to").select_option("mental_health")
        kb.date("date", today)
        kb.press("Record")
        _open(kb, "#onward-referrals-link")
        assert page.locator("h1").inner_text() == "Onward referrals"
        row = page.locator("#onward-referrals tbody tr", has_text="Mental health talking therapies").last
        assert "Not yet known" in row.inner_text()
        watched.screenshot("divert-onward-referrals")
        row.locator("a").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        kb.accessible()
        assert page.locator("h1").inner_text() == "Did they start at Mental health talking therapies?"
        kb.press("Save")  # no answer: the error summary
        assert page.locator(".govuk-error-summary").inner_text().count("Choose whether they started") == 1
        assert [p for p in watched.problems if "422" not in p] == []
        watched.problems.clear()  # that 422 was the point
        watched.screenshot("divert-onward-start-error")
        _choose(kb, "#answer")
        kb.date("started_on", today)
        kb.press("Save")
        row = page.locator("#onward-referrals tbody tr", has_text="Mental health talking therapies").last
        assert "Started" in row.inner_text() and "(within three weeks)" in row.inner_text()
        watched.screenshot("divert-onward-started")


def _new_outcomes(watched) -> str:
    watched.goto("/")
    Keyboard(watched).accessible()
    return watched.page.locator("#new-outcomes").inner_text()


def test_a_breach_gives_a_signed_evidence_pack_and_the_officer_sees_it_as_new_once(browser, live_server):
    today = clock.today()
    with signed_in(browser, live_server, "custody@example.org") as (officer, _):
        _new_outcomes(officer)  # the officer has looked: nothing is new now
        assert _new_outcomes(officer).startswith("No new outcomes")

        with signed_in(browser, live_server, "navigator@example.org") as (watched, kb):
            page = watched.page
            contract = _an_active_contract(kb)
            name = page.locator("h1").evaluate("h => h.firstChild.textContent.trim()")  # without its status tag
            _open(kb, "main a:has-text('Record a breach')")
            assert page.is_checked("input[name=outcome][value=breached]")
            kb.date("outcome_date", today)
            kb.type("#details", "Arrested for shoplifting on the contract; admitted in interview.")
            kb.press("Continue")
            kb.check("input[type=radio] >> nth=0")  # the reason (reoffended comes first)
            kb.press("Continue")
            assert page.locator("h1").inner_text().startswith("Are you sure")
            kb.press(page.locator("#confirm").inner_text())
            assert contract in page.url, page.url
            assert "Breached" in page.locator("main").inner_text()

            _open(kb, "#breach-pack")
            assert page.locator("h1").inner_text() == "Prepare the breach evidence pack"
            boxes = page.locator("input[name=note_ids]")
            assert boxes.count() >= 2 and not any(boxes.nth(n).is_checked() for n in range(boxes.count()))
            kb.check("#note_ids")  # the first note only
            chosen = page.locator("label[for=note_ids]").inner_text()
            kb.press("Continue")
            assert page.locator("h1").inner_text() == "Check the breach evidence pack before you sign it"
            kb.check("#accurate")
            kb.press("Sign the pack")
            assert page.locator("h1").inner_text() == "Breach evidence pack"
            assert "Tomasz Nowak" in page.locator("#pack-sign-off").inner_text()
            page.emulate_media(media="print")  # the print view: the pack alone, no navigation
            assert not page.locator(".govuk-header").is_visible() and not page.locator(".app-no-print").first.is_visible()
            assert page.locator("#pack-reason").is_visible()
            watched.screenshot("breach-pack-print")
            page.emulate_media(media="screen")
            watched.screenshot("breach-pack-signed")
            assert chosen.split(",")[0] in page.locator("main").inner_text()

        assert _new_outcomes(officer).startswith("1 new outcome")
        row = officer.page.locator("#outcomes tbody tr").first.inner_text()
        assert "New" in row and "reach" in row and name in row, (name, row)
        officer.screenshot("officer-home-new-breach")
        assert _new_outcomes(officer).startswith("No new outcomes")
