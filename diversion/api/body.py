"""Reading request bodies: malformed JSON or a non-object is a 400, never a 5xx."""
from __future__ import annotations

from flask import request

from diversion.errors import BadRequest


def json_object() -> dict:
    data = request.get_json(silent=True, force=True)
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object.")
    return data
