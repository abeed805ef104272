"""Drug Testing on Arrest pages: custody records a test on one page and books the assessment, sees what to tell the
person; the provider is offered only the events that fit; a missed assessment goes to custody's list and decision;
a positive test leads to a referral without retyping; the person page shows tests to those who may see them."""
from datetime import timedelta

import sqlalchemy as sa

from diversion import clock
from diversion.extensions import db
from diversion.models import DrugTest


def _form(**overrides):
    today, tomorrow = clock.today(), clock.today() + timedelta(days=1)
    form = {"person-given_name": "Rhys", "person-family_name": "Pritchard", "person-date_of_birth-day": "11",
            "person-date_of_birth-month": "2", "person-date_of_birth-year": "1994",
            "test_date-day": str(today.day), "test_date-month": str(today.month), "test_date-year": str(today.year),
            "authority": "trigger", "offence_category": "theft", "result": "cocaine", "warning_given": "yes",
            "assessment-at-day": str(tomorrow.day), "assessment-at-month": str(tomorrow.month),
            "assessment-at-year": str(tomorrow.year), "assessment-time": "10:30",
            "assessment-service": "community_drug_alcohol"}
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


def _test(app):
    with app.app_context():
        return db.session.scalars(sa.select(DrugTest).order_by(DrugTest.id.desc())).first()


def test_the_officer_records_a_positive_test_and_is_told_what_to_say(signed_in, app):
    client, _ = signed_in("custody_officer")
    home = client.get_page("/")
    assert home.find("a", string="Record a drug test")["href"] == "/dtoa/tests/new"
    form = client.get_page("/dtoa/tests/new")
    assert "section 63B" in form.select_one("#warning-text").get_text()
    assert "section 12 of the Drugs Act 2005" in form.select_one("#warning-text").get_text()
    response = client.post_form("/dtoa/tests/new", _form())
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = client.get_page(response.location)
    test = _test(app)
    assert test.reference in page.select_one(".govuk-panel__body").get_text()
    said = page.get_text()
    assert "10:30" in said and "Community drug and alcohol service" in said and "section 12" in said
    assert test.status == "assessment_required" and test.warning_given
    assert test.assessment_at.astimezone().hour is not None and test.assessment_service_code == "community_drug_alcohol"


def test_every_problem_is_shown_and_nothing_is_saved(signed_in, app):
    client, _ = signed_in("custody_officer")
    page = client.post_page("/dtoa/tests/new", _form(**{
        "authority": None, "warning_given": None, "assessment-time": "", "assessment-service": "",
        "person-family_name": ""}), expected_status=422)
    links = [a["href"] for a in page.select(".govuk-error-summary a")]
    assert links == ["#person-family_name", "#authority", "#assessment-time", "#assessment-service",
                     "#warning_given"]
    assert page.select_one("#person-given_name")["value"] == "Rhys"
    assert _test(app) is None


def test_a_negative_test_asks_for_no_booking(signed_in, app):
    client, _ = signed_in("custody_officer")
    response = client.post_form("/dtoa/tests/new", _form(result="negative", **{"assessment-time": ""}))
    assert response.status_code == 302
    page = client.get_page(response.location)
    assert "nothing more is required" in page.get_text()
    assert _test(app).assessment_at is None


def test_a_booking_on_a_day_that_does_not_exist_is_a_field_error_not_a_500(signed_in, app):
    client, _ = signed_in("custody_officer")
    page = client.post_page("/dtoa/tests/new", _form(**{"assessment-at-day": "30", "assessment-at-month": "2"}),
                            expected_status=422)
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#assessment-at-day"]
    assert _test(app) is None


def test_a_half_typed_booking_does_not_stop_a_negative_test(signed_in, app):
    client, _ = signed_in("custody_officer")
    response = client.post_form("/dtoa/tests/new", _form(result="refused", **{"assessment-at-month": "",
                                                                              "assessment-time": ""}))
    assert response.status_code == 302
    assert _test(app).status == "refused"


