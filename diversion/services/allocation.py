"""Allocation (revision 2, casework): reserve a queued referral for a navigator, hand a contract to another
navigator with a reason (a NavigatorChange, on its timeline), move a leaver's caseload in one go, and refuse to
strand a navigator's work when their role changes or they are deactivated. Rules in domain/allocation.py."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from diversion import audit, clock
from diversion.domain import allocation as rules
from diversion.domain import contracts as contract_rules
from diversion.domain.referrals import AWAITING_NAVIGATOR
from diversion.domain.roles import NAVIGATOR
from diversion.errors import Conflict, ValidationFailed
from diversion.extensions import db
from diversion.ids import valid_id
from diversion.models import CheckpointReferral, Contract, NavigatorChange, User
from diversion.services import parse, writes
from diversion.services.parse import Problems

NAVIGATOR_FIELD = "navigator_id"


class CaseloadHeld(Conflict):
    """A navigator who still holds open contracts or reserved referrals cannot lose their role or access (409).
    `navigator_id` says whose caseload to reassign first."""

    code = "caseload_held"

    def __init__(self, message: str, navigator_id: int):
        super().__init__(message, fields={NAVIGATOR_FIELD: [message]})
        self.navigator_id = navigator_id


def active_navigators() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == NAVIGATOR, User.active.is_(True))
                                   .order_by(User.name, User.id)))


def _navigator(value: object, problems: Problems, name: str = NAVIGATOR_FIELD) -> User | None:
    """The active navigator with this id (422 on the field otherwise)."""
    if value is None or value == "":
        problems.add(name, "Choose a navigator")
        return None
    user = db.session.get(User, value) if valid_id(value) else None
    if user is None or user.role != NAVIGATOR or not user.active:
        problems.add(name, "Choose an active navigator")
        return None
    return user


# --- A queued referral reserved for one navigator ---------------------------------------------------------------

def allocate(referral: CheckpointReferral, data: dict, *, actor: User) -> CheckpointReferral:
    """Reserve a referral awaiting a navigator for one navigator (again: for another); `navigator_id: null` frees
    it for any navigator. Only that navigator (and managers, admins) then sees it and may agree its contract."""
    problems = Problems()
    read = writes.version(data, problems)
    clearing = NAVIGATOR_FIELD in data and data[NAVIGATOR_FIELD] is None
    navigator = None if clearing else _navigator(data.get(NAVIGATOR_FIELD), problems)
    problems.raise_if_any()
    writes.check(referral, read, "referral")
    conflict = rules.allocation_conflict(referral.status)
    if conflict:
        raise Conflict(conflict)
    before = referral.allocated_navigator_id
    referral.allocated_navigator_id = navigator.id if navigator else None
    referral.allocated_at = clock.now() if navigator else None
    referral.allocated_by_id = actor.id if navigator else None
    writes.flush("referral")
    audit.record("checkpoint_referral.allocate" if navigator else "checkpoint_referral.unallocate", actor=actor,
                 object_type="checkpoint_referral", object_id=referral.id, person_id=referral.person_id,
                 details={"person_id": referral.person_id, "from": before,
                          "to": navigator.id if navigator else None})
    return referral


def with_reserved_navigators(referrals: Iterable[CheckpointReferral]) -> None:
    """Load the navigator each listed referral is reserved for, in one statement (none per referral)."""
    referrals = list(referrals)
    ids = {r.allocated_navigator_id for r in referrals if r.allocated_navigator_id is not None}
    found = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    for referral in referrals:
        set_committed_value(referral, "allocated_navigator", found.get(referral.allocated_navigator_id))


# --- A contract handed to another navigator ---------------------------------------------------------------------

def _reason(data: dict, problems: Problems) -> str | None:
    return parse.text(data, "reason", problems, max_length=rules.REASON_MAX,
                      label="why the contract is changing navigator")


def _hand_over(contract: Contract, navigator: User, reason: str, actor: User) -> NavigatorChange:
    change = NavigatorChange(contract_id=contract.id, from_navigator_id=contract.navigator_id,
                             to_navigator_id=navigator.id, reason=reason, changed_by_id=actor.id,
                             created_at=clock.now())
    db.session.add(change)
    contract.navigator_id = navigator.id
    contract.updated_at = clock.now()
    return change


def reassign(contract: Contract, data: dict, *, actor: User) -> Contract:
    """Hand an open contract to another active navigator, with the reason. The old navigator loses sight of it."""
    problems = Problems()
    read = writes.version(data, problems)
    reason = _reason(data, problems)
    navigator = _navigator(data.get(NAVIGATOR_FIELD), problems)
    problems.raise_if_any()
    writes.check(contract, read, "contract")
    if not contract_rules.is_open(contract.status):
        raise Conflict("This contract has ended: only an open contract can change navigator.")
    same = rules.same_navigator_problem(contract.navigator_id, navigator.id)
    if same:
        raise ValidationFailed(fields={NAVIGATOR_FIELD: [same]})
    before = contract.navigator_id
    change = _hand_over(contract, navigator, reason, actor)
    writes.flush("contract")
    audit.record("contract.reassign", actor=actor, object_type="contract", object_id=contract.id,
                 person_id=contract.person_id, justification=reason,
                 details={"person_id": contract.person_id, "from": before, "to": navigator.id, "change_id": change.id})
    return contract


# --- A leaver's caseload -------------------------------------------------------------------------------------------

def open_contracts_of(navigator_id: int) -> list[Contract]:
    """A navigator's open contracts, soonest deadline first, with their people and referrals (one statement)."""
    return list(db.session.scalars(
        select(Contract).where(Contract.navigator_id == navigator_id, Contract.status == contract_rules.ACTIVE)
        .options(joinedload(Contract.person), joinedload(Contract.referral))
        .order_by(Contract.deadline, Contract.id)))


