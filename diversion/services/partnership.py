"""Partnership figures (issue 12, item 5): how many people (not referrals) were diverted, how many have been seen
more than once, referrals by custody suite, and declined offers and eligibility by ethnic group with Wilson
intervals, flagging where a group differs from the whole.

Every figure is an SQL aggregate (a fixed number of statements whatever the data) run with erased records
included (reports._execute), so an erasure never changes a figure. Those by custody suite and by ethnic group are
read from the report counters (services/rollups.py; recounted the slow way in services/section_recount.py); the people
figures from the people counters (services/people_counts.py; recounted in services/report_recount.py).
The maths is in domain/kpis.py.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa

from diversion.domain import kpis
from diversion.models import CheckpointReferral, CustodySuite, DivertReferral, ReportCount
from diversion.services import people_counts, reports
from diversion.services.custody_suites import OTHER, OTHER_LABEL
from diversion.services.reports import _execute
from diversion.services.rollup_facts import CHECKPOINT, DIVERT


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
    a referral naming no suite on the list is "Other / not recorded". Every suite on the list has a row.
    Read from the report counters (services/rollups.py): a bounded number of rows whatever the period."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for measure, key, _days, n in reports._read(custody_suite_statement(start, end)):
        counts[key][0 if measure == "referrals" else 1] += n
    return suite_rows({key: tuple(pair) for key, pair in counts.items()})


def custody_suite_statement(start: date, end: date):
    return reports._counts(CHECKPOINT, "custody_suite", start, end).where(
        ReportCount.measure.in_(["referrals", "eligible"]))


def suite_rows(counts: dict[str, tuple[int, int]]) -> list[dict]:
    """The rows of the custody suite table from {code: (referrals, eligible)} (codes with at least one referral)."""
    suites = list(_execute(sa.select(CustodySuite.code, CustodySuite.name, CustodySuite.active)
                           .order_by(CustodySuite.name)))
    rows = [{"code": code, "name": name, "active": active, "referrals": counts.get(code, (0, 0))[0],
             "eligible": counts.get(code, (0, 0))[1]} for code, name, active in suites
            if active or code in counts]
    rows.append({"code": OTHER, "name": OTHER_LABEL, "active": True, "referrals": counts.get(OTHER, (0, 0))[0],
                 "eligible": counts.get(OTHER, (0, 0))[1]})
    return rows


# The counters (scheme, measure) each figure by ethnic group is read from.
ETHNICITY_FIGURES = {(CHECKPOINT, "referrals"): "referrals", (CHECKPOINT, "eligible"): "eligible",
                     (CHECKPOINT, "declined"): "declined", (CHECKPOINT, "offers"): "offers",
                     (DIVERT, "referrals"): "divert_referrals", (DIVERT, "declined"): "divert_declined"}


def by_ethnicity(start: date, end: date) -> dict:
    """By ethnic group, for the referrals made in the period: Checkpoint eligibility (eligible of referred) and
    declined offers (declined of those offered a contract: declined or contracted); DIVERT declined of referred.
    Each rate with its Wilson interval; `disparity` says where a group's whole interval lies above or below the
    overall rate. Read from the report counters (one statement)."""
    figures: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for measure, key, _days, n, scheme in reports._read(ethnicity_statement(start, end)):
        figures[key][ETHNICITY_FIGURES[(scheme, measure)]] += n
    return ethnicity_report(figures)


def ethnicity_statement(start: date, end: date):
    return sa.union_all(*(reports._counts(scheme, "ethnicity", start, end)
                          .where(ReportCount.measure.in_([m for s, m in ETHNICITY_FIGURES if s == scheme]))
                          .add_columns(sa.literal(scheme).label("scheme")) for scheme in (CHECKPOINT, DIVERT)))


def ethnicity_report(figures: dict[str, dict]) -> dict:
    """The ethnicity table from {group: {figure: count}} (groups with at least one referral)."""
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
