"""Keyset pages for lists sorted by any columns (ending with the id): one statement per page however deep, one
more for the "previous" link when there is a previous page. The cursor in the address is the sort key of the
row before the page, as opaque text; a cursor that was tampered with is the first page.

`checkpoint/intake/paging.py` does the same for a single date column; this one takes any sort (names,
timestamps, dates, numbers) so that every list can be sorted by what it claims.
"""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Date, DateTime, Integer, String, func, literal, select, tuple_, union_all
from sqlalchemy.types import TypeDecorator

MAX_CURSOR = 400
MAX_TEXT = 255        # a text value in a cursor: no longer than this (or than its column, if shorter)
BIGINT = 2 ** 63      # an integer value: within a signed 64-bit column
# A long list says how many it holds up to this, and "more than 1,000" beyond: a count that stops here reads at most
# this many index entries, so it costs the same in a national table as in a force's. Nobody pages through a
# thousand rows; the filters and the search narrow the list, and the reports give the exact totals.
COUNTED_UP_TO = 1_000


@dataclass
class Page:
    rows: list
    next_after: str | None       # the cursor of the next page, or None on the last page
    has_previous: bool
    previous_after: str | None   # the cursor of the previous page (None: the first page)


@dataclass(frozen=True)
class Sort:
    """A way to sort a list: the columns (the last one unique, usually the id), all in one direction, and how
    to read a row's values for those columns."""
    label: str
    columns: tuple
    descending: bool
    key: object  # row -> tuple of the columns' values


def encode(values: tuple) -> str:
    tagged = [["d", v.isoformat()] if isinstance(v, date) and not isinstance(v, datetime) else
              ["t", v.isoformat()] if isinstance(v, datetime) else ["v", v] for v in values]
    return base64.urlsafe_b64encode(json.dumps(tagged, separators=(",", ":")).encode()).decode().rstrip("=")


def fits(column, value) -> bool:
    """Whether `value` is one the sort column `column` could hold, so that binding it can neither fail nor
    overflow (a cursor is typed by the address, and the address can be anything)."""
    kind = column.type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl if not isinstance(kind.impl, type) else kind.impl()
    if isinstance(kind, DateTime):
        return isinstance(value, datetime) and value.tzinfo is not None
    if isinstance(kind, Date):
        return isinstance(value, date) and not isinstance(value, datetime)
    if isinstance(kind, Integer):
        return isinstance(value, int) and not isinstance(value, bool) and -BIGINT <= value < BIGINT
    if isinstance(kind, String):
        longest = min(kind.length or MAX_TEXT, MAX_TEXT)
        return isinstance(value, str) and len(value) <= longest and "\x00" not in value
    return False


def decode(token: str | None, size: int, columns: tuple | None = None) -> tuple | None:
    """The values of a cursor made by `encode`; None (the first page) for one that was not, or (given the sort's
    `columns`) whose values do not each fit their column."""
    if not token or len(token) > MAX_CURSOR:
        return None
    try:
        tagged = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        values = []
        for tag, value in tagged:
            if tag == "d":
                values.append(date.fromisoformat(value))
            elif tag == "t":
                moment = datetime.fromisoformat(value)
                if moment.tzinfo is None:
                    return None
                values.append(moment.astimezone(UTC))  # overflows (caught) for moments outside the years 1-9999
            elif tag == "v" and (isinstance(value, (str, int)) and not isinstance(value, bool)):
                values.append(value)
            else:
                return None
    except (ValueError, TypeError, OverflowError, binascii.Error, UnicodeDecodeError):
        return None
    if len(values) != size:
        return None
    if columns is not None and not all(fits(column, value) for column, value in zip(columns, values)):
        return None
    return tuple(values)


def _fetch(query, sort: Sort, after: tuple | None, limit: int, reverse: bool, scalars, parts=None):
    descending = sort.descending != reverse
    order = [c.desc() if descending else c.asc() for c in sort.columns]
    if after is not None:
        # Each value bound with its column's type, so timestamps compare as the database stores them.
        here = tuple_(*sort.columns)
        there = tuple_(*(literal(value, type_=column.type) for column, value in zip(sort.columns, after)))
        query = query.where(here < there if descending else here > there)
    if parts:
        # One walk per part (e.g. per status, each down its own index range), at most `limit` rows each; the
        # page is the first `limit` of what they found together.
        unique = sort.columns[-1]
        walks = [query.where(part).with_only_columns(unique).order_by(*order).limit(limit).subquery()
                 for part in parts]
        query = query.where(unique.in_(union_all(*(select(walk.c[0]) for walk in walks))))
    return scalars(query.order_by(*order).limit(limit))


def bounded_count(query, unique):
    """A SELECT of how many rows `query` lists, stopping at COUNTED_UP_TO + 1 (`unique`: the column that tells its
    rows apart, usually the id)."""
    return select(func.count()).select_from(
        query.with_only_columns(unique).order_by(None).limit(COUNTED_UP_TO + 1).subquery())


def page(query, sort: Sort, after: str | None, size: int, scalars, parts=None) -> Page:
    """One page of `query` (a select of the rows to list) in `sort` order, starting past the cursor `after`.
    `scalars(statement)` runs a statement and returns its rows as a list. `parts`: conditions that together
    make the list (e.g. one per status of a list of several statuses), each walked separately, so that each
    reads its own index range in order instead of the database sorting all of them."""
    position = decode(after, len(sort.columns), sort.columns)
    rows = _fetch(query, sort, position, size + 1, False, scalars, parts)
    next_after = encode(sort.key(rows[size - 1])) if len(rows) > size else None
    rows = rows[:size]
    if position is None:
        return Page(rows, next_after, False, None)
    if not rows:
        return Page(rows, None, True, None)
    earlier = _fetch(query, sort, sort.key(rows[0]), size + 1, True, scalars, parts)
    previous = encode(sort.key(earlier[size])) if len(earlier) > size else None
    return Page(rows, next_after, True, previous)
