"""The service navigation each role sees. Later areas add their entries here."""
from __future__ import annotations

from flask import current_app, request, url_for

from diversion.domain.roles import ADMIN, ALL_ROLES, CUSTODY_OFFICER, MANAGER, NAVIGATOR

# (label, endpoint, roles that see it)
NAVIGATION: list[tuple[str, str, frozenset[str]]] = [
    ("Home", "main.home", ALL_ROLES),
    ("Refer to Checkpoint", "intake.start", frozenset({CUSTODY_OFFICER, ADMIN})),
    ("Your referrals", "intake.referrals", frozenset({CUSTODY_OFFICER})),
    ("Referrals", "intake.referrals", frozenset({MANAGER, ADMIN})),
    ("Approvals", "intake.approvals", frozenset({MANAGER, ADMIN})),
    ("Awaiting a navigator", "casework.queue", frozenset({NAVIGATOR, MANAGER, ADMIN})),
    ("Caseload", "casework.caseload", frozenset({NAVIGATOR, MANAGER, ADMIN})),
    ("Reference data", "admin.reference", frozenset({ADMIN})),
    ("Users", "admin.users", frozenset({ADMIN})),
    ("API tokens", "admin.tokens", frozenset({ADMIN})),
    ("Audit trail", "admin.audit", frozenset({ADMIN, MANAGER})),
]


def items_for(role: str) -> list[dict]:
    items = []
    for label, endpoint, allowed in NAVIGATION:
        if role in allowed and endpoint in current_app.view_functions:
            href = url_for(endpoint)
            active = request.endpoint == endpoint or (
                endpoint != "main.home" and request.path.startswith(href))
            items.append({"text": label, "href": href, "active": active})
    return items
