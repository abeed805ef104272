"""Keyset pages over a listing sorted by (a column, id): stable while rows are added, and as cheap on the
thousandth page as on the first. The cursor in the address is the sort key of the row before the page."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from diversion import keyset


@dataclass
class Page:
    rows: list
    next_after: str | None       # the cursor of the next page, or None on the last page
    has_previous: bool
    previous_after: str | None   # the cursor of the previous page (None: the first page)


def encode(position: tuple) -> str:
    value, row_id = position
    return f"{value.isoformat() if isinstance(value, (date, datetime)) else value}~{row_id}"


def decode(token: str | None) -> tuple | None:
    """(sort value, id) from a cursor; a cursor that was tampered with is the first page."""
    if not token or "~" not in token:
        return None
    text, _, row_id = token.rpartition("~")
    if not row_id.isascii() or not row_id.isdigit() or len(row_id) > 10:
        return None
    try:
        value = datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
    except ValueError:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return None
        try:
            value = value.astimezone(UTC)
        except OverflowError:  # a moment outside the years 1 to 9999 once in UTC
            return None
    return value, int(row_id)


def keyset_page(fetch, key, after: str | None, size: int, column=None) -> Page:
    """`fetch(after=, limit=, reverse=, audited=)` returns rows past a position (sort value, id) in order,
    audited as viewed; `key(row)` is a row's position. A previous page costs one more query, only when there
    is one, and is not audited (only its positions are used). `column`: the sort column, whose type a
    cursor's sort value must fit (a day for a date, a moment for a timestamp), or it is the first page."""
    position = decode(after)
    if position is not None and column is not None and not keyset.fits(column, position[0]):
        position = None
    rows = fetch(after=position, limit=size + 1, reverse=False, audited=True)
    next_after = encode(key(rows[size - 1])) if len(rows) > size else None
    rows = rows[:size]
    if position is None:
        return Page(rows, next_after, False, None)
    if not rows:
        return Page(rows, None, True, None)
    # The rows before this page, nearest first: the one beyond the previous page marks where it starts.
    earlier = fetch(after=key(rows[0]), limit=size + 1, reverse=True, audited=False)
    previous = encode(key(earlier[size])) if len(earlier) > size else None
    return Page(rows, next_after, True, previous)
