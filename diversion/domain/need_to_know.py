"""Need to know: which records each role may read (api-contract.md, "Revision 2: need to know").

One table says it for every kind of record; `diversion.services.need_to_know` turns each scope into the SQL
that loaders, lists, search and the person page all use, and the predicates below state the same rules over
plain facts so that tests can hold the SQL to them.

    record               custody officer    navigator                          provider       manager, admin
    Checkpoint referral  the ones they made while it awaits a navigator        -              all
                                            (unless a manager reserved it for
                                            another navigator), or when they
                                            hold its contract
    DIVERT referral      the ones they made -                                  all            all
    contract             -                  the ones they hold                 -              all
    person               -                  with a referral awaiting a         with a DIVERT  all
                                            navigator (not reserved for        referral
                                            another) or a contract they hold
    drug test (DTOA)     all                whose person has a contract        positive ones  all
                                            they hold                          (an assessment
                                                                               is required)

Drug tests on arrest (PACE s.63B) are custody's own records: any custody officer reads them, because the officer
who decides on a missed assessment is seldom the one who tested; the provider holding the required assessments
reads the positive ones, which require an assessment (a negative test or a refusal is no work of theirs). A navigator reads a test only when its person has a contract
they hold (it bears on the pathway conditions they set); other navigators do not know the test exists.

A record outside the scope is "not found" (404), never "forbidden": its existence is not revealed. A role
with no scope at all for a kind of record is refused its lists (403). Custody officers never read a person's
record or history; when they refer someone they may see a possible match's name and date of birth only (the
Police National Computer shows them the same), through the identity check, not through these scopes.
"""
from __future__ import annotations

from dataclasses import dataclass

from diversion.domain.dtoa import POSITIVE_RESULTS
from diversion.domain.referrals import AWAITING_NAVIGATOR
from diversion.domain.roles import ADMIN, CUSTODY_OFFICER, MANAGER, NAVIGATOR, PROVIDER

CHECKPOINT_REFERRAL, DIVERT_REFERRAL, CONTRACT, PERSON = "checkpoint_referral", "divert_referral", "contract", "person"
DRUG_TEST = "drug_test"
KINDS = (CHECKPOINT_REFERRAL, DIVERT_REFERRAL, CONTRACT, PERSON, DRUG_TEST)

ALL = "all"
MADE_BY_ME = "made_by_me"
QUEUE_OR_MY_CONTRACT = "queue_or_my_contract"
MY_CONTRACTS = "my_contracts"
IN_DIVERT = "in_divert"
PERSON_ON_MY_CASELOAD = "person_on_my_caseload"
POSITIVE_ONLY = "positive_only"

SCOPES: dict[str, dict[str, str]] = {
    CHECKPOINT_REFERRAL: {CUSTODY_OFFICER: MADE_BY_ME, NAVIGATOR: QUEUE_OR_MY_CONTRACT, MANAGER: ALL, ADMIN: ALL},
    DIVERT_REFERRAL: {CUSTODY_OFFICER: MADE_BY_ME, PROVIDER: ALL, MANAGER: ALL, ADMIN: ALL},
    CONTRACT: {NAVIGATOR: MY_CONTRACTS, MANAGER: ALL, ADMIN: ALL},
    PERSON: {NAVIGATOR: QUEUE_OR_MY_CONTRACT, PROVIDER: IN_DIVERT, MANAGER: ALL, ADMIN: ALL},
    DRUG_TEST: {CUSTODY_OFFICER: ALL, NAVIGATOR: PERSON_ON_MY_CASELOAD, PROVIDER: POSITIVE_ONLY, MANAGER: ALL,
                ADMIN: ALL},
}

# Who may change a person's contact details (api-contract "Contact details"): the navigator holding their
# contract, a provider for someone referred to DIVERT, an administrator.
HOLDS_CONTRACT = "holds_contract"
CONTACT_EDITS = {NAVIGATOR: HOLDS_CONTRACT, PROVIDER: IN_DIVERT, ADMIN: ALL}

# Custody officers read no person's record; they may look a person up by full name and date of birth, and are
# shown what the identity check shows: the name and date of birth of the same or a similar name born that day.
LOOKS_UP_BY_IDENTITY = frozenset({CUSTODY_OFFICER})

# A DIVERT provider's notes are about someone's drug use and health: the referring officer does not read them.
READS_PROVIDER_NOTES = frozenset({PROVIDER, MANAGER, ADMIN})


def scope(kind: str, role: str) -> str | None:
    """The part of `kind` that `role` may read, or None for nothing at all."""
    return SCOPES[kind].get(role)


def reads_any(kind: str, role: str) -> bool:
    return scope(kind, role) is not None


# --- The same rules over plain facts (for tests and for records already in hand) -----------------------

@dataclass(frozen=True)
class Viewer:
    id: int
    role: str


def _queued_for(viewer: Viewer, status: str, allocated_navigator_id: int | None) -> bool:
    """Awaiting a navigator, and not reserved for another one (allocation, revision 2)."""
    return status == AWAITING_NAVIGATOR and allocated_navigator_id in (None, viewer.id)


def may_read_checkpoint_referral(viewer: Viewer, *, created_by_id: int | None, status: str,
                                 contract_navigator_id: int | None, allocated_navigator_id: int | None = None) -> bool:
    granted = scope(CHECKPOINT_REFERRAL, viewer.role)
    if granted == ALL:
        return True
    if granted == MADE_BY_ME:
        return created_by_id == viewer.id
    if granted == QUEUE_OR_MY_CONTRACT:
        return _queued_for(viewer, status, allocated_navigator_id) or contract_navigator_id == viewer.id
    return False


def may_read_divert_referral(viewer: Viewer, *, created_by_id: int | None) -> bool:
    granted = scope(DIVERT_REFERRAL, viewer.role)
    return granted == ALL or (granted == MADE_BY_ME and created_by_id == viewer.id)


def may_read_drug_test(viewer: Viewer, *, contract_navigator_ids: list[int], result: str) -> bool:
    """`contract_navigator_ids`: who holds each contract of the test's person; `result`: the test's result."""
    granted = scope(DRUG_TEST, viewer.role)
    return granted == ALL or (granted == PERSON_ON_MY_CASELOAD and viewer.id in contract_navigator_ids) or (
        granted == POSITIVE_ONLY and result in POSITIVE_RESULTS)


def may_read_contract(viewer: Viewer, *, navigator_id: int) -> bool:
    granted = scope(CONTRACT, viewer.role)
    return granted == ALL or (granted == MY_CONTRACTS and navigator_id == viewer.id)


def may_read_person(viewer: Viewer, *, referral_statuses: list[str], contract_navigator_ids: list[int],
                    divert_referrals: int, reserved_for: list[int | None] | None = None) -> bool:
    """`referral_statuses`: the statuses of the person's Checkpoint referrals; `reserved_for`: for each of them
    (same order), the navigator it is reserved for, if any; `contract_navigator_ids`: who holds each of their
    contracts; `divert_referrals`: how many DIVERT referrals they have."""
    granted = scope(PERSON, viewer.role)
    if granted == ALL:
        return True
    if granted == QUEUE_OR_MY_CONTRACT:
        reserved = reserved_for if reserved_for is not None else [None] * len(referral_statuses)
        return any(_queued_for(viewer, status, navigator) for status, navigator in zip(referral_statuses, reserved)) \
            or viewer.id in contract_navigator_ids
    if granted == IN_DIVERT:
        return divert_referrals > 0
    return False
