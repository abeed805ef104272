"""Need to know as the contract states it (api-contract "Revision 2: need to know"), over plain facts."""
import pytest

from diversion.domain import need_to_know as rules
from diversion.domain.roles import ADMIN, CUSTODY_OFFICER, MANAGER, NAVIGATOR, PROVIDER

ME = 7


def viewer(role):
    return rules.Viewer(ME, role)


@pytest.mark.parametrize("role", [MANAGER, ADMIN])
def test_managers_and_admins_read_everything(role):
    who = viewer(role)
    assert rules.may_read_checkpoint_referral(who, created_by_id=1, status="ineligible", contract_navigator_id=None)
    assert rules.may_read_divert_referral(who, created_by_id=1)
    assert rules.may_read_contract(who, navigator_id=1)
    assert rules.may_read_person(who, referral_statuses=[], contract_navigator_ids=[], divert_referrals=0)


@pytest.mark.parametrize("status, holder, readable", [
    ("awaiting_navigator", None, True), ("contracted", ME, True), ("contracted", 8, False),
    ("ineligible", None, False), ("awaiting_approval", None, False), ("declined", None, False),
    ("not_approved", None, False)])
def test_a_navigator_reads_a_checkpoint_referral_only_in_the_queue_or_on_their_contract(status, holder, readable):
    assert rules.may_read_checkpoint_referral(viewer(NAVIGATOR), created_by_id=1, status=status,
                                              contract_navigator_id=holder) is readable


def test_navigators_read_no_divert_referral_and_providers_no_checkpoint_referral():
    assert not rules.reads_any(rules.DIVERT_REFERRAL, NAVIGATOR)
    assert not rules.may_read_divert_referral(viewer(NAVIGATOR), created_by_id=ME)
    assert not rules.reads_any(rules.CHECKPOINT_REFERRAL, PROVIDER)
    assert rules.may_read_divert_referral(viewer(PROVIDER), created_by_id=1)


def test_a_custody_officer_reads_the_referrals_they_made_and_no_persons_record():
    officer = viewer(CUSTODY_OFFICER)
    assert rules.may_read_checkpoint_referral(officer, created_by_id=ME, status="ineligible", contract_navigator_id=None)
    assert not rules.may_read_checkpoint_referral(officer, created_by_id=8, status="awaiting_navigator",
                                                  contract_navigator_id=None)
    assert rules.may_read_divert_referral(officer, created_by_id=ME)
    assert not rules.may_read_divert_referral(officer, created_by_id=8)
    assert not rules.reads_any(rules.PERSON, CUSTODY_OFFICER) and not rules.reads_any(rules.CONTRACT, CUSTODY_OFFICER)


@pytest.mark.parametrize("statuses, holders, divert, role, readable", [
    (["awaiting_navigator"], [], 0, NAVIGATOR, True), (["contracted"], [ME], 0, NAVIGATOR, True),
    (["contracted"], [8], 0, NAVIGATOR, False), (["ineligible"], [], 3, NAVIGATOR, False),
    ([], [], 1, PROVIDER, True), (["contracted"], [ME], 0, PROVIDER, False)])
def test_who_reads_a_persons_record(statuses, holders, divert, role, readable):
    assert rules.may_read_person(viewer(role), referral_statuses=statuses, contract_navigator_ids=holders,
                                 divert_referrals=divert) is readable


def test_only_providers_managers_and_admins_read_a_providers_notes():
    assert rules.READS_PROVIDER_NOTES == {PROVIDER, MANAGER, ADMIN}


def test_contact_details_are_changed_by_the_contract_holder_a_provider_or_an_admin():
    assert rules.CONTACT_EDITS == {NAVIGATOR: rules.HOLDS_CONTRACT, PROVIDER: rules.IN_DIVERT, ADMIN: rules.ALL}


@pytest.mark.parametrize("reserved_for, readable", [(None, True), (ME, True), (8, False)])
def test_a_referral_reserved_for_a_navigator_is_read_only_by_them_in_the_queue(reserved_for, readable):
    assert rules.may_read_checkpoint_referral(viewer(NAVIGATOR), created_by_id=1, status="awaiting_navigator",
                                              contract_navigator_id=None,
                                              allocated_navigator_id=reserved_for) is readable
    assert rules.may_read_person(viewer(NAVIGATOR), referral_statuses=["awaiting_navigator"],
                                 contract_navigator_ids=[], divert_referrals=0,
                                 reserved_for=[reserved_for]) is readable
    assert rules.may_read_checkpoint_referral(viewer(MANAGER), created_by_id=1, status="awaiting_navigator",
                                              contract_navigator_id=None, allocated_navigator_id=reserved_for)


def test_a_reservation_matters_only_while_the_referral_awaits_a_navigator():
    assert rules.may_read_checkpoint_referral(viewer(NAVIGATOR), created_by_id=1, status="contracted",
                                              contract_navigator_id=ME, allocated_navigator_id=8)
    assert not rules.may_read_checkpoint_referral(viewer(NAVIGATOR), created_by_id=1, status="declined",
                                                  contract_navigator_id=None, allocated_navigator_id=ME)


@pytest.mark.parametrize("role, holders, result, readable", [
    (CUSTODY_OFFICER, [], "negative", True), (PROVIDER, [], "cocaine", True), (PROVIDER, [], "both", True),
    (PROVIDER, [], "negative", False), (PROVIDER, [], "refused", False), (MANAGER, [], "refused", True),
    (ADMIN, [8], "negative", True), (NAVIGATOR, [ME], "negative", True), (NAVIGATOR, [8, ME], "opiates", True),
    (NAVIGATOR, [8], "opiates", False), (NAVIGATOR, [], "cocaine", False)])
def test_who_reads_a_drug_test(role, holders, result, readable):
    """Custody's own record: every custody officer (the one deciding on a missed assessment is seldom the one who
    tested), managers, admins; the assessment provider the positive ones (a negative test or a refusal is no work
    of theirs); a navigator only for someone whose contract they hold."""
    assert rules.may_read_drug_test(viewer(role), contract_navigator_ids=holders, result=result) is readable
