"""Reference data: offence categories and policy values."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from sqlalchemy import select

from diversion import audit
from diversion.domain.eligibility import CATEGORY_ELIGIBILITY
from diversion.domain.policy import DIVERT_MINIMUM_AGE, OFFENCE_AGE_LIMIT, POLICIES, RETENTION_REVIEW_YEARS, Policy
from diversion.errors import NotFound, ValidationFailed
from diversion.extensions import db
from diversion.models import OffenceCategory, PolicySetting
from diversion.services import writes


def categories(include_inactive: bool = False) -> list[OffenceCategory]:
    query = select(OffenceCategory).order_by(OffenceCategory.position, OffenceCategory.title)
    if not include_inactive:
        query = query.where(OffenceCategory.active.is_(True))
    return list(db.session.scalars(query))


# Offence categories' titles by code, per process. Codes and titles are written only by migrations (an administrator
# changes a category's eligibility, which is not kept here), so what a worker read stays true until the next deploy;
# a code it has not seen (a migration added one while it ran) makes it read them again.
_titles: dict[str, str] = {}


def category_titles(codes: Iterable[str] = ()) -> Mapping[str, str]:
    """{code: title} of every offence category, active or not: read once per process, again for an unknown code
    among `codes` (the ones the caller is about to show)."""
    global _titles
    if not _titles or any(code not in _titles for code in codes if isinstance(code, str)):
        _titles = dict(db.session.execute(select(OffenceCategory.code, OffenceCategory.title)).all())
    return MappingProxyType(_titles)


def category(code: str) -> OffenceCategory | None:
    return db.session.get(OffenceCategory, code) if isinstance(code, str) else None


def policy_value(policy: Policy) -> int:
    setting = db.session.get(PolicySetting, policy.key)
    return setting.value if setting else policy.default


def offence_age_limit() -> int:
    return policy_value(OFFENCE_AGE_LIMIT)


def divert_minimum_age() -> int:
    return policy_value(DIVERT_MINIMUM_AGE)


def retention_review_years() -> int:
    return policy_value(RETENTION_REVIEW_YEARS)


def policies() -> list[PolicySetting]:
    return list(db.session.scalars(select(PolicySetting).order_by(PolicySetting.key)))


def set_category_eligibility(code: str, eligibility: str, *, version: int | None, actor) -> OffenceCategory:
    record = category(code)
    if record is None:
        raise NotFound("No such offence category.")
    if eligibility not in CATEGORY_ELIGIBILITY:
        raise ValidationFailed(fields={"eligibility": ["Choose eligible, excluded or specific terms"]})
    writes.check(record, version, "category")
    before = record.eligibility
    record.eligibility = eligibility
    writes.flush("category")
    audit.record("reference.offence_category", actor=actor, object_type="offence_category", object_id=code,
                 details={"from": before, "to": eligibility})
    return record


def set_policy(key: str, value: object, *, version: int | None, actor) -> PolicySetting:
    record = db.session.get(PolicySetting, key)
    if record is None:
        raise NotFound("No such policy value.")
    problem = POLICIES[key].problem(value) if key in POLICIES else "This value cannot be changed here"
    if problem:
        raise ValidationFailed(fields={"value": [problem]})
    writes.check(record, version, "value")
    before = record.value
    record.value = value
    writes.flush("value")
    audit.record("reference.policy", actor=actor, object_type="policy_setting", object_id=key,
                 details={"from": before, "to": value})
    return record
