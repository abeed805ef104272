"""Treatment engagement figures: for the onward referrals made in a period (both schemes), per service and per
pathway, how many were referred, started, and started within three weeks, with the rate and its Wilson 95%
interval. The rate is of the referrals whose three weeks are decided: a referral with no start recorded and
referred 21 days ago or less is still waiting and is left out of the rate (it is counted as referred). Erased
people are counted (the rows hold no personal data). Read from the report counters (a bounded number of rows
whatever the period); the same figures counted from the onward referrals are services/section_recount.py."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from diversion import clock
from diversion.domain import contracts as contract_rules
from diversion.domain import kpis
from diversion.domain import treatment as rules
from diversion.models import ReportCount, TreatmentService
from diversion.services.reports import _counts, _execute, _read
from diversion.services.rollup_facts import TREATMENT

COUNTS = ("referred", "started", "started_within_three_weeks", "not_started_within_three_weeks", "waiting")


def report(start: date, end: date, *, today: date | None = None) -> dict:
    """{"from", "to", "within_days", "overall", "by_scheme": {checkpoint, divert}, "services": [...],
    "pathways": [...]}; each figure block holds COUNTS and "rate" {rate, ci95, reliability}.

    Read from the report counters (services/rollups.py, kind "onward_referral"), one statement: each onward
    referral counts on the day it was made as referred, started, started within the rule's days and "open" (neither
    started nor said not to start), overall and by scheme, service and pathway. "Waiting" is the open ones made in
    the last WITHIN_DAYS days up to today: the open counters of that part of the period, so it stays exact as the
    days pass without any counter changing."""
    blocks: dict[str, dict[str, dict]] = {grouping: {} for grouping in GROUPINGS}
    for measure, key, _days, n, grouping in _read(statement(start, end, today=today)):
        blocks[grouping].setdefault(key, _blank())[MEASURES[measure]] += n
    overall = _blank()
    for block in blocks["scheme"].values():  # every onward referral is of one scheme
        for name, n in block.items():
            overall[name] += n
    return treatment_figures(start, end, overall, blocks["scheme"], blocks["service"], blocks["pathway"])


def statement(start: date, end: date, *, today: date | None = None):
    """The report's one statement of counters."""
    today = today or clock.today()
    recent = max(start, today - timedelta(days=rules.WITHIN_DAYS))
    table = ReportCount.__table__
    parts = []
    for grouping in GROUPINGS:
        label = sa.literal(grouping).label("grouping")
        parts.append(_counts(TREATMENT, grouping, start, end).where(table.c.measure != "open").add_columns(label))
        parts.append(_counts(TREATMENT, grouping, recent, end, measure="open").add_columns(label))
    return sa.union_all(*parts)


GROUPINGS = ("scheme", "service", "pathway")
MEASURES = {"referred": "referred", "started": "started", "within": "within", "open": "waiting"}


def treatment_figures(start: date, end: date, overall: dict, by_scheme: dict[str, dict], by_service: dict[str, dict],
                      by_pathway: dict[str, dict]) -> dict:
    """The report from its blocks of counts (each {referred, started, within, waiting}): overall, and by scheme,
    service and pathway (those with at least one referral; every scheme and pathway is shown)."""
    names = {code: (name, active) for code, name, active in _execute(
        sa.select(TreatmentService.code, TreatmentService.name, TreatmentService.active))}
    schemes = {scheme: by_scheme.get(scheme, _blank()) for scheme in rules.SCHEMES}
    schemes.update(sorted(by_scheme.items()))
    pathways_found = {code: by_pathway.get(code, _blank()) for code in contract_rules.PATHWAYS}
    pathways_found.update(sorted(by_pathway.items()))
    services = [{"service": code, "name": names.get(code, (code, False))[0],
                 "active": names.get(code, (code, False))[1], **_figures(block)}
                for code, block in sorted(by_service.items(), key=lambda kv: names.get(kv[0], (kv[0],))[0])]
    pathways = [{"pathway": code, "label": contract_rules.PATHWAYS.get(code, code), **_figures(block)}
                for code, block in pathways_found.items()]
    return {"from": start.isoformat(), "to": end.isoformat(), "within_days": rules.WITHIN_DAYS,
            "overall": _figures(overall), "by_scheme": {k: _figures(v) for k, v in schemes.items()},
            "services": services, "pathways": pathways}


def _blank() -> dict:
    return {"referred": 0, "started": 0, "within": 0, "waiting": 0}


def _add(block: dict, referred: int, started: int, within: int, waiting: int) -> None:
    block["referred"] += referred
    block["started"] += int(started or 0)
    block["within"] += int(within or 0)
    block["waiting"] += int(waiting or 0)


def _figures(block: dict) -> dict:
    decided = block["referred"] - block["waiting"]
    rate = kpis.proportion(block["within"], decided)
    rate.pop("_raw")
    return {"referred": block["referred"], "started": block["started"],
            "started_within_three_weeks": block["within"],
            "not_started_within_three_weeks": decided - block["within"], "waiting": block["waiting"],
            "rate": rate}
