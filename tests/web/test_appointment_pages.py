"""Appointment pages (revision 2, casework): the contract's Appointments section, booking, recording attendance,
cancelling, the note after a missed appointment, the letter; and the navigator's "Today" home page."""
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from diversion import clock
from diversion.extensions import db
from diversion.models import Appointment, Contract, Note, User
from diversion.services import appointments
from tests.web.test_intake_support import counting_statements

NOW = datetime(2026, 11, 27, 11, 0, tzinfo=UTC)  # Friday 27 November 2026, 11am in Durham (GMT)


@pytest.fixture(autouse=True)
def _frozen():
    clock.freeze(NOW)


@pytest.fixture
def book(app):
    """book(contract_id, hours_from_now, **fields) → appointment id, booked through the service."""
    def _book(contract_id, hours, status=None, **fields):
        with app.app_context():
            contract = db.session.get(Contract, contract_id)
            actor = contract.navigator
            made = appointments.book(contract, {"starts_at": (NOW + timedelta(hours=hours)).isoformat(),
                                                "kind": "navigator_meeting", "location": "Durham Community Hub",
                                                **fields}, actor=actor)
            if status in ("attended", "missed"):
                appointments.record_attendance(contract, made.id, {"attended": status == "attended",
                                                                   "version": made.version}, actor=actor)
            elif status == "cancelled":
                appointments.cancel(contract, made.id, {"reason": "Ill", "version": made.version}, actor=actor)
            db.session.commit()
            return made.id
    return _book


def _appointment(app, appointment_id):
    with app.app_context():
        return db.session.get(Appointment, appointment_id)


def _time_form(day, hour="14", minute="30", **overrides):
    form = {"date-day": str(day.day), "date-month": str(day.month), "date-year": str(day.year),
            "time-hour": hour, "time-minute": minute, "kind": "pathway_session",
            "location": "Recovery Hub, Claypath", "condition_id": ""}
    form.update(overrides)
    return form


# --- The contract page -----------------------------------------------------------------------------------------

def test_the_contract_page_lists_upcoming_appointments_soonest_first_then_past_latest_first(signed_in, make_contract,
                                                                                            book):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    later, sooner = book(contract_id, 48), book(contract_id, 2)
    long_ago, recent = book(contract_id, -72, status="attended"), book(contract_id, -24, status="missed")
    waiting = book(contract_id, -1)
    page = client.get_page(f"/contracts/{contract_id}")
    upcoming, past = page.select("table.app-appointments")
    assert upcoming.caption.get_text(strip=True).startswith("Upcoming")
    assert [r["id"] for r in upcoming.select("tbody tr")] == [f"appointment-{sooner}", f"appointment-{later}"]
    assert [r["id"] for r in past.select("tbody tr")] == [f"appointment-{i}" for i in (waiting, recent, long_ago)]
    tags = {r["id"]: r.select_one(".app-appointment-tag").get_text(strip=True) for r in page.select("tbody tr[id]")}
    assert tags[f"appointment-{sooner}"] == "Booked" and tags[f"appointment-{recent}"] == "Missed"
    assert tags[f"appointment-{long_ago}"] == "Attended" and tags[f"appointment-{waiting}"] == "To record"
    links = [a.get_text(" ", strip=True) for a in page.select(f"#appointment-{waiting} a")]
    assert links[0].startswith("Record attendance")
    assert not any(a.get_text().startswith("Record attendance") for a in page.select(f"#appointment-{sooner} a"))
    assert page.select_one("#appointments ~ p a")["href"] == f"/contracts/{contract_id}/appointments/new"


# --- Booking ---------------------------------------------------------------------------------------------------

