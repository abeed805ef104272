"""DIVERT pages: the officer's short form, the provider's worklist and referral page, the person page."""
import sqlalchemy as sa

from diversion import clock
from diversion.extensions import db
from diversion.models import AuditEvent, DivertReferral


def _form(**overrides):
    today = clock.today()
    form = {"person-given_name": "Kai", "person-family_name": "Brennan", "person-date_of_birth-day": "4",
            "person-date_of_birth-month": "7", "person-date_of_birth-year": "2002", "substance": "cannabis",
            "suspected_supply": "no", "source": "street", "referral_date-day": str(today.day),
            "referral_date-month": str(today.month), "referral_date-year": str(today.year),
            "referring_officer": "PC 2231 Hughes", "person-phone": "07700 900123"}
    form.update(overrides)
    return form


def _referral_id(app):
    with app.app_context():
        return db.session.scalar(sa.select(DivertReferral.id))


def test_an_officer_refers_and_is_told_what_happens_next(signed_in, app):
    client, _ = signed_in("custody_officer")
    response = client.post_form("/divert/referrals/new", _form())
    assert response.status_code == 302
    page = client.get_page(response.location)
    assert page.select_one(".govuk-panel__title").get_text(strip=True) == "Referral sent to DIVERT"
    assert "1" in page.select_one(".govuk-panel__body").get_text()
    assert "What happens next" in page.get_text()


def test_bad_input_is_shown_on_each_field_and_nothing_is_saved(signed_in, app):
    client, _ = signed_in("custody_officer")
    page = client.post_page("/divert/referrals/new", _form(**{
        "person-date_of_birth-day": "30", "person-date_of_birth-month": "2", "suspected_supply": "yes",
        "substance": "", "referral_date-year": ""}), expected_status=422)
    links = [a["href"] for a in page.select(".govuk-error-summary a")]
    assert links == ["#person-date_of_birth-day", "#substance", "#suspected_supply", "#referral_date-day"]
    assert "must include a year" in page.select_one("#referral_date-error").get_text()
    assert page.select_one("#person-given_name")["value"] == "Kai"
    assert _referral_id(app) is None


def test_the_provider_works_a_referral_through_the_funnel(signed_in, app, make_user):
    officer, _ = signed_in("custody_officer")
    officer.post_form("/divert/referrals/new", _form())
    referral_id = _referral_id(app)
    provider = app.test_client()
    provider.sign_in_as(make_user("provider"))
    worklist = provider.get_page("/divert/worklist")
    assert "Kai Brennan" in worklist.select("table")[0].get_text()
    url = f"/divert/referrals/{referral_id}"
    today = clock.today()
    when = {"date-day": str(today.day), "date-month": str(today.month), "date-year": str(today.year)}
    for event in ("contacted", "assessment_booked", "assessed", "completed"):
        page = provider.get_page(url)
        offered = [i["value"] for i in page.select("input[name=event]")]
        assert event in offered
        version = page.select_one("input[name=version]")["value"]
        booking = {"appointment_at-date-day": str(today.day), "appointment_at-date-month": str(today.month),
                   "appointment_at-date-year": str(today.year), "appointment_at-time": "23:59"} \
            if event == "assessment_booked" else {}
        response = provider.post_form(f"{url}/events", dict(when, event=event, version=version, **booking),
                                      form_page=url)
        assert response.status_code == 302, event
    page = provider.get_page(url)
    assert page.select_one("h1 .govuk-tag").get_text(strip=True) == "Completed"
    assert [i["value"] for i in page.select("input[name=event]")] == ["onward_referral"]
    assert len(page.select(".moj-timeline__item")) == 5


def test_an_event_that_does_not_fit_names_the_current_status(signed_in, app, make_user):
    officer, _ = signed_in("custody_officer")
    officer.post_form("/divert/referrals/new", _form())
    referral_id = _referral_id(app)
    provider = app.test_client()
    provider.sign_in_as(make_user("provider"))
    url = f"/divert/referrals/{referral_id}"
    today = clock.today()
    page = provider.post_page(f"{url}/events", {"event": "completed", "date-day": str(today.day),
                                                "date-month": str(today.month), "date-year": str(today.year)},
                              form_page=url)
    assert "Referred" in page.select_one("#event-error").get_text()


def test_the_person_page_shows_both_schemes_and_is_audited(signed_in, app, make_user):
    officer, _ = signed_in("custody_officer")
    officer.post_form("/divert/referrals/new", _form())
    with app.app_context():
        person_id = db.session.scalar(sa.select(DivertReferral.person_id))
    manager = app.test_client()
    manager.sign_in_as(make_user("manager"))
    page = manager.get_page(f"/people/{person_id}")
    assert page.h1.get_text(strip=True) == "Kai Brennan"
    assert "Cannabis" in page.get_text() and "No Checkpoint referrals." in page.get_text()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "person.view")) == 1


def test_custody_officers_cannot_open_the_worklist_or_person_pages(signed_in):
    client, _ = signed_in("custody_officer")
    client.get_page("/divert/worklist", expected_status=403)
    client.get_page("/people/1", expected_status=403)


def test_a_provider_sees_only_people_referred_to_divert_and_not_their_checkpoint_history(signed_in, app, make_user,
                                                                                         make_contract):
    officer, _ = signed_in("custody_officer")
    officer.post_form("/divert/referrals/new", _form())
    with app.app_context():
        divert_person = db.session.scalar(sa.select(DivertReferral.person_id))
    contract_id = make_contract()
    with app.app_context():
        from diversion.models import Contract

        checkpoint_person = db.session.get(Contract, contract_id).person_id
    provider = app.test_client()
    provider.sign_in_as(make_user("provider"))
    page = provider.get_page(f"/people/{divert_person}")
    assert "Checkpoint" not in [h.get_text(strip=True) for h in page.select("h2")]
    provider.get_page(f"/people/{checkpoint_person}", expected_status=404)


def test_a_navigator_sees_people_on_their_own_caseload_only(signed_in, app, make_user, make_contract):
    client, navigator = signed_in("navigator")
    mine, theirs = make_contract(navigator=navigator), make_contract()
    with app.app_context():
        from diversion.models import Contract

        mine_person, their_person = (db.session.get(Contract, c).person_id for c in (mine, theirs))
    assert client.get_page(f"/people/{mine_person}").h1 is not None
    client.get_page(f"/people/{their_person}", expected_status=404)


def test_provider_notes_are_not_shown_to_the_referring_officer(signed_in, app, make_user):
    officer, _ = signed_in("custody_officer")
    officer.post_form("/divert/referrals/new", _form())
    referral_id = _referral_id(app)
    provider = app.test_client()
    provider.sign_in_as(make_user("provider"))
    url = f"/divert/referrals/{referral_id}"
    today = clock.today()
    provider.post_form(f"{url}/events", {"event": "contacted", "note": "Disclosed daily use and debts",
                                         "date-day": str(today.day), "date-month": str(today.month),
                                         "date-year": str(today.year),
                                         "version": provider.get_page(url).select_one("input[name=version]")["value"]},
                       form_page=url)
    assert "Disclosed daily use" in provider.get_page(url).get_text()
    assert "Disclosed daily use" not in officer.get_page(url).get_text()
