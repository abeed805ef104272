"""Making people whose cases ended on chosen days, through the services (the clock frozen on each day), for the
retention review tests."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, date, datetime, time

from diversion import clock
from diversion.services import divert
from tests import factories


@contextmanager
def on(day: date):
    """The app's clock at midday (UTC) on `day`, then back to the real time."""
    clock.freeze(datetime.combine(day, time(12), tzinfo=UTC))
    try:
        yield
    finally:
        clock.freeze(None)


def divert_ended(officer, provider, day: date, *, event: str = "declined", **person):
    """A DIVERT referral made on `day` and ended by `event` the same day (completed after contact and assessment
    that day); a new person unless `person` says."""
    with on(day):
        overrides = {f"person.{k}": v for k, v in {"new_person": True, "date_of_birth": "1985-07-04", **person}.items()}
        referral = divert.create(factories.divert_payload(**overrides), actor=officer)
        path = ["contacted", "assessed", "completed"] if event == "completed" else [event]
        for step in path:
            divert.record_event(referral, {"event": step, "date": day.isoformat()}, actor=provider)
    return referral


def divert_open(officer, day: date, **person):
    with on(day):
        overrides = {f"person.{k}": v for k, v in {"new_person": True, "date_of_birth": "1985-07-04", **person}.items()}
        return divert.create(factories.divert_payload(**overrides), actor=officer)
