"""The Checkpoint journey in chromium, by keyboard, axe-core clean on every page: an officer refers, a
navigator agrees the contract, adds notes and progress, and records the outcome."""
from datetime import timedelta

from diversion import clock
from diversion.demo import DEMO_PASSWORD
from tests.e2e.keyboard import Keyboard
from tests.e2e.test_sign_in_each_role import sign_in_by_keyboard


def sign_out(kb: Keyboard) -> None:
    kb.press("Sign out")


def test_refer_agree_work_and_end_a_contract_by_keyboard(watched):
    kb, page, today = Keyboard(watched), watched.page, clock.today()

    sign_in_by_keyboard(watched, "custody@example.org", DEMO_PASSWORD)
    kb.follow("Refer someone to Checkpoint")
    kb.press("Start referral")
    kb.type("#person-given_name", "Ngozi")
    kb.type("#person-family_name", "Adébáyọ̀-Clarke")
    kb.date("person-date_of_birth", today.replace(year=today.year - 30, day=1))
    kb.type("#person-pnc_id", "2016/0456789K")
    kb.press("Continue")
    kb.pick("#offence-category", "Theft")
    kb.type("#offence-description", "Took a coat from a charity shop")
    kb.date("offence-offence_date", today - timedelta(days=3))
    kb.check("#offence-hate_crime-2") if page.locator("#offence-hate_crime-2").count() else kb.check(
        "input[name=offence-hate_crime][value=no]")
    kb.press("Continue")
    kb.check("input[name=interview][value=admitted]")
    kb.check("input[name=evidential_test_met][value=yes]")
    kb.press("Continue")
    for flag in ("court_order", "on_bail", "co_accused", "detained_mental_health"):
        kb.check(f"input[name=flags-{flag}][value=no]")
    kb.press("Continue")
    kb.check("input[name=has_victim][value=yes]")
    kb.check("input[name=victim_wishes_restorative][value=no]")
    kb.press("Continue")
    kb.check("input[name=suitability-decision][value=suitable]")  # the officer's view of seriousness and propensity
    kb.check("input[name=suitability-reasons][value=low_propensity]")
    kb.press("Continue")
    assert page.locator("h1").inner_text().startswith("Check your answers")
    kb.press("Send referral")
    assert "eligible" in page.locator("main").inner_text().lower()
    watched.screenshot("journey-referral-result")
    referral_url = page.url
    sign_out(kb)

    sign_in_by_keyboard(watched, "navigator@example.org", DEMO_PASSWORD)
    page.goto(referral_url)
    kb.accessible()
    kb.press("Agree a contract")  # a link styled as a button
    kb.pick("#pathway1-pathway", "Alcohol")
    kb.type("#pathway1-description", "Attend four sessions with the alcohol service")
    kb.check("input[name=community-community_kind][value=unpaid_work]")
    kb.type("#community-description", "Volunteer at the food bank")
    kb.check("#participant_consent")
    kb.check("#warning_given")
    kb.press("Continue")
    assert page.locator("h1").inner_text() == "How many hours of unpaid work?"  # asked only for unpaid work
    kb.type("#community-target_hours", "24")
    kb.press("Continue")
    assert page.locator("h1").inner_text() == "Check the contract before you agree it"
    watched.screenshot("journey-contract-check")
    kb.press("Agree contract")
    assert "Contract agreed" in page.locator("main").inner_text()

    kb.check("input[name=kind][value=meeting]")
    kb.type("#note_body", "First meeting at the hub. Agreed the plan together.")
    kb.press("Add note")
    assert "First meeting at the hub" in page.locator(".moj-timeline").inner_text()

    work_details = page.locator("summary", has_text="Log progress on condition 3")
    work_details.focus()
    page.keyboard.press("Enter")  # open the details
    condition_id = page.locator("form[action$='/progress'] input[name$='-hours']").first.get_attribute("id")
    kb.date(condition_id.replace("-hours", "-occurred_on"), today)
    kb.type(f"#{condition_id}", "6")
    kb.type(f"#{condition_id.replace('-hours', '-note')}", "Food bank shift")
    kb.press("Log progress")
    assert "6 of 24 hours done" in page.locator("main").inner_text()

    kb.check("input[name=outcome][value=breached]")
    kb.date("outcome_date", today)
    kb.type("#details", "Withdrew consent at the second meeting and asked to go to court.")
    kb.press("Continue")
    kb.check("input[name=breach_reason][value=withdrew_consent]")  # asked only for a breach
    kb.press("Continue")
    assert page.locator("h1").inner_text() == "Are you sure the contract is breached?"
    kb.press("Yes, record that it is breached")
    assert "referred for prosecution" in page.locator("main").inner_text()
    assert page.locator("h1 .govuk-tag").inner_text() == "Breached"
    watched.screenshot("journey-contract-breached")
    assert [p for p in watched.problems if "status of 4" not in p] == []
