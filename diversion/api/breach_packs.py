"""Breach evidence packs (issue 12, breach hand-off): the latest signed pack of a breached contract, and signing
one (a disclosure to the officer in the case and the prosecutor)."""
from __future__ import annotations

from datetime import UTC

from flask import g

from diversion.api.auth import api_roles
from diversion.api.blueprint import bp
from diversion.api.body import created, json_object
from diversion.api.schemas import INT, SCHEMAS, STRING, TIMESTAMP, obj
from diversion.domain import breach_packs as rules
from diversion.domain.roles import ADMIN, MANAGER, NAVIGATOR
from diversion.errors import NotFound
from diversion.services import breach_packs, contracts

SCHEMAS.update({
    "BreachPackInput": obj({
        "note_ids": {"type": "array", "items": INT, "maxItems": rules.MAX_NOTES,
                     "description": "The contract's notes to include (need to know: none unless chosen)"},
        "disclosed_to": {"type": "string", "minLength": 1, "maxLength": rules.DISCLOSED_TO_MAX,
                         "example": rules.DISCLOSED_TO_DEFAULT},
        "version": {**INT, "minimum": 0,
                    "description": "The version of the latest signed pack you read (0 when there is none)"}},
        ["disclosed_to", "version"]),
    "BreachPack": obj({
        "id": INT, "contract_id": INT, "version": INT, "note_ids": {"type": "array", "items": INT},
        "disclosed_to": STRING, "confirmation": STRING, "signed_by": obj({"id": INT, "name": STRING}),
        "signed_at": TIMESTAMP,
        "pack": {"type": "object", "description": "The facts as they were when signed: reference, person, offence, "
                 "dates, conditions with progress, appointments, warnings, chosen notes, breach"}}),
})


def pack_json(pack) -> dict:
    return {"id": pack.id, "contract_id": pack.contract_id, "version": pack.version, "note_ids": pack.note_ids,
            "disclosed_to": pack.disclosed_to, "confirmation": rules.CONFIRMATION,
            "signed_by": {"id": pack.signed_by_id, "name": pack.signed_by.name},
            "signed_at": pack.signed_at.astimezone(UTC).isoformat(), "pack": pack.snapshot}


@bp.route("/contracts/<int:contract_id>/breach-pack", methods=["GET"])
@api_roles(NAVIGATOR, MANAGER, ADMIN)
def breach_pack(contract_id: int):
    """The latest signed breach evidence pack of a contract, as signed (404, code no_breach_pack, when none has
    been signed; 404 not_found for a contract outside the caller's work).
    ---
    get:
      summary: The latest signed breach evidence pack
      tags: [Contracts]
      parameters: [{name: contract_id, in: path, required: true, schema: {type: integer}}]
      responses:
        200: {description: 'The pack', content: {application/json: {schema: {$ref: '#/components/schemas/BreachPack'}}}}
        404: {$ref: '#/components/responses/NotFound'}
    """
    contract = contracts.load(contract_id, g.api_user, action="breach_pack")
    pack = breach_packs.latest(contract)
    if pack is None:
        raise NotFound("No breach evidence pack has been signed for this contract.", code="no_breach_pack")
    breach_packs.shown(contract, pack, g.api_user)
    return pack_json(pack)


@bp.route("/contracts/<int:contract_id>/breach-pack", methods=["POST"])
@api_roles(NAVIGATOR, MANAGER, ADMIN)
def sign_breach_pack(contract_id: int):
    """Sign a breach evidence pack for a breached contract (409 otherwise), with the notes chosen and to whom it is
    disclosed: its facts are fixed from then on, and the disclosure is in the audit trail. `version` is the
    latest signed pack's version read (0 for none): two signing at once, one wins and the other is a 409
    (code already_signed).
    ---
    post:
      summary: Sign a breach evidence pack
      tags: [Contracts]
      parameters: [{name: contract_id, in: path, required: true, schema: {type: integer}}]
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/BreachPackInput'}}}}
      responses:
        201: {description: 'The signed pack', content: {application/json: {schema: {$ref: '#/components/schemas/BreachPack'}}}}
        404: {$ref: '#/components/responses/NotFound'}
        409: {$ref: '#/components/responses/Conflict'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    body = json_object()
    contract = breach_packs.with_history(contracts.load(contract_id, g.api_user, action="breach_pack"))
    return created(pack_json(breach_packs.sign(contract, body, actor=g.api_user)))
