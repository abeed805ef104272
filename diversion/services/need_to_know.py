"""Need to know, as SQL: the one place that says which rows a user may read (rules in domain/need_to_know.py).

Loaders fetch a record *through* its kind's filter, so a record outside the user's scope is simply not found
(404); lists, search and the person page add the same filter to their queries. A role with no scope for a
kind is refused outright (403).
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true, union

from diversion.domain import need_to_know as rules
from diversion.domain.referrals import AWAITING_NAVIGATOR
from diversion.errors import Forbidden, NotFound
from diversion.extensions import db
from diversion.ids import valid_id
from diversion.models import CheckpointReferral, Contract, DivertReferral, DrugTest, Person, User

MODELS = {rules.CHECKPOINT_REFERRAL: CheckpointReferral, rules.DIVERT_REFERRAL: DivertReferral,
          rules.CONTRACT: Contract, rules.PERSON: Person, rules.DRUG_TEST: DrugTest}


def _queued_for(user: User) -> ColumnElement[bool]:
    """Awaiting a navigator and not reserved for another one (a manager may reserve it for one navigator)."""
    return and_(CheckpointReferral.status == AWAITING_NAVIGATOR,
                or_(CheckpointReferral.allocated_navigator_id.is_(None),
                    CheckpointReferral.allocated_navigator_id == user.id))


def _queue_or_my_contract_referral(user: User) -> ColumnElement[bool]:
    held = exists(select(Contract.id).where(Contract.referral_id == CheckpointReferral.id,
                                            Contract.navigator_id == user.id))
    return or_(_queued_for(user), held)


def _queue_or_my_contract_person(user: User) -> ColumnElement[bool]:
    # Written as one set of ids (not two EXISTS joined by OR) so that PostgreSQL starts from the navigator's
    # few thousand people rather than walking a million names (make bench: a two-letter search 0.5 s -> 30 ms).
    queued = select(CheckpointReferral.person_id).where(_queued_for(user))
    held = select(Contract.person_id).where(Contract.navigator_id == user.id)
    return Person.id.in_(union(queued, held))


def _in_divert(_user: User) -> ColumnElement[bool]:
    return exists(select(DivertReferral.id).where(DivertReferral.person_id == Person.id))


def _holds_contract(user: User) -> ColumnElement[bool]:
    return exists(select(Contract.id).where(Contract.person_id == Person.id, Contract.navigator_id == user.id))


_CLAUSES = {
    (rules.CHECKPOINT_REFERRAL, rules.MADE_BY_ME): lambda user: CheckpointReferral.created_by_id == user.id,
    (rules.CHECKPOINT_REFERRAL, rules.QUEUE_OR_MY_CONTRACT): _queue_or_my_contract_referral,
    (rules.DIVERT_REFERRAL, rules.MADE_BY_ME): lambda user: DivertReferral.created_by_id == user.id,
    (rules.CONTRACT, rules.MY_CONTRACTS): lambda user: Contract.navigator_id == user.id,
    (rules.PERSON, rules.QUEUE_OR_MY_CONTRACT): _queue_or_my_contract_person,
    (rules.PERSON, rules.IN_DIVERT): _in_divert,
    (rules.PERSON, rules.HOLDS_CONTRACT): _holds_contract,
    (rules.DRUG_TEST, rules.PERSON_ON_MY_CASELOAD): lambda user: exists(select(Contract.id).where(
        Contract.person_id == DrugTest.person_id, Contract.navigator_id == user.id)),
    (rules.DRUG_TEST, rules.POSITIVE_ONLY): lambda _user: DrugTest.result.in_(sorted(rules.POSITIVE_RESULTS)),
}


# Rules that are an OR of parts, each with an index of its own: a list in id order reads each part's first page by
# its index and merges them (services/referrals.listing). Asked whole, row by row, the rule made PostgreSQL walk every
# referral in id order for a navigator's few: 50,000 rows read for a page of 51 at 1,000,000 contracts, 40 ms, and
# growing with the table. The parts' OR is exactly the rule (`_queue_or_my_contract_referral`).
_PARTS = {
    (rules.CHECKPOINT_REFERRAL, rules.QUEUE_OR_MY_CONTRACT): lambda user: (
        _queued_for(user),
        CheckpointReferral.id.in_(select(Contract.referral_id).where(Contract.navigator_id == user.id))),
}


def visible_parts(kind: str, user: User) -> tuple[ColumnElement[bool], ...]:
    """`visible` as alternatives whose OR is the same rule: more than one where each has its own index."""
    parts = _PARTS.get((kind, rules.scope(kind, user.role)))
    return parts(user) if parts else (visible(kind, user),)


def visible(kind: str, user: User) -> ColumnElement[bool]:
    """The WHERE clause for the rows of `kind` that `user` may read (false for none). A person merged into
    another record answers for nobody: everything about them is on the record they joined."""
    granted = rules.scope(kind, user.role)
    if granted is None:
        return false()
    clause = true() if granted == rules.ALL else _CLAUSES[(kind, granted)](user)
    return and_(Person.merged_into_id.is_(None), clause) if kind == rules.PERSON else clause


def contact_editable(user: User) -> ColumnElement[bool]:
    """The people whose contact details `user` may change."""
    granted = rules.CONTACT_EDITS.get(user.role)
    if granted is None:
        return false()
    return true() if granted == rules.ALL else _CLAUSES[(rules.PERSON, granted)](user)


def require(kind: str, user: User) -> None:
    """A role with nothing to read of this kind is refused (403): lists use this."""
    if not rules.reads_any(kind, user.role):
        raise Forbidden()


def load(kind: str, record_id: object, user: User, *, not_found: str, options: tuple = ()):
    """The record if it exists and `user` may read it; otherwise 404 (whether or not it exists). `options`: loader
    options for the same statement (related rows to read with it)."""
    model = MODELS[kind]
    record = None
    if valid_id(record_id):
        record = db.session.scalar(select(model).where(model.id == record_id, visible(kind, user)).options(*options))
    if record is None:
        raise NotFound(not_found)
    return record


def may_read(kind: str, record_id: int, user: User) -> bool:
    model = MODELS[kind]
    return db.session.scalar(select(model.id).where(model.id == record_id, visible(kind, user))) is not None
