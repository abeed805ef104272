"""The report figures counted the slow way: GROUP BY over every case of the period (what services/reports.py did
before the counters of services/rollups.py). Kept as the independent recount the counters are checked against:
by the tests (random histories) and by `flask --app wsgi reports rebuild --check`. Not used by any page.

Same answers, same shape: the figures are turned into a report by the functions of services/reports.py.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa

from diversion import clock
from diversion.domain.contracts import ACTIVE, BREACHED
from diversion.domain.divert import ASSESSED, COMPLETED as DIVERT_COMPLETED, CONTACTED
from diversion.models import CheckpointReferral, Contract, DivertEvent, DivertReferral, Person
from diversion.services import people_counts, reports
from diversion.services.report_sql import days_between, year_month
from diversion.services.rollup_facts import _kept_band

OVERALL = reports.OVERALL
_execute = reports._execute


def _key(group_by: str | None, referral, referral_cols: dict):
    """The SQL expression a figure is grouped by (a constant when not grouped)."""
    if group_by is None:
        return sa.literal(OVERALL)
    if group_by == "ethnicity":
        return sa.func.coalesce(Person.ethnicity, "not_stated")
    if group_by == "gender":
        return sa.func.coalesce(Person.gender, "not_stated")
    if group_by == "age_band":
        return _kept_band(referral)
    return referral_cols[group_by]


def checkpoint(start: date, end: date, group_by: str | None = None) -> dict:
    reports.check_group(group_by, reports.CHECKPOINT_GROUPS)
    figures: dict[str, dict] = defaultdict(reports._empty_checkpoint)
    referral_key = _key(group_by, CheckpointReferral,
                        {"offence_category": CheckpointReferral.offence_category, "navigator": sa.literal(None)})
    contract_key = _key(group_by, CheckpointReferral,
                        {"offence_category": CheckpointReferral.offence_category,
                         "navigator": sa.cast(Contract.navigator_id, sa.String)})
    if group_by != "navigator":  # referrals have no navigator until contracted
        _count_referrals(figures, referral_key, start, end)
    contracts = (sa.select().select_from(Contract)
                 .join(CheckpointReferral, Contract.referral_id == CheckpointReferral.id)
                 .join(Person, Contract.person_id == Person.id).add_columns(contract_key.label("k")))
    _count_starts(figures, contracts, start, end)
    _count_outcomes(figures, contracts, start, end)
    _count_open(figures, contracts, clock.today())
    return reports._checkpoint_report(figures, start, end, group_by)


def _count_referrals(figures: dict, key, start: date, end: date) -> None:
    for k, count, eligible in _execute(
            sa.select(key.label("k"), sa.func.count(), sa.func.sum(sa.case((CheckpointReferral.eligible, 1), else_=0)))
            .select_from(CheckpointReferral).join(Person, CheckpointReferral.person_id == Person.id)
            .where(CheckpointReferral.referral_date.between(start, end)).group_by("k")):
        figures[k]["referrals"] += count
        figures[k]["eligible"] += eligible or 0


def _count_starts(figures: dict, contracts, start: date, end: date) -> None:
    days = days_between(CheckpointReferral.referral_date, Contract.start_date)
    for k, waited, count in _execute(
            contracts.add_columns(days.label("d"), sa.func.count())
            .where(Contract.start_date.between(start, end)).group_by("k", "d")):
        figures[k]["contracts_started"] += count
        figures[k]["_days"].append((waited, count))


def _count_outcomes(figures: dict, contracts, start: date, end: date) -> None:
    for k, status, reason, count in _execute(
            contracts.add_columns(Contract.status, Contract.outcome_reason, sa.func.count())
            .where(Contract.outcome_date.between(start, end)).group_by("k", Contract.status, Contract.outcome_reason)):
        figures[k]["ended"][status] += count
        if status == BREACHED:
            figures[k]["breach_reasons"][reason or "other"] += count


def _count_open(figures: dict, contracts, today: date) -> None:
    for k, active, overdue in _execute(
            contracts.add_columns(sa.func.count(), sa.func.sum(sa.case((Contract.deadline < today, 1), else_=0)))
            .where(Contract.status == ACTIVE).group_by("k")):
        figures[k]["active_now"] += active
        figures[k]["overdue_now"] += overdue or 0


def divert(start: date, end: date, group_by: str | None = None) -> dict:
    reports.check_group(group_by, reports.DIVERT_GROUPS)
    key = _key(group_by, DivertReferral, {"substance": DivertReferral.substance, "source": DivertReferral.source})
    contacted = sa.exists().where(DivertEvent.referral_id == DivertReferral.id, DivertEvent.event == CONTACTED)
    cohort = (sa.select().select_from(DivertReferral).join(Person, DivertReferral.person_id == Person.id)
              .where(DivertReferral.referral_date.between(start, end)))
    figures: dict[str, dict] = defaultdict(reports._empty_divert)
    for k, count, repeats, reached, assessed, completed in _execute(cohort.add_columns(
            key.label("k"), sa.func.count(),
            sa.func.sum(sa.case((DivertReferral.referral_number > 1, 1), else_=0)),
            sa.func.sum(sa.case((contacted, 1), else_=0)),
            sa.func.sum(sa.case((DivertReferral.ever_assessed, 1), else_=0)),
            sa.func.sum(sa.case((DivertReferral.status == DIVERT_COMPLETED, 1), else_=0))).group_by("k")):
        f = figures[k]
        f["referrals"] += count
        f["repeat_referrals"] += repeats or 0
        f["contacted"] += reached or 0
        f["assessed"] += assessed or 0
        f["completed"] += completed or 0
    first_assessed = (sa.select(DivertEvent.referral_id, sa.func.min(DivertEvent.date).label("on"))
                      .where(DivertEvent.event == ASSESSED).group_by(DivertEvent.referral_id).subquery())
    waited = days_between(DivertReferral.referral_date, first_assessed.c.on)
    for k, days, count in _execute(
            cohort.join(first_assessed, first_assessed.c.referral_id == DivertReferral.id)
            .add_columns(key.label("k"), waited.label("d"), sa.func.count()).group_by("k", "d")):
        figures[k]["_days"].append((days, count))
    return reports._divert_report(figures, start, end, group_by, people=divert_people(start, end))


def divert_people(start: date, end: date) -> dict:
    """People, not referrals (overall only: one person's referrals can fall in different groups): how many people
    were referred to DIVERT in the period, and how many of them have had more than one DIVERT referral up to its
    end (the seeds' "seen more than once"). Scans the period's referrals."""
    people = (sa.select(DivertReferral.person_id.label("person_id"))
              .where(DivertReferral.referral_date.between(start, end)).distinct().subquery())
    referrals = (sa.select(sa.func.count()).where(DivertReferral.person_id == people.c.person_id,
                                                  DivertReferral.referral_date <= end).scalar_subquery())
    count, repeated = _execute(sa.select(
        sa.func.count(), sa.func.coalesce(sa.func.sum(sa.case((referrals > 1, 1), else_=0)), 0))
        .select_from(people)).one()
    return {"people": count, "people_seen_more_than_once": repeated}


def people_diverted(start: date, end: date) -> dict:
    """Distinct people diverted in the period: a Checkpoint contract started or a DIVERT referral made; someone
    with both (or several) counts once."""
    checkpoint = sa.select(Contract.person_id.label("person_id"), sa.literal("checkpoint").label("scheme")).where(
        Contract.start_date.between(start, end))
    divert = sa.select(DivertReferral.person_id.label("person_id"), sa.literal("divert").label("scheme")).where(
        DivertReferral.referral_date.between(start, end))
    both = sa.union_all(checkpoint, divert).subquery()
    per_person = (sa.select(both.c.person_id,
                            sa.func.max(sa.case((both.c.scheme == "checkpoint", 1), else_=0)).label("cp"),
                            sa.func.max(sa.case((both.c.scheme == "divert", 1), else_=0)).label("dv"))
                  .group_by(both.c.person_id).subquery())
    total, in_checkpoint, in_divert, in_both = _execute(sa.select(
        sa.func.count(), sa.func.coalesce(sa.func.sum(per_person.c.cp), 0),
        sa.func.coalesce(sa.func.sum(per_person.c.dv), 0),
        sa.func.coalesce(sa.func.sum(per_person.c.cp * per_person.c.dv), 0))).one()
    return {"people_diverted": total, "people_diverted_by_scheme": {
        "checkpoint": in_checkpoint, "divert": in_divert, "both": in_both}}


def seen_more_than_once(start: date, end: date) -> dict:
    """Of the people referred in the period (either scheme), how many have had more than one referral across
    both schemes, ever up to the end of the period."""
    # The people referred in the period (the referral_date indexes), then each one's referrals up to the end
    # (the person_id indexes): the work follows the period, not the size of the tables.
    people = sa.union(
        sa.select(CheckpointReferral.person_id.label("person_id"))
        .where(CheckpointReferral.referral_date.between(start, end)),
        sa.select(DivertReferral.person_id.label("person_id"))
        .where(DivertReferral.referral_date.between(start, end))).subquery()
    checkpoint = (sa.select(sa.func.count()).where(CheckpointReferral.person_id == people.c.person_id,
                                                   CheckpointReferral.referral_date <= end).scalar_subquery())
    divert = (sa.select(sa.func.count()).where(DivertReferral.person_id == people.c.person_id,
                                               DivertReferral.referral_date <= end).scalar_subquery())
    referred, repeated = _execute(sa.select(
        sa.func.count(), sa.func.coalesce(sa.func.sum(sa.case((checkpoint + divert > 1, 1), else_=0)), 0))
        .select_from(people)).one()
    return {"people_referred": referred, "people_seen_more_than_once": repeated}


def monthly_checkpoint(start: date, end: date) -> list[dict]:
    months = reports._empty_months(start, end)
    month = year_month(CheckpointReferral.referral_date).label("m")
    for m, count in _execute(sa.select(month, sa.func.count()).where(
            CheckpointReferral.referral_date.between(start, end)).group_by("m")):
        months[m]["referrals"] = count
    month = year_month(Contract.start_date).label("m")
    for m, count in _execute(sa.select(month, sa.func.count()).where(
            Contract.start_date.between(start, end)).group_by("m")):
        months[m]["started"] = count
    month = year_month(Contract.outcome_date).label("m")
    for m, status, count in _execute(sa.select(month, Contract.status, sa.func.count()).where(
            Contract.outcome_date.between(start, end)).group_by("m", Contract.status)):
        months[m][status] = count
    return list(months.values())


def differences(periods: list[tuple[date, date]] | None = None) -> list[str]:
    """Every report (each scheme and grouping, month by month, and the people figures) that the counters answer differently from a
    full recount, for each period given (by default: all time, and each calendar year since 2000 up to next)."""
    if periods is None:
        this_year = clock.today().year
        periods = [(date(2000, 1, 1), date(this_year + 1, 12, 31)),
                   *((date(year, 1, 1), date(year, 12, 31)) for year in range(2000, this_year + 2))]
    found = []
    for start, end in periods:
        for group in (None, *reports.CHECKPOINT_GROUPS):
            if reports.checkpoint(start, end, group) != checkpoint(start, end, group):
                found.append(f"checkpoint {start}..{end} by {group or 'nothing'}")
        for group in (None, *reports.DIVERT_GROUPS):
            if reports.divert(start, end, group) != divert(start, end, group):
                found.append(f"divert {start}..{end} by {group or 'nothing'}")
        if reports.monthly_checkpoint(start, end) != monthly_checkpoint(start, end):
            found.append(f"checkpoint month by month {start}..{end}")
        if people_counts.people_diverted(start, end) != people_diverted(start, end):
            found.append(f"people diverted {start}..{end}")
        if people_counts.seen_more_than_once(start, end) != seen_more_than_once(start, end):
            found.append(f"people seen more than once {start}..{end}")
    from diversion.services import section_recount  # the dashboard's other sections (partnership, needs, treatment)

    return found + section_recount.differences(periods)
