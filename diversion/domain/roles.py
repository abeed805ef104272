"""Who uses the service, and what each role is for."""
from __future__ import annotations

CUSTODY_OFFICER = "custody_officer"
NAVIGATOR = "navigator"
PROVIDER = "provider"
MANAGER = "manager"
ADMIN = "admin"

ROLES: tuple[str, ...] = (CUSTODY_OFFICER, NAVIGATOR, PROVIDER, MANAGER, ADMIN)
ALL_ROLES = frozenset(ROLES)

LABELS = {
    CUSTODY_OFFICER: "Custody officer",
    NAVIGATOR: "Navigator",
    PROVIDER: "DIVERT provider",
    MANAGER: "Manager",
    ADMIN: "Administrator",
}


def label(role: str) -> str:
    return LABELS.get(role, role)


def is_role(value: object) -> bool:
    return isinstance(value, str) and value in ALL_ROLES
