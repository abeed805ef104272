"""The proven reoffending report (api-contract, Revision 2: outcomes): of the people whose contract started (or
DIVERT referral was made) in the period and whose follow-up window has passed, how many reoffended, by outcome
group; and how many reoffended during their contract. Three SQL aggregates whatever the data; the rules are in
domain/reoffending.py and the interval maths in domain/kpis.py.

The cohort counts starts: someone with a contract and a DIVERT referral in the period is in both groups, each with
its own window. Erased people are counted (their coded facts stay). A reoffence matched to a record that was later
merged into another counts for the record kept.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from werkzeug.datastructures import MultiDict

from diversion import clock
from diversion.domain import kpis
from diversion.domain import reoffending as rules
from diversion.domain.contracts import BREACHED, COMPLETED
from diversion.domain.deadlines import add_calendar_months
from diversion.errors import ValidationFailed
from diversion.reporting_db import reporting_session
from diversion.models import CheckpointReferral, Contract, DivertReferral, Person, Reoffence
from diversion.services import reports
from diversion.services.report_sql import age_band
from diversion.services.reoffending_sql import add_months

GROUP_BY = ("ethnicity", "gender", "age_band")
OTHER = "checkpoint_other"  # contracts discontinued or without an outcome: in the cohort, in no outcome group


def arguments(args, today: date | None = None) -> tuple[date, date, int, str | None]:
    """(from, to, months, group_by) from the query; a 422 names every bad one."""
    fields: dict[str, list[str]] = {}
    months, start, end, grouped = rules.DEFAULT_FOLLOW_UP, None, None, None
    for read in ("months", "period", "group_by"):
        try:
            if read == "months":
                months = follow_up(args)
            elif read == "period":
                start, end = period(args, months, today)
            else:
                grouped = group_by(args)
        except ValidationFailed as failure:
            fields.update(failure.fields)
    if fields:
        raise ValidationFailed(fields=fields)
    return start, end, months, grouped


def follow_up(args) -> int:
    value = args.get("months") or str(rules.DEFAULT_FOLLOW_UP)
    if value not in {str(m) for m in rules.FOLLOW_UPS}:
        raise ValidationFailed(fields={"months": ["Choose a follow-up of " + ", ".join(map(str, rules.FOLLOW_UPS))
                                                  + " months"]})
    return int(value)


def period(args, months: int, today: date | None = None) -> tuple[date, date]:
    """The period of starts asked for; by default the 12 months of starts up to the latest whose window has
    passed (a period ending today would have no one whose follow-up is over)."""
    today = today or clock.today()
    chosen = MultiDict({k: v for k, v in args.items() if k in ("from", "to")})
    if not chosen.get("to"):
        chosen["to"] = rules.latest_start(months, today).isoformat()
        if not chosen.get("from"):
            chosen["from"] = (add_calendar_months(rules.latest_start(months, today), -12)
                              + timedelta(days=1)).isoformat()
    return reports.period(chosen, today=today)


def group_by(args) -> str | None:
    value = args.get("group_by") or None
    if value is not None and value not in GROUP_BY:
        raise ValidationFailed(fields={"group_by": ["Group by one of: " + ", ".join(GROUP_BY)]})
    return value


def report(start: date, end: date, months: int, grouped: str | None = None, today: date | None = None) -> dict:
    today = today or clock.today()
    last = min(end, rules.latest_start(months, today))
    cohort: dict = defaultdict(lambda: [0, 0])
    breakdown: dict = defaultdict(lambda: [0, 0])
    for source in (_checkpoint_cohort, _divert_cohort):
        for key, group, size, reoffended in _run(source(start, last, months, grouped)):
            cohort[key][0] += size
            cohort[key][1] += reoffended or 0
            breakdown[group][0] += size
            breakdown[group][1] += reoffended or 0
    size, reoffended = (sum(v[i] for v in cohort.values()) for i in (0, 1))
    overall = _figures(size, reoffended)
    result = {"period": {"from": start.isoformat(), "to": end.isoformat()}, "months": months,
              "as_of": today.isoformat(), "starts_counted_to": last.isoformat() if last >= start else None,
              **{k: v for k, v in overall.items() if k != "_raw"},
              "groups": [{"key": key, **_public(_figures(*cohort[key]))} for key in rules.GROUPS],
              OTHER: _public(_figures(*cohort[OTHER])),
              "during_contract": _during_contract(start, end, today)}
    if grouped:
        result["group_by"] = grouped
        result["by_group"] = [{"key": key, **_public(_figures(*breakdown[key])),
                               "disparity": kpis.disparity(*_figures(*breakdown[key])["_raw"], overall["_raw"][0])}
                              for key in sorted(breakdown, key=str)]
    return result


def _run(statement):
    return reporting_session().execute(statement, execution_options=reports.FIGURES)


def _figures(size: int, reoffended: int) -> dict:
    rate, interval = kpis.rate(reoffended, size), kpis.wilson_interval(reoffended, size)
    return {"cohort": size, "reoffended": reoffended, "rate": kpis.round_rate(rate),
            "rate_ci95": [kpis.round_rate(x) for x in interval] if interval else None,
            "reliability": kpis.reliability(size, interval), "_raw": (rate, interval)}


def _public(figures: dict) -> dict:
    return {k: v for k, v in figures.items() if k != "_raw"}


def _reoffended(person_id, after, up_to, proven_by=None):
    """A reoffence by this person, or by a record merged into them, committed after `after` and on or before
    `up_to`, proven on or before `proven_by` when given. Two EXISTS, each answered by an index: the person's own
    records by (person_id, offence_date), merged records through people.merged_into_id (chains are never longer
    than one: services/merges.py)."""
    def window(*whose):
        conditions = [*whose, Reoffence.offence_date > after, Reoffence.offence_date <= up_to]
        if proven_by is not None:
            conditions.append(Reoffence.disposal_date <= proven_by)
        return sa.exists().where(*conditions)

    merged = aliased(Person)
    return sa.or_(window(Reoffence.person_id == person_id),
                  window(Reoffence.person_id == merged.id, merged.merged_into_id == person_id))


def _group_key(grouped: str | None, referral):
    if grouped == "ethnicity":
        return sa.func.coalesce(Person.ethnicity, "not_stated")
    if grouped == "gender":
        return sa.func.coalesce(Person.gender, "not_stated")
    if grouped == "age_band":
        return sa.func.coalesce(referral.age_band, age_band(Person.date_of_birth, referral.referral_date,
                                                            kpis.AGE_BANDS, kpis.BAND_LOWER_BOUNDS))
    return sa.literal(reports.OVERALL)


def _checkpoint_cohort(start: date, last: date, months: int, grouped: str | None):
    key = sa.case((Contract.status == COMPLETED, "checkpoint_completed"),
                  (Contract.status == BREACHED, "checkpoint_breached"), else_=OTHER).label("k")
    group = _group_key(grouped, CheckpointReferral).label("g")
    counted = _reoffended(Contract.person_id, Contract.start_date, add_months(Contract.start_date, months),
                          add_months(Contract.start_date, months + rules.DISPOSAL_MONTHS))
    return (sa.select(key, group, sa.func.count(), sa.func.sum(sa.case((counted, 1), else_=0)))
            .select_from(Contract).join(Person, Contract.person_id == Person.id)
            .join(CheckpointReferral, Contract.referral_id == CheckpointReferral.id)
            .where(Contract.start_date.between(start, last)).group_by("k", "g"))


def _divert_cohort(start: date, last: date, months: int, grouped: str | None):
    key = sa.case((DivertReferral.ever_assessed, "divert_assessed"), else_="divert_not_assessed").label("k")
    group = _group_key(grouped, DivertReferral).label("g")
    counted = _reoffended(DivertReferral.person_id, DivertReferral.referral_date,
                          add_months(DivertReferral.referral_date, months),
                          add_months(DivertReferral.referral_date, months + rules.DISPOSAL_MONTHS))
    return (sa.select(key, group, sa.func.count(), sa.func.sum(sa.case((counted, 1), else_=0)))
            .select_from(DivertReferral).join(Person, DivertReferral.person_id == Person.id)
            .where(DivertReferral.referral_date.between(start, last)).group_by("k", "g"))


def _during_contract(start: date, end: date, today: date) -> dict:
    """Contracts started in the period and over by today (an outcome, or the deadline passed): how many had a
    proven offence committed during the contract, whenever it was proven."""
    ended = sa.func.coalesce(Contract.outcome_date, Contract.deadline)
    key = sa.case((Contract.status == COMPLETED, "checkpoint_completed"),
                  (Contract.status == BREACHED, "checkpoint_breached"), else_=OTHER).label("k")
    counted = _reoffended(Contract.person_id, Contract.start_date, ended)
    found = {k: (size, reoffended or 0) for k, size, reoffended in _run(
        sa.select(key, sa.func.count(), sa.func.sum(sa.case((counted, 1), else_=0))).select_from(Contract)
        .where(Contract.start_date.between(start, end), ended < today).group_by("k"))}
    size, reoffended = (sum(v[i] for v in found.values()) for i in (0, 1))
    return {**_public(_figures(size, reoffended)),
            "groups": [{"key": key, **_public(_figures(*found.get(key, (0, 0))))}
                       for key in ("checkpoint_completed", "checkpoint_breached")]}
