"""Treatment engagement figures: for the onward referrals made in a period (both schemes), per service and per
pathway, how many were referred, started, and started within three weeks, with the rate and its Wilson 95%
interval. The rate is of the referrals whose three weeks are decided: a referral with no start recorded and
referred 21 days ago or less is still waiting and is left out of the rate (it is counted as referred). Erased
people are counted (the rows hold no personal data): one grouped query, answered from the referred_on index."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from diversion import clock
from diversion.domain import contracts as contract_rules
from diversion.domain import kpis
from diversion.domain import treatment as rules
from diversion.models import OnwardReferral, TreatmentService
from diversion.services.report_sql import days_between
from diversion.services.reports import _execute

COUNTS = ("referred", "started", "started_within_three_weeks", "not_started_within_three_weeks", "waiting")


def report(start: date, end: date, *, today: date | None = None) -> dict:
    """{"from", "to", "within_days", "overall", "by_scheme": {checkpoint, divert}, "services": [...],
    "pathways": [...]}; each figure block holds COUNTS and "rate" {rate, ci95, reliability}."""
    today = today or clock.today()
    o = OnwardReferral
    started = o.started_on.is_not(None)
    within = sa.and_(started, days_between(o.referred_on, o.started_on) <= rules.WITHIN_DAYS)
    waiting = sa.and_(o.started_on.is_(None), o.did_not_start.is_(False),
                      o.referred_on >= today - timedelta(days=rules.WITHIN_DAYS))

    def total(condition):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    rows = _execute(sa.select(o.scheme, o.service_code, o.pathway, sa.func.count(o.id), total(started),
                              total(within), total(waiting))
                    .where(o.referred_on.between(start, end))
                    .group_by(o.scheme, o.service_code, o.pathway)).all()
    names = {code: (name, active) for code, name, active in _execute(
        sa.select(TreatmentService.code, TreatmentService.name, TreatmentService.active))}
    overall, schemes = _blank(), {scheme: _blank() for scheme in rules.SCHEMES}
    by_service: dict[str, dict] = {}
    by_pathway: dict[str, dict] = {code: _blank() for code in contract_rules.PATHWAYS}
    for scheme, service, pathway, referred, n_started, n_within, n_waiting in rows:
        counts = (referred, n_started, n_within, n_waiting)
        for block in (overall, schemes.setdefault(scheme, _blank()), by_service.setdefault(service, _blank()),
                      by_pathway.setdefault(pathway, _blank())):
            _add(block, *counts)
    services = [{"service": code, "name": names.get(code, (code, False))[0],
                 "active": names.get(code, (code, False))[1], **_figures(block)}
                for code, block in sorted(by_service.items(), key=lambda kv: names.get(kv[0], (kv[0],))[0])]
    pathways = [{"pathway": code, "label": contract_rules.PATHWAYS.get(code, code), **_figures(block)}
                for code, block in by_pathway.items()]
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
