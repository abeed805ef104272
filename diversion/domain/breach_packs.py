"""The breach evidence pack: the rules of what it holds and when it may be signed (no Flask, no database).

A pack is prepared only for a breached contract. It always holds the contract's facts, its conditions and their
history, the appointments kept and missed, the warnings given and the breach itself; of the navigator's notes it
holds only those they choose (need to know: none unless chosen). Signing is "I confirm this is an accurate
account", by name and time, and is a disclosure to the people named in `disclosed_to`.
"""
from __future__ import annotations

from collections import Counter

from diversion.domain.contracts import BREACHED

DISCLOSED_TO_DEFAULT = "Officer in the case and CPS"
DISCLOSED_TO_MAX = 500
CONFIRMATION = "I confirm this is an accurate account"
WARNING_NOTE = "warning"
MAX_NOTES = 500  # far more than any contract has; a bigger list is not a choice of notes


def may_prepare(contract_status: str) -> bool:
    return contract_status == BREACHED


def not_breached_message(status_label: str) -> str:
    return (f"This contract is {status_label.lower()}, not breached: a breach evidence pack is prepared only "
            "when a contract has been breached.")


def chosen_note_problems(value: object, notes_on_contract: set[int]) -> list[str]:
    """What is wrong with a choice of notes (a list of this contract's note ids; an empty list is a choice)."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_NOTES:
        return ["Send the chosen notes as a list of note ids"]
    if any(isinstance(item, bool) or not isinstance(item, int) for item in value):
        return ["Each chosen note is a note id (a whole number)"]
    strangers = sorted(set(value) - notes_on_contract)
    if strangers:
        return ["These are not notes on this contract: " + ", ".join(str(i) for i in strangers)]
    return []


def stale_message(latest: int) -> str:
    if latest == 0:
        return "No pack has been signed for this contract: send version 0."
    return (f"A breach evidence pack for this contract has already been signed (version {latest}). Read it; "
            f"to sign a new version, send version {latest}.")


def appointment_counts(statuses: list[str]) -> dict[str, int]:
    """How many appointments were kept, missed, cancelled or are still booked."""
    counted = Counter(statuses)
    return {"attended": counted["attended"], "missed": counted["missed"], "cancelled": counted["cancelled"],
            "booked": counted["booked"]}
