"""The service navigation each role sees. Later areas add their entries here."""
from __future__ import annotations

from flask import request, url_for

from diversion.domain.roles import ADMIN, ALL_ROLES, MANAGER

# (label, endpoint, roles that see it)
NAVIGATION: list[tuple[str, str, frozenset[str]]] = [
    ("Home", "main.home", ALL_ROLES),
    ("Users", "admin.users", frozenset({ADMIN})),
    ("API tokens", "admin.tokens", frozenset({ADMIN})),
    ("Audit trail", "admin.audit", frozenset({ADMIN, MANAGER})),
]


def items_for(role: str) -> list[dict]:
    items = []
    for label, endpoint, allowed in NAVIGATION:
        if role in allowed:
            href = url_for(endpoint)
            active = request.endpoint == endpoint or (
                endpoint != "main.home" and request.path.startswith(href))
            items.append({"text": label, "href": href, "active": active})
    return items
