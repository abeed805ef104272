"""Treatment engagement endpoints (issue 12): the services people are referred on to, onward referrals from a
Checkpoint contract's pathway conditions (DIVERT ones come from the provider's `onward_referral` event), whether
the person started, and the report per service and pathway."""
from __future__ import annotations

from flask import g, jsonify, request

from diversion.api.auth import api_roles
from diversion.api.blueprint import bp
from diversion.api.body import created, json_object
from diversion.api.pagination import page, page_args
from diversion.api.schemas import BOOL, DATE, INT, SCHEMAS, STRING, obj
from diversion.domain import treatment as rules
from diversion.domain.need_to_know import READS_PROVIDER_NOTES
from diversion.domain.roles import ADMIN, MANAGER, NAVIGATOR, PROVIDER
from diversion.services import contracts, divert, reports, treatment, treatment_report

SCHEMAS.update({
    "OnwardReferralInput": obj({
        "condition_id": {**INT, "description": "One of the contract's pathway conditions"},
        "service": {**STRING, "description": "A service code from GET /treatment-services"},
        "referred_on": {**DATE, "description": "Not in the future, not before the contract started"}},
        ["condition_id", "service", "referred_on"]),
    "OnwardStartInput": obj({
        "started_on": {**DATE, "nullable": True,
                       "description": "The day they started: on or after the referral, not in the future"},
        "did_not_start": {**BOOL, "description": "true when they did not start (then no started_on)"},
        "version": INT}, ["version"]),
    "OnwardReferral": obj({
        "id": INT, "scheme": {"type": "string", "enum": list(rules.SCHEMES)},
        "contract_id": {**INT, "nullable": True}, "condition_id": {**INT, "nullable": True},
        "divert_referral_id": {**INT, "nullable": True}, "service": STRING, "pathway": STRING,
        "referred_on": DATE, "started_on": {**DATE, "nullable": True}, "did_not_start": BOOL,
        "status": {"type": "string", "enum": [rules.STARTED, rules.NOT_STARTED, rules.WAITING]},
        "started_within_three_weeks": BOOL, "not_started_within_three_weeks": BOOL, "version": INT}),
    "TreatmentService": obj({"code": STRING, "name": STRING, "pathway": STRING, "active": BOOL}),
})

CHECKPOINT_WORKERS = (NAVIGATOR, MANAGER, ADMIN)


@bp.route("/treatment-services")
@api_roles(NAVIGATOR, PROVIDER, MANAGER, ADMIN)
def treatment_services():
    """The services people are referred on to (a reference list; the ones no longer offered too, marked).
    ---
    get:
      summary: List treatment and support services
      tags: [Treatment]
      responses:
        200: {description: '{"items": [TreatmentService], "next": null} (a short reference list: one page)'}
    """
    return jsonify({"items": [{"code": s.code, "name": s.name, "pathway": s.pathway, "active": s.active}
                              for s in treatment.services(include_inactive=True)], "next": None})


@bp.route("/contracts/<int:contract_id>/onward-referrals")
@api_roles(*CHECKPOINT_WORKERS)
def contract_onward_referrals(contract_id: int):
    """A contract's onward referrals, in the order recorded.
    ---
    get:
      summary: List a contract's onward referrals
      tags: [Treatment]
      parameters:
        - {name: contract_id, in: path, required: true, schema: {type: integer}}
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 500}}
        - {name: cursor, in: query, schema: {type: string}}
      responses:
        200: {description: '{"items": [OnwardReferral], "next": cursor or null}'}
        404: {$ref: '#/components/responses/NotFound'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    limit, after = page_args()
    contract = contracts.load(contract_id, g.api_user)
    return jsonify(page(treatment.for_contract(contract, after_id=after, limit=limit + 1), limit, treatment.as_json))


@bp.route("/contracts/<int:contract_id>/onward-referrals", methods=["POST"])
@api_roles(*CHECKPOINT_WORKERS)
def refer_on(contract_id: int):
    """Refer the person on to a service from one of the contract's pathway conditions.
    ---
    post:
      summary: Record a Checkpoint onward referral
      tags: [Treatment]
      parameters: [{name: contract_id, in: path, required: true, schema: {type: integer}}]
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/OnwardReferralInput'}}}}
      responses:
        201: {description: The onward referral, content: {application/json: {schema: {$ref: '#/components/schemas/OnwardReferral'}}}}
        404: {$ref: '#/components/responses/NotFound'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    body = json_object()
    contract = contracts.load(contract_id, g.api_user, action="onward_referral")
    return created(treatment.as_json(treatment.refer(contract, body, actor=g.api_user)))


@bp.route("/divert/referrals/<int:referral_id>/onward-referrals")
@api_roles(*READS_PROVIDER_NOTES)
def divert_onward_referrals(referral_id: int):
    """A DIVERT referral's onward referrals (one per `onward_referral` event), in the order recorded.
    ---
    get:
      summary: List a DIVERT referral's onward referrals
      tags: [Treatment]
      parameters:
        - {name: referral_id, in: path, required: true, schema: {type: integer}}
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 500}}
        - {name: cursor, in: query, schema: {type: string}}
      responses:
        200: {description: '{"items": [OnwardReferral], "next": cursor or null}'}
        404: {$ref: '#/components/responses/NotFound'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    limit, after = page_args()
    referral = divert.load(referral_id, g.api_user)
    return jsonify(page(treatment.for_divert(referral, after_id=after, limit=limit + 1), limit, treatment.as_json))


@bp.route("/onward-referrals/<int:onward_id>/start", methods=["POST"])
@api_roles(NAVIGATOR, PROVIDER, MANAGER, ADMIN)
def record_start(onward_id: int):
    """Whether the person started: `started_on` (on or after the referral, not in the future) or
    `did_not_start: true`, with the version read. Checkpoint ones: the contract's navigator, a manager or an
    administrator; DIVERT ones: a provider or an administrator. A later answer corrects an earlier one.
    ---
    post:
      summary: Record the start of an onward referral
      tags: [Treatment]
      parameters: [{name: onward_id, in: path, required: true, schema: {type: integer}}]
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/OnwardStartInput'}}}}
      responses:
        200: {description: The onward referral, content: {application/json: {schema: {$ref: '#/components/schemas/OnwardReferral'}}}}
        403: {$ref: '#/components/responses/Forbidden'}
        404: {$ref: '#/components/responses/NotFound'}
        409: {$ref: '#/components/responses/Conflict'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    body = json_object()
    record = treatment.load(onward_id, g.api_user)
    return jsonify(treatment.as_json(treatment.record_start(record, body, actor=g.api_user)))


@bp.route("/reports/treatment")
@api_roles(MANAGER, ADMIN)
def treatment_engagement():
    """Onward referrals made in a period: referred, started, started within three weeks (21 days) and the rate
    with its Wilson 95% interval, overall, by scheme, per service and per pathway. The rate is of the referrals
    whose three weeks are decided (`waiting`: no start recorded yet and referred 21 days ago or less).
    ---
    get:
      summary: Treatment engagement report
      tags: [Reports]
      parameters:
        - {name: from, in: query, schema: {type: string, format: date}, description: 'Default: 12 months before to'}
        - {name: to, in: query, schema: {type: string, format: date}, description: 'Default: today'}
      responses:
        200: {description: 'from, to, within_days; overall, by_scheme, services, pathways: each referred, started, started_within_three_weeks, not_started_within_three_weeks, waiting, rate {rate, ci95, reliability}'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    start, end = reports.period(request.args)
    return jsonify(treatment_report.report(start, end))
