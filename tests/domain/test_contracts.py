"""The contract to engage: its conditions, its status, and when each outcome may be recorded.

The rules (domain.md "The contract"; api-contract.md "Contract" and "Working a contract"):
- the server adds the `offending` condition; clients can neither add nor remove it;
- at most 5 conditions in all, `offending` included;
- a `victim` condition when, and only when, the victim wishes a restorative approach;
- a `pathway` condition names a need code; `unpaid_work` needs `target_hours` from 18 to 36 inclusive;
- 422 `fields` name every bad field with dotted names (`conditions.0.target_hours`), not just the first;
- `overdue` = active with the deadline passed (computed on read, never stored);
- `completed` only on or after the deadline with every condition but `offending` met (else 409 naming the
  unmet condition ids); `breached` needs a reason code and may be recorded any day from `start_date`;
  `discontinued` needs a reason; the date is never in the future; an ended contract takes no other outcome;
- a condition's status is set to met or failed, never the `offending` one (409);
- progress: `hours` a number > 0, a note required.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings, strategies as st

from diversion.domain.contracts import (
    BREACH_REASONS, CONDITION_TYPES, MAX_CONDITIONS, OUTCOMES, PATHWAYS, ConditionInput, OutcomeCheck,
    check_outcome, condition_problems, condition_status_problem, progress_problems, status_on,
)

PROPERTY = settings(max_examples=200, deadline=None)
QUICK = settings(max_examples=100, deadline=None)

NEED_CODES = ("drugs", "alcohol", "mental_health", "accommodation", "finance", "relationships",
              "employment_education", "physical_health", "gambling", "exploitation", "other")
ENDED = ("completed", "breached", "discontinued")


# --- Conditions as a client would send them ---------------------------------------------------

def victim(**changes) -> ConditionInput:
    return ConditionInput(**{"type": "victim", "description": "Write a letter of apology", **changes})


def pathway(need="drugs", **changes) -> ConditionInput:
    return ConditionInput(**{"type": "pathway", "description": "Attend the drugs service", "pathway": need,
                             **changes})


def unpaid_work(hours=20, **changes) -> ConditionInput:
    return ConditionInput(**{"type": "community", "description": "Unpaid work at the food bank",
                             "community_kind": "unpaid_work", "target_hours": hours, **changes})


def gps_tag(**changes) -> ConditionInput:
    return ConditionInput(**{"type": "community", "description": "Wear a GPS tag",
                             "community_kind": "gps_tag", **changes})


def offending() -> ConditionInput:
    return ConditionInput(type="offending", description="Do not reoffend")


# ---------------------------------------------------------------------------------------------
# condition_problems: a good contract
# ---------------------------------------------------------------------------------------------

def test_the_condition_types_are_offending_victim_pathway_and_community():
    assert set(CONDITION_TYPES) == {"offending", "victim", "pathway", "community"}


def test_a_full_set_of_conditions_for_a_victim_wanting_restoration_has_no_problems():
    conditions = [victim(), pathway("drugs"), pathway("accommodation"), unpaid_work(20)]
    assert condition_problems(conditions, victim_wishes_restorative=True) == {}


def test_no_conditions_at_all_is_fine_when_the_victim_wants_no_restorative_approach():
    # Only the no-further-offending condition, which the server adds.
    assert condition_problems([], victim_wishes_restorative=False) == {}


def test_a_gps_tag_without_hours_is_fine():
    assert condition_problems([gps_tag()], victim_wishes_restorative=False) == {}


# ---------------------------------------------------------------------------------------------
# The victim condition: when, and only when, the victim wishes it
# ---------------------------------------------------------------------------------------------

def test_a_victim_wanting_a_restorative_approach_needs_a_victim_condition():
    problems = condition_problems([pathway()], victim_wishes_restorative=True)
    assert list(problems) == ["conditions"]
    assert len(problems["conditions"]) == 1 and "victim condition" in problems["conditions"][0]


def test_a_victim_condition_is_refused_when_the_victim_does_not_want_a_restorative_approach():
    problems = condition_problems([victim()], victim_wishes_restorative=False)
    assert list(problems) == ["conditions"]
    assert len(problems["conditions"]) == 1 and "victim condition" in problems["conditions"][0]


def test_one_victim_condition_satisfies_a_victim_wanting_restoration():
    assert condition_problems([victim()], victim_wishes_restorative=True) == {}


def test_two_victim_conditions_are_refused():
    problems = condition_problems([victim(), victim()], victim_wishes_restorative=True)
    assert list(problems) == ["conditions"] and len(problems["conditions"]) == 1


# ---------------------------------------------------------------------------------------------
# At most five conditions, offending included; offending is the server's
# ---------------------------------------------------------------------------------------------

def test_at_most_five_conditions_including_offending():
    assert MAX_CONDITIONS == 5


def test_four_client_conditions_plus_offending_make_five_and_are_accepted():
    conditions = [pathway("drugs"), pathway("alcohol"), pathway("finance"), unpaid_work()]
    assert condition_problems(conditions, victim_wishes_restorative=False) == {}


def test_five_client_conditions_would_make_six_and_are_refused():
    conditions = [pathway("drugs"), pathway("alcohol"), pathway("finance"), pathway("gambling"),
                  unpaid_work()]
    problems = condition_problems(conditions, victim_wishes_restorative=False)
    assert list(problems) == ["conditions"] and len(problems["conditions"]) == 1


def test_an_offending_condition_sent_by_the_client_is_refused():
    problems = condition_problems([pathway(), offending()], victim_wishes_restorative=False)
    assert list(problems) == ["conditions.1.type"]


def test_an_offending_condition_sent_by_the_client_still_counts_towards_five():
    conditions = [offending(), pathway("drugs"), pathway("alcohol"), pathway("finance"), unpaid_work()]
    problems = condition_problems(conditions, victim_wishes_restorative=False)
    assert set(problems) == {"conditions", "conditions.0.type"}


@pytest.mark.parametrize("kind", [None, "", "Victim", "victim ", "curfew", 3, ["victim"]])
def test_an_unknown_condition_type_is_refused(kind):
    problems = condition_problems([ConditionInput(type=kind, description="Something")], False)
    assert list(problems) == ["conditions.0.type"]


# ---------------------------------------------------------------------------------------------
# Descriptions
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("description", [None, "", "   ", "\n\t", 42, ["Attend"]])
def test_a_condition_needs_a_description(description):
    problems = condition_problems([pathway(description=description)], victim_wishes_restorative=False)
    assert list(problems) == ["conditions.0.description"]


def test_a_description_of_500_characters_is_accepted_and_501_refused():
    assert condition_problems([pathway(description="x" * 500)], False) == {}
    assert list(condition_problems([pathway(description="x" * 501)], False)) == ["conditions.0.description"]


# ---------------------------------------------------------------------------------------------
# Pathway conditions
# ---------------------------------------------------------------------------------------------

def test_the_pathway_needs_are_those_of_the_contract():
    assert set(PATHWAYS) == set(NEED_CODES)


@pytest.mark.parametrize("need", NEED_CODES)
def test_a_pathway_condition_for_each_need_is_accepted(need):
    assert condition_problems([pathway(need)], victim_wishes_restorative=False) == {}


@pytest.mark.parametrize("need", [None, "", "Drugs", "housing", "cannabis", 0])
def test_a_pathway_condition_needs_a_known_need_code(need):
    problems = condition_problems([pathway(need)], victim_wishes_restorative=False)
    assert list(problems) == ["conditions.0.pathway"]


@pytest.mark.parametrize("condition", [victim(pathway="drugs"), unpaid_work(pathway="drugs"),
                                       gps_tag(pathway="alcohol")], ids=["victim", "unpaid_work", "gps_tag"])
def test_only_a_pathway_condition_has_a_need(condition):
    restorative = condition.type == "victim"
    assert list(condition_problems([condition], restorative)) == ["conditions.0.pathway"]


# ---------------------------------------------------------------------------------------------
# Community conditions: 18 to 36 hours of unpaid work, or a GPS tag
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("hours", [18, 19, 27, 35, 36])
def test_unpaid_work_of_18_to_36_whole_hours_is_accepted(hours):
    assert condition_problems([unpaid_work(hours)], victim_wishes_restorative=False) == {}


@pytest.mark.parametrize("hours", [17, 37, -2, 0, 18.5, 20.0, True, "20", None, "", [20]],
                         ids=["17", "37", "-2", "0", "18.5", "20.0", "True", "'20'", "None", "empty", "[20]"])
def test_unpaid_work_hours_outside_18_to_36_or_not_a_whole_number_are_refused(hours):
    problems = condition_problems([unpaid_work(hours)], victim_wishes_restorative=False)
    assert list(problems) == ["conditions.0.target_hours"]


def test_a_gps_tag_has_no_hours():
    problems = condition_problems([gps_tag(target_hours=20)], victim_wishes_restorative=False)
    assert list(problems) == ["conditions.0.target_hours"]


@pytest.mark.parametrize("kind", [None, "", "curfew", "Unpaid_work"])
def test_a_community_condition_is_unpaid_work_or_a_gps_tag(kind):
    problems = condition_problems([unpaid_work(community_kind=kind)], victim_wishes_restorative=False)
    assert list(problems) == ["conditions.0.community_kind"]


@pytest.mark.parametrize("condition",
                         [pathway(community_kind="gps_tag"), victim(community_kind="unpaid_work")],
                         ids=["pathway", "victim"])
def test_only_a_community_condition_has_unpaid_work_or_a_gps_tag(condition):
    restorative = condition.type == "victim"
    assert list(condition_problems([condition], restorative)) == ["conditions.0.community_kind"]


def test_hours_on_a_condition_that_is_not_community_are_reported_against_target_hours():
    problems = condition_problems([pathway(target_hours=20)], victim_wishes_restorative=False)
    assert list(problems) == ["conditions.0.target_hours"]


def test_a_kind_and_hours_on_a_condition_that_is_not_community_are_both_reported():
    problems = condition_problems([victim(community_kind="unpaid_work", target_hours=20)], True)
    assert set(problems) == {"conditions.0.community_kind", "conditions.0.target_hours"}


# ---------------------------------------------------------------------------------------------
# Dotted names, and every problem at once
# ---------------------------------------------------------------------------------------------

def test_problems_are_keyed_by_the_dotted_name_of_the_bad_field():
    conditions = [pathway("drugs"), pathway("alcohol"), unpaid_work(40)]
    assert list(condition_problems(conditions, False)) == ["conditions.2.target_hours"]


def test_the_prefix_of_the_dotted_names_can_be_chosen():
    problems = condition_problems([unpaid_work(40)], victim_wishes_restorative=True,
                                  prefix="contract.conditions")
    assert set(problems) == {"contract.conditions", "contract.conditions.0.target_hours"}


def test_every_problem_is_reported_at_once():
    conditions = [offending(), pathway("housing"), unpaid_work(12), gps_tag(description=""),
                  victim(), victim()]
    problems = condition_problems(conditions, victim_wishes_restorative=False)
    assert set(problems) == {"conditions", "conditions.0.type", "conditions.1.pathway",
                             "conditions.2.target_hours", "conditions.3.description"}
    # too many conditions; a victim condition nobody asked for; two victim conditions
    assert len(problems["conditions"]) == 3


def test_one_condition_can_have_several_bad_fields():
    bad = ConditionInput(type="pathway", description="", pathway="housing", community_kind="gps_tag")
    problems = condition_problems([bad], victim_wishes_restorative=False)
    assert set(problems) == {"conditions.0.description", "conditions.0.pathway",
                             "conditions.0.community_kind"}


def test_a_condition_with_an_unknown_type_and_no_description_has_both_fields_reported():
    problems = condition_problems([ConditionInput(type="curfew", description="")], False)
    assert set(problems) == {"conditions.0.type", "conditions.0.description"}


def test_a_pathway_sent_as_a_list_is_a_field_problem_not_a_crash():
    problems = condition_problems([pathway(["drugs"])], victim_wishes_restorative=False)
    assert list(problems) == ["conditions.0.pathway"]


# Each bad condition has exactly one problem, at the field named; each good one has none.
BAD_CONDITIONS = [
    (pathway("housing"), "pathway"),
    (pathway(description="  "), "description"),
    (unpaid_work(40), "target_hours"),
    (unpaid_work(17.5), "target_hours"),
    (gps_tag(target_hours=18), "target_hours"),
    (unpaid_work(community_kind="curfew"), "community_kind"),
    (pathway(community_kind="gps_tag"), "community_kind"),
    (unpaid_work(pathway="drugs"), "pathway"),
    (offending(), "type"),
    (ConditionInput(type="curfew", description="Stay in at night"), "type"),
]
GOOD_CONDITIONS = [pathway("drugs"), pathway("other"), unpaid_work(18), unpaid_work(36), gps_tag()]


@PROPERTY
@given(st.lists(st.one_of(st.sampled_from(BAD_CONDITIONS),
                          st.sampled_from(GOOD_CONDITIONS).map(lambda c: (c, None))), max_size=8))
def test_k_independent_bad_conditions_give_k_keyed_problems(picked):
    conditions = [condition for condition, _ in picked]
    expected = {f"conditions.{i}.{bad_field}": 1 for i, (_, bad_field) in enumerate(picked) if bad_field}
    if len(conditions) > 4:
        expected["conditions"] = 1  # too many conditions
    problems = condition_problems(conditions, victim_wishes_restorative=False)
    assert {name: len(messages) for name, messages in problems.items()} == expected


# ---------------------------------------------------------------------------------------------
# status_on: overdue is computed, never stored
# ---------------------------------------------------------------------------------------------

DEADLINE = date(2026, 2, 28)


def test_an_active_contract_past_its_deadline_is_overdue():
    assert status_on("active", DEADLINE, today=date(2026, 3, 1)) == "overdue"


def test_an_active_contract_is_still_active_on_its_deadline_day():
    assert status_on("active", DEADLINE, today=DEADLINE) == "active"


def test_an_active_contract_before_its_deadline_is_active():
    assert status_on("active", DEADLINE, today=date(2025, 11, 1)) == "active"


@pytest.mark.parametrize("ended", ENDED)
def test_an_ended_contract_keeps_its_status_however_late(ended):
    assert status_on(ended, DEADLINE, today=date(2030, 1, 1)) == ended


@PROPERTY
@given(deadline=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
       offset=st.integers(-500, 500))
def test_an_active_contract_is_overdue_exactly_when_today_is_after_the_deadline(deadline, offset):
    today = deadline + timedelta(days=offset)
    assert status_on("active", deadline, today) == ("overdue" if offset > 0 else "active")


# ---------------------------------------------------------------------------------------------
# check_outcome
# ---------------------------------------------------------------------------------------------

START = date(2025, 1, 10)
CONTRACT_DEADLINE = date(2025, 5, 10)
TODAY = date(2025, 6, 1)
ALL_MET = {1: ("offending", "open"), 2: ("victim", "met"), 3: ("pathway", "met"), 4: ("community", "met")}


def outcome_check(outcome, on, reason=None, *, stored_status="active", start_date=START,
                  deadline=CONTRACT_DEADLINE, today=TODAY, conditions=None) -> OutcomeCheck:
    return check_outcome(outcome=outcome, on=on, reason=reason, stored_status=stored_status,
                         start_date=start_date, deadline=deadline, today=today,
                         condition_statuses=ALL_MET if conditions is None else conditions)


def test_the_outcomes_are_completed_breached_and_discontinued():
    assert set(OUTCOMES) == {"completed", "breached", "discontinued"}


def test_a_check_with_no_problems_is_ok():
    assert OutcomeCheck().ok


def test_a_check_with_a_conflict_is_not_ok():
    assert not OutcomeCheck(conflict="ended").ok


def test_a_check_with_a_field_problem_is_not_ok():
    assert not OutcomeCheck(fields={"date": ["Enter the date"]}).ok


EVERY_OUTCOME = [("completed", None), ("breached", "other"), ("discontinued", "died")]


# --- completed ---

def test_a_contract_can_be_completed_on_its_deadline_with_every_condition_met():
    check = outcome_check("completed", CONTRACT_DEADLINE)
    assert check.ok and check.conflict_fields == {}


def test_a_contract_can_be_completed_after_its_deadline():
    assert outcome_check("completed", CONTRACT_DEADLINE + timedelta(days=10)).ok


def test_completing_before_the_deadline_is_a_conflict_naming_the_date():
    check = outcome_check("completed", CONTRACT_DEADLINE - timedelta(days=1), today=CONTRACT_DEADLINE)
    assert check.fields == {}
    assert check.conflict
    assert set(check.conflict_fields) == {"date"}


def test_completing_with_unmet_conditions_is_a_conflict_listing_their_ids():
    conditions = {1: ("offending", "open"), 7: ("pathway", "failed"), 3: ("victim", "met"),
                  5: ("community", "open")}
    check = outcome_check("completed", CONTRACT_DEADLINE, conditions=conditions)
    assert check.fields == {}
    assert check.conflict
    assert check.conflict_fields == {"conditions": ["5", "7"]}


@pytest.mark.parametrize("offending_status", ["open", "failed"])
def test_the_offending_condition_is_ignored_when_completing(offending_status):
    conditions = {1: ("offending", offending_status), 2: ("pathway", "met")}
    assert outcome_check("completed", CONTRACT_DEADLINE, conditions=conditions).ok


def test_a_contract_with_only_the_offending_condition_can_be_completed():
    assert outcome_check("completed", CONTRACT_DEADLINE, conditions={1: ("offending", "open")}).ok


def test_completing_early_with_unmet_conditions_names_both_problems():
    conditions = {1: ("offending", "open"), 2: ("pathway", "open")}
    check = outcome_check("completed", START, conditions=conditions)
    assert check.conflict
    assert set(check.conflict_fields) == {"date", "conditions"}
    assert check.conflict_fields["conditions"] == ["2"]


@PROPERTY
@given(offset=st.integers(0, 300))
def test_completion_is_allowed_exactly_from_the_deadline_on(offset):
    on = START + timedelta(days=offset)
    today = START + timedelta(days=300)
    assert outcome_check("completed", on, today=today).ok == (on >= CONTRACT_DEADLINE)


# --- breached ---

def test_the_breach_reasons_are_those_of_the_contract():
    assert set(BREACH_REASONS) == {"reoffended", "condition_failed", "withdrew_consent", "other"}


@pytest.mark.parametrize("reason", ["reoffended", "condition_failed", "withdrew_consent", "other"])
def test_a_breach_with_a_reason_code_is_accepted(reason):
    assert outcome_check("breached", date(2025, 3, 1), reason).ok


@pytest.mark.parametrize("reason", [None, "", "Reoffended", "moved_away", 3])
def test_a_breach_needs_one_of_the_reason_codes(reason):
    check = outcome_check("breached", date(2025, 3, 1), reason)
    assert list(check.fields) == ["reason"] and check.conflict is None


def test_a_breach_reason_sent_as_a_list_is_a_field_problem_not_a_crash():
    check = outcome_check("breached", date(2025, 3, 1), ["reoffended"])
    assert list(check.fields) == ["reason"]


def test_a_breach_can_be_recorded_on_the_start_date():
    assert outcome_check("breached", START, "withdrew_consent").ok


def test_a_breach_can_be_recorded_after_the_deadline_of_an_overdue_contract():
    assert outcome_check("breached", TODAY, "condition_failed").ok


def test_a_breach_needs_no_met_conditions():
    conditions = {1: ("offending", "open"), 2: ("pathway", "failed")}
    assert outcome_check("breached", date(2025, 2, 1), "condition_failed", conditions=conditions).ok


@PROPERTY
@given(offset=st.integers(0, 400),
       reason=st.sampled_from(["reoffended", "condition_failed", "withdrew_consent", "other"]))
def test_a_valid_breach_is_ok_on_any_day_from_the_start_date_to_today(offset, reason):
    today = START + timedelta(days=400)
    assert outcome_check("breached", START + timedelta(days=offset), reason, today=today).ok


# --- discontinued ---

@pytest.mark.parametrize("reason", ["not_in_public_interest", "died", "moved_abroad"])
def test_a_discontinuation_with_any_reason_is_accepted(reason):
    assert outcome_check("discontinued", date(2025, 2, 1), reason).ok


@pytest.mark.parametrize("reason", [None, "", "   ", 5])
def test_a_discontinuation_needs_a_reason(reason):
    check = outcome_check("discontinued", date(2025, 2, 1), reason)
    assert list(check.fields) == ["reason"] and check.conflict is None


# --- the outcome and its date ---

@pytest.mark.parametrize("outcome", [None, "", "overdue", "active", "Completed", 1])
def test_the_outcome_must_be_completed_breached_or_discontinued(outcome):
    check = outcome_check(outcome, CONTRACT_DEADLINE)
    assert list(check.fields) == ["outcome"]


@pytest.mark.parametrize("outcome, reason", EVERY_OUTCOME)
def test_an_outcome_needs_a_date(outcome, reason):
    assert list(outcome_check(outcome, None, reason).fields) == ["date"]


@pytest.mark.parametrize("outcome, reason", EVERY_OUTCOME)
def test_an_outcome_date_cannot_be_in_the_future(outcome, reason):
    check = outcome_check(outcome, TODAY + timedelta(days=1), reason)
    assert list(check.fields) == ["date"] and check.conflict is None


@pytest.mark.parametrize("outcome, reason", [("breached", "other"), ("discontinued", "died")])
def test_an_outcome_dated_today_is_accepted(outcome, reason):
    assert outcome_check(outcome, TODAY, reason).ok


@pytest.mark.parametrize("outcome, reason", EVERY_OUTCOME)
def test_an_outcome_date_cannot_be_before_the_contract_started(outcome, reason):
    check = outcome_check(outcome, START - timedelta(days=1), reason)
    assert list(check.fields) == ["date"] and check.conflict is None


def test_every_field_problem_is_reported_at_once():
    check = outcome_check("breached", TODAY + timedelta(days=1), "moved_away")
    assert set(check.fields) == {"date", "reason"}
    assert set(outcome_check("finished", None).fields) == {"outcome", "date"}


# --- an ended contract ---

@pytest.mark.parametrize("stored_status", ENDED)
@pytest.mark.parametrize("outcome, reason", EVERY_OUTCOME)
def test_an_ended_contract_cannot_take_another_outcome(stored_status, outcome, reason):
    check = outcome_check(outcome, CONTRACT_DEADLINE, reason, stored_status=stored_status)
    assert check.fields == {}
    assert check.conflict and "already ended" in check.conflict


# ---------------------------------------------------------------------------------------------
# condition_status_problem
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("condition_type", ["victim", "pathway", "community"])
@pytest.mark.parametrize("new_status", ["met", "failed"])
def test_a_condition_of_an_active_contract_can_be_marked_met_or_failed(condition_type, new_status):
    assert condition_status_problem(condition_type, new_status, "active") is None


@pytest.mark.parametrize("new_status", ["open", "", None, "MET", "done", 1])
def test_a_condition_can_only_be_set_to_met_or_failed(new_status):
    kind, message = condition_status_problem("pathway", new_status, "active")
    assert kind == "field" and message


@pytest.mark.parametrize("new_status", ["met", "failed"])
def test_the_offending_condition_follows_the_outcome_and_cannot_be_set(new_status):
    kind, message = condition_status_problem("offending", new_status, "active")
    assert kind == "conflict" and message


@pytest.mark.parametrize("stored_status", ENDED)
def test_the_conditions_of_an_ended_contract_cannot_change(stored_status):
    kind, message = condition_status_problem("pathway", "met", stored_status)
    assert kind == "conflict" and message


def test_a_malformed_status_is_a_field_problem_even_for_the_offending_condition():
    assert condition_status_problem("offending", "open", "completed")[0] == "field"


# ---------------------------------------------------------------------------------------------
# progress_problems
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("hours", [0.5, 1, 3, 7.5, 24])
def test_hours_of_unpaid_work_with_a_note_are_accepted(hours):
    assert progress_problems(hours, "Helped at the food bank", "unpaid_work", "active") == ({}, None)


@pytest.mark.parametrize("hours", [None, ""])
@pytest.mark.parametrize("community_kind", ["unpaid_work", "gps_tag", None])
def test_a_note_without_hours_is_accepted_for_any_condition(hours, community_kind):
    assert progress_problems(hours, "Attended the session", community_kind, "active") == ({}, None)


@pytest.mark.parametrize("hours", [0, -1, -0.5, True, False, "3", [3], float("nan")],
                         ids=["0", "-1", "-0.5", "True", "False", "'3'", "[3]", "nan"])
def test_hours_must_be_a_number_greater_than_zero(hours):
    fields, conflict = progress_problems(hours, "Helped at the food bank", "unpaid_work", "active")
    assert list(fields) == ["hours"] and conflict is None


@pytest.mark.parametrize("hours", [24.5, 25, float("inf")])
def test_at_most_24_hours_are_logged_at_a_time(hours):
    fields, _ = progress_problems(hours, "Helped at the food bank", "unpaid_work", "active")
    assert list(fields) == ["hours"]


@pytest.mark.parametrize("community_kind", ["gps_tag", None])
def test_hours_are_logged_only_against_unpaid_work(community_kind):
    fields, _ = progress_problems(3, "Attended", community_kind, "active")
    assert list(fields) == ["hours"]


@pytest.mark.parametrize("note", [None, "", "   ", 7])
def test_progress_needs_a_note(note):
    fields, _ = progress_problems(None, note, "unpaid_work", "active")
    assert list(fields) == ["note"]


def test_a_note_may_be_20000_characters_but_no_more():
    assert progress_problems(None, "x" * 20_000, None, "active") == ({}, None)
    assert list(progress_problems(None, "x" * 20_001, None, "active")[0]) == ["note"]


@pytest.mark.parametrize("stored_status", ENDED)
def test_progress_cannot_be_logged_on_an_ended_contract(stored_status):
    fields, conflict = progress_problems(2, "Late entry", "unpaid_work", stored_status)
    assert fields == {} and conflict


def test_progress_field_problems_are_all_reported_together():
    fields, _ = progress_problems(-3, "", "unpaid_work", "active")
    assert set(fields) == {"hours", "note"}


# ---------------------------------------------------------------------------------------------
# No input, however malformed, may produce a 5xx: any JSON value gives problems, never an exception
# ---------------------------------------------------------------------------------------------

KNOWN_CODES = st.sampled_from(["victim", "pathway", "community", "offending", "drugs", "unpaid_work",
                               "gps_tag", "completed", "breached", "discontinued", "reoffended", "met",
                               "failed", "open"])
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8) | KNOWN_CODES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
ANY_CONDITION = st.builds(ConditionInput, type=JSON_VALUES, description=JSON_VALUES, pathway=JSON_VALUES,
                          community_kind=JSON_VALUES, target_hours=JSON_VALUES)


def is_problem_map(problems: object, prefix: str) -> bool:
    return isinstance(problems, dict) and all(
        name.startswith(prefix) and messages and all(isinstance(m, str) and m for m in messages)
        for name, messages in problems.items())


@QUICK
@given(conditions=st.lists(ANY_CONDITION, max_size=6), restorative=st.booleans())
def test_any_malformed_conditions_give_keyed_problems_not_an_exception(conditions, restorative):
    assert is_problem_map(condition_problems(conditions, restorative), "conditions")


@QUICK
@given(outcome=JSON_VALUES, reason=JSON_VALUES,
       on=st.none() | st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 1, 1)))
def test_any_malformed_outcome_gives_field_problems_not_an_exception(outcome, reason, on):
    check = outcome_check(outcome, on, reason)
    assert is_problem_map(check.fields, "")
    if outcome not in ("completed", "breached", "discontinued"):
        assert "outcome" in check.fields and not check.ok


@QUICK
@given(new_status=JSON_VALUES)
def test_any_status_other_than_met_or_failed_is_a_field_problem_not_an_exception(new_status):
    problem = condition_status_problem("pathway", new_status, "active")
    if new_status in ("met", "failed"):
        assert problem is None
    else:
        assert problem[0] == "field"


@QUICK
@given(hours=JSON_VALUES, note=JSON_VALUES)
def test_any_malformed_progress_gives_field_problems_not_an_exception(hours, note):
    fields, conflict = progress_problems(hours, note, "unpaid_work", "active")
    assert is_problem_map(fields, "") and conflict is None
    if not isinstance(note, str) or not note.strip():
        assert "note" in fields
