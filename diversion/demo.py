"""The demo data set: one user per role (later issues add referrals, contracts and DIVERT cases).

Idempotent: running it twice changes nothing the second time.
"""
from __future__ import annotations

from diversion.domain import roles
from diversion.services import users

DEMO_PASSWORD = "Diversion-demo-2026!"

DEMO_USERS = [
    ("custody@example.org", "Sergeant Aisha Rahman", roles.CUSTODY_OFFICER),
    ("navigator@example.org", "Tomasz Nowak", roles.NAVIGATOR),
    ("provider@example.org", "Grace Mensah", roles.PROVIDER),
    ("manager@example.org", "Siobhan O'Neill", roles.MANAGER),
    ("admin@example.org", "Dev Patel", roles.ADMIN),
]


def load_demo() -> list[str]:
    lines = []
    for email, name, role in DEMO_USERS:
        if users.find_by_email(email) is None:
            users.create(email=email, name=name, role=role, password=DEMO_PASSWORD, actor=None)
            lines.append(f"Created {role} {email}")
        else:
            lines.append(f"Kept {role} {email}")
    lines.append(f"Demo password for every demo account: {DEMO_PASSWORD}")
    return lines
