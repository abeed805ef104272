"""The rules for appointments: what a booking needs, when attendance may be recorded, what may be cancelled."""
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from diversion.domain import appointments as rules

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def test_a_good_booking_has_no_problem():
    assert rules.booking_problems(kind="navigator_meeting", location="Durham Community Hub", starts_at=NOW) == {}


def test_every_problem_with_a_booking_is_named_at_once():
    assert set(rules.booking_problems(kind="tea", location="  ", starts_at=None)) == {"kind", "location", "starts_at"}


@pytest.mark.parametrize("location, named", [
    ("x" * rules.LOCATION_MAX, False), ("x" * (rules.LOCATION_MAX + 1), True), ("Hub\x00", True), (None, True),
    (42, True)])
def test_the_location_is_text_of_200_characters_or_fewer(location, named):
    found = rules.booking_problems(kind="other", location=location, starts_at=NOW)
    assert ("location" in found) is named


def test_a_booked_appointment_may_be_recorded_once_it_has_started_and_not_before():
    assert rules.attendance_problem(rules.BOOKED, NOW, NOW) is None  # at the very minute it starts
    assert rules.attendance_problem(rules.BOOKED, NOW - timedelta(days=30), NOW) is None  # long after
    assert "once the appointment has started" in rules.attendance_problem(rules.BOOKED, NOW + timedelta(minutes=1), NOW)


@pytest.mark.parametrize("status", [rules.ATTENDED, rules.MISSED, rules.CANCELLED])
def test_attendance_is_recorded_once_and_never_on_a_cancelled_appointment(status):
    assert rules.attendance_problem(status, NOW - timedelta(hours=1), NOW) == (
        f"This appointment is already {rules.STATUS_LABELS[status].lower()}")


def test_only_a_booked_appointment_can_be_cancelled():
    assert rules.cancel_problem(rules.BOOKED) is None
    assert all(rules.cancel_problem(s) for s in (rules.ATTENDED, rules.MISSED, rules.CANCELLED))


def test_a_time_on_the_wall_clock_is_british_summer_time_in_summer_and_gmt_in_winter():
    assert rules.local_start(date(2026, 7, 1), 14, 30).astimezone(UTC) == datetime(2026, 7, 1, 13, 30, tzinfo=UTC)
    assert rules.local_start(date(2026, 12, 1), 14, 30).astimezone(UTC) == datetime(2026, 12, 1, 14, 30, tzinfo=UTC)


def test_the_day_the_clocks_go_back_is_25_hours_long():
    start, end = rules.day_bounds(date(2026, 10, 25))
    assert end - start == timedelta(hours=25)
    assert start.astimezone(UTC) == datetime(2026, 10, 24, 23, 0, tzinfo=UTC)


@pytest.mark.parametrize("hour, minute, problem", [
    ("14", "30", None), ("0", "0", None), ("23", "59", None), ("", "", "Enter the time of the appointment"),
    ("14", "", "The time must include a minute"), ("", "30", "The time must include an hour"),
    ("24", "00", "Enter a real time on the 24-hour clock, like 14 30"), ("9", "60", "Enter a real time on the 24-hour clock, like 14 30"),
    ("²", "00", "Enter a real time on the 24-hour clock, like 14 30"), ("two", "30", "Enter a real time on the 24-hour clock, like 14 30")])
def test_a_typed_time_is_an_hour_and_a_minute_on_the_24_hour_clock(hour, minute, problem):
    assert rules.time_problem(hour, minute) == problem


def test_a_contracts_appointments_are_listed_upcoming_soonest_first_then_past_latest_first():
    made = [SimpleNamespace(id=i, starts_at=NOW + timedelta(days=d)) for i, d in enumerate([-3, 2, -1, 5, 0])]
    upcoming, past = rules.split(made, NOW)
    assert [a.id for a in upcoming] == [4, 1, 3]  # an appointment starting now is still upcoming
    assert [a.id for a in past] == [2, 0]
