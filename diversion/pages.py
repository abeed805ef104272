"""Helpers for HTML pages that call services with dict data (the same shape as the JSON API).

Service errors are keyed by dotted names (`person.given_name`, `conditions.1.target_hours`); on a page the
field with that name has the id `person-given_name` and the GOV.UK error summary links to it.
"""
from __future__ import annotations

from datetime import date

from flask import request

from diversion.domain.months import month_number


def field_id(dotted: str) -> str:
    return dotted.replace(".", "-")


class PageErrors:
    """Errors to show: a message per field id, in the order the fields appear, plus the summary list."""

    def __init__(self, fields: dict[str, list[str]] | None = None, order: list[str] | None = None,
                 dates: tuple[str, ...] | set[str] = ()):
        # A date input's error links to its Day box (`<id>-day`), as the Design System asks.
        self.dates = {field_id(name) for name in dates}
        self.by_id: dict[str, str] = {}
        for name, problems in (fields or {}).items():
            if problems:
                self.by_id.setdefault(field_id(name), problems[0])
        if order:
            rank = {field_id(n): i for i, n in enumerate(order)}
            self.by_id = dict(sorted(self.by_id.items(), key=lambda kv: rank.get(kv[0], len(rank))))

    def __bool__(self) -> bool:
        return bool(self.by_id)

    def message(self, dotted_or_id: str) -> dict | None:
        """The GOV.UK `errorMessage` parameter for a field, or None."""
        text = self.by_id.get(field_id(dotted_or_id))
        return {"text": text} if text else None

    def summary(self) -> list[dict]:
        return [{"text": text, "href": f"#{fid}-day" if fid in self.dates else f"#{fid}"}
                for fid, text in self.by_id.items()]


def date_from_form(prefix: str, label: str, problems: dict[str, list[str]], name: str,
                   form=None) -> str | None:
    """Read a GOV.UK date input (`<prefix>-day`, `-month`, `-year`) as YYYY-MM-DD for a service.

    The month may be typed as a number or a name ("Feb", "february", "Sept": domain/months.py).
    Missing or non-numeric parts are reported here in the Design System's words; an impossible date
    (30 February) is passed on as YYYY-MM-DD for the service to refuse.
    """
    form = form if form is not None else request.form
    parts = {part: (form.get(f"{prefix}-{part}") or "").strip() for part in ("day", "month", "year")}
    if not any(parts.values()):
        return None
    missing = [part for part, value in parts.items() if not value]
    if missing:
        problems.setdefault(name, []).append(f"{label} must include a {' and '.join(missing)}")
        return ""
    month = month_number(parts["month"])  # a number or a name: "2", "Feb", "february", "Sept"
    if month is None or not all(parts[p].isascii() and parts[p].isdigit() for p in ("day", "year")) \
            or len(parts["year"]) != 4:
        problems.setdefault(name, []).append(f"{label} must be a real date")
        return ""
    day, year = int(parts["day"]), int(parts["year"])
    if not 1 <= day <= 31:
        problems.setdefault(name, []).append(f"{label} must be a real date")
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}"


def date_parts(value: str | date | None) -> dict[str, str]:
    """The day/month/year strings to show again in a date input."""
    if isinstance(value, date):
        return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        year, month, day = value.split("-")
        return {"day": day.lstrip("0"), "month": month.lstrip("0"), "year": year}
    return {"day": "", "month": "", "year": ""}


def yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")
