"""The report counters (services/rollups.py) give exactly the figures of a full recount (services/report_recount.py)
after random histories made through the services: referrals, contracts, outcomes, navigator changes, DIVERT
referrals and events, a person's details corrected by a later referral, merges, erasures, commits and rollbacks.
Run on SQLite and, with DATABASE_URL, on PostgreSQL."""
from datetime import date, datetime, timedelta, timezone

import random

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings, strategies as st

from diversion import clock
from diversion.errors import Conflict, NotFound, ValidationFailed
from diversion.extensions import db
from diversion.models import CheckpointReferral, Contract, DivertReferral, Person, ReportCount
from diversion.services import (allocation, contracts, divert, erasure, merges, report_recount, reports, rollups)
from tests import factories

TODAY = date(2026, 6, 30)
PERIODS = [(date(2024, 1, 1), date(2027, 12, 31)), (date(2025, 7, 1), date(2026, 6, 30)),
           (date(2026, 2, 14), date(2026, 4, 3)), (date(2026, 6, 30), date(2026, 6, 30))]
ETHNICITIES = ["white_british", "asian_indian", "black_african", "not_stated"]
GENDERS = ["female", "male", "not_stated"]
NAMES = ["Ana Ray", "Ben Cole", "Cat Dunn", "Dev Shah", "Eve Roe"]
BIRTHS = [date(1990, 3, 1), date(2002, 6, 30), date(1960, 12, 31), date(2007, 8, 1)]
ACTIONS = ["referral", "referral", "contract", "contract", "outcome", "reassign", "divert", "divert_event",
           "divert_event", "merge", "erase", "commit", "rollback", "check"]


def assert_counters_match():
    for start, end in PERIODS:
        for group in (None, *reports.CHECKPOINT_GROUPS):
            assert reports.checkpoint(start, end, group) == report_recount.checkpoint(start, end, group), (start, group)
        for group in (None, *reports.DIVERT_GROUPS):
            assert reports.divert(start, end, group) == report_recount.divert(start, end, group), (start, group)
        assert reports.monthly_checkpoint(start, end) == report_recount.monthly_checkpoint(start, end)


class History:
    """Each step's choices come from a seed drawn for it (so hypothesis draws the same amount whatever the state of
    the database, which carries over from one example to the next when a step commits)."""

    def __init__(self):
        self.rng = random.Random(0)
        self.officer, self.provider, self.admin = (factories.user(r) for r in ("custody_officer", "provider", "admin"))
        self.navigators = [factories.user("navigator") for _ in range(2)]

    def draw(self, choices):
        return self.rng.choice(list(choices))

    def day(self, earliest: date = date(2025, 6, 1)) -> date:
        span = (TODAY - earliest).days
        return earliest + timedelta(days=self.rng.randint(0, max(span, 0)))

    def person_fields(self) -> dict:
        given, family = self.draw(NAMES).split()
        return {"person.given_name": given, "person.family_name": family,
                "person.date_of_birth": self.draw(BIRTHS).isoformat(),
                "person.gender": self.draw(GENDERS),
                "person.ethnicity": self.draw(ETHNICITIES),
                # the same name and birth date is the same person: their gender or ethnicity may be corrected
                "person.new_person": None}

    def pick(self, model, *conditions):
        ids = db.session.scalars(sa.select(model.id).where(*conditions).order_by(model.id)).all()
        return db.session.get(model, self.draw(ids)) if ids else None

    def referral(self):
        on = self.day()
        category = self.draw(["theft", "criminal_damage", "public_order"])
        factories.referral(self.officer, referral_date=on.isoformat(), **self.person_fields(),
                           **{"offence.offence_date": on.replace(day=1).isoformat(), "offence.category": category})

    def contract(self):
        referral = self.pick(CheckpointReferral, CheckpointReferral.eligible.is_(True),
                             CheckpointReferral.status != "contracted")
        if referral is not None:
            factories.contract(referral, self.draw(self.navigators),
                               start_date=self.day(referral.referral_date).isoformat(), conditions=[])

    def outcome(self):
        contract = self.pick(Contract, Contract.status == "active")
        if contract is None:
            return
        outcome = self.draw(["completed", "breached", "discontinued"])
        on = contract.deadline if outcome == "completed" else self.day(contract.start_date)
        reason = {"breached": self.draw(["reoffended", "condition_failed", "withdrew_consent"]),
                  "discontinued": "not_in_public_interest"}.get(outcome)
        clock.freeze(datetime.combine(max(TODAY, on), datetime.min.time(), timezone.utc) + timedelta(hours=12))
        try:
            contracts.record_outcome(contract, {"outcome": outcome, "date": on.isoformat(), "reason": reason,
                                                "details": "Recorded in a test", "version": contract.version},
                                     actor=contract.navigator)
        finally:
            clock.freeze(datetime(2026, 6, 30, 12, tzinfo=timezone.utc))

    def reassign(self):
        contract = self.pick(Contract, Contract.status == "active")
        if contract is not None:
            other = next(n for n in self.navigators if n.id != contract.navigator_id)
            allocation.reassign(contract, {"version": contract.version, "reason": "Leaving the team",
                                           "navigator_id": str(other.id)}, actor=self.admin)

    def divert(self):
        fields = {k.replace("person.", "person.", 1): v for k, v in self.person_fields().items()}
        fields.pop("person.new_person")
        divert.create(factories.divert_payload(
            referral_date=self.day().isoformat(), source=self.draw(["street", "custody"]),
            substance=self.draw(["cannabis", "cocaine"]), **fields), actor=self.officer)

    def divert_event(self):
        referral = self.pick(DivertReferral)
        if referral is not None:
            event = self.draw((["contacted", "assessment_booked", "assessed", "completed",
                                               "declined", "disengaged"]))
            divert.record_event(referral, {"event": event, "date": self.day(referral.referral_date).isoformat()},
                                actor=self.provider)

    def merge(self):
        kept, other = self.pick(Person), self.pick(Person)
        if kept is not None and other is not None and kept.id != other.id:
            merges.merge(kept.id, other.id, {"reason": "The same person", "version": kept.version,
                                             "other_version": other.version}, actor=self.admin)

    def erase(self):
        person = self.pick(Person)
        if person is not None:
            erasure.erase(person, actor=self.admin, reason="No policing purpose")


