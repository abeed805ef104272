"""What every list page shares: its filters kept in the address, sort links for the table's headers (with
`aria-sort` on the sorted column), the MoJ filter's "selected filters" tags, and GOV.UK pagination.

A list is a GET form (no script needed): the filters, a sort select and an "Apply filters" button; the
headers' links and the pages' links keep whatever else was chosen.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for


@dataclass
class ListPage:
    endpoint: str
    filters: dict                # name -> the chosen value (cleaned; "" or None: not chosen)
    sort: str                    # the chosen sort's key
    sorts: dict                  # key -> label, in the order offered
    default_sort: str
    extra: dict = field(default_factory=dict)  # address parts that are not filters (e.g. a path argument)

    def url(self, **changes) -> str:
        args = {**self.filters, "sort": self.sort, **changes}
        if args.get("sort") == self.default_sort:
            args.pop("sort")
        return url_for(self.endpoint, **self.extra, **{k: v for k, v in args.items() if v not in (None, "", False)})

    def header(self, label: str, ascending: str | None = None, descending: str | None = None,
               first: str = "ascending", numeric: bool = False) -> dict:
        """A column header: a link that sorts by it (the other way round when it is already the sort), and
        `aria-sort` saying how the list is sorted by it. `ascending`/`descending` are sort keys (either may be
        None when the list cannot be sorted that way)."""
        keys = {"ascending": ascending if ascending in self.sorts else None,
                "descending": descending if descending in self.sorts else None}
        current = next((way for way, key in keys.items() if key and key == self.sort), None)
        if current:
            other = "descending" if current == "ascending" else "ascending"
            target = keys[other] or keys[current]
        else:
            target = keys[first] or keys["descending" if first == "ascending" else "ascending"]
        return {"label": label, "href": self.url(sort=target, after=None, page=None) if target else None,
                "aria_sort": current or ("none" if target else None), "numeric": numeric}

    def sort_items(self) -> list[dict]:
        return [{"value": key, "text": label, "selected": key == self.sort} for key, label in self.sorts.items()]

    def selected(self, shown: dict[str, tuple[str, str]]) -> list[dict]:
        """The MoJ filter's selected-filter tags: for each chosen filter, its heading and a link that removes
        it. `shown` maps a filter's name to (heading, the chosen value in words)."""
        categories = []
        for name, (heading, text) in shown.items():
            if self.filters.get(name) not in (None, "", False):
                categories.append({"heading": heading, "text": text,
                                   "href": self.url(**{name: None, "after": None, "page": None})})
        return categories

    def clear_url(self) -> str:
        return url_for(self.endpoint, **self.extra)

    def pagination(self, page) -> dict | None:
        """GOV.UK pagination parameters for a keyset page (previous and next links)."""
        params = {}
        if page.has_previous:
            params["previous"] = {"href": self.url(after=page.previous_after)}
        if page.next_after is not None:
            params["next"] = {"href": self.url(after=page.next_after)}
        return params or None


def whole_number(value: str | None, *, low: int = 0, high: int = 10_000) -> int | None:
    """A whole number typed into a filter, or None (blank, not a number, or out of range)."""
    text = (value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 6:
        return None
    number = int(text)
    return number if low <= number <= high else None


def search_text(value: str | None, limit: int = 100) -> str:
    """A search box's text, trimmed; overlong text is cut (a search never fails on its length)."""
    return (value or "").strip()[:limit]
