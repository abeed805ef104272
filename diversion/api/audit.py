"""The audit trail as JSON, for lawfulness checks and for disclosure to the ICO (DPA 2018 s.62): searchable by
person, by who did it, by action and by UK days, each event with a plain-English description."""
from __future__ import annotations

import re

from flask import g, jsonify, request

from diversion import audit
from diversion.api.auth import api_roles
from diversion.api.blueprint import bp
from diversion.api.pagination import page, page_args
from diversion.domain.roles import ADMIN
from diversion.errors import ValidationFailed
from diversion.ids import valid_id
from diversion.services import audit_descriptions, audit_trail, parse

ACTION = re.compile(r"^[a-z][a-z_.]{0,63}$")


def _event(line: audit_descriptions.Line) -> dict:
    event = line.event
    return {"id": event.id, "occurred_at": event.occurred_at.isoformat(), "actor_id": event.actor_id,
            "token_id": event.token_id, "person_id": event.person_id,
            "action": event.action, "object_type": event.object_type, "object_id": event.object_id,
            "description": line.text,
            "justification": event.justification, "source": event.source, "details": event.details}


def _id(name: str, problems: parse.Problems) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if not parse.whole_number(raw) or not valid_id(int(raw)):
        problems.add(name, f"{name} must be a record id (a whole number from 1)")
        return None
    return int(raw)


def filters_from_query() -> audit_trail.Filters:
    """The search's filters; every bad one (and every bad paging argument) is named in one 422."""
    problems = parse.Problems()
    person_id, actor_id = _id("person_id", problems), _id("actor_id", problems)
    action = request.args.get("action") or None
    if action is not None and not ACTION.match(action):
        problems.add("action", "action must be an action code like contract.view, or a prefix like contract")
        action = None
    since = parse.iso_date(request.args, "from", problems, required=False, label="the from date", not_future=False)
    until = parse.iso_date(request.args, "to", problems, required=False, label="the to date", not_future=False)
    if since and until and until < since:
        problems.add("to", "The to date must be the same as or after the from date")
    if problems:
        raise ValidationFailed(fields=problems.fields)
    return audit_trail.Filters(person_id=person_id, actor_id=actor_id, action=action, since=since, until=until)


@bp.route("/audit/events")
@api_roles(ADMIN)
def audit_events():
    """The audit trail, oldest first, filtered.
    ---
    get:
      summary: Search the audit trail, oldest first (administrators only)
      description: >-
        Every filter is optional and they combine: `person_id` (events about that person: their record, their
        referrals, their contracts), `actor_id` (events by that user), `action` (one action such as
        `contract.view`, or a prefix such as `contract` for every contract action), `from` and `to` (UK calendar
        days, both included). Each event has a plain-English `description`; an erased person is described as
        "an erased person". Reading the trail is itself recorded (`audit.export`, with the filters).
      tags: [Audit]
      parameters:
        - {name: person_id, in: query, schema: {type: integer, minimum: 1}}
        - {name: actor_id, in: query, schema: {type: integer, minimum: 1}}
        - {name: action, in: query, schema: {type: string, pattern: '^[a-z][a-z_.]{0,63}$'}, example: contract.view}
        - {name: from, in: query, schema: {type: string, format: date}}
        - {name: to, in: query, schema: {type: string, format: date}}
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 500, default: 50}}
        - {name: cursor, in: query, schema: {type: string}}
      responses:
        200: {description: 'A page of audit events: {"items": [{"id", "occurred_at", "actor_id", "token_id",
          "person_id", "action", "object_type", "object_id", "description", "justification", "source",
          "details"}], "next": cursor or null}'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    fields: dict[str, list[str]] = {}
    limit, after = 1, None
    try:
        limit, after = page_args()
    except ValidationFailed as failure:
        fields.update(failure.fields)
    try:
        filters = filters_from_query()
    except ValidationFailed as failure:
        fields.update(failure.fields)
    if fields:
        raise ValidationFailed(fields=fields)
    rows = audit_trail.after(after, limit + 1, filters)
    lines = {line.event.id: line for line in audit_descriptions.describe(rows[:limit])}
    body = page(rows, limit, lambda event: _event(lines[event.id]))
    audit.record("audit.export", actor=g.api_user, details={"count": len(body["items"]),
                                                            "filters": filters.described()})
    return jsonify(body)
