"""Revision 2 contract rules: a contract live on a day, unpaid work met only when the hours are done, what an
ended contract's open conditions mean, and no completion while a new referral is undecided."""
from datetime import date

import pytest

from diversion.domain.contracts import (
    ENDED_UNMET, check_outcome, condition_shown, condition_status_problem, live_on,
)

START = date(2026, 3, 1)


@pytest.mark.parametrize("day, status, outcome_date, live", [
    (date(2026, 2, 28), "active", None, False),              # before it started
    (START, "active", None, True),                            # its first day
    (date(2026, 9, 1), "active", None, True),                 # overdue is still live
    (date(2026, 5, 1), "breached", date(2026, 5, 2), True),   # ended later: live that day
    (date(2026, 5, 2), "breached", date(2026, 5, 2), False),  # ended that day
    (date(2026, 8, 1), "completed", date(2026, 7, 1), False),
])
def test_a_contract_is_live_from_its_start_until_the_day_before_its_outcome(day, status, outcome_date, live):
    assert live_on(START, status, outcome_date, day) is live


@pytest.mark.parametrize("done, target, problem", [(0, 18, True), (17.5, 18, True), (18, 18, False), (40, 36, False)])
def test_unpaid_work_is_met_only_when_every_hour_is_done(done, target, problem):
    found = condition_status_problem("community", "met", "active", community_kind="unpaid_work",
                                     target_hours=target, hours_done=done)
    assert (found is not None) is problem
    if problem:
        assert found[0] == "conflict" and f"of {target} hours" in found[1]


def test_unpaid_work_can_be_failed_whatever_the_hours_and_a_gps_tag_has_none():
    assert condition_status_problem("community", "failed", "active", community_kind="unpaid_work", target_hours=18,
                                    hours_done=0) is None
    assert condition_status_problem("community", "met", "active", community_kind="gps_tag") is None


@pytest.mark.parametrize("contract_status, shown", [("active", "open"), ("breached", ENDED_UNMET),
                                                    ("completed", ENDED_UNMET), ("discontinued", ENDED_UNMET)])
def test_an_open_condition_of_an_ended_contract_reads_not_met(contract_status, shown):
    assert condition_shown("open", contract_status) == shown
    assert condition_shown("met", contract_status) == "met"


def test_a_contract_is_not_completed_while_a_new_referral_is_undecided():
    check = check_outcome(outcome="completed", on=date(2026, 7, 2), reason=None, stored_status="active",
                          start_date=START, deadline=date(2026, 7, 1), today=date(2026, 7, 2),
                          condition_statuses={1: ("offending", "open"), 2: ("pathway", "met")}, open_alerts=[9, 4])
    assert check.conflict and check.conflict_fields == {"alerts": ["4", "9"]}
    breach = check_outcome(outcome="breached", on=date(2026, 7, 2), reason="reoffended", stored_status="active",
                           start_date=START, deadline=date(2026, 7, 1), today=date(2026, 7, 2),
                           condition_statuses={}, open_alerts=[9])
    assert breach.ok
