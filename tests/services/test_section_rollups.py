"""The dashboard's other sections read from the report counters (Checkpoint referrals by custody suite, figures by
ethnic group, needs by pathway, treatment engagement) give exactly the figures of the old full recount
(services/section_recount.py) after random histories made through the services: referrals at listed and unlisted
suites, declined offers, contracts with pathway conditions, needs assessed, re-assessed and reviewed on any day,
onward referrals from contracts and DIVERT events, their starts recorded and corrected, the base history's DIVERT
events, merges, erasures, commits and rollbacks. "Waiting" is checked as of several days, as the days pass.
Run on SQLite and, with DATABASE_URL, on PostgreSQL."""
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
from hypothesis import given

from diversion import clock
from diversion.domain import contracts as contract_rules
from diversion.domain import divert as divert_rules
from diversion.errors import Conflict, ValidationFailed
from diversion.extensions import db
from diversion.models import CheckpointReferral, Condition, Contract, DivertReferral, NeedsAssessment, OnwardReferral
from diversion.services import (divert, needs, needs_report, partnership, referrals, rollups, section_recount,
                                treatment, treatment_report)
from tests import factories
from tests.services.random_histories import (PERIODS, TODAY, CaseHistory, examples, frozen,  # noqa: F401 (a fixture)
                                             play, random_steps)

SUITES = ["Durham", "Peterlee", "Somewhere Else", ""]
PATHWAYS = ["alcohol", "drugs", "mental_health", "accommodation"]
ACTIONS = ["referral", "referral", "decline", "contract", "contract", "needs", "needs", "review", "review", "onward",
           "onward", "divert_onward", "start", "start", "divert", "divert_event", "merge", "erase", "commit",
           "rollback", "check"]
# "Waiting" (started neither nor said not to, referred in the last three weeks) as of these days, too.
AS_OF = [TODAY, TODAY - timedelta(days=10), TODAY + timedelta(days=15), TODAY + timedelta(days=400)]


def assert_sections_match():
    for start, end in PERIODS:
        assert partnership.by_custody_suite(start, end) == section_recount.custody_suites(start, end), start
        assert partnership.by_ethnicity(start, end) == section_recount.ethnicity(start, end), start
        assert needs_report.by_pathway(start, end) == section_recount.needs_by_pathway(start, end), start
        for today in AS_OF:
            assert (treatment_report.report(start, end, today=today)
                    == section_recount.treatment(start, end, today=today)), (start, today)


def _on(day: date):
    clock.freeze(datetime.combine(day, datetime.min.time(), timezone.utc) + timedelta(hours=12))


