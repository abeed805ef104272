"""Partnership figures (issue 12, item 5): how many people (not referrals) were diverted, how many have been seen
more than once, referrals by custody suite, and declined offers and eligibility by ethnic group with Wilson
intervals, flagging where a group differs from the whole.

Every figure is an SQL aggregate (a fixed number of statements whatever the data) run with erased records
included (reports._execute), so an erasure never changes a figure; the people figures read the people counters
(services/people_counts.py: the same answers, counted the slow way, are in services/report_recount.py). The maths
is in domain/kpis.py.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa

from diversion.domain import kpis
from diversion.domain import divert as divert_rules
from diversion.domain import referrals as referral_rules
from diversion.models import CheckpointReferral, CustodySuite, DivertReferral, Person
from diversion.services import people_counts
from diversion.services.custody_suites import OTHER, OTHER_LABEL
from diversion.services.reports import _execute


def report(start: date, end: date) -> dict:
    return {"period": {"from": start.isoformat(), "to": end.isoformat()},
            **people_diverted(start, end), **seen_more_than_once(start, end),
            "custody_suites": by_custody_suite(start, end), "ethnicity": by_ethnicity(start, end)}


def people_diverted(start: date, end: date) -> dict:
    """Distinct people diverted in the period: a Checkpoint contract started or a DIVERT referral made; someone
    with both (or several) counts once. Read from the people counters (services/people_counts.py)."""
    return people_counts.people_diverted(start, end)


def seen_more_than_once(start: date, end: date) -> dict:
    """Of the people referred in the period (either scheme), how many have had more than one referral across
    both schemes, ever up to the end of the period (the people counters)."""
    return people_counts.seen_more_than_once(start, end)


def by_custody_suite(start: date, end: date) -> list[dict]:
    """Checkpoint referrals in the period by custody suite (by its code, so a renamed suite stays one row);
    a referral naming no suite on the list is "Other / not recorded". Every suite on the list has a row."""
    key = sa.func.coalesce(CheckpointReferral.custody_suite_code, OTHER).label("k")
    counts = {k: (n, eligible or 0) for k, n, eligible in _execute(
        sa.select(key, sa.func.count(), sa.func.sum(sa.case((CheckpointReferral.eligible, 1), else_=0)))
        .where(CheckpointReferral.referral_date.between(start, end)).group_by("k"))}
    suites = list(_execute(sa.select(CustodySuite.code, CustodySuite.name, CustodySuite.active)
                           .order_by(CustodySuite.name)))
    rows = [{"code": code, "name": name, "active": active, "referrals": counts.get(code, (0, 0))[0],
             "eligible": counts.get(code, (0, 0))[1]} for code, name, active in suites
            if active or code in counts]
    rows.append({"code": OTHER, "name": OTHER_LABEL, "active": True, "referrals": counts.get(OTHER, (0, 0))[0],
                 "eligible": counts.get(OTHER, (0, 0))[1]})
    return rows


def by_ethnicity(start: date, end: date) -> dict:
    """By ethnic group, for the referrals made in the period: Checkpoint eligibility (eligible of referred) and
    declined offers (declined of those offered a contract: declined or contracted); DIVERT declined of referred.
    Each rate with its Wilson interval; `disparity` says where a group's whole interval lies above or below the
    overall rate."""
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
    overall: dict = defaultdict(int)
    for values in figures.values():
        for name, value in values.items():
            overall[name] += value
    whole = _rates(overall)
    rates = {name: block.pop("_raw")[0] for name, block in whole.items() if isinstance(block, dict)}
    groups = []
    for k in sorted(figures, key=str):
        row = {"key": k, **_rates(figures[k])}
        for name in rates:
            value, interval = row[name].pop("_raw")
            row[name]["disparity"] = kpis.disparity(value, interval, rates[name])
        groups.append(row)
    return {"overall": whole, "groups": groups}


def _rates(values) -> dict:
    counts = {name: values.get(name, 0) for name in
              ("referrals", "eligible", "offers", "declined", "divert_referrals", "divert_declined")}
    return {**counts,
            "eligibility_rate": kpis.proportion(counts["eligible"], counts["referrals"]),
            "declined_offer_rate": kpis.proportion(counts["declined"], counts["offers"]),
            "divert_declined_rate": kpis.proportion(counts["divert_declined"], counts["divert_referrals"])}
