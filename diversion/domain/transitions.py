"""A case's statuses as a table of moves: `{status: {event: next status}}`. The DIVERT funnel and a drug test's
required assessments are both written this way; the reading of the table is here once."""
from __future__ import annotations


def is_code(value: object, options) -> bool:
    """`value` is one of the codes in `options` (any JSON value may arrive here, lists included)."""
    return isinstance(value, str) and value in options


def next_status(table: dict[str, dict[str, str]], current: object, event: object) -> str | None:
    """The status after `event`, or None when the event does not fit the current status (a 409)."""
    if not is_code(current, table):
        return None
    row = table[current]
    return row[event] if is_code(event, row) else None
