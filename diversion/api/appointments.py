"""Appointments (revision 2, casework): book on a contract, record attendance, cancel; a day's appointments."""
from __future__ import annotations

from datetime import UTC, date

from flask import g, jsonify, request

from diversion import clock
from diversion.api.auth import api_roles
from diversion.api.blueprint import bp
from diversion.api.body import created, json_object
from diversion.api.pagination import encode_cursor, page_args
from diversion.api.schemas import INT, NULLABLE_STRING, SCHEMAS, STRING, TIMESTAMP, obj
from diversion.domain import appointments as rules
from diversion.domain.roles import ADMIN, MANAGER, NAVIGATOR
from diversion.errors import ValidationFailed
from diversion.ids import valid_id
from diversion.services import appointments, contracts
from diversion.services.parse import whole_number

SCHEMAS.update({
    "AppointmentInput": obj({
        "starts_at": {**TIMESTAMP, "description": "ISO 8601 with an offset; may be in the past or the future"},
        "kind": {"type": "string", "enum": list(rules.KINDS)},
        "location": {"type": "string", "minLength": 1, "maxLength": rules.LOCATION_MAX},
        "condition_id": {**INT, "nullable": True, "description": "One of this contract's conditions"}},
        ["starts_at", "kind", "location"]),
    "AttendanceInput": obj({"attended": {"type": "boolean"},
                            "note": {"type": "string", "maxLength": rules.NOTE_MAX}, "version": INT},
                           ["attended", "version"]),
    "CancelInput": obj({"reason": {"type": "string", "minLength": 1, "maxLength": rules.REASON_MAX},
                        "version": INT}, ["reason", "version"]),
    "Appointment": obj({
        "id": INT, "contract_id": INT, "starts_at": TIMESTAMP, "kind": {"type": "string", "enum": list(rules.KINDS)},
        "location": STRING, "condition_id": {**INT, "nullable": True},
        "status": {"type": "string", "enum": list(rules.STATUSES)}, "note": NULLABLE_STRING,
        "cancel_reason": NULLABLE_STRING, "booked_by": INT, "recorded_by": {**INT, "nullable": True},
        "recorded_at": {**TIMESTAMP, "nullable": True}, "created_at": TIMESTAMP, "version": INT,
        "navigator_id": INT, "person": obj({"id": INT, "given_name": STRING, "family_name": STRING})}),
})

def _instant(value):
    return value.astimezone(UTC).isoformat() if value is not None else None


def appointment(a) -> dict:
    return {"id": a.id, "contract_id": a.contract_id, "starts_at": _instant(a.starts_at), "kind": a.kind,
            "location": a.location, "condition_id": a.condition_id, "status": a.status, "note": a.note,
            "cancel_reason": a.cancel_reason, "booked_by": a.booked_by_id, "recorded_by": a.recorded_by_id,
            "recorded_at": _instant(a.recorded_at), "created_at": _instant(a.created_at), "version": a.version}


def listed(a) -> dict:
    """An appointment in a day's list: with whom, and whose contract."""
    person = a.contract.person
    return {**appointment(a), "navigator_id": a.contract.navigator_id,
            "person": {"id": person.id, "given_name": person.given_name, "family_name": person.family_name}}


