"""Reports endpoints of the contract (managers and admins)."""
from __future__ import annotations

from flask import jsonify, request

from diversion.api.auth import api_roles
from diversion.api.blueprint import bp
from diversion.domain.roles import ADMIN, MANAGER
from diversion.errors import ValidationFailed
from diversion.services import reports



def _group(allowed: tuple[str, ...]) -> str | None:
    value = request.args.get("group_by") or None
    if value is not None and value not in allowed:
        raise ValidationFailed(fields={"group_by": ["Group by one of: " + ", ".join(allowed)]})
    return value


@bp.route("/reports/checkpoint")
@api_roles(MANAGER, ADMIN)
def checkpoint_report():
    """Checkpoint figures for a period, optionally grouped.
    ---
    get:
      summary: Checkpoint report
      tags: [Reports]
      parameters:
        - {name: from, in: query, schema: {type: string, format: date}, description: 'Default: 12 months before to'}
        - {name: to, in: query, schema: {type: string, format: date}, description: 'Default: today'}
        - {name: group_by, in: query, schema: {type: string, enum: [navigator, ethnicity, gender, age_band, offence_category]}}
      responses:
        200: {description: 'referrals, eligible, contracts_started, ended, completion_rate (+ Wilson ci95), breach_reasons, median_days_referral_to_contract, active_now, overdue_now; with group_by also groups'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    start, end = reports.period(request.args)
    return jsonify(reports.checkpoint(start, end, _group(reports.CHECKPOINT_GROUPS)))


@bp.route("/reports/divert")
@api_roles(MANAGER, ADMIN)
def divert_report():
    """DIVERT funnel figures for the referrals made in a period, optionally grouped.
    ---
    get:
      summary: DIVERT report
      tags: [Reports]
      parameters:
        - {name: from, in: query, schema: {type: string, format: date}}
        - {name: to, in: query, schema: {type: string, format: date}}
        - {name: group_by, in: query, schema: {type: string, enum: [ethnicity, gender, age_band, substance, source]}}
      responses:
        200: {description: 'referrals, repeat_referrals, contacted, assessed, completed, assessed_rate (+ ci95), median_days_to_assessment; people (referred in the period) and people_seen_more_than_once (of them, those with more than one DIVERT referral up to the end of the period; overall only); with group_by also groups'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    start, end = reports.period(request.args)
    return jsonify(reports.divert(start, end, _group(reports.DIVERT_GROUPS)))


@bp.route("/reports/partnership")
@api_roles(MANAGER, ADMIN)
def partnership_report():
    """Partnership figures for a period: people (not referrals) diverted, people seen more than once, referrals by
    custody suite, eligibility and declined offers by ethnic group (Wilson 95% intervals). Erasure never changes them.
    ---
    get:
      summary: Partnership figures
      tags: [Reports]
      parameters:
        - {name: from, in: query, schema: {type: string, format: date}, description: 'Default: 12 months before to'}
        - {name: to, in: query, schema: {type: string, format: date}, description: 'Default: today'}
      responses:
        200: {description: 'people_diverted (Checkpoint contracts started and DIVERT referrals made, each person once) and people_diverted_by_scheme; people_referred in the period and people_seen_more_than_once (more than one referral across both schemes up to the end of the period); custody_suites [{code, name, active, referrals, eligible}] with code "other" for Other / not recorded; ethnicity {overall, groups [{key, referrals, eligible, offers, declined, divert_referrals, divert_declined, eligibility_rate, declined_offer_rate, divert_declined_rate: {rate, ci95, reliability, disparity}}]}'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    from diversion.services import partnership

    start, end = reports.period(request.args)
    return jsonify(partnership.report(start, end))
