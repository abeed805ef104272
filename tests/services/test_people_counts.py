"""The people counters (services/people_counts.py) give exactly the answers of the queries that count people from
the cases (services/report_recount.py: DIVERT people and repeats, people diverted by scheme, people seen more than
once) after random histories: referrals, contracts and DIVERT referrals crowded onto a few weeks (so one person
often has several cases on one day), merges, erasures, dates corrected, cases moved to another person and cases
deleted, with commits and rollbacks. Run on SQLite and, with DATABASE_URL, on PostgreSQL."""
from datetime import date, timedelta

import sqlalchemy as sa
from hypothesis import given

from diversion.extensions import db
from diversion.models import (CheckpointReferral, Contract, ContractAlert, DivertReferral, OnwardReferral,
                              PeopleEventCount, PeoplePairCount, Person, ReferralDraft, ReferralOutcome)
from diversion.services import divert, partnership, people_counts, report_recount, reports
from tests import factories
from tests.services.random_histories import (CaseHistory, examples, frozen,  # noqa: F401 (a fixture)
                                             play, random_steps)

EARLIEST = date(2026, 5, 10)
PERIODS = [(date(2024, 1, 1), date(2027, 12, 31)), (date(2026, 5, 1), date(2026, 5, 31)),
           (date(2026, 5, 20), date(2026, 6, 10)), (date(2026, 6, 30), date(2026, 6, 30)),
           (date(2026, 6, 1), date(2026, 6, 29))]
ACTIONS = ["referral", "contract", "divert", "divert", "divert_same_day", "merge", "erase", "correct_date",
           "move_case", "delete_case", "commit", "rollback", "check"]
CASES = {"checkpoint_referral": (CheckpointReferral, "referral_date"), "contract": (Contract, "start_date"),
         "divert_referral": (DivertReferral, "referral_date")}


def assert_people_match(extra=()):
    for start, end in (*PERIODS, *extra):
        assert people_counts.divert_people(start, end) == report_recount.divert_people(start, end), (start, end)
        assert people_counts.people_diverted(start, end) == report_recount.people_diverted(start, end), (start, end)
        assert people_counts.seen_more_than_once(start, end) == report_recount.seen_more_than_once(start, end), \
            (start, end)
        assert reports.divert(start, end) == report_recount.divert(start, end)
    figures = {**people_counts.divert_people(*PERIODS[0]), **people_counts.seen_more_than_once(*PERIODS[0])}
    assert all(type(value) is int for value in figures.values())  # a Decimal would reach the JSON as a string


class PeopleHistory(CaseHistory):
    """Cases on a few weeks' days, and changes no service makes today but the counters must follow (a date
    corrected, a case moved to another record or deleted), made through the ORM."""

    def day(self, earliest: date = EARLIEST) -> date:
        return super().day(max(earliest, EARLIEST))

    def divert_same_day(self):
        """Two DIVERT referrals of one person on one day."""
        on, fields = self.day().isoformat(), self.person_fields()
        fields.pop("person.new_person")
        for _ in range(2):
            divert.create(factories.divert_payload(referral_date=on, **fields), actor=self.officer)

    def _case(self):
        model, column = CASES[self.draw(sorted(CASES))]
        return self.pick(model), column

    def correct_date(self):
        case, column = self._case()
        if case is not None:
            setattr(case, column, self.day())
            db.session.flush()

    def move_case(self):
        (case, _), person = self._case(), self.pick(Person)
        if case is not None and person is not None:
            case.person_id = person.id
            db.session.flush()

    def delete_case(self):
        """A DIVERT referral with no events, or a Checkpoint referral with no contract, is deleted (in a savepoint)."""
        if self.rng.random() < 0.5:
            case = self.pick(DivertReferral, ~DivertReferral.events.any())
        else:
            case = self.pick(CheckpointReferral, ~CheckpointReferral.contract.has())
        if case is None:
            return
        column = "divert_referral_id" if isinstance(case, DivertReferral) else "checkpoint_referral_id"
        try:
            with db.session.begin_nested():  # a row still referring to it refuses the delete: nothing changes
                for model in (ReferralOutcome, ContractAlert, ReferralDraft, OnwardReferral):
                    if hasattr(model, column if model is not ReferralDraft else "submitted_referral_id"):
                        referring = getattr(model, column if model is not ReferralDraft else "submitted_referral_id")
                        db.session.execute(sa.delete(model).where(referring == case.id)
                                           .execution_options(synchronize_session=False))
                db.session.delete(case)
        except sa.exc.IntegrityError:
            pass


def _random_period(seed: int) -> tuple[date, date]:
    first = EARLIEST - timedelta(days=3) + timedelta(days=seed % 60)
    return first, first + timedelta(days=(seed // 60) % 40)


@examples("PEOPLE_EXAMPLES", 15)
@given(random_steps(ACTIONS, max_size=20))
def test_people_counters_equal_the_queries_that_count_people_after_random_histories(frozen, steps):  # noqa: F811
    for played in play(steps, PeopleHistory):  # at each check, the periods of the last three steps' seeds
        assert_people_match([_random_period(seed) for _, seed in played[-3:]])
    periods = [_random_period(seed) for _, seed in steps]
    assert_people_match(periods)
    db.session.commit()
    assert_people_match(periods)
    kept = _counters()
    people_counts.rebuild(db.session.connection())
    assert _counters() == kept  # what the changes left is what a rebuild from the cases gives
    db.session.rollback()


def _counters():
    """Every counter row that counts something."""
    return {table.__tablename__: sorted(tuple(row) for row in db.session.execute(
        sa.select(table.__table__).where(table.n != 0))) for table in (PeopleEventCount, PeoplePairCount)}


def test_a_person_referred_twice_on_one_day_is_one_person_seen_more_than_once(frozen):  # noqa: F811
    officer = factories.user("custody_officer")
    for on in ("2026-03-02", "2026-03-02", "2026-04-09"):
        divert.create(factories.divert_payload(referral_date=on), actor=officer)
    divert.create(factories.divert_payload(referral_date="2026-03-02", person={
        "given_name": "Ola", "family_name": "Nowak", "date_of_birth": "1999-01-01", "gender": "female",
        "ethnicity": "white_other"}), actor=officer)
    db.session.commit()
    march = (date(2026, 3, 2), date(2026, 3, 2))
    assert people_counts.divert_people(*march) == {"people": 2, "people_seen_more_than_once": 1}
    assert people_counts.divert_people(*march) == report_recount.divert_people(*march)
    assert partnership.people_diverted(*march)["people_diverted_by_scheme"] == {"checkpoint": 0, "divert": 2,
                                                                                "both": 0}
    assert people_counts.divert_people(date(2026, 4, 1), date(2026, 4, 30)) == {
        "people": 1, "people_seen_more_than_once": 1}


def test_a_rollback_to_a_savepoint_keeps_the_outer_changes_counted(frozen):  # noqa: F811
    officer = factories.user("custody_officer")
    first = divert.create(factories.divert_payload(referral_date="2026-03-02"), actor=officer)
    db.session.commit()
    divert.create(factories.divert_payload(referral_date="2026-03-05"), actor=officer)  # the outer change
    db.session.flush()
    savepoint = db.session.begin_nested()
    first.referral_date = date(2026, 3, 9)
    db.session.flush()
    savepoint.rollback()
    db.session.commit()
    assert report_recount.differences([(date(2026, 3, 1), date(2026, 3, 31))]) == []
    assert people_counts.divert_people(date(2026, 3, 1), date(2026, 3, 3)) == {
        "people": 1, "people_seen_more_than_once": 0}