@bp.route("/contracts/<int:contract_id>/appointments", methods=["POST"])
@api_roles(NAVIGATOR, MANAGER, ADMIN)
def book_appointment(contract_id: int):
    """Book an appointment on an open contract (409 on an ended one); it may be in the past or the future.
    ---
    post:
      summary: Book an appointment
      tags: [Appointments]
      parameters: [{name: contract_id, in: path, required: true, schema: {type: integer}}]
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/AppointmentInput'}}}}
      responses:
        201: {description: 'The appointment, status booked', content: {application/json: {schema: {$ref: '#/components/schemas/Appointment'}}}}
        404: {$ref: '#/components/responses/NotFound'}
        409: {$ref: '#/components/responses/Conflict'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    body = json_object()
    contract = contracts.load(contract_id, g.api_user, action="appointment")
    return created(appointment(appointments.book(contract, body, actor=g.api_user)))


@bp.route("/contracts/<int:contract_id>/appointments/<int:appointment_id>/attendance", methods=["POST"])
@api_roles(NAVIGATOR, MANAGER, ADMIN)
def record_attendance(contract_id: int, appointment_id: int):
    """Record that the person attended or missed a booked appointment: only once it has started (409 before).
    ---
    post:
      summary: Record attendance
      tags: [Appointments]
      parameters:
        - {name: contract_id, in: path, required: true, schema: {type: integer}}
        - {name: appointment_id, in: path, required: true, schema: {type: integer}}
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/AttendanceInput'}}}}
      responses:
        200: {description: 'The appointment, status attended or missed', content: {application/json: {schema: {$ref: '#/components/schemas/Appointment'}}}}
        404: {$ref: '#/components/responses/NotFound'}
        409: {$ref: '#/components/responses/Conflict'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    body = json_object()
    contract = contracts.load(contract_id, g.api_user, action="appointment")
    return jsonify(appointment(appointments.record_attendance(contract, appointment_id, body, actor=g.api_user)))


@bp.route("/contracts/<int:contract_id>/appointments/<int:appointment_id>/cancel", methods=["POST"])
@api_roles(NAVIGATOR, MANAGER, ADMIN)
def cancel_appointment(contract_id: int, appointment_id: int):
    """Cancel a booked appointment, with the reason (409 once attended, missed or cancelled).
    ---
    post:
      summary: Cancel an appointment
      tags: [Appointments]
      parameters:
        - {name: contract_id, in: path, required: true, schema: {type: integer}}
        - {name: appointment_id, in: path, required: true, schema: {type: integer}}
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/CancelInput'}}}}
      responses:
        200: {description: 'The appointment, status cancelled', content: {application/json: {schema: {$ref: '#/components/schemas/Appointment'}}}}
        404: {$ref: '#/components/responses/NotFound'}
        409: {$ref: '#/components/responses/Conflict'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    body = json_object()
    contract = contracts.load(contract_id, g.api_user, action="appointment")
    return jsonify(appointment(appointments.cancel(contract, appointment_id, body, actor=g.api_user)))


@bp.route("/appointments")
@api_roles(NAVIGATOR, MANAGER, ADMIN)
def day_appointments():
    """A UK calendar day's appointments in time order (default today). A navigator gets those on the contracts
    they hold, whatever navigator_id says (it is ignored for them); managers and admins get everyone's, or one
    navigator's with navigator_id. The cursor is opaque: pass `next` back to get the following page.
    ---
    get:
      summary: A day's appointments
      tags: [Appointments]
      parameters:
        - {name: date, in: query, schema: {type: string, format: date}}
        - {name: navigator_id, in: query, schema: {type: integer}}
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 500, default: 50}}
        - {name: cursor, in: query, schema: {type: string}}
      responses:
        200: {description: 'A page of appointments: {"items": [...], "next": cursor or null}'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    limit, offset = page_args()  # the cursor carries how many rows came before
    fields: dict[str, list[str]] = {}
    on = clock.today()
    raw_date = request.args.get("date")
    if raw_date:
        try:
            on = date.fromisoformat(raw_date) if len(raw_date) == 10 else None
        except ValueError:
            on = None
        if on is None:
            fields["date"] = ["Give the date as YYYY-MM-DD"]
    navigator_id = None
    raw_navigator = request.args.get("navigator_id")
    if raw_navigator:
        navigator_id = int(raw_navigator) if whole_number(raw_navigator) else None
        if not valid_id(navigator_id):
            fields["navigator_id"] = ["navigator_id must be a user's id"]
    if fields:
        raise ValidationFailed(fields=fields)
    rows = appointments.day(g.api_user, on, navigator_id=navigator_id, offset=offset or 0, limit=limit + 1)
    more = len(rows) > limit
    return jsonify({"items": [listed(a) for a in rows[:limit]],
                    "next": encode_cursor((offset or 0) + limit) if more else None})
