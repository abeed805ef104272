"""The demo data set: one user per role (four navigators), the Checkpoint cases and the DIVERT referrals.

Idempotent: running it twice changes nothing the second time.
"""
from __future__ import annotations

from diversion.domain import roles
from diversion.services import users

DEMO_PASSWORD = "Diversion-demo-2026!"

DEMO_USERS = [
    ("custody@example.org", "Sergeant Aisha Rahman", roles.CUSTODY_OFFICER),
    ("navigator@example.org", "Tomasz Nowak", roles.NAVIGATOR),
    ("navigator2@example.org", "Bethany Armstrong", roles.NAVIGATOR),
    ("navigator3@example.org", "Kwame Boateng", roles.NAVIGATOR),
    ("navigator4@example.org", "Harpreet Gill", roles.NAVIGATOR),
    ("provider@example.org", "Grace Mensah", roles.PROVIDER),
    ("manager@example.org", "Siobhan O'Neill", roles.MANAGER),
    ("admin@example.org", "Dev Patel", roles.ADMIN),
]


def demo_users(lines: list[str]) -> tuple[dict, list]:
    """The demo users (made when missing, each noted in `lines`): ({email: user}, the navigators)."""
    for email, name, role in DEMO_USERS:
        if users.find_by_email(email) is None:
            users.create(email=email, name=name, role=role, password=DEMO_PASSWORD, actor=None)
            lines.append(f"Created {role} {email}")
        else:
            lines.append(f"Kept {role} {email}")
    by_email = {email: users.find_by_email(email) for email, _name, _role in DEMO_USERS}
    return by_email, [by_email[e] for e, _n, role in DEMO_USERS if role == roles.NAVIGATOR]


def load_demo() -> list[str]:
    lines: list[str] = []
    by_email, navigators = demo_users(lines)
    from diversion.demo import checkpoint

    made = checkpoint.load(by_email["custody@example.org"], navigators, by_email["manager@example.org"])
    lines.append(f"Checkpoint: {made} referrals created" if made else "Checkpoint: demo cases already loaded")
    from diversion.demo import divert

    made = divert.load(by_email["custody@example.org"], by_email["provider@example.org"])
    lines.append(f"DIVERT: {made} referrals created" if made else "DIVERT: demo referrals already loaded")
    from diversion.demo import identity

    made = identity.load(by_email["custody@example.org"], by_email["navigator@example.org"],
                              by_email["provider@example.org"])
    lines.append(f"One person, one record: {made} referrals created" if made else
                 "One person, one record: demo stories already loaded")
    from diversion.demo import appointments

    made = appointments.load(by_email["navigator@example.org"])
    lines.append(f"Appointments: {made} booked" if made else "Appointments: demo appointments already loaded")
    lines.append(_allocation(by_email["manager@example.org"], navigators))
    from diversion.demo import retention

    made = retention.load(by_email["custody@example.org"], by_email["provider@example.org"],
                          by_email["admin@example.org"])
    lines.append(f"Retention review: {made} old cases created" if made else "Retention review: demo cases already loaded")
    from diversion.demo import reoffending  # issue 12: an earlier cohort and its proven reoffending extract
    lines.append(reoffending.summary(by_email, navigators))
    from diversion.demo import needs

    lines.append(f"Needs: {needs.load()} assessments made")
    from diversion.demo import treatment
    lines.append(treatment.load())  # issue 12: onward referrals and their starts
    from diversion.demo import dtoa  # issue 13: Drug Testing on Arrest

    made = dtoa.load(by_email["custody@example.org"], by_email["provider@example.org"])
    lines.append(f"Drug Testing on Arrest: {made} tests recorded" if made else
                 "Drug Testing on Arrest: demo tests already loaded")
    lines.append(f"Demo password for every demo account: {DEMO_PASSWORD}")
    return lines


def _allocation(manager, navigators) -> str:
    from diversion.demo import allocation

    made = allocation.load(manager, navigators)
    return f"Allocation: {made} records reserved or reassigned" if made else "Allocation: demo stories already loaded"
