"""Checkpoint Cymru: the person's language for letters, and the contract to engage and the appointment letter
printed in Welsh when they prefer it (from the translation file), with a switch to show either language."""


import pytest
import sqlalchemy as sa

from diversion import clock
from diversion.extensions import db
from diversion.models import Contract, Person
from tests.web.test_appointment_pages import NOW, book  # noqa: F401  (the fixture)

WELSH_MONTHS = ("Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst", "Medi", "Hydref",
                "Tachwedd", "Rhagfyr")


@pytest.fixture(autouse=True)
def _frozen():
    clock.freeze(NOW)  # Friday 27 November 2026


@pytest.fixture
def welsh_contract(make_contract):
    def _make(navigator, language="welsh"):
        return make_contract(navigator=navigator, referral_overrides={"person.language": language})
    return _make


def _language(app, contract_id):
    with app.app_context():
        return db.session.get(Contract, contract_id).person.language


def test_the_letter_is_in_welsh_for_someone_who_prefers_welsh(signed_in, welsh_contract, book, app):  # noqa: F811
    client, navigator = signed_in("navigator")
    contract_id = welsh_contract(navigator)
    made = book(contract_id, 72)  # Monday 30 November 2026, 11am
    page = client.get_page(f"/contracts/{contract_id}/appointments/{made}/letter")
    assert page.select_one(".app-print")["lang"] == "cy"
    assert page.h1.get_text(strip=True) == "Eich apwyntiad Checkpoint"
    assert page.select_one(".app-letter-date").get_text(strip=True) == "Dydd Llun 30 Tachwedd 2026"
    assert page.select_one(".app-letter-time").get_text(strip=True) == "11:00yb"
    assert page.select_one(".app-letter-kind").get_text(strip=True) == "Cyfarfod â’r llywiwr"
    keys = [dt.get_text(strip=True) for dt in page.select(".app-print dt")]
    assert keys == ["Dyddiad", "Amser", "Lle", "Beth ydyw", "Eich llywiwr"]
    assert "27 Tachwedd 2026" in page.select_one(".app-print").get_text()
    assert "Show in English" in page.select_one(".app-language-switch").get_text()


def test_the_switch_shows_the_letter_in_english_and_english_is_unchanged(signed_in, welsh_contract, book):  # noqa: F811
    client, navigator = signed_in("navigator")
    contract_id = welsh_contract(navigator)
    made = book(contract_id, 72)
    page = client.get_page(f"/contracts/{contract_id}/appointments/{made}/letter?language=english")
    assert page.select_one(".app-print")["lang"] == "en"
    assert page.h1.get_text(strip=True) == "Your Checkpoint appointment"
    assert page.select_one(".app-letter-date").get_text(strip=True) == "Monday 30 November 2026"
    assert page.select_one(".app-letter-time").get_text(strip=True) == "11:00am"
    assert "prefers Welsh" in page.select_one(".app-language-switch").get_text()
    assert not any(month in page.select_one(".app-print").get_text() for month in WELSH_MONTHS)


def test_the_contract_to_engage_prints_in_welsh_with_welsh_month_names(signed_in, welsh_contract):
    client, navigator = signed_in("navigator")
    contract_id = welsh_contract(navigator)
    page = client.get_page(f"/contracts/{contract_id}/print")
    text = page.select_one(".app-print").get_text(" ", strip=True)
    assert page.h1.get_text(strip=True) == "Contract i Ymgysylltu Checkpoint"
    assert [h.get_text(strip=True) for h in page.select(".app-print h2")] == ["Eich amodau", "Llofnodion"]
    assert "Tachwedd 2026" in text and "Mawrth 2027" in text  # the start date and the four-month deadline
    assert "Cwblhau 24 awr o waith di-dâl" in text and "Cyfranogwr" in text
    english = client.get_page(f"/contracts/{contract_id}/print?language=english")
    assert english.h1.get_text(strip=True) == "Checkpoint contract to engage"
    assert "27 November 2026" in english.get_text() and "27 March 2027" in english.get_text()


def test_someone_not_asked_gets_english_and_can_be_shown_welsh(signed_in, make_contract):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    page = client.get_page(f"/contracts/{contract_id}/print")
    assert page.h1.get_text(strip=True) == "Checkpoint contract to engage"
    welsh = client.get_page(f"/contracts/{contract_id}/print?language=welsh")
    assert welsh.h1.get_text(strip=True) == "Contract i Ymgysylltu Checkpoint"
    odd = client.get_page(f"/contracts/{contract_id}/print?language=klingon")  # not a language: the preference
    assert odd.h1.get_text(strip=True) == "Checkpoint contract to engage"


def test_the_contact_details_page_records_the_language_and_refuses_anything_else(signed_in, make_contract, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    with app.app_context():
        person_id = db.session.get(Contract, contract_id).person_id
        version = db.session.get(Person, person_id).version
    url = f"/people/{person_id}/contact"
    page = client.post_page(url, {"language": "french", "version": str(version)}, expected_status=422)
    assert "English or Welsh" in page.select_one(".govuk-error-summary").get_text()
    assert _language(app, contract_id) is None
    response = client.post_form(url, {"language": "welsh", "version": str(version)})
    assert response.status_code == 302 and _language(app, contract_id) == "welsh"


def test_the_referral_asks_the_language_and_refuses_anything_else(signed_in, app):
    client, _ = signed_in("custody_officer")
    start = client.post_form("/referrals/new", {}, form_page="/referrals/new")
    person_url = start.headers["Location"]
    page = client.post_page(person_url, {"person-given_name": "Mared", "person-family_name": "Jones",
                                         "person-date_of_birth-day": "3", "person-date_of_birth-month": "4",
                                         "person-date_of_birth-year": "1990", "person-language": "french"},
                            expected_status=422)
    assert page.select_one("#person-language-error") is not None
    radios = [r["value"] for r in client.get_page(person_url).select("input[name=person-language]")]
    assert radios == ["english", "welsh"]


def test_the_custody_suite_is_chosen_from_the_list(signed_in):
    client, _ = signed_in("custody_officer")
    start = client.post_form("/referrals/new", {}, form_page="/referrals/new")
    offence_url = start.headers["Location"].replace("/person", "/offence")
    page = client.get_page(offence_url)
    choices = [(o["value"], o.get_text(strip=True)) for o in page.select("select#custody_suite_code option")]
    assert choices[0] == ("", "Other / not recorded") and ("durham", "Durham") in choices
    refused = client.post_page(offence_url, {"custody_suite_code": "atlantis"}, expected_status=422)
    assert refused.select_one("#custody_suite_code-error") is not None


def test_an_admin_adds_a_custody_suite_on_the_reference_data_pages(signed_in, app):
    client, _ = signed_in("admin")
    assert "Durham" in client.get_page("/admin/reference").select_one("#custody-suites").find_next("table").get_text()
    page = client.post_page("/admin/reference/custody-suites/new", {"name": ""}, expected_status=422)
    assert page.select_one(".govuk-error-summary") is not None
    response = client.post_form("/admin/reference/custody-suites/new", {"name": "Bishop Auckland"})
    assert response.status_code == 302
    response = client.post_form("/admin/reference/custody-suites/bishop_auckland",
                                {"name": "Bishop Auckland", "active": "no", "version": "1"})
    assert response.status_code == 302
    from diversion.models import CustodySuite
    with app.app_context():
        assert db.session.scalar(sa.select(CustodySuite.active).where(CustodySuite.code == "bishop_auckland")) is False

