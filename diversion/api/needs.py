"""Needs assessment endpoints (issue 12): a contract's needs across the critical pathways, their review at the
end, and the needs report by pathway."""
from __future__ import annotations

from flask import g, jsonify, request

from diversion.api.auth import api_roles
from diversion.api.blueprint import bp
from diversion.api.body import json_object
from diversion.domain.roles import ADMIN, MANAGER, NAVIGATOR
from diversion.errors import NotFound
from diversion.services import contracts, needs, needs_report, reports


@bp.route("/contracts/<int:contract_id>/needs")
@api_roles(NAVIGATOR, MANAGER, ADMIN)
def read_needs(contract_id: int):
    """A contract's needs assessment (404 before one is made).
    ---
    get:
      summary: Read a contract's needs assessment
      tags: [Contracts]
      parameters: [{name: contract_id, in: path, required: true, schema: {type: integer}}]
      responses:
        200: {description: The needs assessment, content: {application/json: {schema: {$ref: '#/components/schemas/NeedsAssessment'}}}}
        404: {$ref: '#/components/responses/NotFound'}
    """
    contract = contracts.load(contract_id, g.api_user)
    assessment = needs.of(contract)
    if assessment is None:
        raise NotFound("This contract has no needs assessment yet.", code="no_needs_assessment")
    return jsonify(needs.as_json(assessment))


@bp.route("/contracts/<int:contract_id>/needs", methods=["PUT"])
@api_roles(NAVIGATOR, MANAGER, ADMIN)
def record_needs(contract_id: int):
    """Record the needs assessment: a score 0–3 (none, low, medium, high) and a note for each pathway assessed.
    Send the version read (none for the first assessment); it replaces the last one.
    ---
    put:
      summary: Record a contract's needs assessment
      tags: [Contracts]
      parameters: [{name: contract_id, in: path, required: true, schema: {type: integer}}]
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/NeedsInput'}}}}
      responses:
        200: {description: The needs assessment, content: {application/json: {schema: {$ref: '#/components/schemas/NeedsAssessment'}}}}
        404: {$ref: '#/components/responses/NotFound'}
        409: {$ref: '#/components/responses/Conflict'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    body = json_object()
    contract = contracts.load(contract_id, g.api_user, action="needs")
    return jsonify(needs.as_json(needs.record(contract, body, actor=g.api_user)))


@bp.route("/contracts/<int:contract_id>/needs/review", methods=["POST"])
@api_roles(NAVIGATOR, MANAGER, ADMIN)
def review_needs(contract_id: int):
    """Review assessed needs: met, reduced or unchanged (at the outcome, or any time after the assessment).
    ---
    post:
      summary: Review a contract's assessed needs
      tags: [Contracts]
      parameters: [{name: contract_id, in: path, required: true, schema: {type: integer}}]
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/NeedsReviewInput'}}}}
      responses:
        200: {description: The needs assessment, content: {application/json: {schema: {$ref: '#/components/schemas/NeedsAssessment'}}}}
        404: {$ref: '#/components/responses/NotFound'}
        409: {$ref: '#/components/responses/Conflict'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    body = json_object()
    contract = contracts.load(contract_id, g.api_user, action="needs")
    return jsonify(needs.as_json(needs.review(contract, body, actor=g.api_user)))


@bp.route("/reports/needs")
@api_roles(MANAGER, ADMIN)
def needs_by_pathway():
    """Needs found at each level, and review results, by pathway, for the assessments made in a period.
    ---
    get:
      summary: Needs report
      tags: [Reports]
      parameters:
        - {name: from, in: query, schema: {type: string, format: date}, description: 'Default: 12 months before to'}
        - {name: to, in: query, schema: {type: string, format: date}, description: 'Default: today'}
      responses:
        200: {description: 'assessments; pathways, each with levels (none, low, medium, high) and reviews (met, reduced, unchanged, not_reviewed)'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    start, end = reports.period(request.args)
    return jsonify(needs_report.by_pathway(start, end))