def reserved_referrals_of(navigator_id: int) -> list[CheckpointReferral]:
    return list(db.session.scalars(
        select(CheckpointReferral).where(CheckpointReferral.allocated_navigator_id == navigator_id,
                                         CheckpointReferral.status == AWAITING_NAVIGATOR)
        .options(joinedload(CheckpointReferral.person)).order_by(CheckpointReferral.referral_date,
                                                                 CheckpointReferral.id)))


def holdings(navigator_id: int) -> tuple[int, int]:
    """(open contracts, referrals reserved for them) a navigator holds, in one statement."""
    contracts = (select(func.count()).select_from(Contract)
                 .where(Contract.navigator_id == navigator_id, Contract.status == contract_rules.ACTIVE))
    reserved = (select(func.count()).select_from(CheckpointReferral)
                .where(CheckpointReferral.allocated_navigator_id == navigator_id,
                       CheckpointReferral.status == AWAITING_NAVIGATOR))
    row = db.session.execute(select(contracts.scalar_subquery(), reserved.scalar_subquery())).one()
    return int(row[0]), int(row[1])


def refuse_to_strand(user: User) -> None:
    """A navigator who still holds work keeps their role and access until it is reassigned (409)."""
    if user.role != NAVIGATOR:
        return
    message = rules.stranding_message(user.name, *holdings(user.id))
    if message:
        raise CaseloadHeld(message, user.id)


def _ids(values: object, name: str, problems: Problems) -> list[int] | None:
    if values is None:
        return None
    if not isinstance(values, list) or not all(valid_id(v) for v in values):
        problems.add(name, "Send a list of record ids")
        return None
    return list(dict.fromkeys(values))


@dataclass
class CaseloadMove:
    """A checked move of a leaver's work: what `reassign_caseload` would do, for a page to confirm first."""
    leaver: User
    navigator: User
    reason: str
    contracts: list[Contract]
    referrals: list[CheckpointReferral]


def check_caseload_move(data: dict) -> CaseloadMove:
    """Every rule for moving a leaver's open contracts (all, or the chosen `contract_ids`) and the referrals reserved
    for them (all, or the chosen `referral_ids`) from `from_navigator_id` to `navigator_id` with one reason, without
    saving anything: ValidationFailed (422) or Conflict (409, a chosen record is no longer theirs)."""
    problems = Problems()
    reason = _reason(data, problems)
    leaver_id = data.get("from_navigator_id")
    leaver = db.session.get(User, leaver_id) if valid_id(leaver_id) else None
    if leaver is None or leaver.role != NAVIGATOR:
        problems.add("from_navigator_id", "Choose the navigator whose caseload is moving")
    navigator = _navigator(data.get(NAVIGATOR_FIELD), problems)
    if leaver is not None and navigator is not None and leaver.id == navigator.id:
        problems.add(NAVIGATOR_FIELD, "Choose a navigator other than the one whose caseload is moving")
    chosen_contracts = _ids(data.get("contract_ids"), "contract_ids", problems)
    chosen_referrals = _ids(data.get("referral_ids"), "referral_ids", problems)
    if chosen_contracts == [] and chosen_referrals == []:
        problems.add("contract_ids", "Choose at least one contract or referral to move")
    problems.raise_if_any()
    contracts = _chosen(open_contracts_of(leaver.id), chosen_contracts, "contract")
    referrals = _chosen(reserved_referrals_of(leaver.id), chosen_referrals, "referral")
    if not contracts and not referrals:
        raise ValidationFailed(fields={"contract_ids": [f"{leaver.name} holds no open contract or reserved referral"]})
    return CaseloadMove(leaver, navigator, reason, contracts, referrals)


def reassign_caseload(data: dict, *, actor: User) -> CaseloadMove:
    """Make the move `check_caseload_move` describes: a NavigatorChange for each contract, each reserved referral
    reserved for the new navigator. All or nothing: a record that changed hands or ended meanwhile refuses the lot."""
    move = check_caseload_move(data)
    changes = [_hand_over(contract, move.navigator, move.reason, actor) for contract in move.contracts]
    now = clock.now()
    for referral in move.referrals:
        referral.allocated_navigator_id, referral.allocated_at = move.navigator.id, now
        referral.allocated_by_id = actor.id
    writes.flush("caseload")
    for contract, change in zip(move.contracts, changes):
        audit.record("contract.reassign", actor=actor, object_type="contract", object_id=contract.id,
                     person_id=contract.person_id, justification=move.reason,
                     details={"person_id": contract.person_id, "from": move.leaver.id, "to": move.navigator.id,
                              "change_id": change.id, "bulk": True})
    for referral in move.referrals:
        audit.record("checkpoint_referral.allocate", actor=actor, object_type="checkpoint_referral",
                     object_id=referral.id, person_id=referral.person_id,
                     details={"person_id": referral.person_id, "from": move.leaver.id,
                              "to": move.navigator.id, "bulk": True})
    return move


def _chosen(held: list, chosen: list[int] | None, what: str) -> list:
    if chosen is None:
        return held
    by_id = {record.id: record for record in held}
    missing = [i for i in chosen if i not in by_id]
    if missing:
        raise Conflict(f"A chosen {what} is no longer with this navigator (it ended or moved since you looked). "
                       "Check the list and try again.")
    return [by_id[i] for i in chosen]
