"""Allocation (revision 2, casework): a manager reserves a queued referral for one navigator, hands a contract from
one navigator to another with a reason, and moves a leaver's whole caseload; nobody's caseload is stranded by a
change of role or a deactivation. Pure rules: the services gather the facts."""
from __future__ import annotations

from diversion.domain.referrals import AWAITING_NAVIGATOR, LABELS

REASON_MAX = 2000  # the reason for handing a contract to another navigator


def allocation_conflict(referral_status: str) -> str | None:
    """Why a referral cannot be reserved for a navigator now (None: it can)."""
    if referral_status == AWAITING_NAVIGATOR:
        return None
    return (f"This referral is {LABELS[referral_status].lower()}: only a referral awaiting a navigator can be "
            "reserved for one.")


def same_navigator_problem(current_navigator_id: int, new_navigator_id: int) -> str | None:
    if current_navigator_id == new_navigator_id:
        return "Choose a navigator other than the one who holds this contract now"
    return None


def stranding_message(name: str, open_contracts: int, reserved_referrals: int) -> str | None:
    """The refusal when a navigator who still holds work would lose their role or access (None: nothing held)."""
    if not open_contracts and not reserved_referrals:
        return None
    held = []
    if open_contracts:
        held.append(f"{open_contracts} open contract{'' if open_contracts == 1 else 's'}")
    if reserved_referrals:
        held.append(f"{reserved_referrals} referral{'' if reserved_referrals == 1 else 's'} reserved for them")
    return (f"{name} still holds {' and '.join(held)}. Reassign their caseload to another navigator first, "
            "so that no one's case is left without a navigator.")
