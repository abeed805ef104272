"""Manager reports: every figure read from the report counters (services/rollups.py: a few hundred rows by an
index, whatever the period and however many cases, kept exact in the transaction of every change), the maths
(rates, medians from histograms, Wilson intervals) in domain/kpis.py. The same figures counted the slow way, by
GROUP BY over the cases, are services/report_recount.py: the check the counters are tested against.

Checkpoint figures are counted by event date inside the period: referrals by referral date, contracts by
start date, outcomes by outcome date; "now" figures (active, overdue) are as of today. DIVERT figures follow
the referrals made in the period (a cohort) as far as each has got.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from diversion import clock
from diversion.domain import kpis
from diversion.domain import rollup_periods
from diversion.domain.contracts import BREACH_REASONS, BREACHED, COMPLETED, DISCONTINUED
from diversion.errors import ValidationFailed
from diversion.extensions import db
from diversion.models import CheckpointReferral, Contract, DivertReferral, Person, ReportCount, User
from diversion import reporting_db
from diversion.reporting_db import reporting_session
from diversion.erased_records import INCLUDE as INCLUDE_ERASED
from diversion.services import counter_batch, people_counts, rollups
from diversion.services.rollup_facts import CHECKPOINT, DIVERT, EVERYONE, _kept_band

CHECKPOINT_GROUPS = ("navigator", "ethnicity", "gender", "age_band", "offence_category")
DIVERT_GROUPS = ("ethnicity", "gender", "age_band", "substance", "source")
OVERALL = "__all__"
# Erased people's cases still count: their coded facts stay so that figures do not change (diversion/erased_records).
FIGURES = {INCLUDE_ERASED: True}
# "Overdue now" sums the active contracts' deadlines from here to yesterday.
EARLIEST = date(1900, 1, 1)


def _execute(statement):
    return reporting_session().execute(statement, execution_options=FIGURES)


def check_group(group_by: str | None, choices: tuple[str, ...]) -> None:
    if group_by is not None and group_by not in choices:
        raise ValidationFailed(fields={"group_by": ["Group by one of: " + ", ".join(choices)]})


def _counts(scheme: str, group_by: str | None, start: date, end: date, *, measure: str | None = None):
    """The counters of a scheme and grouping summed over a period: (measure, key, days, n) for each combination
    (one statement reading the primary key: a range of whole years, months or days for each part of the period)."""
    table = ReportCount.__table__
    parts = [sa.and_(table.c.unit == unit, table.c.day.between(first, last))
             for unit, first, last in rollup_periods.ranges(start, end)]
    statement = (sa.select(table.c.measure, table.c.key, table.c.days, sa.cast(sa.func.sum(table.c.n), sa.BigInteger).label("n"))
                 .where(table.c.scheme == scheme, table.c.grouping == (group_by or EVERYONE),
                        sa.or_(*parts) if parts else sa.false())
                 .group_by(table.c.measure, table.c.key, table.c.days))
    if measure is not None:
        # Written into the SQL, not bound: "active" then matches the partial index of the active contracts' counters
        # (ix_report_counts_active) in every plan, a prepared statement's generic plan included.
        statement = statement.where(table.c.measure == sa.literal(measure, table.c.measure.type, literal_execute=True))
    return statement


def _read(statement):
    """Rows of the counters (those that sum to more than 0), after bringing them up to date with this
    transaction's own changes; fetched already when the page prefetched them (services/counter_batch.py)."""
    rollups.settle(db.session)
    rows = counter_batch.take(db.session, statement)
    if rows is None:  # fetched at once: a report grouped by navigator reads thousands of rows
        rows = reporting_session().execute(statement).all()
    return [row for row in rows if row.n]


def forget_prefetched() -> None:
    counter_batch.forget(db.session)


def prefetch(statements: list) -> None:
    """Read these counter statements in one round trip; each section's `_read` of the same statement then takes its
    rows from there (services/counter_batch.py)."""
    rollups.settle(db.session)
    people_counts.settle(db.session)
    reads = reporting_session()
    if reporting_db.dialect_name() == "postgresql":
        # The union's many small index reads look big to the planner, which would start parallel workers for them
        # (20-40 ms, to read a few rows: services/people_counts.py _SERIAL). Off for the rest of this transaction
        # (set_config local), whose report reads are all of this kind.
        reads.scalar(sa.text("SELECT set_config('max_parallel_workers_per_gather', '0', true)"))
    counter_batch.prefetch(db.session, reads.execute, statements)


def _group_key(key: str) -> str:
    return OVERALL if key == EVERYONE else key


def _rate_block(completed: int, breached: int) -> dict:
    interval = kpis.wilson_interval(completed, completed + breached)
    rate = kpis.completion_rate(completed, breached)
    return {"completion_rate": kpis.round_rate(rate),
            "completion_rate_ci95": [kpis.round_rate(x) for x in interval] if interval else None,
            "reliability": kpis.reliability(completed + breached, interval),
            "_raw": (rate, interval)}  # unrounded, for disparity; removed before the report is returned


