"""The demo data set is realistic, covers every status, and loads once.

`flask demo` loads it into the migrated schema once per run (tests/conftest.py's demo_template, which fails
if the command does); each test here starts from a copy of that and runs the command again."""
import pytest
import sqlalchemy as sa

from diversion import clock
from diversion.extensions import db
from diversion.models import CheckpointReferral, Contract, ContractAlert, DivertReferral, Note, Person, User


@pytest.fixture
def app(demo_app):
    """The demo data set, as `flask demo` has just loaded it."""
    return demo_app


def test_demo_loads_300_referrals_and_200_contracts_in_every_status_once(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0  # idempotent: loaded already
    with app.app_context():
        count = lambda model: db.session.scalar(sa.select(sa.func.count()).select_from(model))  # noqa: E731
        assert count(CheckpointReferral) == 392 and count(Contract) == 282  # 300, 2 in the identity stories, 90 (82 contracted) in the reoffending cohort
        statuses = dict(db.session.execute(sa.select(CheckpointReferral.status, sa.func.count())
                                           .group_by(CheckpointReferral.status)).all())
        assert set(statuses) == {"ineligible", "declined", "awaiting_navigator", "awaiting_approval", "not_approved",
                                 "contracted"}
        ended = dict(db.session.execute(sa.select(Contract.status, sa.func.count()).group_by(Contract.status)).all())
        assert set(ended) == {"active", "completed", "breached", "discontinued"}
        overdue = db.session.scalar(sa.select(sa.func.count()).select_from(Contract).where(
            Contract.status == "active", Contract.deadline < clock.today()))
        assert overdue > 0
        navigators = db.session.scalar(sa.select(sa.func.count(sa.distinct(Contract.navigator_id))))
        assert navigators == 4
        assert count(Note) >= 400
        assert db.session.scalar(sa.select(sa.func.count(sa.distinct(Person.ethnicity)))) >= 10
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 8
        # One person, one record: someone found again without accents or PNC id, two records of one person
        # for an administrator to merge, and new referrals alerting the demo navigator.
        assert db.session.scalar(sa.select(sa.func.count()).select_from(DivertReferral)
                                 .where(DivertReferral.identity_match == "name_match")) >= 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckpointReferral)
                                 .where(CheckpointReferral.identity_match == "new_person")) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ContractAlert)) == 2
        # Needs and suitability (issue 12): every contract assessed once, ended ones reviewed, officers' views.
        from diversion.models import NeedScore, NeedsAssessment
        assert count(NeedsAssessment) == count(Contract)  # every contract, the earlier cohort's too
        assert db.session.scalar(sa.select(sa.func.count()).select_from(NeedsAssessment).where(
            NeedsAssessment.reviewed_at.is_not(None))) == ended["completed"] + ended["breached"] + ended["discontinued"]
        assert {s for (s,) in db.session.execute(sa.select(NeedScore.review_result).distinct())} == {
            None, "met", "reduced", "unchanged"}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckpointReferral).where(
            CheckpointReferral.suitability == "suitable")) >= 200


def test_demo_appointments_show_every_status_a_slipping_contract_and_the_demo_navigators_day(app):
    from diversion.models import Appointment
    from diversion.services import appointments, risk

    runner = app.test_cli_runner()
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Appointment))
        statuses = dict(db.session.execute(sa.select(Appointment.status, sa.func.count())
                                           .group_by(Appointment.status)).all())
        assert set(statuses) == {"booked", "attended", "missed", "cancelled"}
        navigator = db.session.scalars(sa.select(User).where(User.email == "navigator@example.org")).one()
        assert len(appointments.day(navigator, clock.today())) >= 3
        held = db.session.scalars(sa.select(Contract).where(Contract.navigator_id == navigator.id,
                                                            Contract.status == "active")).all()
        levels = [r.level for r in risk.for_contracts(held).values()]
        assert levels.count("high") >= 2 and "medium" in levels and "low" in levels
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Appointment)) == before  # loaded once
