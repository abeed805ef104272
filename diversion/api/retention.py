"""Retention review (api-contract "Revision 2: data protection"; MoPI, DPA 2018 s.39): the people due for review,
and an administrator's decision to retain (a reason, the next review date) or erase a record."""
from __future__ import annotations

from flask import g, jsonify, request

from diversion import clock, keyset
from diversion.api.auth import api_roles
from diversion.api.blueprint import bp
from diversion.api.body import json_object
from diversion.api.pagination import DEFAULT_LIMIT, MAX_LIMIT
from diversion.domain.roles import ADMIN
from diversion.services import parse, retention


def _due_args():
    """(due by, limit, cursor) from the query string; every bad argument named at once."""
    problems = parse.Problems()
    by = parse.iso_date(request.args, "due_by", problems, required=False, label="the due by date", not_future=False)
    raw_limit = request.args.get("limit", str(DEFAULT_LIMIT))
    limit = int(raw_limit) if parse.whole_number(raw_limit) and 1 <= int(raw_limit) <= MAX_LIMIT else None
    if limit is None:
        problems.add("limit", f"limit must be a whole number from 1 to {MAX_LIMIT}")
    cursor = request.args.get("cursor") or None
    if cursor and keyset.decode(cursor, len(retention.BY_REVIEW_DATE.columns), retention.BY_REVIEW_DATE.columns) is None:
        problems.add("cursor", "cursor is not one this API gave out")
    problems.raise_if_any()
    return by or clock.today(), limit, cursor


def _due_item(person, about: dict) -> dict:
    ended = about["last_case_ended"]
    return {"id": person.id, "given_name": person.given_name, "family_name": person.family_name,
            "review_date": person.review_date.isoformat(), "last_case_ended": ended and ended.isoformat(),
            "version": person.version}


@bp.route("/retention/due")
@api_roles(ADMIN)
def retention_due():
    """People due for retention review by a date (default today), earliest review date first. People with an open
    case, erased people and records merged into another are never listed.
    ---
    get:
      summary: People due for retention review
      tags: [Data protection]
      parameters:
        - {name: due_by, in: query, description: 'Due on or before this date (default today)', schema: {type: string, format: date}}
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 500, default: 50}}
        - {name: cursor, in: query, schema: {type: string}}
      responses:
        200:
          description: 'A page of people: {"items": [{"id", "given_name", "family_name", "review_date", "last_case_ended", "version"}], "next"}'
          content:
            application/json:
              schema:
                type: object
                properties:
                  items:
                    type: array
                    items:
                      type: object
                      properties:
                        id: {type: integer}
                        given_name: {type: string}
                        family_name: {type: string}
                        review_date: {type: string, format: date}
                        last_case_ended: {type: string, format: date, nullable: true}
                        version: {type: integer}
                  next: {type: string, nullable: true}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    by, limit, cursor = _due_args()
    found = retention.due(g.api_user, by=by, after=cursor, size=limit)
    about = retention.summaries(found.rows)
    return jsonify({"items": [_due_item(person, about[person.id]) for person in found.rows],
                    "next": found.next_after})


@bp.route("/people/<int:person_id>/retention", methods=["POST"])
@api_roles(ADMIN)
def retention_decision(person_id: int):
    """Decide a retention review: retain the record (a reason and the next review date, in the future) or erase it
    (a reason). Sends the person's `version` as read; a review decided meanwhile by someone else is 409. A person
    with an open case is 409 `open_case` (close the case first).
    ---
    post:
      summary: Retain or erase a person's record after review
      tags: [Data protection]
      parameters: [{name: person_id, in: path, required: true, schema: {type: integer}}]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [decision, reason, version]
              properties:
                decision: {type: string, enum: [retain, erase]}
                reason: {type: string, minLength: 1, maxLength: 2000}
                review_date: {type: string, format: date, description: 'retain only: the next review, in the future'}
                version: {type: integer}
      responses:
        200:
          description: The decision recorded, with the person's new review date and version
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: {type: integer}
                  person_id: {type: integer}
                  decision: {type: string, enum: [retain, erase]}
                  reason: {type: string}
                  review_date: {type: string, format: date, nullable: true}
                  decided_at: {type: string, format: date-time}
                  decided_by: {type: integer}
                  version: {type: integer}
        404: {$ref: '#/components/responses/NotFound'}
        409: {$ref: '#/components/responses/Conflict'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    body = json_object()
    record, person = retention.decide(person_id, body, actor=g.api_user)
    return jsonify({"id": record.id, "person_id": record.person_id, "decision": record.decision,
                    "reason": record.reason,
                    "review_date": person.review_date and person.review_date.isoformat(),
                    "decided_at": record.decided_at.isoformat(), "decided_by": record.decided_by_id,
                    "version": person.version})