def test_the_provider_is_offered_only_what_fits_and_a_stale_form_is_refused(signed_in, app, make_user):
    officer, _ = signed_in("custody_officer")
    officer.post_form("/dtoa/tests/new", _form())
    test_id = _test(app).id
    provider = app.test_client()
    provider.sign_in_as(make_user("provider"))
    worklist = provider.get_page("/dtoa/worklist")
    assert "Rhys Pritchard" in worklist.get_text()
    url = f"/dtoa/tests/{test_id}"
    page = provider.get_page(url)
    assert [i["value"] for i in page.select("input[name=event]")] == ["initial_assessment_attended",
                                                                      "initial_assessment_missed"]
    version = page.select_one("input[name=version]")["value"]
    today = clock.today()
    when = {"date-day": str(today.day), "date-month": str(today.month), "date-year": str(today.year)}
    response = provider.post_form(f"{url}/events", {"event": "initial_assessment_attended", "version": version,
                                                    **when}, form_page=url)
    assert response.status_code == 302
    page = provider.get_page(url)
    assert [i["value"] for i in page.select("input[name=event]")] == ["follow_up_required", "referred_to_treatment"]
    stale = provider.post_page(f"{url}/events", {"event": "referred_to_treatment", "version": version, **when},
                               expected_status=409, form_page=url)
    assert "changed" in stale.select_one(".govuk-error-summary").get_text()


def test_a_missed_assessment_reaches_custodys_list_and_is_decided(signed_in, app, make_user):
    officer, _ = signed_in("custody_officer")
    officer.post_form("/dtoa/tests/new", _form())
    test = _test(app)
    provider = app.test_client()
    provider.sign_in_as(make_user("provider"))
    today = clock.today()
    when = {"date-day": str(today.day), "date-month": str(today.month), "date-year": str(today.year)}
    provider.post_form(f"/dtoa/tests/{test.id}/events", {"event": "initial_assessment_missed",
                                                         "version": str(test.version), **when},
                       form_page=f"/dtoa/tests/{test.id}", expected_status=302)
    page = provider.get_page(f"/dtoa/tests/{test.id}")
    assert page.select("input[name=event]") == []  # the prosecution is custody's decision
    listed = officer.get_page("/dtoa/missed")
    assert test.reference in listed.get_text()
    decide = listed.find("a", href=f"/dtoa/tests/{test.id}/decision")
    form = officer.get_page(decide["href"])
    version = form.select_one("input[name=version]")["value"]
    refused = officer.post_page(decide["href"], {"decision": "no_further_action", "version": version, **when},
                                expected_status=422)
    assert [a["href"] for a in refused.select(".govuk-error-summary a")] == ["#reason"]
    stale = officer.post_page(decide["href"], {"decision": "no_further_action", "version": str(int(version) - 1),
                                               "reason": "In hospital that day", **when}, expected_status=409)
    assert stale.select_one("input[name=version]")["value"] == version  # so that trying again can succeed
    response = officer.post_form(decide["href"], {"decision": "no_further_action", "version": version,
                                                  "reason": "In hospital that day", **when})
    assert response.status_code == 302
    after = officer.get_page(response.location)
    assert "No missed assessment is waiting" in after.get_text() and after.select("table") == []
    assert _test(app).status == "no_further_action"


def test_a_positive_test_leads_to_divert_and_checkpoint_with_the_person_filled_in(signed_in, app):
    officer, _ = signed_in("custody_officer")
    officer.post_form("/dtoa/tests/new", _form(**{"person-pnc_id": "2012/0345678B"}))
    test = _test(app)
    page = officer.get_page(f"/dtoa/tests/{test.id}")
    divert_link = page.find("a", string="Refer to DIVERT")["href"]
    divert = officer.get_page(divert_link)
    assert divert.select_one("#person-given_name")["value"] == "Rhys"
    assert divert.select_one("#person-pnc_id")["value"] == "2012/0345678B"
    assert divert.select_one("#person-date_of_birth-year")["value"] == "1994"
    assert divert.select_one("main form[method=post]")["action"] == "/divert/referrals/new"
    response = officer.post_form(f"/dtoa/tests/{test.id}/refer/checkpoint", {}, form_page=f"/dtoa/tests/{test.id}")
    assert response.status_code == 302
    step = officer.get_page(response.location)
    assert step.select_one("#person-given_name")["value"] == "Rhys"


