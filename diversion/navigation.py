"""The service navigation each role sees. Later areas add their entries here."""
from __future__ import annotations

from flask import current_app, request, url_for

from diversion.domain.roles import ADMIN, ALL_ROLES, CUSTODY_OFFICER, MANAGER, NAVIGATOR, PROVIDER

# (label, endpoint, roles that see it)
NAVIGATION: list[tuple[str, str, frozenset[str]]] = [
    ("Home", "main.home", ALL_ROLES),
    ("Refer to Checkpoint", "intake.start", frozenset({CUSTODY_OFFICER, ADMIN})),
    ("Refer to DIVERT", "divert.refer", frozenset({CUSTODY_OFFICER, ADMIN})),
    ("Your referrals", "intake.referrals", frozenset({CUSTODY_OFFICER})),
    ("DIVERT worklist", "divert.worklist", frozenset({PROVIDER, MANAGER, ADMIN})),
    ("Referrals", "intake.referrals", frozenset({MANAGER, ADMIN})),
    ("Approvals", "intake.approvals", frozenset({MANAGER, ADMIN})),
    ("Awaiting a navigator", "casework.queue", frozenset({NAVIGATOR, MANAGER, ADMIN})),
    ("Caseload", "casework.caseload", frozenset({NAVIGATOR, MANAGER, ADMIN})),
    ("Find a person", "people.search", frozenset({NAVIGATOR, PROVIDER, MANAGER, ADMIN})),
    ("Reports", "reports.dashboard", frozenset({MANAGER, ADMIN})),
    ("Reference data", "reference.index", frozenset({ADMIN})),
    ("Users", "admin.users", frozenset({ADMIN})),
    ("API tokens", "tokens.everyone", frozenset({ADMIN})),
    ("Audit trail", "admin.audit", frozenset({ADMIN, MANAGER})),
]


def items_for(role: str) -> list[dict]:
    """The role's entries; the one whose address is the longest prefix of this page's path is current."""
    items = [{"text": label, "href": url_for(endpoint)} for label, endpoint, allowed in NAVIGATION
             if role in allowed and endpoint in current_app.view_functions]
    matches = [item for item in items
               if request.path == item["href"] or (item["href"] != "/" and request.path.startswith(item["href"]))]
    current = max(matches, key=lambda item: len(item["href"]), default=None)
    for item in items:
        item["active"] = item is current
    return items
