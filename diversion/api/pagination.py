"""List responses: {"items": [...], "next": cursor or null}, ?limit= (default 50, max 500), ?cursor=.

The cursor is the last id seen, base64-encoded so that clients treat it as opaque.
"""
from __future__ import annotations

import base64
import binascii

from flask import request

from diversion.errors import ValidationFailed
from diversion.ids import valid_id
from diversion.services.parse import whole_number

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


def page_args() -> tuple[int, int | None]:
    """(limit, last id seen) from the query string; every bad argument is reported at once."""
    fields: dict[str, list[str]] = {}
    raw_limit = request.args.get("limit", str(DEFAULT_LIMIT))
    limit = DEFAULT_LIMIT
    if not whole_number(raw_limit) or not 1 <= int(raw_limit) <= MAX_LIMIT:
        fields["limit"] = [f"limit must be a whole number from 1 to {MAX_LIMIT}"]
    else:
        limit = int(raw_limit)
    after = None
    raw_cursor = request.args.get("cursor")
    if raw_cursor:
        try:
            after = int(base64.urlsafe_b64decode(raw_cursor.encode() + b"==").decode())
        except (binascii.Error, UnicodeDecodeError, ValueError):
            after = None
        if after is None or not valid_id(after):
            after = None
            fields["cursor"] = ["cursor is not one this API gave out"]
    if fields:
        raise ValidationFailed(fields=fields)
    return limit, after


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(str(last_id).encode()).decode().rstrip("=")


def page(rows: list, limit: int, serialise) -> dict:
    """`rows` was fetched with limit + 1 so we know whether another page exists."""
    items = rows[:limit]
    more = len(rows) > limit
    return {"items": [serialise(row) for row in items],
            "next": encode_cursor(items[-1].id) if more and items else None}
