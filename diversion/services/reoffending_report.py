"""The proven reoffending report (api-contract, Revision 2: outcomes): of the people whose contract started (or
DIVERT referral was made) in the period and whose follow-up window has passed, how many reoffended, by outcome
group; and how many reoffended during their contract. Three reads of the report counters whatever the data and
the period (services/reoffending_counts.py); the rules are in domain/reoffending.py, what a case counts for in
services/reoffending_facts.py and the interval maths in domain/kpis.py.

The cohort counts starts: someone with a contract and a DIVERT referral in the period is in both groups, each with
its own window. Erased people are counted (their coded facts stay). A reoffence matched to a record that was later
merged into another counts for the record kept.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from werkzeug.datastructures import MultiDict

from diversion import clock
from diversion.domain import kpis
from diversion.domain import reoffending as rules
from diversion.domain.deadlines import add_calendar_months
from diversion.errors import ValidationFailed
from diversion.extensions import db
from diversion.services import reoffending_counts, reoffending_recount, reports
from diversion.services.reoffending_facts import OTHER

GROUP_BY = ("ethnicity", "gender", "age_band")


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


def statements(start: date, end: date, months: int, grouped: str | None = None, today: date | None = None) -> list:
    """The counter statements `report` reads for these arguments (a page prefetches them: services/counter_batch.py)."""
    today = today or clock.today()
    return reoffending_counts.statements(start, min(end, rules.latest_start(months, today)), end, months, grouped,
                                         today)


def report(start: date, end: date, months: int, grouped: str | None = None, today: date | None = None) -> dict:
    today = today or clock.today()
    last = min(end, rules.latest_start(months, today))
    # From the counters (three statements reading the primary key); from the cases themselves when this
    # transaction has changed some it has not counted yet (the counters catch up when it commits).
    source = reoffending_recount if reoffending_counts.unsettled(db.session) else reoffending_counts
    found, during = source.figures(start, last, end, months, grouped, today)
    cohort: dict = defaultdict(lambda: [0, 0])
    breakdown: dict = defaultdict(lambda: [0, 0])
    for (group, key), (size, reoffended) in found.items():
        cohort[group][0] += size
        cohort[group][1] += reoffended
        breakdown[key][0] += size
        breakdown[key][1] += reoffended
    size, reoffended = (sum(v[i] for v in cohort.values()) for i in (0, 1))
    overall = _figures(size, reoffended)
    result = {"period": {"from": start.isoformat(), "to": end.isoformat()}, "months": months,
              "as_of": today.isoformat(), "starts_counted_to": last.isoformat() if last >= start else None,
              **{k: v for k, v in overall.items() if k != "_raw"},
              "groups": [{"key": key, **_public(_figures(*cohort[key]))} for key in rules.GROUPS],
              OTHER: _public(_figures(*cohort[OTHER])),
              "during_contract": _during_contract(during)}
    if grouped:
        result["group_by"] = grouped
        result["by_group"] = [{"key": key, **_public(_figures(*breakdown[key])),
                               "disparity": kpis.disparity(*_figures(*breakdown[key])["_raw"], overall["_raw"][0])}
                              for key in sorted(breakdown, key=str)]
    return result


def _figures(size: int, reoffended: int) -> dict:
    rate, interval = kpis.rate(reoffended, size), kpis.wilson_interval(reoffended, size)
    return {"cohort": size, "reoffended": reoffended, "rate": kpis.round_rate(rate),
            "rate_ci95": [kpis.round_rate(x) for x in interval] if interval else None,
            "reliability": kpis.reliability(size, interval), "_raw": (rate, interval)}


def _public(figures: dict) -> dict:
    return {k: v for k, v in figures.items() if k != "_raw"}


def _during_contract(found: dict) -> dict:
    """Contracts started in the period and over by today (an outcome, or the deadline passed): how many had a
    proven offence committed during the contract, whenever it was proven."""
    size, reoffended = (sum(v[i] for v in found.values()) for i in (0, 1))
    return {**_public(_figures(size, reoffended)),
            "groups": [{"key": key, **_public(_figures(*found.get(key, (0, 0))))}
                       for key in ("checkpoint_completed", "checkpoint_breached")]}