def test_booking_takes_a_uk_date_and_time_and_goes_back_to_the_contract(signed_in, make_contract, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    url = f"/contracts/{contract_id}/appointments/new"
    page = client.get_page(url)
    assert page.h1.get_text(strip=True) == "Book an appointment"
    assert {i["name"] for i in page.select("form input")} >= {"date-day", "date-month", "date-year", "time-hour",
                                                              "time-minute", "kind", "location"}
    options = [o.get_text() for o in page.select("#condition_id option")]
    assert options[0] == "Not for a particular condition" and not any("offend" in o for o in options)
    unpaid = [o["value"] for o in page.select("#condition_id option") if "food bank" in o.get_text().lower()][0]
    summer = datetime(2027, 7, 1).date()
    response = client.post_form(url, _time_form(summer, condition_id=unpaid))
    assert response.status_code == 302 and response.location.endswith(f"/contracts/{contract_id}#appointments")
    with app.app_context():
        [made] = db.session.scalars(sa.select(Appointment)).all()
        assert made.starts_at == datetime(2027, 7, 1, 13, 30, tzinfo=UTC)  # 2:30pm British Summer Time
        assert (made.kind, made.location, made.condition_id, made.status) == (
            "pathway_session", "Recovery Hub, Claypath", int(unpaid), "booked")
    assert "Appointment booked" in client.get_page(f"/contracts/{contract_id}").get_text()


def test_every_problem_with_a_booking_is_in_the_error_summary_and_the_input_is_kept(signed_in, make_contract):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    page = client.post_page(f"/contracts/{contract_id}/appointments/new", {
        "date-day": "30", "date-month": "2", "date-year": "2027", "time-hour": "25", "time-minute": "00",
        "location": "x" * 201})
    assert page.title.get_text().startswith("Error: ")
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == [
        "#date-day", "#time-hour", "#kind", "#location"]
    assert page.select_one("#time-hour")["value"] == "25" and page.select_one("#location")["value"] == "x" * 201


def test_nul_in_the_location_is_a_field_error_not_a_crash(signed_in, make_contract, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    page = client.post_page(f"/contracts/{contract_id}/appointments/new",
                            _time_form(NOW.date(), location="Hub\x00"))
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#location"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Appointment)) == 0


def test_an_ended_contract_offers_no_booking(signed_in, make_contract, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    with app.app_context():
        contract = db.session.get(Contract, contract_id)
        contract.status = "discontinued"
        db.session.commit()
    assert not client.get_page(f"/contracts/{contract_id}").select(f"a[href$='/appointments/new']")
    page = client.post_page(f"/contracts/{contract_id}/appointments/new", _time_form(NOW.date()))
    assert "only on an open contract" in page.select_one("#conflict").get_text()


# --- Attendance ------------------------------------------------------------------------------------------------

def test_attendance_is_not_offered_before_the_appointment_starts(signed_in, make_contract, book, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    soon = book(contract_id, 1)
    url = f"/contracts/{contract_id}/appointments/{soon}/attendance"
    page = client.get_page(url)
    assert page.select_one("form input[name=attended]") is None
    assert "once the appointment has started" in page.select_one(".govuk-inset-text").get_text()
    page = client.post_page(url, {"attended": "yes", "version": "1"}, form_page=f"/contracts/{contract_id}")
    assert "once the appointment has started" in page.select_one("#conflict").get_text()
    assert _appointment(app, soon).status == "booked"


def test_recording_attended_goes_back_to_the_contract(signed_in, make_contract, book, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    made = book(contract_id, -1)
    url = f"/contracts/{contract_id}/appointments/{made}/attendance"
    legend = client.get_page(url).select_one("fieldset legend").get_text(strip=True)
    assert legend.startswith("Did ") and legend.endswith(" attend?")
    response = client.post_form(url, {"attended": "yes", "note": "Came on time", "version": "1"})
    assert response.location.endswith(f"/contracts/{contract_id}#appointments")
    stored = _appointment(app, made)
    assert (stored.status, stored.note, stored.recorded_by_id) == ("attended", "Came on time", navigator.id)


def test_a_missed_appointment_offers_a_missed_appointment_note(signed_in, make_contract, book, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    made = book(contract_id, -2)
    response = client.post_form(f"/contracts/{contract_id}/appointments/{made}/attendance",
                                {"attended": "no", "version": "1"})
    assert response.location.endswith(f"/contracts/{contract_id}/appointments/{made}/missed-note")
    page = client.get_page(response.location)
    assert page.select_one(".app-missed-recorded").get_text(" ", strip=True).startswith("Recorded as missed")
    assert page.h1.get_text(strip=True) == "Add a note about the missed appointment"
    blank = client.post_page(response.location, {"body": "  "})
    assert [a["href"] for a in blank.select(".govuk-error-summary a")] == ["#body"]
    done = client.post_form(response.location, {"body": "No answer on the phone; rebooked for Tuesday"})
    assert done.location.endswith(f"/contracts/{contract_id}#note")
    with app.app_context():
        note = db.session.scalars(sa.select(Note).where(Note.contract_id == contract_id)).one()
        assert (note.kind, note.body) == ("missed_appointment", "No answer on the phone; rebooked for Tuesday")
    assert _appointment(app, made).status == "missed"


def test_attendance_needs_an_answer_and_a_note_within_its_limit(signed_in, make_contract, book, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    made = book(contract_id, -1)
    url = f"/contracts/{contract_id}/appointments/{made}/attendance"
    page = client.post_page(url, {"note": "x" * 20_001, "version": "1"})
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#attended", "#note"]
    page = client.post_page(url, {"attended": "yes", "note": "a\x00b", "version": "1"})
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#note"]
    assert _appointment(app, made).status == "booked"


def test_a_stale_version_is_refused_and_changes_nothing(signed_in, make_contract, book, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    made = book(contract_id, -1)
    page = client.post_page(f"/contracts/{contract_id}/appointments/{made}/attendance",
                            {"attended": "no", "version": "7"})
    assert "Someone else changed this appointment" in page.select_one("#conflict").get_text()
    page = client.post_page(f"/contracts/{contract_id}/appointments/{made}/cancel", {"reason": "Ill", "version": "0"})
    assert "Someone else changed this appointment" in page.select_one("#conflict").get_text()
    assert _appointment(app, made).status == "booked"


# --- Cancelling ------------------------------------------------------------------------------------------------

def test_cancelling_needs_a_reason(signed_in, make_contract, book, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    made = book(contract_id, 24)
    url = f"/contracts/{contract_id}/appointments/{made}/cancel"
    page = client.post_page(url, {"reason": "", "version": "1"})
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#reason"]
    response = client.post_form(url, {"reason": "The hub is closed", "version": "1"})
    assert response.location.endswith(f"/contracts/{contract_id}#appointments")
    stored = _appointment(app, made)
    assert (stored.status, stored.cancel_reason) == ("cancelled", "The hub is closed")
    page = client.get_page(url)
    assert page.select_one("form textarea") is None and "already cancelled" in page.get_text()


# --- The letter ------------------------------------------------------------------------------------------------

def test_the_letter_gives_the_name_day_time_place_kind_and_navigator_without_inline_script(signed_in, make_contract,
                                                                                         book, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    made = book(contract_id, 72, kind="unpaid_work", location="Food bank, Gilesgate")  # Monday 30 Nov, 11am
    page = client.get_page(f"/contracts/{contract_id}/appointments/{made}/letter")
    with app.app_context():
        name = db.session.get(Contract, contract_id).person.full_name
    assert page.select_one(".app-print") is not None and name in page.get_text()
    assert page.select_one(".app-letter-date").get_text(strip=True) == "Monday 30 November 2026"
    assert page.select_one(".app-letter-time").get_text(strip=True) == "11:00am"
    assert page.select_one(".app-letter-place").get_text(strip=True) == "Food bank, Gilesgate"
    assert page.select_one(".app-letter-kind").get_text(strip=True) == "Unpaid work"
    assert page.select_one(".app-letter-navigator").get_text(strip=True) == navigator.name
    assert page.select("main script") == [] and all(script.get("nonce") for script in page.select("script"))


# --- Need to know ----------------------------------------------------------------------------------------------

def test_another_navigators_appointments_are_not_found(signed_in, make_contract, make_user, book):
    contract_id = make_contract()
    made = book(contract_id, -1)
    client, _ = signed_in("navigator")
    for path in ("appointments/new", f"appointments/{made}/attendance", f"appointments/{made}/cancel",
                 f"appointments/{made}/letter", f"appointments/{made}/missed-note"):
        client.get_page(f"/contracts/{contract_id}/{path}", expected_status=404)
    client.post_form(f"/contracts/{contract_id}/appointments/{made}/cancel", {"reason": "x", "version": "1"},
                     form_page="/", expected_status=404)


def test_an_appointment_is_found_only_on_its_own_contract(signed_in, make_contract, book):
    client, navigator = signed_in("navigator")
    mine, other = make_contract(navigator=navigator), make_contract(navigator=navigator)
    made = book(other, -1)
    client.get_page(f"/contracts/{mine}/appointments/{made}/attendance", expected_status=404)


def test_a_manager_may_book_on_any_contract(signed_in, make_contract):
    client, _ = signed_in("manager")
    contract_id = make_contract()
    response = client.post_form(f"/contracts/{contract_id}/appointments/new", _time_form(NOW.date()))
    assert response.status_code == 302


# --- Today ---------------------------------------------------------------------------------------------------

def _note(app, contract_id, kind, days_ago):
    from diversion.services import contracts

    with app.app_context():
        contract = db.session.get(Contract, contract_id)
        contracts.add_note(contract, {"kind": kind, "body": "Checked in",
                                      "occurred_at": (NOW - timedelta(days=days_ago)).isoformat()},
                           actor=contract.navigator)
        db.session.commit()


def _started(make_contract, navigator, days_ago):
    """A contract of `navigator`'s that started `days_ago` days ago (its referral that day)."""
    start = (NOW - timedelta(days=days_ago)).date()
    return make_contract(navigator=navigator, start_date=start.isoformat(), conditions=[  # no hours to fall behind on
        {"type": "pathway", "pathway": "alcohol", "description": "Attend four sessions with the alcohol service"}],
        referral_overrides={
        "referral_date": start.isoformat(), "offence.offence_date": (start - timedelta(days=1)).isoformat()})


def test_today_lists_the_days_appointments_with_attendance_links_once_started(signed_in, make_contract, book):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    earlier, later = book(contract_id, -2), book(contract_id, 3)
    book(contract_id, 24)  # tomorrow
    book(make_contract(), -1)  # someone else's
    page = client.get_page("/")
    assert page.h1.get_text(strip=True) == "Today"
    rows = page.select("#today-appointments tbody tr")
    assert [r["id"] for r in rows] == [f"today-{earlier}", f"today-{later}"]
    assert rows[0].select_one("a[href$='/attendance']")["href"] == (
        f"/contracts/{contract_id}/appointments/{earlier}/attendance")
    assert rows[1].select_one("a[href$='/attendance']") is None


def test_today_shows_who_is_due_for_contact_and_each_contracts_risk(signed_in, make_contract, book, app):
    client, navigator = signed_in("navigator")
    quiet = _started(make_contract, navigator, 20)
    rang = _started(make_contract, navigator, 20)
    _note(app, rang, "phone", 3)
    slipping = _started(make_contract, navigator, 10)
    book(slipping, -48, status="missed")
    book(slipping, -24, status="missed")
    page = client.get_page("/")
    due = [a["href"] for a in page.select("#due-for-contact a")]
    assert due == [f"/contracts/{quiet}"]
    risks = {r["id"]: r.select_one(".app-risk-tag").get_text(strip=True) for r in page.select("#risk tbody tr")}
    assert risks == {f"risk-{slipping}": "High risk", f"risk-{quiet}": "Medium risk", f"risk-{rang}": "Low risk"}
    assert [r["id"] for r in page.select("#risk tbody tr")][0] == f"risk-{slipping}"  # highest first
    assert "govuk-tag--red" in page.select_one(f"#risk-{slipping} .app-risk-tag")["class"]


def test_today_costs_the_same_number_of_statements_for_one_contract_or_many(signed_in, make_contract, book, app):
    client, navigator = signed_in("navigator")

    def statements():
        client.get_page("/")  # warm
        with counting_statements(app) as seen:
            client.get_page("/")
        return len(seen)

    first = _started(make_contract, navigator, 20)
    book(first, -1)
    few = statements()
    for n in range(6):
        contract_id = _started(make_contract, navigator, 20 - n)
        if n % 3:  # some with appointments today, some with none (nor any other way to have been read)
            book(contract_id, -1 - n, status="missed" if n % 2 else None)
            book(contract_id, n + 1)
        else:
            book(contract_id, -48, status="missed")
        _note(app, contract_id, "meeting", n)
    assert statements() == few


def test_the_api_day_list_and_today_agree(signed_in, make_contract, book, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    made = [book(contract_id, -3), book(contract_id, 4)]
    with app.app_context():
        from diversion.services import tokens

        _record, secret = tokens.issue(db.session.get(User, navigator.id), {"name": "t", "purpose": "t"}, actor=None)
        db.session.commit()
    listed = app.test_client().get("/api/v1/appointments", headers={"Authorization": f"Bearer {secret}"}).get_json()
    shown = [r["id"] for r in client.get_page("/").select("#today-appointments tbody tr")]
    assert [a["id"] for a in listed["items"]] == made and shown == [f"today-{i}" for i in made]
