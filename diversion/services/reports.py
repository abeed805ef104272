"""Manager reports: every figure from SQL aggregates (a fixed number of queries whatever the data),
the maths (rates, medians, Wilson intervals) in domain/kpis.py.

Checkpoint figures are counted by event date inside the period: referrals by referral date, contracts by
start date, outcomes by outcome date; "now" figures (active, overdue) are as of today. DIVERT figures follow
the referrals made in the period (a cohort) as far as each has got.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import sqlalchemy as sa

from diversion import clock
from diversion.domain import kpis
from diversion.domain.contracts import ACTIVE, BREACH_REASONS, BREACHED, COMPLETED, DISCONTINUED
from diversion.domain.divert import ASSESSED, COMPLETED as DIVERT_COMPLETED, CONTACTED
from diversion.errors import ValidationFailed
from diversion.reporting_db import reporting_session
from diversion.models import CheckpointReferral, Contract, DivertEvent, DivertReferral, Person, User
from diversion.erased_records import INCLUDE as INCLUDE_ERASED
from diversion.services.report_sql import age_band, days_between

CHECKPOINT_GROUPS = ("navigator", "ethnicity", "gender", "age_band", "offence_category")
DIVERT_GROUPS = ("ethnicity", "gender", "age_band", "substance", "source")
OVERALL = "__all__"
# Erased people's cases still count: their coded facts stay so that figures do not change (diversion/erased_records).
FIGURES = {INCLUDE_ERASED: True}


def _execute(statement):
    return reporting_session().execute(statement, execution_options=FIGURES)


def _key(group_by: str | None, referral_date_col, referral_cols: dict):
    """The SQL expression a figure is grouped by (a constant when not grouped)."""
    if group_by is None:
        return sa.literal(OVERALL)
    if group_by == "ethnicity":
        return sa.func.coalesce(Person.ethnicity, "not_stated")
    if group_by == "gender":
        return sa.func.coalesce(Person.gender, "not_stated")
    if group_by == "age_band":
        return _kept_band(referral_date_col.class_)
    return referral_cols[group_by]


def _kept_band(referral):
    """The age band on the referral date: from the date of birth, or, once the person is erased (no date of
    birth any more), the band the erasure kept on the referral."""
    return sa.func.coalesce(referral.age_band, age_band(Person.date_of_birth, referral.referral_date, kpis.AGE_BANDS,
                                                        kpis.BAND_LOWER_BOUNDS))


def _rate_block(completed: int, breached: int) -> dict:
    interval = kpis.wilson_interval(completed, completed + breached)
    rate = kpis.completion_rate(completed, breached)
    return {"completion_rate": kpis.round_rate(rate),
            "completion_rate_ci95": [kpis.round_rate(x) for x in interval] if interval else None,
            "reliability": kpis.reliability(completed + breached, interval),
            "_raw": (rate, interval)}  # unrounded, for disparity; removed before the report is returned


def checkpoint(start: date, end: date, group_by: str | None = None) -> dict:
    """The Checkpoint figures for a period (4 SQL statements), overall and, with `group_by`, per group."""
    if group_by is not None and group_by not in CHECKPOINT_GROUPS:
        raise ValidationFailed(fields={"group_by": ["Group by one of: " + ", ".join(CHECKPOINT_GROUPS)]})
    figures: dict[str, dict] = defaultdict(_empty_checkpoint)
    referral_key = _key(group_by, CheckpointReferral.referral_date,
                        {"offence_category": CheckpointReferral.offence_category, "navigator": sa.literal(None)})
    contract_key = _key(group_by, CheckpointReferral.referral_date,
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
    return _checkpoint_report(figures, start, end, group_by)


def _count_referrals(figures: dict, key, start: date, end: date) -> None:
    """Referrals and how many were eligible, by referral date."""
    for k, count, eligible in _execute(
            sa.select(key.label("k"), sa.func.count(), sa.func.sum(sa.case((CheckpointReferral.eligible, 1), else_=0)))
            .select_from(CheckpointReferral).join(Person, CheckpointReferral.person_id == Person.id)
            .where(CheckpointReferral.referral_date.between(start, end)).group_by("k")):
        figures[k]["referrals"] += count
        figures[k]["eligible"] += eligible or 0


def _count_starts(figures: dict, contracts, start: date, end: date) -> None:
    """Contracts started, with the days from referral to contract as a histogram (for the median)."""
    days = days_between(CheckpointReferral.referral_date, Contract.start_date)
    for k, waited, count in _execute(
            contracts.add_columns(days.label("d"), sa.func.count())
            .where(Contract.start_date.between(start, end)).group_by("k", "d")):
        figures[k]["contracts_started"] += count
        figures[k]["_days"].append((waited, count))


def _count_outcomes(figures: dict, contracts, start: date, end: date) -> None:
    """Outcomes and breach reasons, by outcome date."""
    for k, status, reason, count in _execute(
            contracts.add_columns(Contract.status, Contract.outcome_reason, sa.func.count())
            .where(Contract.outcome_date.between(start, end)).group_by("k", Contract.status, Contract.outcome_reason)):
        figures[k]["ended"][status] += count
        if status == BREACHED:
            figures[k]["breach_reasons"][reason or "other"] += count


def _count_open(figures: dict, contracts, today: date) -> None:
    """Contracts active now, and how many of them are past their deadline."""
    for k, active, overdue in _execute(
            contracts.add_columns(sa.func.count(), sa.func.sum(sa.case((Contract.deadline < today, 1), else_=0)))
            .where(Contract.status == ACTIVE).group_by("k")):
        figures[k]["active_now"] += active
        figures[k]["overdue_now"] += overdue or 0


def _checkpoint_report(figures: dict, start: date, end: date, group_by: str | None) -> dict:
    overall = _empty_checkpoint()
    for values in figures.values():
        _add_checkpoint(overall, values)
    report = {"period": {"from": start.isoformat(), "to": end.isoformat()}, **_finish_checkpoint(overall)}
    overall_rate = report.pop("_raw")[0]
    if group_by == "navigator":
        report["referrals"] = report["eligible"] = None
    if group_by is not None:
        names = _navigator_names(figures) if group_by == "navigator" else {}
        groups = []
        for key in sorted(figures, key=lambda k: (str(k) == "None", str(k))):
            group = {"key": key, **_finish_checkpoint(figures[key])}
            if group_by == "navigator":
                group.update(referrals=None, eligible=None, label=names.get(key, key))
            rate, interval = group.pop("_raw")
            group["disparity"] = kpis.disparity(rate, interval, overall_rate)
            groups.append(group)
        report["groups"] = groups
    return report


def _empty_checkpoint() -> dict:
    return {"referrals": 0, "eligible": 0, "contracts_started": 0,
            "ended": defaultdict(int, {COMPLETED: 0, BREACHED: 0, DISCONTINUED: 0}),
            "breach_reasons": defaultdict(int, {reason: 0 for reason in BREACH_REASONS}),
            "_days": [], "active_now": 0, "overdue_now": 0}


def _add_checkpoint(total: dict, part: dict) -> None:
    for name in ("referrals", "eligible", "contracts_started", "active_now", "overdue_now"):
        total[name] += part[name]
    for name in ("ended", "breach_reasons"):
        for key, value in part[name].items():
            total[name][key] += value
    total["_days"].extend(part["_days"])


def _finish_checkpoint(values: dict) -> dict:
    completed, breached = values["ended"][COMPLETED], values["ended"][BREACHED]
    return {"referrals": values["referrals"], "eligible": values["eligible"],
            "contracts_started": values["contracts_started"],
            "ended": {COMPLETED: completed, BREACHED: breached, DISCONTINUED: values["ended"][DISCONTINUED]},
            **_rate_block(completed, breached),
            "breach_reasons": dict(values["breach_reasons"]),
            "median_days_referral_to_contract": kpis.median_from_counts(values["_days"]),
            "active_now": values["active_now"], "overdue_now": values["overdue_now"]}


def _navigator_names(figures: dict) -> dict:
    ids = [int(k) for k in figures if k not in (None, OVERALL) and str(k).isdigit()]
    if not ids:
        return {}
    return {str(i): name for i, name in _execute(sa.select(User.id, User.name).where(User.id.in_(ids)))}


def divert(start: date, end: date, group_by: str | None = None) -> dict:
    if group_by is not None and group_by not in DIVERT_GROUPS:
        raise ValidationFailed(fields={"group_by": ["Group by one of: " + ", ".join(DIVERT_GROUPS)]})
    key = _key(group_by, DivertReferral.referral_date, {"substance": DivertReferral.substance,
                                                        "source": DivertReferral.source})
    contacted = sa.exists().where(DivertEvent.referral_id == DivertReferral.id, DivertEvent.event == CONTACTED)
    cohort = (sa.select().select_from(DivertReferral).join(Person, DivertReferral.person_id == Person.id)
              .where(DivertReferral.referral_date.between(start, end)))
    figures: dict[str, dict] = defaultdict(_empty_divert)
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
    overall = _empty_divert()
    for values in figures.values():
        for name in ("referrals", "repeat_referrals", "contacted", "assessed", "completed"):
            overall[name] += values[name]
        overall["_days"].extend(values["_days"])
    report = {"period": {"from": start.isoformat(), "to": end.isoformat()}, **_finish_divert(overall),
              **_divert_people(start, end)}
    overall_rate = report.pop("_raw")[0]
    if group_by is not None:
        report["groups"] = []
        for k in sorted(figures, key=str):
            group = {"key": k, **_finish_divert(figures[k])}
            rate, interval = group.pop("_raw")
            group["disparity"] = kpis.disparity(rate, interval, overall_rate)
            report["groups"].append(group)
    return report


def _divert_people(start: date, end: date) -> dict:
    """People, not referrals (overall only: one person's referrals can fall in different groups): how many people
    were referred to DIVERT in the period, and how many of them have had more than one DIVERT referral up to its
    end (the seeds' "seen more than once"). One statement, led by the referral_date and person_id indexes."""
    people = (sa.select(DivertReferral.person_id.label("person_id"))
              .where(DivertReferral.referral_date.between(start, end)).distinct().subquery())
    referrals = (sa.select(sa.func.count()).where(DivertReferral.person_id == people.c.person_id,
                                                  DivertReferral.referral_date <= end).scalar_subquery())
    count, repeated = _execute(sa.select(
        sa.func.count(), sa.func.coalesce(sa.func.sum(sa.case((referrals > 1, 1), else_=0)), 0))
        .select_from(people)).one()
    return {"people": count, "people_seen_more_than_once": repeated}


def _empty_divert() -> dict:
    return {"referrals": 0, "repeat_referrals": 0, "contacted": 0, "assessed": 0, "completed": 0, "_days": []}


def _finish_divert(values: dict) -> dict:
    interval = kpis.wilson_interval(values["assessed"], values["referrals"])
    rate = kpis.rate(values["assessed"], values["referrals"])
    return {"referrals": values["referrals"], "repeat_referrals": values["repeat_referrals"],
            "contacted": values["contacted"], "assessed": values["assessed"], "completed": values["completed"],
            "_raw": (rate, interval),
            "assessed_rate": kpis.round_rate(rate),
            "assessed_rate_ci95": [kpis.round_rate(x) for x in interval] if interval else None,
            "reliability": kpis.reliability(values["referrals"], interval),
            "median_days_to_assessment": kpis.median_from_counts(values["_days"])}


def period(args, *, today: date | None = None) -> tuple[date, date]:
    """The period asked for (`from`, `to` as YYYY-MM-DD); by default the 12 months up to today. 422 for
    impossible dates or a start after the end."""
    from diversion.domain.deadlines import add_calendar_months
    from diversion.services.parse import Problems, iso_date

    today = today or clock.today()
    problems = Problems()
    end = iso_date(args, "to", problems, required=False, label="the end of the period", not_future=False) or today
    start = iso_date(args, "from", problems, required=False, label="the start of the period", not_future=False)
    if start is None and "from" not in problems.fields:
        start = add_calendar_months(end, -12) + timedelta(days=1)
    for name, day in (("from", start), ("to", end)):
        if day and not date(2000, 1, 1) <= day <= date(today.year + 5, 12, 31):
            problems.add(name, f"Choose a date from 2000 to {today.year + 5}")
    if start and end and start > end and not problems:
        problems.add("from", "The start of the period must be on or before its end")
    problems.raise_if_any()
    return start, end


def monthly_checkpoint(start: date, end: date) -> list[dict]:
    """Referrals, contract starts and outcomes per month of the period (three grouped queries)."""
    from diversion.services.report_sql import year_month

    months: dict[str, dict] = {}
    cursor = start.replace(day=1)
    while cursor <= end:
        months[f"{cursor:%Y-%m}"] = {"month": f"{cursor:%Y-%m}", "referrals": 0, "started": 0, "completed": 0,
                                     "breached": 0, "discontinued": 0}
        cursor = (cursor.replace(day=28) + timedelta(days=4)).replace(day=1)
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


CASE_COLUMNS = ("Reference", "Person number", "Referral date", "Start date", "Deadline", "Status",
                "Outcome date", "Outcome reason", "Offence category", "Gender", "Ethnic group", "Age band",
                "Navigator")


def case_rows(start: date, end: date, today: date | None = None):
    """Contracts started in the period, one row each, streamed from the database in batches (memory stays
    flat however many rows). What a reader of the spreadsheet understands: the reference people quote (a
    contract is known by its referral's),
    statuses, reasons, categories and groups in words, the navigator's name. No names of people: the
    export carries only what analysis needs (a person's number links their contracts)."""
    from diversion.domain import contracts as contract_rules
    from diversion.domain import people as people_rules
    from diversion.services import reference

    today = today or clock.today()
    titles = {c.code: c.title for c in reference.categories(include_inactive=True)}
    reasons = {**contract_rules.DISCONTINUE_EXAMPLES, **contract_rules.BREACH_REASONS}
    bands = dict(zip(kpis.AGE_BANDS, kpis.AGE_BAND_LABELS))
    band = _kept_band(CheckpointReferral)
    query = (sa.select(CheckpointReferral.reference, Contract.person_id,
                       CheckpointReferral.referral_date, Contract.start_date, Contract.deadline, Contract.status,
                       Contract.outcome_date, Contract.outcome_reason, CheckpointReferral.offence_category,
                       Person.gender, Person.ethnicity, band, User.name)
             .join(CheckpointReferral, Contract.referral_id == CheckpointReferral.id)
             .join(Person, Contract.person_id == Person.id)
             .outerjoin(User, Contract.navigator_id == User.id)
             .where(Contract.start_date.between(start, end)).order_by(Contract.id)
             .execution_options(yield_per=1000))
    for (reference_number, person, referred, started, deadline, status, ended, reason, category, gender,
         ethnicity, age, navigator) in _execute(query):
        shown = contract_rules.status_on(status, deadline, today)
        yield (reference_number, person, referred, started, deadline, contract_rules.STATUS_LABELS.get(shown, shown),
               ended, reasons.get(reason, reason), titles.get(category, category),
               people_rules.GENDERS.get(gender, gender), people_rules.ETHNICITIES.get(ethnicity, ethnicity),
               bands.get(age, age), navigator)


EXPORTS = {
    "checkpoint-summary": "Checkpoint figures",
    "checkpoint-groups": "Checkpoint figures by group",
    "checkpoint-monthly": "Checkpoint month by month",
    "divert-groups": "DIVERT figures by group",
    "checkpoint-cases": "Checkpoint contracts, one row each",
    "reoffending": "Proven reoffending by outcome",
    "dtoa-monthly": "Drug Testing on Arrest monthly return",
}


def disclose(what: str, start: date, end: date, purpose: object, *, actor, group_by: str | None = None) -> str:
    """Record an export as a disclosure (DPA 2018 s.62) with the stated purpose, before any row is sent."""
    from diversion import audit
    from diversion.services.parse import Problems, text

    problems = Problems()
    if what not in EXPORTS:
        problems.add("what", "Choose a table to export")
    stated = text({"purpose": purpose}, "purpose", problems, max_length=500,
                  label="why you need the data and who will receive it")
    problems.raise_if_any()
    audit.record("report.export", actor=actor, object_type="report", object_id=what, justification=stated,
                 details={"from": start.isoformat(), "to": end.isoformat(), "group_by": group_by})
    return stated
