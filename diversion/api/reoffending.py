"""Proven reoffending (api-contract, Revision 2: outcomes): importing an extract, and the cohort report."""
from __future__ import annotations

from flask import g, jsonify, request

from diversion.api.auth import api_roles
from diversion.api.blueprint import bp
from diversion.api.body import json_object
from diversion.domain.roles import ADMIN, MANAGER
from diversion.services import reoffending_import, reoffending_report


@bp.route("/reoffending/records", methods=["POST"])
@api_roles(MANAGER, ADMIN)
def import_reoffences():
    """Import proven reoffences from a police national computer extract, matched to people by PNC id. Up to 10,000
    records a call; one bad record and nothing is saved. A record already held (the same PNC id, offence date and
    disposal date) is not added again.
    ---
    post:
      summary: Import proven reoffences
      tags: [Reoffending]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [records]
              properties:
                records:
                  type: array
                  minItems: 1
                  maxItems: 10000
                  items:
                    type: object
                    required: [pnc_id, offence_date, disposal_date]
                    properties:
                      pnc_id: {type: string, example: 2019/0123456A}
                      offence_date: {type: string, format: date}
                      disposal_date: {type: string, format: date, description: 'Conviction or caution; on or after the offence'}
      responses:
        200:
          description: 'How many records named a person here, and how many were new'
          content:
            application/json:
              schema:
                type: object
                properties:
                  matched: {type: integer}
                  unmatched: {type: integer}
                  added: {type: integer}
                  duplicates: {type: integer}
                  import_id: {type: integer}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    body = json_object()
    return jsonify(reoffending_import.import_records(body, actor=g.api_user))


@bp.route("/reports/reoffending")
@api_roles(MANAGER, ADMIN)
def reoffending_report_view():
    """Proven reoffending of the people who started in the period and whose follow-up window (months, plus six
    months for the disposal) has passed, by outcome group; and reoffending during the contract.
    ---
    get:
      summary: Proven reoffending report
      tags: [Reports]
      parameters:
        - {name: from, in: query, schema: {type: string, format: date}, description: 'Default: 12 months before to'}
        - {name: to, in: query, schema: {type: string, format: date}, description: 'Default: the latest start whose window has passed'}
        - {name: months, in: query, schema: {type: integer, enum: [6, 12, 24], default: 12}}
        - {name: group_by, in: query, schema: {type: string, enum: [ethnicity, gender, age_band]}}
      responses:
        200: {description: 'cohort, reoffended, rate, rate_ci95 (Wilson), groups (checkpoint_completed, checkpoint_breached, divert_assessed, divert_not_assessed), checkpoint_other, during_contract; with group_by also by_group'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    start, end, months, grouped = reoffending_report.arguments(request.args)
    return jsonify(reoffending_report.report(start, end, months, grouped))
