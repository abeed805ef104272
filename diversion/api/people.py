"""People endpoints (revision 2): search, one person's record, contact details, merging two records."""
from __future__ import annotations

from flask import g, jsonify, request

from diversion.api import serialise
from diversion.api.auth import api_roles
from diversion.api.blueprint import bp
from diversion.api.body import json_object
from diversion.api.pagination import page, page_args
from diversion.domain.need_to_know import LOOKS_UP_BY_IDENTITY
from diversion.domain.roles import ADMIN, CUSTODY_OFFICER, MANAGER, NAVIGATOR, PROVIDER
from diversion.services import contacts, merges, parse, people


@bp.route("/people")
@api_roles(CUSTODY_OFFICER, NAVIGATOR, PROVIDER, MANAGER, ADMIN)
def search_people():
    """People the caller may see whose name has every word of q (accents, case and order ignored), or whose PNC
    id or case reference is q. Custody officers may only look a person up by first and last names with the date
    of birth, and are shown names and dates of birth (the same or similar names born that day).
    ---
    get:
      summary: Search for people
      tags: [People]
      parameters:
        - {name: q, in: query, required: true, schema: {type: string, minLength: 1, maxLength: 200}}
        - {name: date_of_birth, in: query, description: 'Required for custody officers', schema: {type: string, format: date}}
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 500, default: 50}}
        - {name: cursor, in: query, schema: {type: string}}
      responses:
        200: {description: 'Identity fields only: {"items": [{"id", "given_name", "family_name", "date_of_birth", "pnc_id"}], "next"}'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    limit, after = page_args()
    problems = parse.Problems()
    q = parse.text(request.args, "q", problems, max_length=200, label="a name, PNC ID or reference")
    born = parse.iso_date(request.args, "date_of_birth", problems, required=False, label="the date of birth")
    problems.raise_if_any()
    rows = people.search(q, g.api_user, date_of_birth=born, after_id=after, limit=limit + 1)
    shown = serialise.identity_search_result
    if g.api_user.role in LOOKS_UP_BY_IDENTITY:  # name and date of birth, as the identity check shows them
        shown = lambda p: {**serialise.identity_search_result(p), "pnc_id": None}  # noqa: E731
    return jsonify(page(rows, limit, shown))


@bp.route("/people/<int:person_id>")
@api_roles(NAVIGATOR, PROVIDER, MANAGER, ADMIN)
def get_person(person_id: int):
    """One person's current record (need to know: 404 for anyone outside the caller's work).
    ---
    get:
      summary: Read a person
      tags: [People]
      parameters: [{name: person_id, in: path, required: true, schema: {type: integer}}]
      responses:
        200: {description: The person, content: {application/json: {schema: {$ref: '#/components/schemas/PersonRecord'}}}}
        404: {$ref: '#/components/responses/NotFound'}
    """
    person, _checkpoint, _divert = people.history(person_id, g.api_user)
    return jsonify(person_record(person))


def person_record(person) -> dict:
    return {**serialise.person(person), "version": person.version,
            "contact_history": [{"phone": c.phone, "email": c.email, "postcode": c.postcode, "address": c.address,
                                 "from": c.recorded_at.isoformat(), "source": c.source}
                                for c in contacts.history(person)]}


@bp.route("/people/<int:person_id>/contact", methods=["POST"])
@api_roles(NAVIGATOR, PROVIDER, ADMIN)
def update_contact(person_id: int):
    """New contact details (a field sent as null or "" is cleared; a field left out is unchanged); the earlier
    ones are kept. The navigator holding the person's contract, a provider for a DIVERT person, an admin.
    ---
    post:
      summary: Change a person's contact details
      tags: [People]
      parameters: [{name: person_id, in: path, required: true, schema: {type: integer}}]
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/ContactInput'}}}}
      responses:
        200: {description: The person, content: {application/json: {schema: {$ref: '#/components/schemas/PersonRecord'}}}}
        404: {$ref: '#/components/responses/NotFound'}
        409: {$ref: '#/components/responses/Conflict'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    body = json_object()
    person = contacts.load_editable(person_id, g.api_user)
    return jsonify(person_record(contacts.update(person, body, actor=g.api_user)))


@bp.route("/people/<int:person_id>/merge", methods=["POST"])
@api_roles(ADMIN)
def merge_people(person_id: int):
    """Merge another record of the same human into this one: its referrals, contracts and contact details move
    here, and it answers for nobody from then on.
    ---
    post:
      summary: Merge two records of one person
      tags: [People]
      parameters: [{name: person_id, in: path, required: true, schema: {type: integer}}]
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/MergeInput'}}}}
      responses:
        200: {description: The merge, content: {application/json: {schema: {$ref: '#/components/schemas/Merge'}}}}
        409: {$ref: '#/components/responses/Conflict'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    body = json_object()
    record = merges.merge(person_id, body.get("other_id"), body, actor=g.api_user)
    return jsonify({"kept_id": record.kept_id, "merged_id": record.merged_id, "moved": record.moved,
                    "merged_at": record.merged_at.isoformat(), "merged_by": record.merged_by_id})
