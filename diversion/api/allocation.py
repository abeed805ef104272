"""Allocation endpoints (revision 2, casework; manager, admin): reserve a queued referral for a navigator, hand a
contract to another navigator with a reason."""
from __future__ import annotations

from flask import g, jsonify

from diversion.api import serialise
from diversion.api.auth import api_roles
from diversion.api.blueprint import bp
from diversion.api.body import json_object
from diversion.domain.allocation import REASON_MAX
from diversion.domain.roles import ADMIN, MANAGER
from diversion.services import allocation, contracts, referrals


@bp.route("/checkpoint/referrals/<int:referral_id>/allocate", methods=["POST"])
@api_roles(MANAGER, ADMIN)
def allocate_referral(referral_id: int):
    """Reserve a referral awaiting a navigator for one navigator: only they (and managers, admins) then see it and
    may agree its contract. Allocating again replaces the navigator; `navigator_id: null` frees it for any navigator.
    ---
    post:
      summary: Reserve a queued referral for a navigator
      tags: [Checkpoint]
      parameters: [{name: referral_id, in: path, required: true, schema: {type: integer}}]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [navigator_id, version]
              properties:
                navigator_id: {type: integer, nullable: true, description: 'An active navigator; null frees the referral'}
                version: {type: integer}
      responses:
        200: {description: The referral, content: {application/json: {schema: {$ref: '#/components/schemas/Referral'}}}}
        404: {$ref: '#/components/responses/NotFound'}
        409: {$ref: '#/components/responses/Conflict'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    body = json_object()
    referral = referrals.load(referral_id, g.api_user, action="allocate")
    return jsonify(serialise.referral(allocation.allocate(referral, body, actor=g.api_user)))


@bp.route("/contracts/<int:contract_id>/navigator", methods=["POST"])
@api_roles(MANAGER, ADMIN)
def change_navigator(contract_id: int):
    """Hand an open contract to another active navigator, with the reason (kept, and shown on its timeline). The
    navigator who held it no longer sees it.
    ---
    post:
      summary: Reassign a contract to another navigator
      tags: [Contracts]
      parameters: [{name: contract_id, in: path, required: true, schema: {type: integer}}]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [navigator_id, reason, version]
              properties:
                navigator_id: {type: integer}
                reason: {type: string, minLength: 1, maxLength: REASON_MAX}
                version: {type: integer}
      responses:
        200: {description: The contract, content: {application/json: {schema: {$ref: '#/components/schemas/Contract'}}}}
        404: {$ref: '#/components/responses/NotFound'}
        409: {$ref: '#/components/responses/Conflict'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    body = json_object()
    contract = contracts.load(contract_id, g.api_user, action="reassign")
    allocation.reassign(contract, body, actor=g.api_user)
    return jsonify(serialise.contract(contracts.load_full(contract.id, g.api_user)))


change_navigator.__doc__ = change_navigator.__doc__.replace("REASON_MAX", str(REASON_MAX))
