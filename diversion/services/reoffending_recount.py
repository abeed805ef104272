"""The proven reoffending figures counted the slow way: the cohort of the period scanned, each case's reoffences
probed (what services/reoffending_report.py did before the counters of services/reoffending_counts.py). Kept as
the independent recount the counters are checked against (the tests), and for a report read inside a transaction
that has changed cases it has not yet counted (services/rollups.py counts them when it commits). Three statements.

Same figures, same shape as reoffending_counts.figures: ({(group, key): [cohort, reoffended]}, {group: (contracts
ended, reoffended during)}).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from diversion.domain import kpis
from diversion.domain import reoffending as rules
from diversion.domain.contracts import BREACHED, COMPLETED
from diversion.models import CheckpointReferral, Contract, DivertReferral, Person, Reoffence
from diversion.reporting_db import reporting_session
from diversion.services import reports
from diversion.services.report_sql import age_band
from diversion.services.reoffending_sql import add_months


def figures(start: date, last: date, end: date, months: int, grouped: str | None, today: date):
    """Starts from `start` to `last` followed up for `months`; contracts started `start` to `end` over by
    `today` for reoffending during the contract."""
    cohort: dict = defaultdict(lambda: [0, 0])
    for source in (_checkpoint_cohort, _divert_cohort):
        for group, key, size, count in _run(source(start, last, months, grouped)):
            cohort[(group, key)][0] += size
            cohort[(group, key)][1] += count or 0
    return cohort, _during_contract(start, end, today)


def _run(statement):
    return reporting_session().execute(statement, execution_options=reports.FIGURES)


def _group_key(grouped: str | None, referral):
    if grouped == "ethnicity":
        return sa.func.coalesce(Person.ethnicity, "not_stated")
    if grouped == "gender":
        return sa.func.coalesce(Person.gender, "not_stated")
    if grouped == "age_band":
        return sa.func.coalesce(referral.age_band, age_band(Person.date_of_birth, referral.referral_date,
                                                            kpis.AGE_BANDS, kpis.BAND_LOWER_BOUNDS))
    return sa.literal(reports.OVERALL)


def reoffended(person_id, after, up_to, proven_by=None):
    """A reoffence by this person, or by a record merged into them, committed after `after` and on or before
    `up_to`, proven on or before `proven_by` when given. Two EXISTS, each answered by an index: the person's own
    records by (person_id, offence_date), merged records through people.merged_into_id (chains are never longer
    than one: services/merges.py). (The counters' facts have their own copy: this recount checks them.)"""
    def window(*whose):
        conditions = [*whose, Reoffence.offence_date > after, Reoffence.offence_date <= up_to]
        if proven_by is not None:
            conditions.append(Reoffence.disposal_date <= proven_by)
        return sa.exists().where(*conditions)

    merged = aliased(Person)
    return sa.or_(window(Reoffence.person_id == person_id),
                  window(Reoffence.person_id == merged.id, merged.merged_into_id == person_id))


def _outcome_group():
    return sa.case((Contract.status == COMPLETED, "checkpoint_completed"),
                   (Contract.status == BREACHED, "checkpoint_breached"), else_="checkpoint_other")


def _counted(person_id, start, months: int):
    return reoffended(person_id, start, add_months(start, months),
                      add_months(start, months + rules.DISPOSAL_MONTHS))


def _checkpoint_cohort(start: date, last: date, months: int, grouped: str | None):
    key = _outcome_group().label("k")
    group = _group_key(grouped, CheckpointReferral).label("g")
    counted = _counted(Contract.person_id, Contract.start_date, months)
    return (sa.select(key, group, sa.func.count(), sa.func.sum(sa.case((counted, 1), else_=0)))
            .select_from(Contract).join(Person, Contract.person_id == Person.id)
            .join(CheckpointReferral, Contract.referral_id == CheckpointReferral.id)
            .where(Contract.start_date.between(start, last)).group_by("k", "g"))


def _divert_cohort(start: date, last: date, months: int, grouped: str | None):
    key = sa.case((DivertReferral.ever_assessed, "divert_assessed"), else_="divert_not_assessed").label("k")
    group = _group_key(grouped, DivertReferral).label("g")
    counted = _counted(DivertReferral.person_id, DivertReferral.referral_date, months)
    return (sa.select(key, group, sa.func.count(), sa.func.sum(sa.case((counted, 1), else_=0)))
            .select_from(DivertReferral).join(Person, DivertReferral.person_id == Person.id)
            .where(DivertReferral.referral_date.between(start, last)).group_by("k", "g"))


def _during_contract(start: date, end: date, today: date) -> dict:
    """Contracts started in the period and over by today (an outcome, or the deadline passed): how many had a
    proven offence committed during the contract, whenever it was proven."""
    ended = sa.func.coalesce(Contract.outcome_date, Contract.deadline)
    key = _outcome_group().label("k")
    counted = reoffended(Contract.person_id, Contract.start_date, ended)
    return {k: (size, count or 0) for k, size, count in _run(
        sa.select(key, sa.func.count(), sa.func.sum(sa.case((counted, 1), else_=0))).select_from(Contract)
        .where(Contract.start_date.between(start, end), ended < today).group_by("k"))}