@pytest.fixture
def frozen(app_context):
    clock.freeze(datetime(2026, 6, 30, 12, tzinfo=timezone.utc))
    yield


@settings(max_examples=int(__import__("os").environ.get("ROLLUP_EXAMPLES", "12")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, 2**32)), min_size=4, max_size=18))
def test_counters_equal_a_full_recount_after_random_histories(frozen, steps):
    history = History()
    for step, seed in steps:
        history.rng.seed(seed)
        if step == "commit":
            db.session.commit()
        elif step == "rollback":
            db.session.rollback()
            history = History()
        elif step == "check":
            assert_counters_match()
        else:
            try:
                getattr(history, step)()
            except (ValidationFailed, Conflict, NotFound):
                db.session.rollback()  # a refused step changes nothing (the view would roll back)
                history = History()
    assert_counters_match()
    db.session.commit()
    assert_counters_match()


def test_rebuild_gives_the_counters_the_changes_kept(frozen):
    officer, navigator = factories.user("custody_officer"), factories.user("navigator")
    referral = factories.referral(officer, referral_date="2026-03-02", **{"offence.offence_date": "2026-03-01"})
    factories.contract(referral, navigator, start_date="2026-03-05", conditions=[])
    divert.create(factories.divert_payload(referral_date="2026-04-01"), actor=officer)
    db.session.commit()
    kept = sorted(db.session.execute(sa.select(ReportCount.__table__)).all())
    assert len(kept) > 50
    rollups.rebuild(db.session.connection())
    assert sorted(db.session.execute(sa.select(ReportCount.__table__)).all()) == kept
    assert report_recount.differences([(date(2026, 1, 1), date(2026, 12, 31))]) == []


def test_a_savepoint_rolled_back_keeps_the_outer_transactions_changes_counted(frozen):
    officer = factories.user("custody_officer")
    first = factories.referral(officer, referral_date="2026-03-02", **{"offence.offence_date": "2026-03-01",
                                                                       "person.ethnicity": "white_british"})
    second = factories.referral(officer, referral_date="2026-03-03", **{"offence.offence_date": "2026-03-01"})
    db.session.commit()
    first.person.ethnicity = "asian_indian"  # the outer transaction's change, pending
    db.session.flush()
    savepoint = db.session.begin_nested()
    second.person.ethnicity = "black_african"
    db.session.flush()
    savepoint.rollback()
    assert second.person.ethnicity != "black_african"
    db.session.commit()
    assert report_recount.differences([(date(2026, 1, 1), date(2026, 12, 31))]) == []
    assert reports.checkpoint(date(2026, 1, 1), date(2026, 12, 31), "ethnicity") == \
        report_recount.checkpoint(date(2026, 1, 1), date(2026, 12, 31), "ethnicity")
