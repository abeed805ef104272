"""The OpenAPI 3 document, generated from the API views' docstrings (apispec).

Every view registered on the api blueprint is added, so an endpoint appears here as soon as it exists;
tests/api/test_openapi.py fails if one has no operation documented.
"""
from __future__ import annotations

from apispec import APISpec
from apispec.yaml_utils import load_operations_from_docstring
from flask import current_app

from diversion.domain.roles import ALL_ROLES

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {
        "type": "object",
        "required": ["code", "message", "fields"],
        "properties": {
            "code": {"type": "string"},
            "message": {"type": "string"},
            "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        },
    }},
}


IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": "^[!-~]+$"},
    "description": "Send the same key again with the same request to get the first answer, not a second write "
                   "(kept for a day)."}


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def build_spec() -> dict:
    spec = APISpec(
        title="Diversion case management API", version="1.0.0", openapi_version="3.0.3",
        info={"description": "Checkpoint deferred prosecution and DIVERT referrals. "
                             "Errors always have the shape of the Error schema."},
        servers=[{"url": "/api/v1"}],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", ERROR_SCHEMA)
    spec.components.schema("Me", {"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "email": {"type": "string"},
        "role": {"type": "string", "enum": ["custody_officer", "navigator", "provider", "manager", "admin"]}}})
    from diversion.api.schemas import SCHEMAS

    for name, schema in SCHEMAS.items():
        spec.components.schema(name, schema)
    for status, text in [("BadRequest", "Malformed JSON or a body that is not an object"),
                         ("Unauthorized", "No token, or a token that is not valid"),
                         ("Forbidden", "The token's role may not do this"),
                         ("NotFound", "No such record, or one this user may not see"),
                         ("Conflict", "Stale version, or not allowed in the record's current state"),
                         ("ValidationFailed", "Every bad field is named in error.fields")]:
        spec.components.response(status, _error(text))

    for rule in sorted(current_app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.endpoint.startswith("api."):
            continue
        view = current_app.view_functions[rule.endpoint]
        operations = load_operations_from_docstring(view.__doc__ or "")
        path = rule.rule.removeprefix("/api/v1")
        for converter_arg in rule.arguments:
            path = path.replace(f"<int:{converter_arg}>", "{%s}" % converter_arg)
            path = path.replace(f"<{converter_arg}>", "{%s}" % converter_arg)
        for method, operation in operations.items():
            operation.setdefault("security", [{"bearer": []}])
            responses = operation.setdefault("responses", {})
            responses.setdefault(401, {"$ref": "#/components/responses/Unauthorized"})
            if view.allowed_roles != ALL_ROLES:
                responses.setdefault(403, {"$ref": "#/components/responses/Forbidden"})
            if method == "post":
                responses.setdefault(400, {"$ref": "#/components/responses/BadRequest"})
                operation.setdefault("parameters", []).append(dict(IDEMPOTENCY_KEY))
        spec.path(path=path, operations=operations)
    return spec.to_dict()
