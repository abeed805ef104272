"""The monthly return's arithmetic on constructed counts: the funnel always adds up, and every figure is the number
of tests a plain count over the individual tests gives."""
from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from hypothesis import given, settings, strategies as st

from diversion.domain import dtoa_return as rules
from diversion.domain.dtoa import EVENTS

RESULT = st.sampled_from(["negative", "cocaine", "opiates", "both", "refused"])
EVENT_SETS = st.frozensets(st.sampled_from(sorted(EVENTS)))
ONE_TEST = st.tuples(RESULT, st.booleans(), EVENT_SETS)


def aggregate(tests):
    """What the database hands over: tests by (result, trigger), positive tests by their set of events."""
    by_result = Counter((result, trigger) for result, trigger, _events in tests)
    by_events = Counter(events for result, _trigger, events in tests if result in ("cocaine", "opiates", "both"))
    return [(r, t, n) for (r, t), n in by_result.items()], list(by_events.items())


def brute_force(tests) -> dict:
    """Each figure counted test by test, straight from its definition in words (domain/dtoa_return.py)."""
    def count(condition):
        return sum(1 for test in tests if condition(*test))

    positive = ("cocaine", "opiates", "both")

    def has(events, *kinds):
        return any(kind in events for kind in kinds)

    def attended(events):  # attended, or something recorded that needs it: a referral, treatment, a follow-up
        return has(events, "initial_assessment_attended", "referred_to_treatment", "entered_treatment",
                   "follow_up_required", "follow_up_attended", "follow_up_missed")

    return {
        "tested": count(lambda r, t, e: r != "refused"),
        "refused": count(lambda r, t, e: r == "refused"),
        "positive": {p: count(lambda r, t, e, p=p: r == p) for p in positive},
        "trigger_offences": count(lambda r, t, e: r != "refused" and t),
        "inspector_authority": count(lambda r, t, e: r != "refused" and not t),
        "tests_requested": len(tests),
        "assessments_required": count(lambda r, t, e: r in positive),
        "initial_attended": count(lambda r, t, e: r in positive and attended(e)),
        "initial_missed": count(lambda r, t, e: r in positive and not attended(e)
                                and "initial_assessment_missed" in e),
        "awaiting_initial_assessment": count(lambda r, t, e: r in positive and not attended(e)
                                             and "initial_assessment_missed" not in e),
        "follow_up_required": count(lambda r, t, e: r in positive and has(e, "follow_up_required",
                                                                            "follow_up_attended", "follow_up_missed")),
        "follow_up_attended": count(lambda r, t, e: r in positive and "follow_up_attended" in e),
        "follow_up_missed": count(lambda r, t, e: r in positive and "follow_up_missed" in e
                                  and "follow_up_attended" not in e),
        "referred_to_treatment": count(lambda r, t, e: r in positive and has(e, "referred_to_treatment",
                                                                               "entered_treatment")),
        "entered_treatment": count(lambda r, t, e: r in positive and "entered_treatment" in e),
        "failed_to_attend": count(lambda r, t, e: r in positive and has(e, "initial_assessment_missed",
                                                                          "follow_up_missed",
                                                                          "prosecuted_for_non_attendance")),
        "prosecuted_for_non_attendance": count(lambda r, t, e: r in positive
                                               and "prosecuted_for_non_attendance" in e),
    }


@settings(max_examples=400, deadline=None)
@given(st.lists(ONE_TEST, max_size=60))
def test_every_figure_is_a_count_of_tests(tests):
    assert rules.figures(*aggregate(tests)) == brute_force(tests)


@settings(max_examples=400, deadline=None)
@given(st.lists(ONE_TEST, max_size=60))
def test_the_figures_always_add_up_to_the_funnel(tests):
    f = rules.figures(*aggregate(tests))
    positives = sum(f["positive"].values())
    assert f["tested"] + f["refused"] == f["tests_requested"] == len(tests)
    assert f["trigger_offences"] + f["inspector_authority"] == f["tested"]
    assert f["tested"] >= positives == f["assessments_required"]
    assert f["assessments_required"] == f["initial_attended"] + f["initial_missed"] + f["awaiting_initial_assessment"]
    assert f["awaiting_initial_assessment"] >= 0
    assert f["initial_attended"] >= f["follow_up_required"] >= f["follow_up_attended"] + f["follow_up_missed"]
    assert f["initial_attended"] >= f["referred_to_treatment"] >= f["entered_treatment"]
    assert f["assessments_required"] >= f["failed_to_attend"] >= f["prosecuted_for_non_attendance"]
    assert f["failed_to_attend"] >= f["initial_missed"]
    for rate in rules.rates(f).values():
        assert rate["rate"] is None or 0 <= rate["rate"] <= 1
        assert rate["numerator"] <= rate["denominator"]


