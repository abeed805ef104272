"""Reading request bodies: malformed JSON or a non-object is a 400, never a 5xx."""
from __future__ import annotations

import json

from flask import jsonify, request

from diversion.errors import BadRequest


def json_object() -> dict:
    try:
        data = json.loads(request.get_data(cache=True) or b"null")
    except (ValueError, RecursionError):  # malformed, not UTF-8, or nested too deeply to read
        data = None
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object.")
    return data


def created(payload: dict):
    """201 with the new record."""
    response = jsonify(payload)
    response.status_code = 201
    return response
