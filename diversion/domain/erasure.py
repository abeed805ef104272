"""What an erasure keeps and what it destroys (DPA 2018 s.47, MoPI), as rules.

Destroyed: whatever identifies the person (names, date of birth, PNC and custody numbers, contact details and
their history, the person as an officer typed them) and every free text written about them (offence
descriptions, reasons, notes, condition descriptions, progress and appointment notes, DIVERT event notes, the
justifications written into the audit trail about them). Kept: coded facts (dates, statuses, categories,
gender, ethnicity, and the age band on each referral date), so that every figure stays the same.
"""
from __future__ import annotations

ERASED_TEXT = ""  # what a required free text becomes (an optional one becomes empty: NULL)

OPEN_CASE = ("This person has an open case. Close it first (record the contract's outcome, decide the referral, "
             "or close the DIVERT referral), then erase the record.")
ALREADY_ERASED = "This record has already been erased."


def refusal(open_contracts: int, open_referrals: int, open_divert: int, open_drug_tests: int = 0) -> str | None:
    """Why the person cannot be erased now, or None. An open case is still being worked: erasing it would destroy
    what the navigator, the provider or a court may need (a drug test is open while a required assessment is to be
    held or a missed one awaits custody's decision on prosecution)."""
    return OPEN_CASE if open_contracts or open_referrals or open_divert or open_drug_tests else None

