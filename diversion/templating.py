"""Jinja: GOV.UK Frontend macros, the WTForms helpers and the globals every page needs."""
from __future__ import annotations

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from diversion.domain import roles
from diversion.navigation import items_for


def configure(app: Flask) -> None:
    from diversion.template_cache import CachingTemplate

    # Compiled templates are kept for the life of the worker (auto_reload follows debug, which is always off):
    # a template is compiled once, not checked against its file on every render.
    app.jinja_env.auto_reload = False
    app.jinja_env.template_class = CachingTemplate
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(app.template_folder),
        PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)
    app.jinja_env.globals.update(role_label=roles.label, navigation_items=items_for, referral_name=referral_name)
    app.jinja_env.filters["datetime"] = _format_datetime
    app.jinja_env.filters["longdate"] = _format_date
    app.jinja_env.filters["month"] = _format_month
    app.jinja_env.filters["isodate"] = _iso_date


def _format_datetime(value) -> str:
    """UK local time, e.g. 26 November 2026 at 2:05pm."""
    if value is None:
        return ""
    from zoneinfo import ZoneInfo

    local = value.astimezone(ZoneInfo("Europe/London"))
    hour = local.strftime("%I").lstrip("0") or "12"
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{local:%p}".replace("AM", "am").replace("PM", "pm")


def _format_date(value) -> str:
    """26 November 2026."""
    return "" if value is None else f"{value.day} {value:%B %Y}"


def _format_month(value: str) -> str:
    """'2026-03' → 'Mar 2026'."""
    from datetime import date

    year, month = value.split("-")
    return f"{date(int(year), int(month), 1):%b %Y}"


def _iso_date(value):
    """'2026-03-01' → a date (for longdate); anything else as it is."""
    from datetime import date

    try:
        return date.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return value


def referral_name(referral) -> str:
    """Who a referral is about, for the signed-in reader: as recorded on the referral, or, for a reader who may
    read people's records, the person's name when the referrer chose a known person without typing it."""
    from flask_login import current_user

    from diversion.domain import need_to_know

    if referral.recorded_name:
        return referral.recorded_name
    if need_to_know.reads_any(need_to_know.PERSON, current_user.role):
        return referral.person.full_name
    return "Name not recorded"
