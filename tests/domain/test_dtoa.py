"""Drug Testing on Arrest: which event fits which status, written out again here independently of the module.

The law (domain.md, "Drug Testing on Arrest"): a positive test requires an initial assessment (Drugs Act 2005 s.9);
after it the assessor may require a follow-up (s.10) or refer to treatment; failing to attend is an offence (s.12),
so a missed assessment goes back to custody, who prosecute or take no further action. A negative or refused test
has nothing after it.
"""
from __future__ import annotations

from datetime import date, timedelta
from itertools import product

import pytest

from diversion.domain import dtoa as rules

EVENTS = ("initial_assessment_attended", "initial_assessment_missed", "follow_up_required", "follow_up_attended",
          "follow_up_missed", "referred_to_treatment", "entered_treatment", "prosecuted_for_non_attendance")
STATUSES = ("negative", "refused", "assessment_required", "initial_assessment_attended",
            "initial_assessment_missed", "follow_up_required", "follow_up_attended", "follow_up_missed",
            "referred_to_treatment", "entered_treatment", "prosecuted_for_non_attendance", "no_further_action")
ALLOWED = {
    ("assessment_required", "initial_assessment_attended"): "initial_assessment_attended",
    ("assessment_required", "initial_assessment_missed"): "initial_assessment_missed",
    ("initial_assessment_attended", "follow_up_required"): "follow_up_required",
    ("initial_assessment_attended", "referred_to_treatment"): "referred_to_treatment",
    ("follow_up_required", "follow_up_attended"): "follow_up_attended",
    ("follow_up_required", "follow_up_missed"): "follow_up_missed",
    ("follow_up_attended", "referred_to_treatment"): "referred_to_treatment",
    ("referred_to_treatment", "entered_treatment"): "entered_treatment",
    ("initial_assessment_missed", "prosecuted_for_non_attendance"): "prosecuted_for_non_attendance",
    ("follow_up_missed", "prosecuted_for_non_attendance"): "prosecuted_for_non_attendance",
}
TODAY = date(2026, 11, 27)


def test_the_module_knows_the_same_events_and_statuses():
    assert tuple(rules.EVENTS) == EVENTS
    assert set(rules.STATUSES) == set(STATUSES)


@pytest.mark.parametrize("status,event", list(product(STATUSES, EVENTS)))
def test_every_event_in_every_status_is_allowed_or_refused_as_the_table_says(status, event):
    expected = ALLOWED.get((status, event))
    assert rules.next_status(status, event) == expected
    assert rules.fits(status, event) is (expected is not None)
    message = rules.conflict_message(status, event)
    assert (message is None) is (expected is not None)
    if message is not None:
        assert message.endswith(".") and "{" not in message  # a sentence for a person


@pytest.mark.parametrize("status", STATUSES)
def test_a_page_offers_exactly_the_events_that_fit(status):
    assert rules.allowed_events(status) == [e for e in EVENTS if (status, e) in ALLOWED]


def test_a_provider_is_never_offered_the_prosecution_and_custody_is():
    for status in ("initial_assessment_missed", "follow_up_missed"):
        assert rules.allowed_events(status, "provider") == []
        assert rules.allowed_events(status, "custody_officer") == ["prosecuted_for_non_attendance"]
    assert not rules.may_record("provider", "prosecuted_for_non_attendance")
    assert rules.may_record("provider", "initial_assessment_attended")
    assert not rules.may_record("navigator", "initial_assessment_attended")
    assert not rules.may_record("custody_officer", "no_such_event")


@pytest.mark.parametrize("status,event", [("x", "initial_assessment_attended"), ("assessment_required", None),
                                          (None, None), (["assessment_required"], "initial_assessment_attended"),
                                          ("assessment_required", ["initial_assessment_attended"])])
def test_anything_unknown_fits_nothing(status, event):
    assert rules.next_status(status, event) is None
    assert rules.conflict_message(status, event) == "This event cannot be recorded for this test."


def test_the_status_a_test_starts_with():
    assert rules.status_after_test("negative") == "negative"
    assert rules.status_after_test("refused") == "refused"
    for positive in ("cocaine", "opiates", "both"):
        assert rules.status_after_test(positive) == "assessment_required"


