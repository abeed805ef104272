"""NUL and over-long text on every text field of the API (issue 9, finding 6; revision 2, "Text"), generated from
the OpenAPI document: for every POST operation with a JSON body, for every string property of its schema (through
nested objects and arrays of objects; the person's `oneOf`: its first branch, the details), a body that is valid
but for that one field, set once to "ab\\u0000cd" and once to a string one longer than its maxLength (100,001
characters where it has none). The answer must be 400, 404, 409 or 422, never a 5xx and never an acceptance, and a
422 must name the field by its dotted name (`person.given_name`, `conditions.0.description`).

The valid bodies are tests/security/api_world.BODIES (a new write fails here until it has one), on a small world
made through the services; each operation's test lists every field that failed, with what came back.
"""
from __future__ import annotations

import json

import pytest

from tests.conftest import _reset_database
from tests.security.api_world import (BODIES, build_world, collection_document, json_writes, place, request_for,
                                      role_for, string_fields)

DOCUMENT = collection_document()
WRITES = json_writes(DOCUMENT)
NUL = "ab\u0000cd"
NO_LIMIT = 100_001
ALLOWED = {400, 404, 409, 422}


def over_long(schema: dict) -> str:
    return "x" * (schema["maxLength"] + 1 if "maxLength" in schema else NO_LIMIT)


def test_the_document_has_writes_with_text_fields():
    fields = sum(len(string_fields(schema, DOCUMENT)) for schema in WRITES.values())
    print(f"text fields: {len(WRITES)} POST operations with a JSON body, {fields} string fields")
    assert len(WRITES) >= 14 and fields >= 50, (len(WRITES), fields)  # 14 and 56 when written


def test_every_write_in_the_document_has_a_valid_body_in_the_table():
    assert sorted(set(WRITES) - set(BODIES)) == [], "add a valid body for each to tests/security/api_world.BODIES"
    assert sorted(set(BODIES) - set(WRITES)) == [], "these bodies are for operations the document no longer has"


def test_the_document_walked_is_the_one_the_api_serves(app):
    token = build_world(app).tokens["navigator"]
    served = app.test_client().get("/api/v1/openapi.json", headers={"Authorization": f"Bearer {token}"})
    assert served.status_code == 200
    assert served.get_json() == json.loads(json.dumps(DOCUMENT))


def post(app, world, operation: str, url: str, body: dict):
    token = world.tokens[role_for(app, operation)]
    return app.test_client().open(url, method=operation.split(" ", 1)[0], json=body,
                                 headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize("operation", sorted(WRITES))
def test_the_valid_body_is_accepted(app, operation):
    """The table's body is valid as it stands, so each field test below differs from an accepted write by one field."""
    world = build_world(app)
    url, body = request_for(operation, app, world)
    response = post(app, world, operation, url, body)
    assert response.status_code in (200, 201), (operation, response.status_code, response.get_json())


# Found when written: a condition's description with NUL (conditions.0.description) was stored on SQLite and a 500
# on PostgreSQL; fixed by checking free text once, in domain/text.py.
# Writes that take no text at all (reserving a referral for a navigator: an id and a version) have nothing to test.
TEXT_WRITES = sorted(operation for operation, schema in WRITES.items() if string_fields(schema, DOCUMENT))


@pytest.mark.parametrize("operation", TEXT_WRITES)
def test_nul_and_over_long_text_in_each_field_is_a_field_error(app, _migrated, operation):
    fields = string_fields(WRITES[operation], DOCUMENT)
    assert fields, f"{operation} has no string field"
    world = build_world(app)
    failures, unnamed, answers = [], [], []
    for dotted, schema in sorted(fields.items()):
        for variant, value in (("NUL", NUL), ("over-long", over_long(schema))):
            url, body = request_for(operation, app, world)
            named = place(body, dotted, value)
            response = post(app, world, operation, url, body)
            status, answer = response.status_code, response.get_json(silent=True) or {}
            answers.append(status)
            if status not in ALLOWED:
                what = "accepted and stored" if status < 300 else answer.get("error", {}).get("code", "no error shape")
                failures.append(f"{named} {variant}: {status} ({what})")
            elif status == 422 and named not in answer.get("error", {}).get("fields", {}):
                unnamed.append(f"{named} {variant}: 422 naming {sorted(answer['error']['fields'])}")
            if status < 300:  # accepted: the world moved on, so start the next field from a fresh one
                _reset_database(app, _migrated)
                world = build_world(app)
    print(f"text fields: {operation}: {len(fields)} fields, {len(answers)} requests, answers "
          f"{ {s: answers.count(s) for s in sorted(set(answers))} }, {len(failures)} failures, {len(unnamed)} unnamed")
    assert failures == [], f"{operation}: NUL or over-long text not refused as a client error:\n" + "\n".join(failures)
    assert unnamed == [], f"{operation}: a 422 that does not name the field sent:\n" + "\n".join(unnamed)
