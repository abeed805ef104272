"""DIVERT endpoints of the contract."""
from __future__ import annotations

from flask import g, jsonify, request

from diversion.api.auth import api_roles
from diversion.api.blueprint import bp
from diversion.api.body import created, json_object
from diversion.api.pagination import page, page_args
from diversion.api.serialise import recorded_person
from diversion.domain import divert as rules
from diversion.domain.need_to_know import READS_PROVIDER_NOTES
from diversion.domain.roles import ADMIN, CUSTODY_OFFICER, MANAGER, NAVIGATOR, PROVIDER
from diversion.errors import ValidationFailed
from diversion.services import divert

READERS = (CUSTODY_OFFICER, PROVIDER, MANAGER, ADMIN)


def event_json(e) -> dict:
    note = e.note if g.api_user.role in READS_PROVIDER_NOTES else None  # the provider's notes stay with them
    return {"id": e.id, "event": e.event, "date": e.date.isoformat(), "note": note, "onward_to": e.onward_to,
            "appointment_at": e.appointment_at.isoformat() if e.appointment_at else None,
            "recorded_by": e.recorded_by_id, "created_at": e.created_at.isoformat()}


def referral_json(r) -> dict:
    return {"id": r.id, "reference": r.reference, "person": recorded_person(r), "identity_match": r.identity_match,
            "status": r.status, "referral_date": r.referral_date.isoformat(),
            "source": r.source, "substance": r.substance, "suspected_supply": r.suspected_supply,
            "referring_officer": r.referring_officer, "location": r.location,
            "referral_number": r.referral_number, "possible_duplicates": list(r.possible_duplicates),
            "events": [event_json(e) for e in r.events], "created_at": r.created_at.isoformat(),
            "status_since": r.status_since.isoformat() if r.status_since else None,
            "next_appointment_at": r.next_appointment_at.isoformat() if r.next_appointment_at else None,
            "version": r.version}


@bp.route("/divert/referrals", methods=["POST"])
@api_roles(CUSTODY_OFFICER, ADMIN)
def create_divert_referral():
    """Refer a person found with drugs for personal use to DIVERT.
    ---
    post:
      summary: Create a DIVERT referral
      tags: [DIVERT]
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/DivertReferralInput'}}}}
      responses:
        201: {description: The referral, content: {application/json: {schema: {$ref: '#/components/schemas/DivertReferral'}}}}
        409: {description: 'previous_non_engagement: an earlier referral ended declined or disengaged without an assessment', content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    return created(referral_json(divert.create(json_object(), actor=g.api_user)))


@bp.route("/divert/referrals/<int:referral_id>/events", methods=["POST"])
@api_roles(PROVIDER, ADMIN)
def record_divert_event(referral_id: int):
    """Record what the provider did or saw; the status follows the funnel. `assessment_booked` may give
    `appointment_at` (ISO 8601 with an offset; may be in the future): the referral's `next_appointment_at`.
    ---
    post:
      summary: Record a DIVERT event
      tags: [DIVERT]
      parameters: [{name: referral_id, in: path, required: true, schema: {type: integer}}]
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/DivertEventInput'}}}}
      responses:
        201: {description: 'The event, with the referral''s new status'}
        404: {$ref: '#/components/responses/NotFound'}
        409: {$ref: '#/components/responses/Conflict'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    body = json_object()
    referral = divert.load(referral_id, g.api_user, action="event")
    event = divert.record_event(referral, body, actor=g.api_user)
    return created({**event_json(event), "referral_status": referral.status, "version": referral.version})


@bp.route("/divert/referrals/<int:referral_id>")
@api_roles(*READERS, NAVIGATOR)  # navigators read no DIVERT referral: one is "not found" (need to know)
def get_divert_referral(referral_id: int):
    """One DIVERT referral with its events.
    ---
    get:
      summary: Read a DIVERT referral
      tags: [DIVERT]
      parameters: [{name: referral_id, in: path, required: true, schema: {type: integer}}]
      responses:
        200: {description: The referral, content: {application/json: {schema: {$ref: '#/components/schemas/DivertReferral'}}}}
        404: {$ref: '#/components/responses/NotFound'}
    """
    return jsonify(referral_json(divert.load(referral_id, g.api_user)))


@bp.route("/divert/referrals")
@api_roles(*READERS)
def list_divert_referrals():
    """DIVERT referrals, oldest first, optionally by status.
    ---
    get:
      summary: List DIVERT referrals
      tags: [DIVERT]
      parameters:
        - {name: status, in: query, schema: {type: string, enum: [referred, contacted, assessment_booked, assessed, completed, declined, disengaged]}}
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 500, default: 50}}
        - {name: cursor, in: query, schema: {type: string}}
      responses:
        200: {description: 'A page of referrals: {"items": [...], "next": cursor or null}'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    limit, after = page_args()
    status = request.args.get("status")
    if status and status not in rules.STATUSES:
        raise ValidationFailed(fields={"status": ["Unknown status: use one of " + ", ".join(rules.STATUSES)]})
    rows = divert.listing(status=status, after_id=after, limit=limit + 1, viewer=g.api_user)
    return jsonify(page(rows, limit, referral_json))
