"""Checkpoint endpoints of the contract: referrals, decisions, contracts and their working."""
from __future__ import annotations

from flask import g, jsonify, request

from diversion.api import serialise
from diversion.api.auth import any_role, api_roles
from diversion.api.blueprint import bp
from diversion.api.body import created, json_object
from diversion.api.pagination import page, page_args
from diversion.domain import contracts as contract_rules
from diversion.domain import referrals as referral_rules
from diversion.domain.roles import ADMIN, CUSTODY_OFFICER, MANAGER, NAVIGATOR
from diversion.errors import ValidationFailed
from diversion.ids import valid_id
from diversion.services import contracts, live_cases, reference, referrals


@bp.route("/checkpoint/referrals", methods=["POST"])
@api_roles(CUSTODY_OFFICER, ADMIN)
def create_referral():
    """Refer a person to Checkpoint; eligibility is screened and every failing reason listed.
    ---
    post:
      summary: Create a Checkpoint referral
      tags: [Checkpoint]
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/ReferralInput'}}}}
      responses:
        201: {description: The referral, content: {application/json: {schema: {$ref: '#/components/schemas/Referral'}}}}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    return created(serialise.referral(referrals.create(json_object(), actor=g.api_user)))


@bp.route("/checkpoint/referrals")
@api_roles(CUSTODY_OFFICER, NAVIGATOR, MANAGER, ADMIN)
def list_referrals():
    """Referrals the caller may read (need to know), in the order they were recorded, optionally by status.
    ---
    get:
      summary: List Checkpoint referrals
      tags: [Checkpoint]
      parameters:
        - {name: status, in: query, schema: {type: string, enum: [ineligible, awaiting_approval, awaiting_navigator, not_approved, declined, contracted]}}
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 500, default: 50}}
        - {name: cursor, in: query, schema: {type: string}}
      responses:
        200: {description: 'A page of referrals: {"items": [...], "next": cursor or null}'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    limit, after = page_args()
    status = request.args.get("status")
    if status and status not in referral_rules.STATUSES:
        raise ValidationFailed(fields={"status": ["Unknown status: use one of " + ", ".join(referral_rules.STATUSES)]})
    rows = referrals.listing(g.api_user, status=status, after=None if after is None else (after, after),
                             limit=limit + 1)
    return jsonify(page(rows, limit, serialise.referral))


@bp.route("/checkpoint/referrals/<int:referral_id>")
@api_roles(CUSTODY_OFFICER, NAVIGATOR, MANAGER, ADMIN)
def get_referral(referral_id: int):
    """One referral.
    ---
    get:
      summary: Read a Checkpoint referral
      tags: [Checkpoint]
      parameters: [{name: referral_id, in: path, required: true, schema: {type: integer}}]
      responses:
        200: {description: The referral, content: {application/json: {schema: {$ref: '#/components/schemas/Referral'}}}}
        404: {$ref: '#/components/responses/NotFound'}
    """
    return jsonify(serialise.referral(referrals.load(referral_id, g.api_user)))


def _decision(referral_id: int, decide):
    body = json_object()
    referral = referrals.load(referral_id, g.api_user, action="decide")
    return jsonify(serialise.referral(decide(referral, reason=body.get("reason"), version=body.get("version"),
                                             actor=g.api_user)))


DECISION_DOC = """{what}
    ---
    post:
      summary: {what}
      tags: [Checkpoint]
      parameters: [{{name: referral_id, in: path, required: true, schema: {{type: integer}}}}]
      requestBody: {{required: true, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Decision'}}}}}}}}
      responses:
        200: {{description: The referral, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Referral'}}}}}}}}
        404: {{$ref: '#/components/responses/NotFound'}}
        409: {{$ref: '#/components/responses/Conflict'}}
        422: {{$ref: '#/components/responses/ValidationFailed'}}
    """


@bp.route("/checkpoint/referrals/<int:referral_id>/approve", methods=["POST"])
@api_roles(MANAGER, ADMIN)
def approve_referral(referral_id: int):
    return _decision(referral_id, referrals.approve)


@bp.route("/checkpoint/referrals/<int:referral_id>/refuse", methods=["POST"])
@api_roles(MANAGER, ADMIN)
def refuse_referral(referral_id: int):
    return _decision(referral_id, referrals.refuse)


@bp.route("/checkpoint/referrals/<int:referral_id>/decline", methods=["POST"])
@api_roles(NAVIGATOR, ADMIN)
def decline_referral(referral_id: int):
    return _decision(referral_id, referrals.decline)


approve_referral.__doc__ = DECISION_DOC.format(what="Approve a specific-terms referral (manager)")
refuse_referral.__doc__ = DECISION_DOC.format(what="Refuse a specific-terms referral (manager)")
decline_referral.__doc__ = DECISION_DOC.format(what="Record that the person declined the offer")


@bp.route("/checkpoint/referrals/<int:referral_id>/contract", methods=["POST"])
@api_roles(NAVIGATOR, ADMIN)
def agree_contract(referral_id: int):
    """Agree the contract to engage on a referral awaiting a navigator.
    ---
    post:
      summary: Agree a contract
      tags: [Checkpoint]
      parameters: [{name: referral_id, in: path, required: true, schema: {type: integer}}]
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/ContractInput'}}}}
      responses:
        201: {description: The contract, content: {application/json: {schema: {$ref: '#/components/schemas/Contract'}}}}
        404: {$ref: '#/components/responses/NotFound'}
        409: {$ref: '#/components/responses/Conflict'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    body = json_object()
    referral = referrals.load(referral_id, g.api_user, action="contract")
    return created(serialise.contract(contracts.agree(referral, body, actor=g.api_user)))


@bp.route("/reference/offence-categories")
@any_role
def offence_categories():
    """Offence categories and their Checkpoint eligibility.
    ---
    get:
      summary: Offence categories
      tags: [Reference]
      responses:
        200: {description: '{"items": [{"code", "title", "eligibility"}]}'}
    """
    return jsonify(items=[{"code": c.code, "title": c.title, "eligibility": c.eligibility}
                          for c in reference.categories()])


@bp.route("/contracts")
@api_roles(NAVIGATOR, MANAGER, ADMIN)
def list_contracts():
    """Contracts: a navigator's own caseload, or everyone's for managers and admins.
    ---
    get:
      summary: List contracts
      tags: [Contracts]
      parameters:
        - {name: status, in: query, schema: {type: string, enum: [active, overdue, completed, breached, discontinued]}}
        - {name: navigator_id, in: query, schema: {type: integer}}
        - {name: due_before, in: query, schema: {type: string, format: date}}
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 500, default: 50}}
        - {name: cursor, in: query, schema: {type: string}}
      responses:
        200: {description: 'A page of contracts: {"items": [...], "next": cursor or null}'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    from diversion.services import parse

    limit, after = page_args()
    problems = parse.Problems()
    status = parse.choice(request.args, "status", contract_rules.STATUS_LABELS, problems, required=False,
                          label="a status")
    due_before = parse.iso_date(request.args, "due_before", problems, required=False, label="due_before",
                                not_future=False)
    navigator_id = request.args.get("navigator_id")
    if navigator_id is not None and not (parse.whole_number(navigator_id) and valid_id(int(navigator_id))):
        problems.add("navigator_id", "navigator_id must be a user id")
    problems.raise_if_any()
    rows = contracts.listing(g.api_user, after_id=after, limit=limit + 1, status=status, due_before=due_before,
                             navigator_id=int(navigator_id) if navigator_id else None)
    return jsonify(serialise.contract_page(rows, limit))



@bp.route("/contracts/<int:contract_id>")
@api_roles(NAVIGATOR, MANAGER, ADMIN)
def get_contract(contract_id: int):
    """One contract.
    ---
    get:
      summary: Read a contract
      tags: [Contracts]
      parameters: [{name: contract_id, in: path, required: true, schema: {type: integer}}]
      responses:
        200: {description: The contract, content: {application/json: {schema: {$ref: '#/components/schemas/Contract'}}}}
        404: {$ref: '#/components/responses/NotFound'}
    """
    return jsonify(serialise.contract(contracts.load_full(contract_id, g.api_user)))


@bp.route("/contracts/<int:contract_id>/notes", methods=["POST"])
@api_roles(NAVIGATOR, MANAGER, ADMIN)
def add_note(contract_id: int):
    """Add a note (append-only: a correction is a new note).
    ---
    post:
      summary: Add a note to a contract
      tags: [Contracts]
      parameters: [{name: contract_id, in: path, required: true, schema: {type: integer}}]
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/NoteInput'}}}}
      responses:
        201: {description: The note}
        404: {$ref: '#/components/responses/NotFound'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    body = json_object()
    contract = contracts.load(contract_id, g.api_user, action="note")
    return created(serialise.note(contracts.add_note(contract, body, actor=g.api_user)))


@bp.route("/contracts/<int:contract_id>/conditions/<int:condition_id>/progress", methods=["POST"])
@api_roles(NAVIGATOR, MANAGER, ADMIN)
def record_progress(contract_id: int, condition_id: int):
    """Log progress against a condition (hours add to hours_done).
    ---
    post:
      summary: Log progress on a condition
      tags: [Contracts]
      parameters:
        - {name: contract_id, in: path, required: true, schema: {type: integer}}
        - {name: condition_id, in: path, required: true, schema: {type: integer}}
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/ProgressInput'}}}}
      responses:
        201: {description: The progress entry and the condition}
        404: {$ref: '#/components/responses/NotFound'}
        409: {$ref: '#/components/responses/Conflict'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    body = json_object()
    contract = contracts.load(contract_id, g.api_user, action="progress")
    entry = contracts.record_progress(contract, condition_id, body, actor=g.api_user)
    condition = next(c for c in contract.conditions if c.id == condition_id)
    return created(serialise.progress(entry, condition))


@bp.route("/contracts/<int:contract_id>/conditions/<int:condition_id>/status", methods=["POST"])
@api_roles(NAVIGATOR, MANAGER, ADMIN)
def set_condition_status(contract_id: int, condition_id: int):
    """Mark a condition met or failed.
    ---
    post:
      summary: Set a condition's status
      tags: [Contracts]
      parameters:
        - {name: contract_id, in: path, required: true, schema: {type: integer}}
        - {name: condition_id, in: path, required: true, schema: {type: integer}}
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/ConditionStatusInput'}}}}
      responses:
        200: {description: The contract, content: {application/json: {schema: {$ref: '#/components/schemas/Contract'}}}}
        404: {$ref: '#/components/responses/NotFound'}
        409: {$ref: '#/components/responses/Conflict'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    body = json_object()
    contract = contracts.load(contract_id, g.api_user, action="condition")
    return jsonify(serialise.contract(contracts.set_condition_status(contract, condition_id, body,
                                                                     actor=g.api_user)))


@bp.route("/contracts/<int:contract_id>/outcome", methods=["POST"])
@api_roles(NAVIGATOR, MANAGER, ADMIN)
def record_outcome(contract_id: int):
    """Record the outcome: completed (no further action, outcome 22), breached or discontinued.
    ---
    post:
      summary: Record a contract's outcome
      tags: [Contracts]
      parameters: [{name: contract_id, in: path, required: true, schema: {type: integer}}]
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/OutcomeInput'}}}}
      responses:
        200: {description: The contract, content: {application/json: {schema: {$ref: '#/components/schemas/Contract'}}}}
        404: {$ref: '#/components/responses/NotFound'}
        409: {$ref: '#/components/responses/Conflict'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    body = json_object()
    contract = contracts.load(contract_id, g.api_user, action="outcome")
    return jsonify(serialise.contract(contracts.record_outcome(contract, body, actor=g.api_user)))


@bp.route("/contracts/<int:contract_id>/alerts/<int:alert_id>/dismiss", methods=["POST"])
@api_roles(NAVIGATOR, MANAGER, ADMIN)
def dismiss_alert(contract_id: int, alert_id: int):
    """Record that a new referral alerted on the contract is not a breach, and why (a breach is recorded with
    the outcome endpoint, which answers every open alert).
    ---
    post:
      summary: Decide that an alert is not a breach
      tags: [Contracts]
      parameters:
        - {name: contract_id, in: path, required: true, schema: {type: integer}}
        - {name: alert_id, in: path, required: true, schema: {type: integer}}
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/DismissInput'}}}}
      responses:
        200: {description: The contract, content: {application/json: {schema: {$ref: '#/components/schemas/Contract'}}}}
        404: {$ref: '#/components/responses/NotFound'}
        409: {$ref: '#/components/responses/Conflict'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    body = json_object()
    contract = contracts.load(contract_id, g.api_user, action="alert")
    live_cases.dismiss(contract, alert_id, body, actor=g.api_user)
    return jsonify(serialise.contract(contract))
