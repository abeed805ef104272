"""The life of a Checkpoint referral before it becomes a contract.

The rules (api-contract.md "Referral" and "Contract"):
- ineligible referrals are stored too, status `ineligible`;
- eligible -> `awaiting_navigator`, except a `specific_terms` category -> `awaiting_approval`;
- a manager approves an `awaiting_approval` referral -> `awaiting_navigator`
  (or refuses it -> `not_approved`);
- a navigator records that the person declined the offer -> `declined` (ordinary prosecution follows);
- only a referral in `awaiting_navigator` can get a contract; it becomes `contracted`.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from itertools import product

import pytest

from diversion.domain.eligibility import Decision, Screening, screen
from diversion.domain.referrals import LABELS, STATUSES, TRANSITIONS, initial_status, next_status

ALL_STATUSES = ("ineligible", "awaiting_approval", "awaiting_navigator", "not_approved", "declined",
                "contracted")
ACTIONS = ("approve", "refuse", "decline", "contract")

# (status, action) -> the status it leads to; every other pair is not allowed.
ALLOWED = {
    ("awaiting_approval", "approve"): "awaiting_navigator",
    ("awaiting_approval", "refuse"): "not_approved",
    ("awaiting_navigator", "decline"): "declined",
    ("awaiting_navigator", "contract"): "contracted",
}


def test_the_statuses_are_those_of_the_contract_plus_not_approved():
    assert set(STATUSES) == set(ALL_STATUSES)


def test_the_actions_are_approve_refuse_decline_and_contract():
    assert set(TRANSITIONS) == set(ACTIONS)


@pytest.mark.parametrize("status", ALL_STATUSES)
def test_every_status_has_a_label_for_people(status):
    assert LABELS[status].strip()


# ---------------------------------------------------------------------------------------------
# initial_status
# ---------------------------------------------------------------------------------------------

def test_an_ineligible_referral_is_stored_as_ineligible():
    decision = Decision(eligible=False, reasons=("on_bail",), needs_approval=False)
    assert initial_status(decision) == "ineligible"


def test_an_eligible_referral_waits_for_a_navigator():
    assert initial_status(Decision(eligible=True, reasons=(), needs_approval=False)) == "awaiting_navigator"


def test_an_eligible_specific_terms_referral_waits_for_a_managers_approval():
    assert initial_status(Decision(eligible=True, reasons=(), needs_approval=True)) == "awaiting_approval"


ELIGIBLE_SCREENING = Screening(
    date_of_birth=date(1990, 4, 2), referral_date=date(2025, 6, 15), offence_date=date(2025, 6, 1),
    interview="no_comment", evidential_test_met=True, category_eligibility="eligible",
)


@pytest.mark.parametrize("changes, status", [
    ({}, "awaiting_navigator"),
    ({"category_eligibility": "specific_terms"}, "awaiting_approval"),
    ({"category_eligibility": "excluded"}, "ineligible"),
    ({"category_eligibility": "specific_terms", "co_accused": True}, "ineligible"),
    ({"hate_crime": True}, "ineligible"),
])
def test_the_status_a_screened_referral_starts_in(changes, status):
    assert initial_status(screen(replace(ELIGIBLE_SCREENING, **changes))) == status


# ---------------------------------------------------------------------------------------------
# next_status: every status x every action
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("status, action", list(product(ALL_STATUSES, ACTIONS)))
def test_each_action_is_allowed_only_from_its_own_status(status, action):
    assert next_status(status, action) == ALLOWED.get((status, action))


def test_a_manager_approving_a_specific_terms_referral_hands_it_to_a_navigator():
    assert next_status("awaiting_approval", "approve") == "awaiting_navigator"


def test_a_manager_refusing_a_specific_terms_referral_ends_it_as_not_approved():
    assert next_status("awaiting_approval", "refuse") == "not_approved"


def test_a_referral_awaiting_approval_cannot_get_a_contract_yet():
    assert next_status("awaiting_approval", "contract") is None


def test_only_a_referral_awaiting_a_navigator_can_get_a_contract():
    assert [s for s in ALL_STATUSES if next_status(s, "contract") is not None] == ["awaiting_navigator"]


def test_a_person_declining_the_offer_ends_the_referral_as_declined():
    assert next_status("awaiting_navigator", "decline") == "declined"


@pytest.mark.parametrize("status", ["ineligible", "not_approved", "declined", "contracted"])
def test_an_ended_referral_allows_no_further_action(status):
    assert [next_status(status, action) for action in ACTIONS] == [None] * len(ACTIONS)


def test_an_ineligible_referral_cannot_be_approved_into_the_scheme():
    assert next_status("ineligible", "approve") is None
