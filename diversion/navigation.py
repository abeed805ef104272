"""The service navigation each role sees. Later areas add their entries here."""
from __future__ import annotations

from flask import current_app, request, url_for
from markupsafe import escape

from diversion.domain.roles import ADMIN, ALL_ROLES, CUSTODY_OFFICER, MANAGER, NAVIGATOR, PROVIDER

# (label, endpoint, roles that see it)
NAVIGATION: list[tuple[str, str, frozenset[str]]] = [
    ("Home", "main.home", ALL_ROLES),
    ("Refer to Checkpoint", "intake.start", frozenset({CUSTODY_OFFICER, ADMIN})),
    ("Refer to DIVERT", "divert.refer", frozenset({CUSTODY_OFFICER, ADMIN})),
    ("Your referrals", "intake.referrals", frozenset({CUSTODY_OFFICER})),
    ("Record a drug test", "dtoa.record", frozenset({CUSTODY_OFFICER})),
    ("Missed drug assessments", "dtoa.missed", frozenset({CUSTODY_OFFICER})),
    ("DIVERT worklist", "divert.worklist", frozenset({PROVIDER, MANAGER, ADMIN})),
    ("Drug test assessments", "dtoa.worklist", frozenset({PROVIDER})),
    ("Referrals", "intake.referrals", frozenset({MANAGER, ADMIN})),
    ("Approvals", "intake.approvals", frozenset({MANAGER, ADMIN})),
    ("Awaiting a navigator", "casework.queue", frozenset({NAVIGATOR, MANAGER, ADMIN})),
    ("Caseload", "casework.caseload", frozenset({NAVIGATOR, MANAGER, ADMIN})),
    ("Team", "casework.team_page", frozenset({MANAGER, ADMIN})),
    ("Find a person", "people.search", frozenset({NAVIGATOR, PROVIDER, MANAGER, ADMIN})),
    ("Reports", "reports.dashboard", frozenset({MANAGER, ADMIN})),
    ("Reference data", "reference.index", frozenset({ADMIN})),
    ("Users", "admin.users", frozenset({ADMIN})),
    ("API tokens", "tokens.everyone", frozenset({ADMIN})),
    ("Audit trail", "admin.audit", frozenset({ADMIN, MANAGER})),
    ("Retention review", "admin.retention_list", frozenset({ADMIN})),
    ("Data protection", "admin.data_protection_page", frozenset({ADMIN})),
]


# Counts at a glance (services/badges.py): endpoint -> (badge, what the number counts, read with the link text).
BADGES = {"intake.approvals": ("approvals", "waiting"), "casework.queue": ("awaiting_navigator", "waiting")}
# Shown while a navigator has alerts to decide (open alerts on their contracts), linking to them on their home page.
ALERTS = ("Alerts", "main.home", "#alerts-title", frozenset({NAVIGATOR}))


def _badge(label: str, count: int, what: str) -> str:
    """The link text with its count: seen as "Approvals 6", read as "Approvals, 6 waiting"; above the badges' cap
    seen as "99+", read as "more than 99 waiting"."""
    from diversion.services.badges import CAP

    seen, read = (f"{CAP}+", f"more than {CAP}") if count > CAP else (count, count)
    return (f'{escape(label)} <span class="moj-notification-badge app-navigation-badge"><span aria-hidden="true">'
            f'{seen}</span><span class="govuk-visually-hidden">, {read} {escape(what)}</span></span>')


def _with_counts(items: list[dict], role: str) -> list[dict]:
    from flask_login import current_user

    from diversion.services import badges

    counts = badges.counts(current_user) if current_user.is_authenticated else {}
    for item in items:
        badge = BADGES.get(item.pop("endpoint"))
        if badge and counts.get(badge[0]):
            item["html"] = _badge(item["text"], counts[badge[0]], badge[1])
    label, endpoint, anchor, allowed = ALERTS
    if role in allowed and endpoint in current_app.view_functions and counts.get(badges.ALERTS):
        items.append({"text": label, "href": url_for(endpoint) + anchor,
                      "html": _badge(label, counts[badges.ALERTS], "to decide")})
    return items


def items_for(role: str) -> list[dict]:
    """The role's entries; the one whose address is the longest prefix of this page's path is current."""
    items = _with_counts([{"text": label, "href": url_for(endpoint), "endpoint": endpoint}
                          for label, endpoint, allowed in NAVIGATION
                          if role in allowed and endpoint in current_app.view_functions], role)
    matches = [item for item in items
               if request.path == item["href"] or (item["href"] != "/" and request.path.startswith(item["href"]))]
    current = max(matches, key=lambda item: len(item["href"]), default=None)
    for item in items:
        item["active"] = item is current
    return items
