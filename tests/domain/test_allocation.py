"""Allocation's rules over plain facts: which referrals can be reserved, a move to someone else, and the refusal
that keeps a navigator's caseload from being stranded."""
import pytest

from diversion.domain import allocation as rules
from diversion.domain.referrals import STATUSES


@pytest.mark.parametrize("status", STATUSES)
def test_only_a_referral_awaiting_a_navigator_can_be_reserved(status):
    assert (rules.allocation_conflict(status) is None) is (status == "awaiting_navigator")


def test_a_contract_moves_to_someone_else():
    assert rules.same_navigator_problem(7, 7) and rules.same_navigator_problem(7, 8) is None


@pytest.mark.parametrize("contracts, reserved, says", [
    (0, 0, None), (1, 0, "Ada still holds 1 open contract."), (3, 0, "Ada still holds 3 open contracts."),
    (0, 1, "Ada still holds 1 referral reserved for them."),
    (2, 2, "Ada still holds 2 open contracts and 2 referrals reserved for them.")])
def test_a_navigator_holding_work_is_not_stranded(contracts, reserved, says):
    message = rules.stranding_message("Ada", contracts, reserved)
    assert (message is None) if says is None else message.startswith(says)
    if message:
        assert "Reassign their caseload" in message
