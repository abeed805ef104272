"""DIVERT referrals keep two facts for the provider's lists: the booked assessment still to come
(`next_appointment_at`) and the day the referral reached its status (`status_since`)."""
from datetime import date, datetime, timedelta, timezone

import pytest

from diversion import clock
from diversion.domain import divert as rules
from diversion.extensions import db
from diversion.services import divert
from tests import factories

REFERRAL_DAY = date(2026, 11, 2)  # a Monday
SOON = datetime(2026, 11, 20, 10, 30, tzinfo=timezone.utc)
LATER = datetime(2026, 11, 27, 14, 0, tzinfo=timezone.utc)


@pytest.fixture
def world(app_context):
    clock.freeze(datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc))
    officer, provider = factories.user(role="custody_officer"), factories.user(role="provider")
    referral = divert.create(factories.divert_payload(referral_date=REFERRAL_DAY.isoformat()), actor=officer)

    def record(event, on, **extra):
        divert.record_event(referral, {"event": event, "date": on.isoformat(), **extra}, actor=provider)
        return referral
    return referral, record


def test_a_new_referral_has_been_at_its_status_since_its_referral_date(world):
    referral, _ = world
    assert referral.status_since == REFERRAL_DAY and referral.next_appointment_at is None


def test_status_since_moves_only_when_the_status_moves(world):
    referral, record = world
    record("contact_failed", date(2026, 11, 3))
    assert referral.status_since == REFERRAL_DAY  # still referred
    record("contacted", date(2026, 11, 4))
    assert referral.status_since == date(2026, 11, 4)
    record("assessment_booked", date(2026, 11, 5), appointment_at=SOON.isoformat())
    record("assessment_booked", date(2026, 11, 9), appointment_at=LATER.isoformat())  # a rebooking
    assert referral.status_since == date(2026, 11, 5)


def test_a_booking_sets_the_next_appointment_and_a_rebooking_replaces_it(world):
    referral, record = world
    record("contacted", date(2026, 11, 4))
    record("assessment_booked", date(2026, 11, 5), appointment_at=SOON.isoformat())
    assert referral.next_appointment_at == SOON
    record("onward_referral", date(2026, 11, 6), onward_to="housing")  # stays booked
    assert referral.next_appointment_at == SOON
    record("assessment_booked", date(2026, 11, 9), appointment_at=LATER.isoformat())
    assert referral.next_appointment_at == LATER
    record("assessment_booked", date(2026, 11, 10))  # rebooked, time not yet fixed
    assert referral.next_appointment_at is None


@pytest.mark.parametrize("event, status", [("assessed", "assessed"), ("declined", "declined"),
                                           ("disengaged", "disengaged"), ("did_not_attend", "assessment_booked")])
def test_the_next_appointment_is_cleared_when_it_has_passed_or_the_referral_moves_on(world, event, status):
    referral, record = world
    record("contacted", date(2026, 11, 4))
    record("assessment_booked", date(2026, 11, 5), appointment_at=SOON.isoformat())
    record(event, date(2026, 11, 16))
    assert referral.status == status and referral.next_appointment_at is None
    db.session.refresh(referral)
    assert referral.next_appointment_at is None


def test_the_event_keeps_its_appointment_time(world):
    referral, record = world
    record("contacted", date(2026, 11, 4))
    record("assessment_booked", date(2026, 11, 5), appointment_at="2026-11-20T10:30:00+00:00")
    db.session.expire_all()
    assert [e.appointment_at for e in referral.events] == [None, SOON]


def test_the_rules_for_the_next_appointment():
    assert rules.next_appointment(None, "assessment_booked", "assessment_booked", SOON) == SOON
    assert rules.next_appointment(SOON, "onward_referral", "assessment_booked", None) == SOON
    assert rules.next_appointment(SOON, "did_not_attend", "assessment_booked", None) is None
    assert rules.next_appointment(SOON, "assessed", "assessed", None) is None
    assert rules.status_since(REFERRAL_DAY, "referred", "referred", date(2026, 11, 3)) == REFERRAL_DAY
    assert rules.status_since(REFERRAL_DAY, "referred", "contacted", date(2026, 11, 3)) == date(2026, 11, 3)
