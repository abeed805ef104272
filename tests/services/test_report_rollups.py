"""The report counters (services/rollups.py) give exactly the figures of a full recount (services/report_recount.py)
after random histories made through the services: referrals, contracts, outcomes, navigator changes, DIVERT
referrals and events, a person's details corrected by a later referral, merges, erasures, commits and rollbacks.
Run on SQLite and, with DATABASE_URL, on PostgreSQL."""
from datetime import date

import sqlalchemy as sa
from hypothesis import given

from diversion.extensions import db
from diversion.models import ReportCount
from diversion.services import divert, report_recount, reports, rollups
from tests import factories
from tests.services.random_histories import PERIODS, CaseHistory, examples, frozen, play, random_steps  # noqa: F401

ACTIONS = ["referral", "referral", "contract", "contract", "outcome", "reassign", "divert", "divert_event",
           "divert_event", "merge", "erase", "commit", "rollback", "check"]


def assert_counters_match():
    for start, end in PERIODS:
        for group in (None, *reports.CHECKPOINT_GROUPS):
            assert reports.checkpoint(start, end, group) == report_recount.checkpoint(start, end, group), (start, group)
        for group in (None, *reports.DIVERT_GROUPS):
            assert reports.divert(start, end, group) == report_recount.divert(start, end, group), (start, group)
        assert reports.monthly_checkpoint(start, end) == report_recount.monthly_checkpoint(start, end)


@examples("ROLLUP_EXAMPLES", 12)
@given(random_steps(ACTIONS, max_size=18))
def test_counters_equal_a_full_recount_after_random_histories(frozen, steps):  # noqa: F811
    for _played in play(steps, CaseHistory):
        assert_counters_match()
    assert_counters_match()
    db.session.commit()
    assert_counters_match()


def test_rebuild_gives_the_counters_the_changes_kept(frozen):  # noqa: F811
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


def test_a_savepoint_rolled_back_keeps_the_outer_transactions_changes_counted(frozen):  # noqa: F811
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
