"""A contract's one timeline as JSON (api-contract "Revision 2: casework")."""
from __future__ import annotations

from datetime import date, datetime

from flask import g, jsonify, request

from diversion.api.auth import api_roles
from diversion.api.blueprint import bp
from diversion.domain.roles import ADMIN, MANAGER, NAVIGATOR
from diversion.services import contracts, timeline


def _value(value):
    if isinstance(value, timeline.Person):
        return {"id": value.id, "name": value.name}
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def item(entry: timeline.Item) -> dict:
    """{"kind", "occurred_at", "by", ...the kind's own fields}; progress adds the day it happened, `occurred_on`."""
    body = {"kind": entry.kind, "occurred_at": entry.occurred_at.isoformat(), "by": _value(entry.by)}
    body.update({key: _value(value) for key, value in entry.details.items()})
    return body


@bp.route("/contracts/<int:contract_id>/timeline")
@api_roles(NAVIGATOR, MANAGER, ADMIN)
def contract_timeline(contract_id: int):
    """Everything that happened on a contract, newest first: notes, progress, conditions marked met or failed,
    appointments, alerts, navigator changes and the outcome.
    ---
    get:
      summary: A contract's timeline, newest first
      description: >
        One list of every kind, newest first by `occurred_at`. Each item is {"kind", "occurred_at", "by" ({"id",
        "name"} of the user, or null when the system did it), ...its kind's fields}. Progress is known by the day it
        happened (`occurred_on`): its `occurred_at` is when it was written if that was the same day, else midday UK
        time on that day. An appointment sits at the time it was booked for, with its status. A decided alert appears
        twice: when it was raised (`event` raised) and when it was decided (`event` resolved). The whole timeline is
        one page (`next` is null).
      tags: [Contracts]
      parameters:
        - {name: contract_id, in: path, required: true, schema: {type: integer}}
        - name: kind
          in: query
          description: Only these kinds (repeat the parameter, or separate with commas)
          schema: {type: array, items: {type: string, enum: [note, progress, condition_status, appointment, alert, outcome, navigator_change]}}
          style: form
          explode: true
      responses:
        200:
          description: The timeline
          content:
            application/json:
              schema:
                type: object
                properties:
                  items:
                    type: array
                    items:
                      type: object
                      required: [kind, occurred_at, by]
                      properties:
                        kind: {type: string, enum: [note, progress, condition_status, appointment, alert, outcome, navigator_change]}
                        occurred_at: {type: string, format: date-time}
                        by: {type: object, nullable: true, properties: {id: {type: integer}, name: {type: string}}}
                  next: {type: string, nullable: true}
        404: {$ref: '#/components/responses/NotFound'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    kinds = timeline.kinds_from(request.args.getlist("kind"))
    contract = contracts.load(contract_id, g.api_user, action="timeline")
    return jsonify(items=[item(entry) for entry in timeline.for_contract(contract, g.api_user, kinds)], next=None)

