"""The audit trail as JSON, for lawfulness checks and for disclosure to the ICO (DPA 2018 s.62)."""
from __future__ import annotations

from flask import g, jsonify

from diversion import audit
from diversion.api.auth import api_roles
from diversion.api.blueprint import bp
from diversion.api.pagination import page, page_args
from diversion.domain.roles import ADMIN
from diversion.services import audit_trail


def _event(event) -> dict:
    return {"id": event.id, "occurred_at": event.occurred_at.isoformat(), "actor_id": event.actor_id,
            "token_id": event.token_id,
            "action": event.action, "object_type": event.object_type, "object_id": event.object_id,
            "justification": event.justification, "source": event.source, "details": event.details}


@bp.route("/audit/events")
@api_roles(ADMIN)
def audit_events():
    """The audit trail, oldest first.
    ---
    get:
      summary: Audit events, oldest first (administrators only)
      tags: [Audit]
      parameters:
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 500, default: 50}}
        - {name: cursor, in: query, schema: {type: string}}
      responses:
        200: {description: 'A page of audit events: {"items": [...], "next": cursor or null}'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    limit, after = page_args()
    rows = audit_trail.after(after, limit + 1)
    body = page(rows, limit, _event)
    audit.record("audit.export", actor=g.api_user, details={"count": len(body["items"])})
    return jsonify(body)
