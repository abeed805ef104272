"""Subject access pages: an administrator goes from a person's record to a request form (date received, purpose,
confirmation), and on submitting sees everything held, printable, with the statutory deadline, the redaction flags
and the files to download. Every showing and download is recorded; nobody else may get there."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from diversion import clock
from diversion.extensions import db
from diversion.models import AuditEvent, Contract, SubjectAccessRequest, User
from diversion.services import contracts


@pytest.fixture
def person_id(app, make_contract, make_user):
    navigator = make_user("navigator", name="Kwame Boateng")
    contract_id = make_contract(navigator=navigator)
    with app.app_context():
        contract = db.session.get(Contract, contract_id)
        contracts.add_note(contract, {"kind": "meeting", "body": "Her brother Marcus came to the meeting."},
                           actor=db.session.get(User, navigator.id))
        db.session.commit()
        return contract.person_id


def _received(day) -> dict:
    return {"received_on-day": str(day.day), "received_on-month": str(day.month), "received_on-year": str(day.year)}


def _answer(client, person_id, purpose="The person, by email", **extra):
    data = {**_received(clock.today() - timedelta(days=3)), "purpose": purpose, "identity_checked": "yes", **extra}
    return client.post_form(f"/people/{person_id}/subject-access", data)


def _events(app, action):
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_an_administrator_finds_the_request_from_the_persons_record(signed_in, person_id):
    client, _ = signed_in("admin")
    page = client.get_page(f"/people/{person_id}")
    link = page.find("a", string="Subject access request")
    assert link["href"] == f"/people/{person_id}/subject-access"
    form = client.get_page(link["href"])
    assert form.h1.get_text(strip=True) == "Subject access request"
    assert form.select_one("#received_on-day") and form.select_one("textarea#purpose")
    assert form.select_one("input#identity_checked[type=checkbox]")


def test_others_see_no_link_and_may_not_open_the_pages(signed_in, person_id, app):
    client, _ = signed_in("manager")
    assert client.get_page(f"/people/{person_id}").find("a", string="Subject access request") is None
    assert client.get(f"/people/{person_id}/subject-access").status_code == 403
    assert client.post_form(f"/people/{person_id}/subject-access", _received(clock.today()),
                            form_page=f"/people/{person_id}").status_code == 403
    assert _events(app, "person.subject_access") == []


def test_an_unknown_person_is_not_found(signed_in):
    client, _ = signed_in("admin")
    assert client.get("/people/999999/subject-access").status_code == 404
    assert client.get("/people/999999/subject-access/1").status_code == 404


def test_every_missing_answer_is_listed_in_the_error_summary(signed_in, person_id, app):
    client, _ = signed_in("admin")
    response = client.post_form(f"/people/{person_id}/subject-access", {"purpose": ""})
    assert response.status_code == 422
    page = client.get_page(f"/people/{person_id}/subject-access")  # nothing recorded
    from bs4 import BeautifulSoup
    errors = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    hrefs = [a["href"] for a in errors.select(".govuk-error-summary a")]
    assert hrefs == ["#received_on-day", "#purpose", "#identity_checked"]
    assert errors.title.get_text().startswith("Error:")
    assert page.select(".govuk-error-summary") == []
    assert _events(app, "person.subject_access") == []


def test_a_future_or_impossible_date_is_refused_and_what_was_typed_is_kept(signed_in, person_id):
    client, _ = signed_in("admin")
    tomorrow = clock.today() + timedelta(days=1)
    page = client.post_page(f"/people/{person_id}/subject-access",
                            {**_received(tomorrow), "purpose": "The person", "identity_checked": "yes"},
                            expected_status=422)
    assert "cannot be in the future" in page.select_one(".govuk-error-summary").get_text()
    assert page.select_one("#received_on-day")["value"] == str(tomorrow.day)
    assert page.select_one("textarea#purpose").get_text() == "The person"
    page = client.post_page(f"/people/{person_id}/subject-access",
                            {"received_on-day": "30", "received_on-month": "2", "received_on-year": "2026",
                             "purpose": "x\x00", "identity_checked": "yes"}, expected_status=422)
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#received_on-day", "#purpose"]


def test_answering_records_the_disclosure_and_shows_everything_held(signed_in, person_id, app):
    client, admin = signed_in("admin")
    response = _answer(client, person_id, purpose="Her solicitor, Ms Grey, with signed authority")
    with app.app_context():
        request = db.session.scalar(select(SubjectAccessRequest))
        assert request.person_id == person_id and request.bundle_bytes > 1000
        assert request.received_on == clock.today() - timedelta(days=3)
    assert response.status_code == 302
    assert response.location.endswith(f"/people/{person_id}/subject-access/{request.id}")
    [event] = _events(app, "person.subject_access")
    assert (event.person_id, event.actor_id, event.justification) == (
        person_id, admin.id, "Her solicitor, Ms Grey, with signed authority")

    page = client.get_page(response.location)
    assert _events(app, "person.subject_access.view") == []  # the answer itself was the disclosure
    assert page.h1.get_text(strip=True).startswith("Everything held about Chloé O'Sullivan-Nkemelu")
    summary = page.select_one(".govuk-summary-list").get_text(" ", strip=True)
    assert "Her solicitor, Ms Grey" in summary and "Met" in summary
    headings = [h.get_text(strip=True) for h in page.select("h2.app-sar-section")]
    assert headings == ["1. Who the record is about", "2. Checkpoint referrals", "3. Contracts and their conditions",
                        "4. Case notes", "5. Appointments", "6. Alerts", "7. Changes of navigator", "8. Outcomes and what followed",
                        "9. DIVERT referrals and events", "10. Drug tests on arrest", "11. Retention decisions",
                        "12. Who has seen, changed or given out this record"]
    tag = page.select_one(".app-redaction-tag")
    assert tag.get_text(strip=True) == "Review before release: may name a third party"
    # the note, and the purpose in the disclosure log
    assert [m.get_text() for m in page.select("mark.app-redaction-mark")] == ["Marcus", "Grey"]
    assert "Her brother Marcus came to the meeting." in page.get_text()  # shown whole, never removed
    assert all(t.caption for t in page.select("table.govuk-table"))
    assert page.select_one("link[href$='subject-access.css']")


def test_showing_an_answer_again_and_each_download_are_recorded(signed_in, person_id, app):
    client, _ = signed_in("admin")
    answer_url = _answer(client, person_id).location
    client.get_page(answer_url)
    client.get_page(answer_url)
    assert len(_events(app, "person.subject_access.view")) == 1

    download = client.get(answer_url + "/bundle.json")
    assert download.status_code == 200 and download.mimetype == "application/json"
    assert "attachment" in download.headers["Content-Disposition"]
    bundle = json.loads(download.get_data(as_text=True))
    assert bundle["subject"]["id"] == person_id and bundle["request"]["purpose"] == "The person, by email"
    assert "person.subject_access" in [e["action"] for e in bundle["disclosure_log"]]

    copy = client.get(answer_url + "/bundle.html")
    assert copy.status_code == 200 and copy.mimetype == "text/html"
    text = copy.get_data(as_text=True)
    assert "<style>" in text and "<link" not in text and "<script" not in text  # one self-contained file
    assert "Her brother <mark" in text and "Review before release" in text
    assert sorted(e.details["format"] for e in _events(app, "person.subject_access.download")) == ["html", "json"]


def test_an_answer_is_reached_only_through_its_own_person(signed_in, person_id, make_contract, app):
    client, _ = signed_in("admin")
    answer_url = _answer(client, person_id).location
    request_id = answer_url.rsplit("/", 1)[1]
    with app.app_context():
        other = db.session.get(Contract, make_contract()).person_id
    for url in (f"/people/{other}/subject-access/{request_id}",
                f"/people/{other}/subject-access/{request_id}/bundle.json",
                f"/people/{person_id}/subject-access/{int(request_id) + 1}/bundle.html"):
        assert client.get(url).status_code == 404, url


def test_earlier_requests_are_listed_on_the_form_with_their_deadlines(signed_in, person_id):
    client, _ = signed_in("admin")
    client.post_form(f"/people/{person_id}/subject-access", {**_received(clock.today() - timedelta(days=40)),
                                                            "purpose": "Late one", "identity_checked": "yes"})
    page = client.get_page(f"/people/{person_id}/subject-access")
    row = page.select_one("table.govuk-table tbody tr").get_text(" ", strip=True)
    assert "Late one" in row and "Late" in row
