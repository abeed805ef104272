"""Custody suites: the reference list referrals are counted by. An administrator adds, renames and retires them
(a retired suite stays on the referrals that named it); every change is audited."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from diversion import audit
from diversion.errors import NotFound, ValidationFailed
from diversion.extensions import db
from diversion.models import CustodySuite
from diversion.services import writes
from diversion.domain.text import storable
from diversion.services.parse import Problems, text

OTHER = "other"
OTHER_LABEL = "Other / not recorded"


def suites(include_inactive: bool = False) -> list[CustodySuite]:
    query = select(CustodySuite).order_by(CustodySuite.name)
    if not include_inactive:
        query = query.where(CustodySuite.active.is_(True))
    return list(db.session.scalars(query))


def suite(code: object) -> CustodySuite | None:
    # A code with a NUL (which PostgreSQL refuses to compare) names no suite: 422, not 500.
    return db.session.get(CustodySuite, code) if isinstance(code, str) and code and storable(code) else None


def by_name(name: str | None) -> CustodySuite | None:
    """The active suite with this name (case and outer spaces ignored), or None."""
    if not name or not name.strip():
        return None
    return db.session.scalars(select(CustodySuite).where(
        func.lower(CustodySuite.name) == name.strip().lower(), CustodySuite.active.is_(True))).first()


def for_referral(data: dict, problems: Problems) -> dict:
    """The referral's custody suite: `custody_suite_code` (a suite on the list, else 422) or the name as text
    (the contract's `custody_suite`: any text up to 120 characters is kept; a name on the list is linked to it,
    anything else counts as "Other / not recorded")."""
    name = text(data, "custody_suite", problems, required=False, max_length=120)
    if data.get("custody_suite_code") not in (None, ""):
        chosen = suite(data.get("custody_suite_code"))
        if chosen is None or not chosen.active:
            problems.add("custody_suite_code", "Choose a custody suite from the list")
            return {"custody_suite": name, "custody_suite_code": None}
        return {"custody_suite": chosen.name, "custody_suite_code": chosen.code}
    matched = by_name(name)
    return {"custody_suite": matched.name if matched else name, "custody_suite_code": matched.code if matched else None}


def _code_for(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:32] or "suite"


def add(name: object, *, actor) -> CustodySuite:
    problems = Problems()
    typed = text({"name": name}, "name", problems, max_length=120, label="the custody suite’s name")
    if typed and db.session.scalars(select(CustodySuite).where(
            func.lower(CustodySuite.name) == typed.lower())).first():
        problems.add("name", "There is already a custody suite with this name")
    problems.raise_if_any()
    code, n = _code_for(typed), 1
    while suite(code) is not None:
        n += 1
        code = f"{_code_for(typed)[:28]}_{n}"
    record = CustodySuite(code=code, name=typed, active=True)
    db.session.add(record)
    writes.flush("name")
    audit.record("reference.custody_suite", actor=actor, object_type="custody_suite", object_id=code,
                 details={"added": typed})
    return record


def change(code: str, name: object, active: object, *, version: int | None, actor) -> CustodySuite:
    record = suite(code)
    if record is None:
        raise NotFound("No such custody suite.")
    problems = Problems()
    typed = text({"name": name}, "name", problems, max_length=120, label="the custody suite’s name")
    if typed and db.session.scalars(select(CustodySuite).where(
            func.lower(CustodySuite.name) == typed.lower(), CustodySuite.code != code)).first():
        problems.add("name", "There is already a custody suite with this name")
    if active not in (True, False):
        problems.add("active", "Choose whether referrals can name this suite")
    problems.raise_if_any()
    writes.check(record, version, "name")
    before = {"name": record.name, "active": record.active}
    record.name, record.active = typed, active
    writes.flush("name")
    audit.record("reference.custody_suite", actor=actor, object_type="custody_suite", object_id=code,
                 details={"from": before, "to": {"name": typed, "active": active}})
    return record