@settings(max_examples=200, deadline=None)
@given(st.lists(ONE_TEST, max_size=30), st.lists(ONE_TEST, max_size=30))
def test_two_months_together_are_the_sum_of_each(first, second):
    """So the year to date is the months added up: each test belongs to one month."""
    both, one, two = (rules.figures(*aggregate(x)) for x in (first + second, first, second))
    assert rules.flat(both) == {k: rules.flat(one)[k] + rules.flat(two)[k] for k in rules.LABELS}


def test_a_later_step_counts_the_earlier_ones_it_needs():
    assert rules.steps({"entered_treatment"}) >= {"referred_to_treatment", "initial_assessment_attended"}
    assert rules.steps({"follow_up_missed"}) >= {"follow_up_required", "initial_assessment_attended",
                                                 "failed_to_attend"}
    assert rules.steps({"prosecuted_for_non_attendance"}) == {"prosecuted_for_non_attendance", "failed_to_attend"}
    assert rules.steps(set()) == frozenset()


def test_missed_then_attended_is_attended_but_still_failed_to_attend():
    f = rules.figures([("cocaine", True, 1)], [({"initial_assessment_missed", "initial_assessment_attended"}, 1)])
    assert (f["initial_attended"], f["initial_missed"], f["failed_to_attend"]) == (1, 0, 1)


def test_refused_is_not_tested_and_needs_no_assessment():
    f = rules.figures([("refused", True, 3), ("negative", False, 2)], [])
    assert (f["tested"], f["refused"], f["assessments_required"], f["trigger_offences"]) == (2, 3, 0, 0)
    assert f["inspector_authority"] == 2


def test_progress_must_cover_the_positive_tests():
    with pytest.raises(ValueError):
        rules.figures([("both", True, 2)], [(frozenset(), 1)])
    with pytest.raises(ValueError):
        rules.figures([("both", True, -1)], [])
    with pytest.raises(ValueError):
        rules.figures([("amphetamine", True, 1)], [])


def test_rates_have_wilson_intervals_and_no_rate_without_cases():
    f = rules.figures([("negative", True, 6), ("cocaine", True, 4)],
                      [({"initial_assessment_attended"}, 3), ({"initial_assessment_missed"}, 1)])
    r = rules.rates(f)
    assert r["positive_rate"]["rate"] == 0.4 and r["positive_rate"]["denominator"] == 10
    low, high = r["positive_rate"]["ci95"]
    assert low < 0.4 < high and (round(low, 4), round(high, 4)) == (0.1682, 0.6873)
    assert r["attendance_rate"]["rate"] == 0.75 and r["failed_to_attend_rate"]["rate"] == 0.25
    assert r["treatment_entry_rate"] == {"numerator": 0, "denominator": 0, "rate": None, "ci95": None,
                                         "reliability": "no_data"}


@pytest.mark.parametrize("text, expected", [
    ("2026-10", date(2026, 10, 1)), ("2026-01", date(2026, 1, 1)), ("2026-12", date(2026, 12, 1)),
    ("2026-13", None), ("2026-00", None), ("2026-1", None), ("26-10", None), ("2026-10-01", None), ("", None),
    (None, None), (202610, None), ("２０２６-10", None), ("0000-01", None), (" 2026-10", None)])
def test_months_are_written_yyyy_mm(text, expected):
    assert rules.parse_month(text) == expected


def test_which_months_have_a_return():
    today = date(2026, 11, 26)
    assert rules.month_problem(date(2026, 11, 1), today) is None  # this month, so far
    assert rules.month_problem(date(2026, 12, 1), today) == "The month must not be in the future"
    assert rules.month_problem(date(1999, 12, 1), today).startswith("Choose a month from")
    assert rules.month_problem(None, today).startswith("Enter the month as YYYY-MM")


def test_month_arithmetic_across_the_year_end():
    assert rules.last_complete_month(date(2027, 1, 1)) == date(2026, 12, 1)
    assert rules.last_complete_month(date(2026, 3, 31)) == date(2026, 2, 1)
    assert rules.next_month(date(2026, 12, 1)) == date(2027, 1, 1)
    assert rules.previous_month(date(2027, 1, 1)) == date(2026, 12, 1)
    assert rules.last_day(date(2028, 2, 1)) == date(2028, 2, 29)
    assert rules.last_day(date(2026, 12, 1)) == date(2026, 12, 31)
    assert rules.months_back(date(2027, 2, 1), 3) == [date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)]
