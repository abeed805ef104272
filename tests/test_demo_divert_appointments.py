"""The DIVERT demo gives the provider booked assessments to see: every booking has its time, and referrals
still booked have theirs ahead, some in the coming week."""
from datetime import timedelta

import sqlalchemy as sa

from diversion import clock
from diversion.demo import divert as demo
from diversion.extensions import db
from diversion.models import DivertEvent, DivertReferral
from tests import factories


def test_booked_referrals_have_appointments_some_in_the_coming_week(app_context):
    demo.load(factories.user(role="custody_officer"), factories.user(role="provider"), count=300)
    bookings = db.session.scalars(sa.select(DivertEvent).where(DivertEvent.event == "assessment_booked")).all()
    assert bookings and all(event.appointment_at is not None for event in bookings)
    booked = db.session.scalars(sa.select(DivertReferral).where(DivertReferral.status == "assessment_booked")).all()
    assert booked and all(r.next_appointment_at is not None for r in booked)
    week = clock.now() + timedelta(days=7)
    assert any(clock.today() <= r.next_appointment_at.date() and r.next_appointment_at <= week for r in booked)
    assert all(r.status_since is not None for r in db.session.scalars(sa.select(DivertReferral)))
