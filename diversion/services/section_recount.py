"""The dashboard sections read from the report counters, counted the slow way: GROUP BY over every case of the
period (what services/partnership.py, needs_report.py and treatment_report.py did before their counters). Kept as
the independent recount the counters are checked against, by the tests (random histories) and by
`flask --app wsgi reports rebuild --check` (through report_recount.differences). Not used by any page.

Same answers, same shape: the rows are turned into a report by the functions of the sections' own modules.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import sqlalchemy as sa

from diversion import clock
from diversion.domain import divert as divert_rules
from diversion.domain import referrals as referral_rules
from diversion.domain import treatment as treatment_rules
from diversion.models import CheckpointReferral, DivertReferral, NeedsAssessment, NeedScore, OnwardReferral, Person
from diversion.services import needs_report, partnership, treatment_report
from diversion.services.custody_suites import OTHER
from diversion.services.report_sql import days_between
from diversion.services.reports import _execute


def custody_suites(start: date, end: date) -> list[dict]:
    key = sa.func.coalesce(CheckpointReferral.custody_suite_code, OTHER).label("k")
    counts = {k: (n, eligible or 0) for k, n, eligible in _execute(
        sa.select(key, sa.func.count(), sa.func.sum(sa.case((CheckpointReferral.eligible, 1), else_=0)))
        .where(CheckpointReferral.referral_date.between(start, end)).group_by("k"))}
    return partnership.suite_rows(counts)


def ethnicity(start: date, end: date) -> dict:
    group = sa.func.coalesce(Person.ethnicity, "not_stated").label("k")
    figures: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    status = CheckpointReferral.status
    for k, n, eligible, declined, contracted in _execute(
            sa.select(group, sa.func.count(), sa.func.sum(sa.case((CheckpointReferral.eligible, 1), else_=0)),
                      sa.func.sum(sa.case((status == referral_rules.DECLINED, 1), else_=0)),
                      sa.func.sum(sa.case((status == referral_rules.CONTRACTED, 1), else_=0)))
            .select_from(CheckpointReferral).join(Person, CheckpointReferral.person_id == Person.id)
            .where(CheckpointReferral.referral_date.between(start, end)).group_by("k")):
        f = figures[k]
        f["referrals"], f["eligible"], f["declined"] = n, eligible or 0, declined or 0
        f["offers"] = (declined or 0) + (contracted or 0)
    for k, n, declined in _execute(
            sa.select(group, sa.func.count(),
                      sa.func.sum(sa.case((DivertReferral.status == divert_rules.DECLINED, 1), else_=0)))
            .select_from(DivertReferral).join(Person, DivertReferral.person_id == Person.id)
            .where(DivertReferral.referral_date.between(start, end)).group_by("k")):
        figures[k]["divert_referrals"], figures[k]["divert_declined"] = n, declined or 0
    return partnership.ethnicity_report(figures)


def needs_by_pathway(start: date, end: date) -> dict:
    period = NeedsAssessment.assessed_on.between(start, end)
    assessments = _execute(sa.select(sa.func.count(NeedsAssessment.id)).where(period)).scalar_one()
    rows = _execute(
        sa.select(NeedScore.pathway, NeedScore.score, NeedScore.review_result, sa.func.count(NeedScore.id))
        .join(NeedsAssessment, NeedsAssessment.id == NeedScore.assessment_id).where(period)
        .group_by(NeedScore.pathway, NeedScore.score, NeedScore.review_result)).all()
    return needs_report.pathway_report(start, end, assessments, rows)


def treatment(start: date, end: date, *, today: date | None = None) -> dict:
    today = today or clock.today()
    o = OnwardReferral
    started = o.started_on.is_not(None)
    within = sa.and_(started, days_between(o.referred_on, o.started_on) <= treatment_rules.WITHIN_DAYS)
    waiting = sa.and_(o.started_on.is_(None), o.did_not_start.is_(False),
                      o.referred_on >= today - timedelta(days=treatment_rules.WITHIN_DAYS))

    def total(condition):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    rows = _execute(sa.select(o.scheme, o.service_code, o.pathway, sa.func.count(o.id), total(started),
                              total(within), total(waiting))
                    .where(o.referred_on.between(start, end))
                    .group_by(o.scheme, o.service_code, o.pathway)).all()
    overall, blocks = treatment_report._blank(), {"scheme": {}, "service": {}, "pathway": {}}
    for scheme, service, pathway, *counts in rows:
        treatment_report._add(overall, *counts)
        for grouping, key in (("scheme", scheme), ("service", service), ("pathway", pathway)):
            treatment_report._add(blocks[grouping].setdefault(key, treatment_report._blank()), *counts)
    return treatment_report.treatment_figures(start, end, overall, blocks["scheme"], blocks["service"],
                                              blocks["pathway"])


def differences(periods: list[tuple[date, date]]) -> list[str]:
    """Every section the counters answer differently from this recount, for each period given."""
    found = []
    for start, end in periods:
        for name, fast, slow in (("custody suites", partnership.by_custody_suite, custody_suites),
                                 ("ethnicity", partnership.by_ethnicity, ethnicity),
                                 ("needs by pathway", needs_report.by_pathway, needs_by_pathway),
                                 ("treatment", treatment_report.report, treatment)):
            if fast(start, end) != slow(start, end):
                found.append(f"{name} {start}..{end}")
    return found