def test_whole_journeys_replay_and_a_wrong_one_says_where():
    assert rules.replay(["initial_assessment_attended", "follow_up_required", "follow_up_attended",
                         "referred_to_treatment", "entered_treatment"]) == "entered_treatment"
    assert rules.replay(["initial_assessment_missed", "prosecuted_for_non_attendance"]) == \
        "prosecuted_for_non_attendance"
    with pytest.raises(ValueError, match="event 1"):
        rules.replay(["initial_assessment_attended", "entered_treatment"])
    with pytest.raises(ValueError, match="event 0"):
        rules.replay(["initial_assessment_attended"], start="negative")


def test_custody_decides_only_after_a_missed_assessment():
    assert [s for s in STATUSES if rules.may_decide(s)] == ["initial_assessment_missed", "follow_up_missed"]
    assert rules.status_after_decision("prosecute") == "prosecuted_for_non_attendance"
    assert rules.status_after_decision("no_further_action") == "no_further_action"


def test_open_means_something_is_still_required_of_the_person_or_of_custody():
    assert {s for s in STATUSES if rules.is_open(s)} == {
        "assessment_required", "follow_up_required", "initial_assessment_missed", "follow_up_missed"}


def test_dates_are_never_future_nor_before_the_test():
    test_date = TODAY - timedelta(days=3)
    assert rules.date_problems(TODAY, today=TODAY, test_date=test_date) == []
    assert rules.date_problems(test_date, today=TODAY, test_date=test_date) == []
    assert rules.date_problems(TODAY + timedelta(days=1), today=TODAY, test_date=test_date) == [
        "The date cannot be in the future"]
    assert rules.date_problems(test_date - timedelta(days=1), today=TODAY, test_date=test_date) == [
        f"The date cannot be before the test ({test_date:%-d %B %Y})"]


def _sample(**overrides):
    facts = dict(result="cocaine", trigger_offence=True, inspector_authority=None, assessment_given=True,
                 assessment_on=TODAY + timedelta(days=1), test_date=TODAY, warning_given=True,
                 warning_required=True)
    facts.update(overrides)
    return rules.sample_problems(**facts)


def test_a_test_needs_a_trigger_offence_or_an_inspectors_authority():
    assert _sample() == {}
    assert _sample(trigger_offence=False, inspector_authority=True) == {}
    assert list(_sample(trigger_offence=False)) == ["trigger_offence"]
    assert list(_sample(trigger_offence=False, inspector_authority=False)) == ["trigger_offence"]


def test_only_a_positive_test_books_an_assessment_and_never_before_the_test():
    for result in ("negative", "refused"):
        assert list(_sample(result=result)) == ["assessment"]
        assert _sample(result=result, assessment_given=False, assessment_on=None) == {}
    assert list(_sample(assessment_on=TODAY - timedelta(days=1))) == ["assessment.at"]
    assert _sample(assessment_on=TODAY + timedelta(days=30)) == {}  # booked ahead: may be in the future


def test_the_page_requires_the_warning_and_the_api_may_leave_it_out():
    assert list(_sample(warning_given=None)) == ["warning_given"]
    assert list(_sample(warning_given=False)) == ["warning_given"]
    assert _sample(warning_given=None, warning_required=False) == {}


def test_every_problem_at_once():
    found = _sample(trigger_offence=False, result="negative", warning_given=False,
                    assessment_on=TODAY - timedelta(days=1))
    assert set(found) == {"trigger_offence", "assessment", "assessment.at", "warning_given"}


def test_no_further_action_needs_a_reason_and_prosecution_does_not():
    assert rules.decision_problems("prosecute", None) == {}
    assert rules.decision_problems("no_further_action", "Admitted to hospital that day") == {}
    assert list(rules.decision_problems("no_further_action", "  ")) == ["reason"]
    assert list(rules.decision_problems("maybe", None)) == ["decision"]
    assert list(rules.decision_problems(["prosecute"], None)) == ["decision"]


def test_the_warning_names_both_offences():
    text = " ".join(rules.WARNING_TEXT)
    assert "section 63B" in text and "section 12 of the Drugs Act 2005" in text
