"""Allocation: a referral reserved for one navigator, a contract handed to another with a reason, a leaver's
caseload moved in one go, and no caseload stranded by a role change or a deactivation."""
import pytest
from sqlalchemy import func, select

from diversion.domain import need_to_know as access
from diversion.errors import Conflict, NotFound, ValidationFailed
from diversion.extensions import db
from diversion.models import AuditEvent, CheckpointReferral, Contract, NavigatorChange
from diversion.services import allocation, contracts, need_to_know, referrals, users
from tests import factories


@pytest.fixture
def team(app_context):
    class Team:
        officer = factories.user(role="custody_officer")
        manager = factories.user(role="manager")
        ada = factories.user(role="navigator", name="Ada Navigator")
        bo = factories.user(role="navigator", name="Bo Navigator")
        admin = factories.user(role="admin")
    return Team


def _queued(team) -> CheckpointReferral:
    return factories.referral(team.officer)


def _contract(team, navigator=None) -> Contract:
    return factories.contract(_queued(team), navigator or team.ada)


def _audits(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_referral_reserved_for_a_navigator_is_theirs_alone_to_see_and_agree(team):
    referral = _queued(team)
    allocation.allocate(referral, {"navigator_id": team.bo.id, "version": referral.version}, actor=team.manager)
    assert (referral.allocated_navigator_id, referral.allocated_by_id) == (team.bo.id, team.manager.id)
    assert referral.allocated_at is not None
    assert referrals.load(referral.id, team.bo).id == referral.id
    assert referrals.load(referral.id, team.manager).id == referral.id
    with pytest.raises(NotFound):
        referrals.load(referral.id, team.ada)
    assert referral.id not in [r.id for r in referrals.listing(team.ada, status="awaiting_navigator")]
    assert referral.id in [r.id for r in referrals.listing(team.bo, status="awaiting_navigator")]
    assert not need_to_know.may_read(access.PERSON, referral.person_id, team.ada)
    assert need_to_know.may_read(access.PERSON, referral.person_id, team.bo)
    assert contracts.agree(referral, factories.contract_payload(), actor=team.bo).navigator_id == team.bo.id
    assert [e.object_id for e in _audits("checkpoint_referral.allocate")] == [str(referral.id)]


def test_allocating_again_replaces_the_navigator_and_null_frees_the_referral(team):
    referral = _queued(team)
    allocation.allocate(referral, {"navigator_id": team.bo.id, "version": referral.version}, actor=team.manager)
    allocation.allocate(referral, {"navigator_id": team.ada.id, "version": referral.version}, actor=team.manager)
    assert referral.allocated_navigator_id == team.ada.id
    allocation.allocate(referral, {"navigator_id": None, "version": referral.version}, actor=team.manager)
    assert (referral.allocated_navigator_id, referral.allocated_at, referral.allocated_by_id) == (None, None, None)
    assert referrals.load(referral.id, team.bo).id == referral.id  # back in everyone's queue


@pytest.mark.parametrize("chosen", ["custody_officer", "manager", "inactive", "missing", "text"])
def test_only_an_active_navigator_can_be_given_a_referral(team, chosen):
    referral = _queued(team)
    navigator_id = {"custody_officer": team.officer.id, "manager": team.manager.id,
                    "inactive": factories.user(role="navigator", active=False).id, "missing": 999_999,
                    "text": "Bo"}[chosen]
    with pytest.raises(ValidationFailed) as failure:
        allocation.allocate(referral, {"navigator_id": navigator_id, "version": referral.version}, actor=team.manager)
    assert list(failure.value.fields) == ["navigator_id"]
    assert referral.allocated_navigator_id is None


def test_a_referral_no_longer_awaiting_a_navigator_cannot_be_reserved(team):
    referral = _contract(team).referral
    with pytest.raises(Conflict):
        allocation.allocate(referral, {"navigator_id": team.bo.id, "version": referral.version}, actor=team.manager)
    approval = factories.referral(team.officer, **{"offence.category": "burglary_residential"})
    with pytest.raises(Conflict):
        allocation.allocate(approval, {"navigator_id": team.bo.id, "version": approval.version}, actor=team.manager)


def test_a_stale_version_changes_nothing(team):
    referral = _queued(team)
    with pytest.raises(Conflict):
        allocation.allocate(referral, {"navigator_id": team.bo.id, "version": referral.version - 1},
                            actor=team.manager)
    with pytest.raises(ValidationFailed) as failure:
        allocation.allocate(referral, {"navigator_id": team.bo.id}, actor=team.manager)
    assert "version" in failure.value.fields


def test_reassigning_a_contract_records_why_and_the_old_navigator_loses_sight_of_it(team):
    contract = _contract(team)
    allocation.reassign(contract, {"navigator_id": team.bo.id, "reason": "Ada is on long-term leave",
                                   "version": contract.version}, actor=team.manager)
    change = db.session.scalar(select(NavigatorChange))
    assert (change.contract_id, change.from_navigator_id, change.to_navigator_id, change.changed_by_id,
            change.reason) == (contract.id, team.ada.id, team.bo.id, team.manager.id, "Ada is on long-term leave")
    assert contract.navigator_id == team.bo.id
    with pytest.raises(NotFound):
        contracts.load(contract.id, team.ada)
    assert contracts.load(contract.id, team.bo).id == contract.id
    event = _audits("contract.reassign")[0]
    assert event.justification == "Ada is on long-term leave" and event.details["to"] == team.bo.id


@pytest.mark.parametrize("body, field", [
    ({"reason": ""}, "reason"), ({"reason": "x" * 2001}, "reason"), ({"reason": "a\u0000b"}, "reason"),
    ({"navigator_id": None}, "navigator_id"), ({"navigator_id": "same"}, "navigator_id"),
])
def test_a_reassignment_needs_a_reason_and_a_different_active_navigator(team, body, field):
    contract = _contract(team)
    data = {"navigator_id": team.bo.id, "reason": "Caseloads balanced", "version": contract.version, **body}
    if data["navigator_id"] == "same":
        data["navigator_id"] = team.ada.id
    with pytest.raises(ValidationFailed) as failure:
        allocation.reassign(contract, data, actor=team.manager)
    assert field in failure.value.fields
    assert db.session.scalar(select(func.count()).select_from(NavigatorChange)) == 0


def test_an_ended_contract_keeps_its_navigator(team):
    contract = _contract(team)
    contracts.record_outcome(contract, {"outcome": "discontinued", "date": contract.start_date.isoformat(),
                                        "reason": "not_in_public_interest", "version": contract.version},
                             actor=team.ada)
    with pytest.raises(Conflict):
        allocation.reassign(contract, {"navigator_id": team.bo.id, "reason": "Tidying up",
                                       "version": contract.version}, actor=team.manager)


def test_a_leavers_whole_caseload_moves_with_one_reason(team):
    held = [_contract(team) for _ in range(3)]
    other = _contract(team, team.bo)
    reserved = _queued(team)
    allocation.allocate(reserved, {"navigator_id": team.ada.id, "version": reserved.version}, actor=team.manager)
    cam = factories.user(role="navigator", name="Cam Navigator")
    move = allocation.reassign_caseload(
        {"from_navigator_id": team.ada.id, "navigator_id": cam.id, "reason": "Ada has left the service"},
        actor=team.manager)
    moved, referrals_moved = move.contracts, move.referrals
    assert sorted(c.id for c in moved) == sorted(c.id for c in held)
    assert {c.navigator_id for c in held} == {cam.id} and other.navigator_id == team.bo.id
    assert [r.id for r in referrals_moved] == [reserved.id] and reserved.allocated_navigator_id == cam.id
    changes = list(db.session.scalars(select(NavigatorChange)))
    assert len(changes) == 3 and {c.reason for c in changes} == {"Ada has left the service"}
    assert allocation.holdings(team.ada.id) == (0, 0)


def test_only_the_chosen_contracts_move_and_a_stale_choice_moves_none(team):
    first, second = _contract(team), _contract(team)
    moved = allocation.reassign_caseload({"from_navigator_id": team.ada.id, "navigator_id": team.bo.id,
                                          "reason": "Sharing the load", "contract_ids": [second.id],
                                          "referral_ids": []}, actor=team.manager).contracts
    assert [c.id for c in moved] == [second.id] and first.navigator_id == team.ada.id
    with pytest.raises(Conflict):  # second is Bo's now: all or nothing
        allocation.reassign_caseload({"from_navigator_id": team.ada.id, "navigator_id": team.bo.id,
                                      "reason": "Again", "contract_ids": [first.id, second.id]}, actor=team.manager)
    assert first.navigator_id == team.ada.id


def test_a_navigator_holding_work_keeps_their_role_and_access(team):
    contract = _contract(team)
    for change in (lambda: users.change_role(team.ada, "manager", actor=team.admin, version=team.ada.version),
                   lambda: users.set_active(team.ada, False, actor=team.admin, version=team.ada.version)):
        with pytest.raises(allocation.CaseloadHeld) as refused:
            change()
        assert refused.value.status == 409 and refused.value.navigator_id == team.ada.id
        assert "1 open contract" in refused.value.message
    assert (team.ada.role, team.ada.active) == ("navigator", True)
    allocation.reassign(contract, {"navigator_id": team.bo.id, "reason": "Ada moves to management",
                                   "version": contract.version}, actor=team.manager)
    users.change_role(team.ada, "manager", actor=team.admin, version=team.ada.version)
    assert team.ada.role == "manager"


def test_a_reserved_referral_also_keeps_a_navigator_in_post(team):
    referral = _queued(team)
    allocation.allocate(referral, {"navigator_id": team.bo.id, "version": referral.version}, actor=team.manager)
    with pytest.raises(allocation.CaseloadHeld) as refused:
        users.set_active(team.bo, False, actor=team.admin, version=team.bo.version)
    assert "1 referral reserved for them" in refused.value.message
    users.set_active(team.ada, False, actor=team.admin, version=team.ada.version)  # holds nothing: allowed
    assert team.ada.active is False
