"""The retention review pages (administrators): the due list, one person's review, retain with a reason and the
next review date, erase after an "Are you sure?", and "already decided" when someone else decided first."""
from datetime import timedelta

import pytest

from diversion import clock
from diversion.extensions import db
from diversion.models import Person, RetentionDecision, User
from tests.retention_helpers import divert_ended, divert_open


@pytest.fixture
def due(app, make_user):
    """Two people due for review and one with an open case; their ids by name."""
    officer, provider = make_user("custody_officer"), make_user("provider")
    with app.app_context():
        o, p = db.session.get(User, officer.id), db.session.get(User, provider.id)
        made = {name: divert_ended(o, p, clock.today() - timedelta(days=days), given_name=name,
                                   family_name="Harrow").person_id
                for name, days in (("Ann", 7 * 365), ("Bob", 8 * 365))}
        made["Open"] = divert_open(o, clock.today() - timedelta(days=8 * 365), given_name="Open").person_id
        db.session.commit()
    return made


def _date_fields(day) -> dict:
    return {"review_date-day": str(day.day), "review_date-month": str(day.month), "review_date-year": str(day.year)}


def test_the_list_shows_who_is_due_earliest_first_with_their_last_case_and_cases(signed_in, due):
    client, _ = signed_in("admin")
    page = client.get_page("/admin/retention")
    rows = page.select("#due tbody tr")
    assert [row.select("td")[0].get_text(" ", strip=True) for row in rows] == [
        "Bob Harrow : review their record", "Ann Harrow : review their record"]
    assert rows[0].select("td")[3].get_text(strip=True) == "1 DIVERT referral"
    assert page.select_one("caption").get_text(strip=True).startswith("Due for review by")
    assert rows[0].select_one("a")["href"] == f"/admin/retention/{due['Bob']}"


def test_the_list_filters_by_a_due_date_and_explains_a_bad_one(signed_in, due):
    client, _ = signed_in("admin")
    early = clock.today() - timedelta(days=365 * 2 - 30)
    page = client.get_page(f"/admin/retention?by-day={early.day}&by-month={early.month}&by-year={early.year}")
    assert [a.get_text(strip=True) for a in page.select("#due tbody a")] == ["Bob Harrow: review their record"]
    assert page.select_one(".moj-filter__tag")
    bad = client.get_page("/admin/retention?by-day=31&by-month=2&by-year=2026")
    assert "The due by date must be a real date" in bad.select_one(".govuk-error-summary").get_text()


@pytest.mark.parametrize("role", ["custody_officer", "navigator", "provider", "manager"])
def test_only_admins_see_the_retention_pages(signed_in, due, role):
    client, _ = signed_in(role)
    assert client.get("/admin/retention").status_code == 403
    assert client.get(f"/admin/retention/{due['Ann']}").status_code == 403


def test_the_review_page_shows_the_cases_and_defaults_the_next_review_to_six_years(signed_in, due):
    client, _ = signed_in("admin")
    page = client.get_page(f"/admin/retention/{due['Ann']}")
    assert page.select_one("h1").get_text(strip=True) == "Ann Harrow"
    assert "DIVERT referral" in page.select_one("#cases ~ div table, table").get_text()
    default = clock.today().replace(year=clock.today().year + 6) if (clock.today().month, clock.today().day) != (2, 29) \
        else clock.today().replace(year=clock.today().year + 6, day=28)
    assert page.select_one("#review_date-year")["value"] == str(default.year)
    assert page.find(string="This record has not been reviewed before.")


def test_retaining_needs_a_reason_and_a_future_date_then_records_it(signed_in, due, app):
    client, admin = signed_in("admin")
    url = f"/admin/retention/{due['Ann']}"
    page = client.post_page(url, {"decision": "retain", "reason": "", "version": "1", **_date_fields(clock.today())},
                            expected_status=422)
    summary = page.select_one(".govuk-error-summary").get_text()
    assert "Enter the reason for the decision" in summary and "must be in the future" in summary
    assert page.select_one(".govuk-error-summary a[href='#review_date-day']")
    with app.app_context():
        version = db.session.get(Person, due["Ann"]).version
    next_review = clock.today() + timedelta(days=800)
    response = client.post_form(url, {"decision": "retain", "reason": "Linked to an open investigation",
                                      "version": str(version), **_date_fields(next_review)})
    assert response.status_code == 302 and response.location.endswith("/admin/retention")
    listed = client.get_page("/admin/retention")
    assert "record is retained" in listed.select_one(".govuk-notification-banner").get_text()
    assert [a.get_text(strip=True) for a in listed.select("#due tbody a")] == ["Bob Harrow: review their record"]
    with app.app_context():
        decision = db.session.query(RetentionDecision).one()
        assert (decision.decision, decision.next_review_date, decision.decided_by_id) == (
            "retain", next_review, admin.id)
    assert "Linked to an open investigation" in client.get_page(url).select_one("#decisions + div table").get_text()