def checkpoint_statement(start: date, end: date, group_by: str | None, today: date):
    """The one statement of the Checkpoint figures: the period's counters, and the active contracts' (all of them,
    and those whose deadline is before today) for the "now" figures; each row tagged with its part."""
    table = ReportCount.__table__
    period = _counts(CHECKPOINT, group_by, start, end).add_columns(sa.literal("period").label("part"))
    active = (_counts(CHECKPOINT, group_by, date(EARLIEST.year, 1, 1), date(today.year + 10, 12, 31),
                      measure="active").where(table.c.unit == rollup_periods.YEAR)
              .add_columns(sa.literal("active").label("part")))
    overdue = (_counts(CHECKPOINT, group_by, EARLIEST, today - timedelta(days=1), measure="active")
               .add_columns(sa.literal("overdue").label("part")))
    return sa.union_all(period, active, overdue)


def checkpoint(start: date, end: date, group_by: str | None = None) -> dict:
    """The Checkpoint figures for a period (1 statement; a second for navigators' names), overall and, with
    `group_by`, per group."""
    check_group(group_by, CHECKPOINT_GROUPS)
    figures: dict[str, dict] = defaultdict(_empty_checkpoint)
    for measure, key, days, n, part in _read(checkpoint_statement(start, end, group_by, clock.today())):
        f = figures[_group_key(key)]
        if part == "active":
            f["active_now"] += n
        elif part == "overdue":
            f["overdue_now"] += n
        elif measure in ("referrals", "eligible"):
            f[measure] += n
        elif measure == "started":
            f["contracts_started"] += n
            f["_days"].append((days, n))
        elif measure.startswith("ended:"):
            f["ended"][measure[6:]] += n
        elif measure.startswith("breach:"):
            f["breach_reasons"][measure[7:]] += n
    return _checkpoint_report(figures, start, end, group_by)


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
    return {str(i): name for i, name in _execute(sa.select(User.id, User.name).where(_one_of(User.id, ids)))}


def _one_of(column, ids: list[int]):
    """`column` is one of `ids`: on PostgreSQL one array parameter (a national team is a thousand navigators, and a
    thousand bound parameters cost more to send and plan than the read itself); elsewhere IN."""
    if reporting_db.dialect_name() == "postgresql":  # (where the statement runs: a replica may be another kind)
        return column == sa.any_(sa.bindparam("ids", ids, type_=postgresql.ARRAY(sa.Integer)))
    return column.in_(ids)


DIVERT_MEASURES = ("referrals", "repeat_referrals", "contacted", "assessed", "completed")


def divert(start: date, end: date, group_by: str | None = None) -> dict:
    """The DIVERT funnel for the referrals made in a period (1 statement), overall and, with `group_by`, per group."""
    check_group(group_by, DIVERT_GROUPS)
    figures: dict[str, dict] = defaultdict(_empty_divert)
    for measure, key, days, n in _read(divert_statement(start, end, group_by)):
        f = figures[_group_key(key)]
        if measure == "assessment_days":
            f["_days"].append((days, n))
        elif measure in DIVERT_MEASURES:
            f[measure] += n
    return _divert_report(figures, start, end, group_by)


def divert_statement(start: date, end: date, group_by: str | None):
    return _counts(DIVERT, group_by, start, end)


def _divert_report(figures: dict, start: date, end: date, group_by: str | None, people: dict | None = None) -> dict:
    overall = _empty_divert()
    for values in figures.values():
        for name in DIVERT_MEASURES:
            overall[name] += values[name]
        overall["_days"].extend(values["_days"])
    report = {"period": {"from": start.isoformat(), "to": end.isoformat()}, **_finish_divert(overall),
              **(_divert_people(start, end) if people is None else people)}
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
    end (the seeds' "seen more than once"). Read from the people counters (services/people_counts.py)."""
    return people_counts.divert_people(start, end)


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


def _empty_months(start: date, end: date) -> dict[str, dict]:
    months: dict[str, dict] = {}
    cursor = start.replace(day=1)
    while cursor <= end:
        months[f"{cursor:%Y-%m}"] = {"month": f"{cursor:%Y-%m}", "referrals": 0, "started": 0, "completed": 0,
                                     "breached": 0, "discontinued": 0}
        cursor = (cursor.replace(day=28) + timedelta(days=4)).replace(day=1)
    return months


def monthly_checkpoint(start: date, end: date) -> list[dict]:
    """Referrals, contract starts and outcomes per month of the period (one statement: whole months read from the
    months' counters, the partial months at either end from their days')."""
    months = _empty_months(start, end)
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for measure, day, n in _read(monthly_statement(start, end)):
        totals[(f"{day:%Y-%m}", measure[6:] if measure.startswith("ended:") else measure)] += n
    for (month, name), n in totals.items():
        if n:
            months[month][name] = n
    return list(months.values())


def monthly_statement(start: date, end: date):
    table = ReportCount.__table__
    parts = [sa.and_(table.c.unit == rollup_periods.MONTH, table.c.day.between(first, last))
             for unit, first, last in rollup_periods.month_ranges(start, end) if unit == rollup_periods.MONTH]
    parts += [sa.and_(table.c.unit == rollup_periods.DAY, table.c.day.between(first, last))
              for unit, first, last in rollup_periods.month_ranges(start, end) if unit == rollup_periods.DAY]
    return (sa.select(table.c.measure, table.c.day, sa.cast(sa.func.sum(table.c.n), sa.BigInteger).label("n"))
            .where(table.c.scheme == CHECKPOINT, table.c.grouping == EVERYONE,
                   table.c.measure.in_(["referrals", "started"]) | table.c.measure.like("ended:%"),
                   sa.or_(*parts) if parts else sa.false())
            .group_by(table.c.measure, table.c.day))


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