def test_the_person_page_shows_tests_to_those_who_may_see_them(signed_in, app, make_user):
    officer, _ = signed_in("custody_officer")
    officer.post_form("/dtoa/tests/new", _form())
    test = _test(app)
    manager = app.test_client()
    manager.sign_in_as(make_user("manager"))
    page = manager.get_page(f"/people/{test.person_id}")
    assert page.find("a", string=test.reference)["href"] == f"/dtoa/tests/{test.id}"
    navigator = app.test_client()
    navigator.sign_in_as(make_user("navigator"))
    assert navigator.get(f"/dtoa/tests/{test.id}").status_code == 404  # not on their caseload
    assert officer.get(f"/people/{test.person_id}").status_code == 403  # custody read no person's record


def test_the_worklist_and_the_missed_list_are_paged_to_the_end(signed_in, app, make_user, monkeypatch):
    from diversion.dtoa import list_views

    monkeypatch.setattr(list_views, "PAGE_SIZE", 2)
    officer, _ = signed_in("custody_officer")
    for _ in range(5):
        officer.post_form("/dtoa/tests/new", _form(), expected_status=302)
    with app.app_context():
        references = set(db.session.scalars(sa.select(DrugTest.reference)))
    provider = app.test_client()
    provider.sign_in_as(make_user("provider"))
    page, shown, pages = provider.get_page("/dtoa/worklist"), [], 0
    assert page.select_one(".govuk-warning-text") is None  # never cut: every test is on some page
    assert page.select_one("#coming-heading").get_text(strip=True) == "Coming up (5)"
    while True:
        pages += 1
        shown += [a.get_text() for a in page.select("#coming table a")]
        following = page.select_one("#coming .govuk-pagination__next a")
        if following is None:
            break
        page = provider.get_page(following["href"])
    assert pages == 3 and sorted(shown) == sorted(references)
    tests = list(references)
    with app.app_context():
        ids = dict(db.session.execute(sa.select(DrugTest.reference, DrugTest.id)).all())
    for reference in tests:
        url = f"/dtoa/tests/{ids[reference]}"
        form = provider.get_page(url)
        today = clock.today()
        provider.post_form(f"{url}/events", {"event": "initial_assessment_missed",
                                             "version": form.select_one("input[name=version]")["value"],
                                             "date-day": str(today.day), "date-month": str(today.month),
                                             "date-year": str(today.year)}, form_page=url, expected_status=302)
    page, shown = officer.get_page("/dtoa/missed"), []
    assert "5 waiting, 2 on this page" in page.get_text()
    while page.select_one(".govuk-pagination__next a"):
        shown += [a.get_text() for a in page.select("table td:first-child a")]
        page = officer.get_page(page.select_one(".govuk-pagination__next a")["href"])
    shown += [a.get_text() for a in page.select("table td:first-child a")]
    assert sorted(shown) == sorted(references)
    assert officer.get_page(page.select_one(".govuk-pagination__prev a")["href"]).select("table tbody tr")


def test_the_lists_cost_the_same_number_of_statements_for_few_tests_or_many(signed_in, app, make_user):
    from tests.web.test_intake_support import counting_statements

    officer, _ = signed_in("custody_officer")
    provider = app.test_client()
    provider.sign_in_as(make_user("provider"))
    yesterday = clock.today() - timedelta(days=1)
    past = {"test_date-day": str(yesterday.day), "test_date-month": str(yesterday.month),
            "test_date-year": str(yesterday.year), "assessment-at-day": str(yesterday.day),
            "assessment-at-month": str(yesterday.month), "assessment-at-year": str(yesterday.year)}

    def statements(url, client) -> int:
        with counting_statements(app) as seen:
            client.get_page(url)
        return len(seen)

    def add(count: int) -> None:  # coming up, overdue, and missed (custody's list)
        for _ in range(count):
            officer.post_form("/dtoa/tests/new", _form(), expected_status=302)
            officer.post_form("/dtoa/tests/new", _form(**past), expected_status=302)
            officer.post_form("/dtoa/tests/new", _form(**past), expected_status=302)
            with app.app_context():
                from diversion.models import User
                from diversion.services import dtoa

                missed = db.session.scalars(sa.select(DrugTest).order_by(DrugTest.id.desc())).first()
                dtoa.record_event(missed, {"event": "initial_assessment_missed", "date": yesterday.isoformat()},
                                  actor=db.session.scalars(sa.select(User).where(User.role == "provider")).first())
                db.session.commit()

    add(1)
    few = statements("/dtoa/worklist", provider), statements("/dtoa/missed", officer)
    add(4)
    assert (statements("/dtoa/worklist", provider), statements("/dtoa/missed", officer)) == few
