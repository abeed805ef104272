"""Keyset pages over `referrals.listing` (which takes `after_id` and `limit`): stable while rows are added."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Page:
    rows: list
    next_after: int | None       # the cursor of the next page, or None on the last page
    has_previous: bool
    previous_after: int | None   # the cursor of the previous page (None: the first page)


def keyset_page(fetch, after: int | None, size: int, newest_first: bool = True, viewer=None) -> Page:
    """`fetch(after_id=, limit=, newest_first=, viewer=)` returns rows past the cursor in order (audited as
    viewed by `viewer`). A previous page costs one more query, only when there is one, and is not audited:
    only its ids are used. The first page is always the same number of queries."""
    rows = fetch(after_id=after, limit=size + 1, newest_first=newest_first, viewer=viewer)
    next_after = rows[size - 1].id if len(rows) > size else None
    rows = rows[:size]
    if after is None:
        return Page(rows, next_after, False, None)
    if not rows:
        return Page(rows, None, True, None)
    # The rows just before this page, nearest first: their farthest one starts the previous page.
    earlier = fetch(after_id=rows[0].id, limit=size + 1, newest_first=not newest_first)
    if len(earlier) <= size:
        return Page(rows, next_after, True, None)
    farthest = earlier[size - 1].id
    return Page(rows, next_after, True, farthest + 1 if newest_first else farthest - 1)
