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
        200: {description: 'referrals, repeat_referrals, contacted, assessed, completed, assessed_rate (+ ci95), median_days_to_assessment; with group_by also groups'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    start, end = reports.period(request.args)
    return jsonify(reports.divert(start, end, _group(reports.DIVERT_GROUPS)))