class Sections(CaseHistory):
    def referral(self):
        on = self.day()
        factories.referral(self.officer, referral_date=on.isoformat(), custody_suite=self.draw(SUITES),
                           **self.person_fields(),
                           **{"offence.offence_date": on.replace(day=1).isoformat(),
                              "offence.category": self.draw(["theft", "criminal_damage", "public_order"])})

    def decline(self):
        referral = self.pick(CheckpointReferral, CheckpointReferral.status == "awaiting_navigator")
        if referral is not None:
            referrals.decline(referral, reason="Does not want to take part", version=referral.version,
                              actor=self.draw(self.navigators))

    def contract(self):
        referral = self.pick(CheckpointReferral, CheckpointReferral.status == "awaiting_navigator")
        if referral is not None:
            conditions = [{"type": "pathway", "pathway": pathway, "description": "Attend the sessions"}
                          for pathway in sorted({self.draw(PATHWAYS) for _ in range(self.rng.randint(0, 2))})]
            factories.contract(referral, self.draw(self.navigators),
                               start_date=self.day(referral.referral_date).isoformat(), conditions=conditions)

    def needs(self):
        contract = self.pick(Contract)
        if contract is None:
            return
        assessment = needs.of(contract)
        chosen = sorted({self.draw(contract_rules.PATHWAYS) for _ in range(self.rng.randint(1, 4))})
        _on(self.day(contract.start_date))
        try:
            needs.record(contract, {"needs": [{"pathway": p, "score": self.rng.randint(0, 3)} for p in chosen],
                                    "version": assessment.version if assessment else None},
                         actor=contract.navigator)
        finally:
            _on(TODAY)

    def review(self):
        assessment = self.pick(NeedsAssessment)
        contract = assessment.contract if assessment is not None else None
        if assessment is not None and assessment.scores:
            reviews = [{"pathway": s.pathway, "result": self.draw(["met", "reduced", "unchanged"])}
                       for s in assessment.scores if s.score > 0 and self.rng.random() < 0.7]
            if reviews:
                needs.review(contract, {"reviews": reviews, "version": assessment.version}, actor=contract.navigator)

    def onward(self):
        condition = self.pick(Condition, Condition.type == "pathway")
        if condition is not None:
            contract = db.session.get(Contract, condition.contract_id)
            treatment.refer(contract, {"condition_id": condition.id,
                                       "service": self.draw(s.code for s in treatment.services()),
                                       "referred_on": self.day(contract.start_date).isoformat()},
                            actor=contract.navigator)

    def divert_onward(self):
        referral = self.pick(DivertReferral, DivertReferral.status.in_(["contacted", "assessment_booked", "assessed",
                                                                        "completed"]))
        if referral is not None:
            divert.record_event(referral, {"event": "onward_referral", "onward_to": self.draw(divert_rules.NEEDS),
                                           "date": self.day(referral.referral_date).isoformat()},
                                actor=self.provider)

    def start(self):
        record = self.pick(OnwardReferral)
        if record is None:
            return
        answer = self.draw(["started", "started", "did_not_start", "unanswered"])
        data = {"version": record.version}
        if answer == "started":
            data["started_on"] = self.day(record.referred_on).isoformat()
        elif answer == "did_not_start":
            data["did_not_start"] = True
        actor = record_actor(self, record)
        treatment.record_start(record, data, actor=actor)


def record_actor(history: Sections, record: OnwardReferral):
    if record.scheme == "divert":
        return history.provider
    return db.session.get(Contract, record.contract_id).navigator


@examples("ROLLUP_EXAMPLES", 12)
@given(random_steps(ACTIONS, max_size=22))
def test_section_counters_equal_a_full_recount_after_random_histories(frozen, steps):  # noqa: F811
    for _played in play(steps, Sections, after_refusal=lambda: _on(TODAY)):
        assert_sections_match()
    assert_sections_match()
    db.session.commit()
    assert_sections_match()


def test_a_whole_history_of_each_section_is_counted_and_rebuilt_alike(frozen):  # noqa: F811
    """One of everything (so that no section is compared as all zeros), then the counters rebuilt from the cases
    are the counters kept change by change."""
    history = Sections()
    history.rng.seed(7)
    for step in ["referral"] * 6 + ["decline", "contract", "contract", "contract", "needs", "needs", "review",
                                    "onward", "onward", "start", "divert", "divert_event", "divert_event",
                                    "divert_onward", "start"]:
        try:
            getattr(history, step)()
            db.session.commit()
        except (ValidationFailed, Conflict):
            db.session.rollback()  # that step only
            _on(TODAY)
            history = Sections()
            history.rng.seed(step)
    year = (date(2025, 1, 1), date(2026, 12, 31))
    assert sum(row["referrals"] for row in partnership.by_custody_suite(*year)) > 0
    assert partnership.by_ethnicity(*year)["overall"]["referrals"] > 0
    assert treatment_report.report(*year)["overall"]["referred"] > 0
    assert needs_report.by_pathway(*year)["assessments"] > 0
    kept = sorted(db.session.execute(sa.select(rollups.TABLE)).all())
    rollups.rebuild(db.session.connection())
    assert sorted(db.session.execute(sa.select(rollups.TABLE)).all()) == [row for row in kept if row.n]
    assert section_recount.differences([year, (TODAY, TODAY)]) == []