def test_a_second_reviewer_with_the_old_version_is_told_it_is_already_decided(signed_in, due, app):
    client, _ = signed_in("admin")
    url = f"/admin/retention/{due['Ann']}"
    with app.app_context():
        version = str(db.session.get(Person, due["Ann"]).version)
    body = {"decision": "retain", "reason": "Kept", "version": version,
            **_date_fields(clock.today() + timedelta(days=90))}
    assert client.post_form(url, body).status_code == 302
    page = client.post_page(url, body, expected_status=409)
    assert "already been decided" in page.select_one("#conflict").get_text()


def test_someone_with_an_open_case_cannot_be_decided(signed_in, due):
    client, _ = signed_in("admin")
    page = client.get_page(f"/admin/retention/{due['Open']}")
    assert "close the case first" in page.select_one("#open-case").get_text()
    assert page.select_one("form[action$='/admin/retention/%d']" % due["Open"]) is None
    answer = client.post_page(f"/admin/retention/{due['Open']}", {"decision": "erase", "reason": "Gone",
                                                                   "version": "1"}, expected_status=409,
                              form_page="/admin/retention")
    assert "close the case first" in answer.select_one("#conflict").get_text()


def test_erasing_asks_first_and_changes_nothing_until_confirmed(signed_in, due, app):
    client, _ = signed_in("admin")
    with app.app_context():
        version = str(db.session.get(Person, due["Ann"]).version)
    page = client.post_page(f"/admin/retention/{due['Ann']}", {"decision": "erase", "version": version,
                                                               "reason": "No policing purpose remains"})
    assert page.select_one("h1").get_text(strip=True) == "Are you sure you want to erase Ann Harrow's record?"
    assert page.select_one("input[name=confirm]")["value"] == "yes"
    with app.app_context():
        assert db.session.query(RetentionDecision).count() == 0


def test_confirming_the_erasure_erases_the_record(signed_in, due, app):
    client, _ = signed_in("admin")
    with app.app_context():
        version = str(db.session.get(Person, due["Ann"]).version)
    response = client.post_form(f"/admin/retention/{due['Ann']}", {
        "decision": "erase", "version": version, "reason": "No policing purpose remains", "confirm": "yes"})
    assert response.status_code == 302
    assert "has been erased" in client.get_page("/admin/retention").select_one(".govuk-notification-banner").get_text()
    assert client.get(f"/admin/retention/{due['Ann']}").status_code == 404


def test_an_administrator_reaches_the_review_from_the_persons_page_and_a_manager_does_not(signed_in, due):
    client, _ = signed_in("admin")
    page = client.get_page(f"/people/{due['Ann']}")
    assert page.select_one(f"a[href='/admin/retention/{due['Ann']}']")
    assert "Retention review due" in page.get_text()
    manager, _ = signed_in("manager")
    assert not manager.get_page(f"/people/{due['Ann']}").select_one(f"a[href='/admin/retention/{due['Ann']}']")


def test_the_review_page_lists_drug_tests_among_the_cases(signed_in, due, app):
    from tests import dtoa_rows

    with app.app_context():
        ann = db.session.get(Person, due["Ann"])
        taken = clock.today() - timedelta(days=7 * 365 + 20)
        dtoa_rows.test(ann, taken, "negative", recorded_by=dtoa_rows.recorder())
        db.session.commit()
    client, _ = signed_in("admin")
    rows = [[cell.get_text(" ", strip=True) for cell in row.select("td")]
            for row in client.get_page(f"/admin/retention/{due['Ann']}").select("table")[0].select("tbody tr")]
    tested = [row for row in rows if row[0] == "Drug test on arrest"]
    assert len(tested) == 1 and tested[0][3] == "Negative" and tested[0][4] != "Open"
