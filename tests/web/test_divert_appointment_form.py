"""The provider's event form asks when a booked assessment is (date and time) and the referral shows it."""
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup

from diversion import clock
from diversion.divert.appointment_field import read_time
from diversion.extensions import db
from diversion.services import divert
from tests import factories


@pytest.fixture
def contacted(app, make_user):
    with app.app_context():
        officer, provider = factories.user(role="custody_officer"), factories.user(role="provider")
        referral = divert.create(factories.divert_payload(), actor=officer)
        divert.record_event(referral, {"event": "contacted", "date": clock.today().isoformat()}, actor=provider)
        db.session.commit()
        return referral.id


def _post(client, referral_id, **fields):
    url = f"/divert/referrals/{referral_id}"
    page = client.get_page(url)
    today = clock.today()
    form = {"event": "assessment_booked", "date-day": str(today.day), "date-month": str(today.month),
            "date-year": str(today.year), "version": page.select_one("input[name=version]")["value"], **fields}
    return client.post_form(f"{url}/events", form, form_page=url)


def test_a_booking_records_the_date_and_time_and_the_referral_shows_it(signed_in, contacted):
    client, _ = signed_in("provider")
    day = clock.today() + timedelta(days=3)
    response = _post(client, contacted, **{"appointment_at-date-day": str(day.day),
                                           "appointment_at-date-month": str(day.month),
                                           "appointment_at-date-year": str(day.year), "appointment_at-time": "2:30pm"})
    assert response.status_code == 302
    page = client.get_page(f"/divert/referrals/{contacted}")
    rows = {row.dt.get_text(strip=True): row.dd.get_text(strip=True) for row in page.select(".govuk-summary-list__row")}
    assert rows["Assessment"] == f"{day.day} {day:%B %Y} at 2:30pm"
    timeline = page.select_one(".moj-timeline").get_text(" ", strip=True)
    assert f"Assessment on {day.day} {day:%B %Y} at 2:30pm" in timeline


def test_a_booking_without_a_date_or_time_is_asked_again(signed_in, contacted):
    client, _ = signed_in("provider")
    response = _post(client, contacted)
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#appointment_at-date-day"]
    day = clock.today()
    response = _post(client, contacted, **{"appointment_at-date-day": str(day.day),
                                           "appointment_at-date-month": str(day.month),
                                           "appointment_at-date-year": str(day.year), "appointment_at-time": "25:00"})
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#appointment_at-time"]
    assert "like 14:30" in page.select_one("#appointment_at-time-error").get_text()


@pytest.mark.parametrize("typed, expected", [("14:30", (14, 30)), ("9.05", (9, 5)), ("2:30pm", (14, 30)),
                                             ("12am", (0, 0)), ("12 pm", (12, 0)), ("10AM", (10, 0))])
def test_times_are_read_as_people_type_them(typed, expected):
    assert (read_time(typed).hour, read_time(typed).minute) == expected


@pytest.mark.parametrize("typed", ["", "14", "24:00", "13pm", "9:60", "noon", "0am"])
def test_unreadable_times_are_refused(typed):
    assert read_time(typed) is None
