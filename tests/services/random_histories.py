"""Random histories of cases made through the services, for the tests that compare counters kept change by change
with a full recount of the cases. Hypothesis draws the steps (`random_steps`: an action and a seed for its own
choices); `play` makes them in order, committing, rolling back and checking where the steps say, and starts a new
history (with new users) after a rollback or a step the services refuse. `RandomHistory` holds what every history
does (draw, pick a row, merge two people, erase one); `CaseHistory` makes Checkpoint referrals, contracts,
outcomes, navigator changes, DIVERT referrals and events for people of a few names and birth dates, so that one
person often has several cases and their details are corrected by a later one."""
from __future__ import annotations

import os
import random
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings, strategies as st

from diversion import clock
from diversion.errors import Conflict, NotFound, ValidationFailed
from diversion.extensions import db
from diversion.models import CheckpointReferral, Contract, DivertReferral, Person
from diversion.services import allocation, contracts, divert, erasure, merges
from tests import factories

TODAY = date(2026, 6, 30)
# The periods the report counters are compared over: the whole history and more, a year, some weeks, one day.
PERIODS = [(date(2024, 1, 1), date(2027, 12, 31)), (date(2025, 7, 1), date(2026, 6, 30)),
           (date(2026, 2, 14), date(2026, 4, 3)), (date(2026, 6, 30), date(2026, 6, 30))]
ETHNICITIES = ["white_british", "asian_indian", "black_african", "not_stated"]
GENDERS = ["female", "male", "not_stated"]
NAMES = ["Ana Ray", "Ben Cole", "Cat Dunn", "Dev Shah", "Eve Roe"]
BIRTHS = [date(1990, 3, 1), date(2002, 6, 30), date(1960, 12, 31), date(2007, 8, 1)]


@pytest.fixture
def frozen(app_context):
    """The app's context, the clock at noon on TODAY."""
    clock.freeze(datetime(2026, 6, 30, 12, tzinfo=timezone.utc))
    yield


def random_steps(actions: list[str], *, max_size: int):
    """From 4 to `max_size` steps, each an action (a step of the history, or commit, rollback or check) and a seed."""
    return st.lists(st.tuples(st.sampled_from(actions), st.integers(0, 2**32)), min_size=4, max_size=max_size)


def examples(variable: str, default: int, **more) -> settings:
    """`default` examples (or as many as the environment's `variable` says), with no deadline: each is slow, and the
    function-scoped fixture (the database) carries over from one example to the next, as the steps expect."""
    return settings(max_examples=int(os.environ.get(variable, str(default))), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], **more)


def play(steps, new_history, *, after_refusal=lambda: None):
    """Makes the steps on `new_history()`, yielding at each "check" the steps played so far (that one the last). A
    rollback, or a step the services refuse (rolled back: the view would), starts a new history."""
    history = new_history()
    for played, (step, seed) in enumerate(steps, start=1):
        history.rng.seed(seed)
        if step == "commit":
            db.session.commit()
        elif step == "rollback":
            db.session.rollback()
            history = new_history()
        elif step == "check":
            yield steps[:played]
        else:
            try:
                getattr(history, step)()
            except (ValidationFailed, Conflict, NotFound):
                db.session.rollback()  # a refused step changes nothing (the view would roll back)
                after_refusal()
                history = new_history()


class RandomHistory:
    """Each step's choices come from a seed drawn for it (so hypothesis draws the same amount whatever the state of
    the database, which carries over from one example to the next when a step commits)."""

    first_day = date(2025, 6, 1)  # the earliest day a case is made on

    def __init__(self):
        self.rng = random.Random(0)
        self.officer, self.provider, self.admin = (factories.user(r) for r in ("custody_officer", "provider", "admin"))

    def draw(self, choices):
        return self.rng.choice(list(choices))

    def day(self, earliest: date | None = None) -> date:
        earliest = earliest or self.first_day
        return earliest + timedelta(days=self.rng.randint(0, max((TODAY - earliest).days, 0)))

    def pick(self, model, *conditions):
        ids = db.session.scalars(sa.select(model.id).where(*conditions).order_by(model.id)).all()
        return db.session.get(model, self.draw(ids)) if ids else None

    def merge(self):
        kept, other = self.pick(Person), self.pick(Person)
        if kept is not None and other is not None and kept.id != other.id:
            merges.merge(kept.id, other.id, {"reason": "The same person", "version": kept.version,
                                             "other_version": other.version}, actor=self.admin)

    def erase(self):
        person = self.pick(Person)
        if person is not None:
            erasure.erase(person, actor=self.admin, reason="No policing purpose")


class CaseHistory(RandomHistory):
    def __init__(self):
        super().__init__()
        self.navigators = [factories.user("navigator") for _ in range(2)]

    def person_fields(self) -> dict:
        given, family = self.draw(NAMES).split()
        return {"person.given_name": given, "person.family_name": family,
                "person.date_of_birth": self.draw(BIRTHS).isoformat(),
                "person.gender": self.draw(GENDERS),
                "person.ethnicity": self.draw(ETHNICITIES),
                # the same name and birth date is the same person: their gender or ethnicity may be corrected
                "person.new_person": None}

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
        fields = self.person_fields()
        fields.pop("person.new_person")
        divert.create(factories.divert_payload(
            referral_date=self.day().isoformat(), source=self.draw(["street", "custody"]),
            substance=self.draw(["cannabis", "cocaine"]), **fields), actor=self.officer)

    def divert_event(self):
        referral = self.pick(DivertReferral)
        if referral is not None:
            event = self.draw(["contacted", "assessment_booked", "assessed", "completed", "declined", "disengaged"])
            divert.record_event(referral, {"event": event, "date": self.day(referral.referral_date).isoformat()},
                                actor=self.provider)
