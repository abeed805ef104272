"""DIVERT: referral fields, the provider's funnel, event fields and repeat referrals.

The rules (domain.md "DIVERT"; api-contract.md "DIVERT"):
- substances cannabis, cocaine, ketamine, mdma, nitrous_oxide, heroin, crack, other; sources street, custody;
- `suspected_supply: true` is refused: the scheme is for possession only; a referral date is never future;
- funnel referred -> contacted -> assessment_booked -> assessed -> completed; declined and disengaged end
  it from any open status; contact_failed, did_not_attend and onward_referral are recorded without moving
  it; an event that does not fit the status is a conflict (completed before assessed; anything after an end);
- an event's date is never before the referral and never in the future; every field problem at once;
- someone whose earlier referral ended declined or disengaged without ever being assessed is not referred
  again; anyone else may be.
The table of which event fits which status is written out again below, independently of the module.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from itertools import product

import pytest
from hypothesis import given, settings, strategies as st

from diversion.domain.deadlines import working_days_between
from diversion.domain.divert import (
    ENDED_STATUSES, EVENT_LABELS, EVENTS, FUNNEL, NEEDS, NOTE_MAX, OPEN_STATUSES, RECORDED_WITHOUT_MOVING,
    SOURCES, STATUS_LABELS, STATUSES, SUBSTANCES, allowed_events, conflict_message, event_problems,
    ever_assessed, fits, is_ended, is_open, may_refer_again, never_engaged, next_status, referral_number,
    referral_problems, replay, working_days_waited,
)

PROPERTY = settings(max_examples=200, deadline=None)
QUICK = settings(max_examples=100, deadline=None)

ALL_STATUSES = ("referred", "contacted", "assessment_booked", "assessed", "completed", "declined",
                "disengaged")
ALL_EVENTS = ("contacted", "contact_failed", "assessment_booked", "did_not_attend", "assessed", "completed",
              "declined", "disengaged", "onward_referral")
OPEN = ("referred", "contacted", "assessment_booked", "assessed")
ENDED = ("completed", "declined", "disengaged")
NEED_CODES = ("treatment", "mental_health", "housing", "gambling", "employment", "alcohol", "education",
              "other")

# (status, event) -> the status afterwards; every pair not listed does not fit (409).
FITS = {
    ("referred", "contacted"): "contacted",
    ("referred", "contact_failed"): "referred",
    ("referred", "declined"): "declined",
    ("referred", "disengaged"): "disengaged",

    ("contacted", "assessment_booked"): "assessment_booked",
    ("contacted", "assessed"): "assessed",                    # assessed at first contact
    ("contacted", "onward_referral"): "contacted",
    ("contacted", "declined"): "declined",
    ("contacted", "disengaged"): "disengaged",

    ("assessment_booked", "assessment_booked"): "assessment_booked",   # rebooking
    ("assessment_booked", "did_not_attend"): "assessment_booked",
    ("assessment_booked", "assessed"): "assessed",
    ("assessment_booked", "onward_referral"): "assessment_booked",
    ("assessment_booked", "declined"): "declined",
    ("assessment_booked", "disengaged"): "disengaged",

    ("assessed", "completed"): "completed",
    ("assessed", "onward_referral"): "assessed",
    ("assessed", "declined"): "declined",
    ("assessed", "disengaged"): "disengaged",

    ("completed", "onward_referral"): "completed",            # referred on at the end of the session
}

TODAY = date(2025, 6, 18)          # a Wednesday
REFERRAL_DATE = date(2025, 6, 2)


# ---------------------------------------------------------------------------------------------
# The vocabulary
# ---------------------------------------------------------------------------------------------

def test_the_substances_are_those_of_the_api_contract():
    assert set(SUBSTANCES) == {"cannabis", "cocaine", "ketamine", "mdma", "nitrous_oxide", "heroin", "crack",
                               "other"}


def test_a_referral_comes_from_the_street_or_from_custody():
    assert set(SOURCES) == {"street", "custody"}


def test_the_funnel_runs_referred_contacted_assessment_booked_assessed_completed_in_that_order():
    assert tuple(FUNNEL) == ("referred", "contacted", "assessment_booked", "assessed", "completed")


def test_the_statuses_are_the_funnel_plus_declined_and_disengaged():
    assert set(STATUSES) == set(ALL_STATUSES)


def test_open_statuses_are_those_before_completion_and_ended_ones_are_completed_declined_disengaged():
    assert set(OPEN_STATUSES) == set(OPEN)
    assert set(ENDED_STATUSES) == set(ENDED)


@pytest.mark.parametrize("status", ALL_STATUSES)
def test_a_status_is_either_open_or_ended(status):
    assert is_open(status) == (status in OPEN)
    assert is_ended(status) == (status in ENDED)
    assert is_open(status) != is_ended(status)


def test_the_events_are_those_of_the_api_contract():
    assert set(EVENTS) == set(ALL_EVENTS)


def test_contact_failed_did_not_attend_and_onward_referral_are_recorded_without_moving_the_status():
    assert set(RECORDED_WITHOUT_MOVING) == {"contact_failed", "did_not_attend", "onward_referral"}


def test_the_needs_an_onward_referral_can_be_for():
    assert set(NEEDS) == set(NEED_CODES)


def is_sentence_case(label: str) -> bool:
    """Capital first letter, no full stop; later words lower case unless an acronym (MDMA)."""
    first, *rest = label.split()
    return (first[0].isupper() and not label.endswith(".")
            and all(word == word.lower() or word.strip("()").isupper() for word in rest))


@pytest.mark.parametrize("labels, codes", [
    (STATUS_LABELS, ALL_STATUSES), (EVENT_LABELS, ALL_EVENTS), (SUBSTANCES, SUBSTANCES),
    (SOURCES, ("street", "custody")), (NEEDS, NEED_CODES),
])
def test_every_code_has_a_plain_english_label_in_sentence_case(labels, codes):
    assert set(labels) == set(codes)
    assert all(labels[code].strip() and is_sentence_case(labels[code]) for code in codes)
    assert len(set(labels.values())) == len(labels)


# ---------------------------------------------------------------------------------------------
# Which event fits which status: every pair
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("status, event", list(product(ALL_STATUSES, ALL_EVENTS)))
def test_each_event_fits_only_the_statuses_in_the_table(status, event):
    assert next_status(status, event) == FITS.get((status, event))
    assert fits(status, event) == ((status, event) in FITS)


@pytest.mark.parametrize("status, offered", [
    ("referred", ["contacted", "contact_failed", "declined", "disengaged"]),
    ("contacted", ["assessment_booked", "assessed", "declined", "disengaged", "onward_referral"]),
    ("assessment_booked", ["assessment_booked", "did_not_attend", "assessed", "declined", "disengaged",
                           "onward_referral"]),
    ("assessed", ["completed", "declined", "disengaged", "onward_referral"]),
    ("completed", ["onward_referral"]),
    ("declined", []),
    ("disengaged", []),
])
def test_a_page_offers_exactly_the_events_that_fit(status, offered):
    assert allowed_events(status) == offered


@pytest.mark.parametrize("status, event", list(product(ALL_STATUSES, ALL_EVENTS)))
def test_a_conflict_message_is_given_exactly_when_the_event_does_not_fit(status, event):
    message = conflict_message(status, event)
    if (status, event) in FITS:
        assert message is None
    else:
        assert isinstance(message, str) and message.strip() and message.endswith(".")


# --- The table in words ----------------------------------------------------------------------

def test_completed_before_assessed_is_a_conflict():
    assert [s for s in ALL_STATUSES if fits(s, "completed")] == ["assessed"]
    assert "‘Assessed’" in conflict_message("assessment_booked", "completed")


def test_contact_is_recorded_once_a_second_contacted_is_a_conflict():
    assert next_status("referred", "contacted") == "contacted"
    assert next_status("contacted", "contacted") is None


def test_a_failed_contact_attempt_is_recorded_only_while_waiting_for_first_contact():
    assert [s for s in ALL_STATUSES if fits(s, "contact_failed")] == ["referred"]
    assert next_status("referred", "contact_failed") == "referred"


def test_after_a_missed_assessment_the_worker_books_another():
    events = ["contacted", "assessment_booked", "did_not_attend", "assessment_booked"]
    assert replay(events) == "assessment_booked"


def test_a_referral_can_miss_several_assessments_and_still_be_assessed_and_complete():
    events = ["contacted", "assessment_booked", "did_not_attend", "assessment_booked", "did_not_attend",
              "assessment_booked", "assessed", "completed"]
    assert replay(events) == "completed"


def test_did_not_attend_is_only_about_a_booked_assessment():
    assert [s for s in ALL_STATUSES if fits(s, "did_not_attend")] == ["assessment_booked"]


def test_an_assessment_can_be_done_at_first_contact_without_a_booking():
    assert replay(["contacted", "assessed", "completed"]) == "completed"


def test_an_assessment_cannot_be_recorded_before_contact_is():
    assert next_status("referred", "assessed") is None


def test_an_assessment_cannot_be_booked_before_contact_or_after_the_assessment():
    assert next_status("referred", "assessment_booked") is None
    assert next_status("assessed", "assessment_booked") is None


def test_an_onward_referral_needs_someone_the_provider_has_spoken_to():
    assert next_status("referred", "onward_referral") is None


def test_an_onward_referral_is_allowed_at_the_end_of_the_session_after_completion():
    assert next_status("completed", "onward_referral") == "completed"


@pytest.mark.parametrize("status", OPEN)
@pytest.mark.parametrize("ending", ["declined", "disengaged"])
def test_declined_and_disengaged_end_the_referral_from_any_open_status(status, ending):
    assert next_status(status, ending) == ending


@pytest.mark.parametrize("status", ["declined", "disengaged"])
def test_nothing_fits_after_declined_or_disengaged(status):
    assert allowed_events(status) == []
    assert "ended" in conflict_message(status, "contacted")


@pytest.mark.parametrize("event", [e for e in ALL_EVENTS if e != "onward_referral"])
def test_after_completion_only_an_onward_referral_fits(event):
    assert next_status("completed", event) is None
    assert "completed" in conflict_message("completed", event)


@pytest.mark.parametrize("event", ["contact_failed", "did_not_attend", "onward_referral"])
def test_events_recorded_without_moving_leave_the_status_where_it_was(event):
    for status in ALL_STATUSES:
        assert next_status(status, event) in (status, None)


def test_no_status_can_be_completed_twice_or_declined_after_completion():
    assert next_status("completed", "completed") is None
    assert next_status("completed", "declined") is None


# --- Unknown statuses and events ------------------------------------------------------------

UNKNOWN = [None, "", "Contacted", "contacted ", "closed", "onward", 3, 1.5, True, ["contacted"],
           {"event": "contacted"}, ("referred",)]


@pytest.mark.parametrize("value", UNKNOWN)
def test_an_unknown_event_fits_no_status(value):
    assert all(next_status(status, value) is None for status in ALL_STATUSES)
    assert not any(fits(status, value) for status in ALL_STATUSES)
    assert conflict_message("referred", value)


@pytest.mark.parametrize("value", UNKNOWN)
def test_an_unknown_status_is_not_open_and_nothing_fits_it(value):
    assert not is_open(value) and not is_ended(value)
    assert allowed_events(value) == []
    assert all(next_status(value, event) is None for event in ALL_EVENTS)
    assert conflict_message(value, "contacted")


# ---------------------------------------------------------------------------------------------
# replay
# ---------------------------------------------------------------------------------------------

def test_replaying_no_events_leaves_the_referral_where_it_started():
    assert replay([]) == "referred"
    assert replay([], start="assessed") == "assessed"


def test_replaying_the_whole_funnel_completes_the_referral():
    assert replay(["contacted", "assessment_booked", "assessed", "completed"]) == "completed"


def test_replaying_from_another_start():
    assert replay(["completed", "onward_referral"], start="assessed") == "completed"


def test_replay_refuses_the_first_event_that_does_not_fit():
    with pytest.raises(ValueError, match="completed"):
        replay(["contacted", "completed"])


def test_replay_refuses_anything_after_an_end():
    with pytest.raises(ValueError):
        replay(["contacted", "declined", "assessment_booked"])


# ---------------------------------------------------------------------------------------------
# event_problems: the fields of an event
# ---------------------------------------------------------------------------------------------

def problems_for(event="contacted", on=TODAY, onward_to=None, note=None, referral_date=REFERRAL_DATE,
                 today=TODAY):
    return event_problems(event, on, referral_date, today, onward_to, note)


@pytest.mark.parametrize("event", [e for e in ALL_EVENTS if e != "onward_referral"])
def test_a_good_event_has_no_problems(event):
    assert problems_for(event, note="Spoke on the phone") == {}


@pytest.mark.parametrize("need", NEED_CODES)
def test_a_good_onward_referral_names_its_need(need):
    assert problems_for("onward_referral", onward_to=need) == {}


@pytest.mark.parametrize("event", UNKNOWN)
def test_an_unknown_event_is_a_problem_under_event(event):
    assert list(problems_for(event)) == ["event"]


def test_an_event_may_be_dated_the_referral_date_or_today():
    assert problems_for(on=REFERRAL_DATE) == {}
    assert problems_for(on=TODAY) == {}


def test_an_event_cannot_be_dated_in_the_future():
    problems = problems_for(on=TODAY + timedelta(days=1))
    assert list(problems) == ["date"] and "future" in problems["date"][0]


def test_an_event_cannot_be_dated_before_the_referral():
    problems = problems_for(on=REFERRAL_DATE - timedelta(days=1))
    assert list(problems) == ["date"] and "before the referral date (2 June 2025)" in problems["date"][0]


@pytest.mark.parametrize("on, words", [
    (None, "Enter the date"), ("", "Enter the date"),
    ("18/06/2025", "YYYY-MM-DD"), ("20250618", "YYYY-MM-DD"), ("2025-6-18", "YYYY-MM-DD"),
    ("2025-06-18T10:00", "YYYY-MM-DD"), ("2025-06-18\n", "YYYY-MM-DD"), (20250618, "YYYY-MM-DD"),
    (["2025-06-18"], "YYYY-MM-DD"), ({"date": "2025-06-18"}, "YYYY-MM-DD"), (True, "YYYY-MM-DD"),
    ("2025-02-30", "real date"), ("2025-13-01", "real date"), ("0000-01-01", "real date"),
])
def test_an_event_needs_a_real_date(on, words):
    problems = problems_for(on=on)
    assert list(problems) == ["date"] and words in problems["date"][0]


def test_a_date_may_arrive_as_text_in_the_api_format():
    assert problems_for(on="2025-06-10") == {}
    assert list(problems_for(on="2025-06-19")) == ["date"]


def test_a_timestamp_counts_as_its_day():
    assert problems_for(on=datetime(2025, 6, 18, 23, 59, tzinfo=timezone.utc)) == {}


def test_an_onward_referral_without_a_need_is_a_problem_under_onward_to():
    for missing in (None, "", "  "):
        assert list(problems_for("onward_referral", onward_to=missing)) == ["onward_to"]


@pytest.mark.parametrize("need", ["drugs", "Housing", "housing ", 3, ["housing"], {"need": "housing"}, True])
def test_an_onward_referral_to_an_unknown_need_is_a_problem_under_onward_to(need):
    problems = problems_for("onward_referral", onward_to=need)
    assert list(problems) == ["onward_to"] and "from the list" in problems["onward_to"][0]


@pytest.mark.parametrize("event", [e for e in ALL_EVENTS if e != "onward_referral"])
@pytest.mark.parametrize("need", ["housing", "drugs", ["housing"]])
def test_only_an_onward_referral_says_what_the_person_was_referred_on_to(event, need):
    problems = problems_for(event, onward_to=need)
    assert list(problems) == ["onward_to"] and len(problems["onward_to"]) == 1


def test_a_note_of_5000_characters_is_fine_and_one_more_is_a_problem():
    assert NOTE_MAX == 5_000
    assert problems_for(note="x" * 5_000) == {}
    problems = problems_for(note="x" * 5_001)
    assert list(problems) == ["note"] and "5,000" in problems["note"][0]


def test_a_note_is_optional():
    assert problems_for(note=None) == {}
    assert problems_for(note="") == {}


@pytest.mark.parametrize("note", [42, ["a note"], {"text": "a note"}, True])
def test_a_note_must_be_text(note):
    assert list(problems_for(note=note)) == ["note"]


def test_every_field_problem_is_reported_at_once():
    problems = problems_for("onward_referral", on=TODAY + timedelta(days=3), onward_to="pizza",
                            note="x" * 6_000)
    assert set(problems) == {"date", "onward_to", "note"}
    problems = problems_for("telephoned", on="next week", onward_to="pizza", note=7)
    assert set(problems) == {"event", "date", "onward_to", "note"}


def test_an_unknown_event_with_a_known_need_reports_only_the_event():
    # Which event was meant is unknown, so a known need is not held against it.
    assert list(problems_for("onward", onward_to="housing")) == ["event"]


def test_a_date_both_future_and_before_a_future_referral_reports_both():
    # Never happens with stored data (referral dates are never future), but nothing is hidden.
    problems = problems_for(on=TODAY + timedelta(days=1), referral_date=TODAY + timedelta(days=5))
    assert list(problems) == ["date"] and len(problems["date"]) == 2


def test_event_problems_do_not_judge_whether_the_event_fits_the_status():
    # Fitting the status is a conflict (409), decided by fits(); a completed event is a good field.
    assert problems_for("completed") == {}


# ---------------------------------------------------------------------------------------------
# referral_problems: the DIVERT fields of a new referral
# ---------------------------------------------------------------------------------------------

def referral(referral_date=TODAY, source="street", substance="cannabis", suspected_supply=False, today=TODAY):
    return referral_problems(referral_date, today, source, substance, suspected_supply)


@pytest.mark.parametrize("source, substance", list(product(("street", "custody"), SUBSTANCES)))
def test_possession_of_any_drug_from_the_street_or_custody_may_be_referred(source, substance):
    assert referral(source=source, substance=substance) == {}


def test_a_referral_may_be_back_dated_for_late_entry():
    assert referral(referral_date=TODAY - timedelta(days=60)) == {}
    assert referral(referral_date="2025-06-01") == {}


def test_a_referral_date_in_the_future_is_refused():
    problems = referral(referral_date=TODAY + timedelta(days=1))
    assert list(problems) == ["referral_date"] and "future" in problems["referral_date"][0]


@pytest.mark.parametrize("referral_date", [None, "", "1/6/2025", "2025-02-29", 2025, ["2025-06-01"]])
def test_a_referral_needs_a_real_referral_date(referral_date):
    assert list(referral(referral_date=referral_date)) == ["referral_date"]


@pytest.mark.parametrize("source", [None, "", "Street", "phone", 1, ["street"], {"street": True}])
def test_an_unknown_source_is_refused(source):
    assert list(referral(source=source)) == ["source"]


@pytest.mark.parametrize("substance", [None, "", "Cannabis", "weed", "spice", 0, ["cannabis"]])
def test_an_unknown_substance_is_refused(substance):
    assert list(referral(substance=substance)) == ["substance"]


def test_suspected_supply_is_refused_because_the_scheme_is_for_possession_only():
    problems = referral(suspected_supply=True)
    assert list(problems) == ["suspected_supply"] and "possession only" in problems["suspected_supply"][0]


def test_whether_supply_is_suspected_must_be_answered():
    problems = referral(suspected_supply=None)
    assert problems == {"suspected_supply": ["Answer whether supply is suspected"]}


@pytest.mark.parametrize("answer", ["true", "false", "", 1, 0, [True], {"supply": False}])
def test_suspected_supply_must_be_true_or_false(answer):
    problems = referral(suspected_supply=answer)
    assert list(problems) == ["suspected_supply"] and "true or false" in problems["suspected_supply"][0]


def test_every_referral_problem_is_reported_at_once():
    problems = referral(referral_date=TODAY + timedelta(days=2), source="van", substance="tea",
                        suspected_supply=True)
    assert set(problems) == {"referral_date", "source", "substance", "suspected_supply"}


# ---------------------------------------------------------------------------------------------
# Repeat referrals
# ---------------------------------------------------------------------------------------------

def test_a_first_referral_is_always_allowed_and_is_number_one():
    assert may_refer_again([]) is True
    assert referral_number(0) == 1


def test_the_referral_number_counts_this_one_too():
    assert [referral_number(n) for n in (0, 1, 2, 9)] == [1, 2, 3, 10]


@pytest.mark.parametrize("previous, allowed", [
    ([("completed", True)], True),
    ([("declined", True)], True),            # declined after an assessment: they engaged
    ([("disengaged", True)], True),          # stopped after an assessment: they engaged
    ([("declined", False)], False),
    ([("disengaged", False)], False),
    ([("referred", False)], True),           # an earlier referral still open does not stand in the way
    ([("assessment_booked", False)], True),
    ([("assessed", True)], True),
    ([("completed", True), ("completed", True), ("disengaged", True)], True),
    ([("completed", True), ("declined", False)], False),
    ([("declined", False), ("completed", True)], False),   # a later success does not undo it
])
def test_only_someone_who_never_engaged_is_not_referred_again(previous, allowed):
    assert may_refer_again(previous) is allowed


@pytest.mark.parametrize("final_status", ALL_STATUSES)
@pytest.mark.parametrize("assessed", [True, False])
def test_never_engaged_means_declined_or_disengaged_without_an_assessment(final_status, assessed):
    expected = final_status in ("declined", "disengaged") and not assessed
    assert never_engaged(final_status, assessed) is expected


def test_ever_assessed_reads_the_recorded_events():
    assert ever_assessed(["contacted", "assessed", "disengaged"]) is True
    assert ever_assessed(["contacted", "assessment_booked", "did_not_attend", "disengaged"]) is False
    assert ever_assessed([]) is False


def test_the_funnel_decides_whether_someone_may_come_back():
    engaged = ["contacted", "assessment_booked", "assessed", "disengaged"]
    never = ["contacted", "assessment_booked", "did_not_attend", "disengaged"]
    assert may_refer_again([(replay(engaged), ever_assessed(engaged))]) is True
    assert may_refer_again([(replay(never), ever_assessed(never))]) is False


# ---------------------------------------------------------------------------------------------
# Working days waited (the provider's worklist)
# ---------------------------------------------------------------------------------------------

def test_working_days_waited_skip_the_weekend_and_count_today():
    friday, monday = date(2025, 6, 6), date(2025, 6, 9)
    assert working_days_waited(friday, monday) == 1
    assert working_days_waited(date(2025, 6, 2), date(2025, 6, 9)) == 5


def test_a_referral_made_today_has_waited_no_working_days():
    assert working_days_waited(TODAY, TODAY) == 0


def test_a_bank_holiday_is_not_a_working_day_waited():
    assert working_days_waited(date(2025, 8, 22), date(2025, 8, 26), frozenset({date(2025, 8, 25)})) == 1


@QUICK
@given(since=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)), length=st.integers(-10, 200))
def test_working_days_waited_are_the_schemes_working_days(since, length):
    today = since + timedelta(days=length)
    assert working_days_waited(since, today) == working_days_between(since, today)


# ---------------------------------------------------------------------------------------------
# Properties of the funnel
# ---------------------------------------------------------------------------------------------

ANY_EVENTS = st.lists(st.sampled_from(ALL_EVENTS), max_size=30)


def apply_where_they_fit(events: list[str], start: str = "referred") -> list[str]:
    """The statuses visited, applying each event only where it fits (as the API would: 409 otherwise)."""
    visited = [start]
    for event in events:
        after = next_status(visited[-1], event)
        if after is not None:
            visited.append(after)
    return visited


@PROPERTY
@given(events=ANY_EVENTS, start=st.sampled_from(ALL_STATUSES))
def test_any_events_applied_where_they_fit_never_move_a_referral_backwards(events, start):
    visited = apply_where_they_fit(events, start)
    assert all(status in ALL_STATUSES for status in visited)
    for before, after in zip(visited, visited[1:]):
        if before in ("declined", "disengaged"):
            pytest.fail("nothing may be applied after declined or disengaged")
        if after in FUNNEL:
            assert FUNNEL.index(after) >= FUNNEL.index(before)
        else:
            assert before in OPEN   # declined or disengaged only from an open status


@PROPERTY
@given(events=ANY_EVENTS)
def test_a_move_along_the_funnel_is_one_step_except_an_assessment_at_first_contact(events):
    visited = apply_where_they_fit(events)
    for before, after in zip(visited, visited[1:]):
        if after in FUNNEL and after != before:
            step = FUNNEL.index(after) - FUNNEL.index(before)
            assert step == 1 or (before, after) == ("contacted", "assessed")


@PROPERTY
@given(events=ANY_EVENTS)
def test_a_completed_referral_was_contacted_and_assessed_first(events):
    visited = apply_where_they_fit(events)
    if "completed" in visited:
        first_completed = visited.index("completed")
        assert {"contacted", "assessed"} <= set(visited[:first_completed])


@PROPERTY
@given(events=ANY_EVENTS)
def test_once_ended_a_referral_stays_ended(events):
    visited = apply_where_they_fit(events)
    ended_at = next((i for i, status in enumerate(visited) if status in ENDED), None)
    if ended_at is not None:
        assert set(visited[ended_at:]) == {visited[ended_at]}


@PROPERTY
@given(status=st.sampled_from(ENDED), event=st.sampled_from(ALL_EVENTS))
def test_once_ended_nothing_fits_except_an_onward_referral_after_completion(status, event):
    assert fits(status, event) == (status == "completed" and event == "onward_referral")


@PROPERTY
@given(events=ANY_EVENTS, start=st.sampled_from(ALL_STATUSES))
def test_replay_agrees_with_applying_the_events_one_at_a_time(events, start):
    visited = apply_where_they_fit(events, start)
    all_fit = len(visited) == len(events) + 1
    if all_fit:
        assert replay(events, start=start) == visited[-1]
    else:
        with pytest.raises(ValueError):
            replay(events, start=start)


@PROPERTY
@given(events=ANY_EVENTS)
def test_the_events_that_fitted_replay_to_the_same_status(events):
    status, kept = "referred", []
    for event in events:
        if fits(status, event):
            status = next_status(status, event)
            kept.append(event)
    assert replay(kept) == status


@PROPERTY
@given(status=st.sampled_from(ALL_STATUSES))
def test_the_events_offered_are_those_that_fit(status):
    assert allowed_events(status) == [e for e in ALL_EVENTS if fits(status, e)]


def reachable_from(status: str) -> set[str]:
    """Every status the table can lead to from `status` (a breadth-first walk)."""
    reachable, frontier = {status}, [status]
    while frontier:
        current = frontier.pop()
        for event in allowed_events(current):
            after = next_status(current, event)
            if after not in reachable:
                reachable.add(after)
                frontier.append(after)
    return reachable


@pytest.mark.parametrize("status", OPEN)
def test_every_open_status_can_still_complete_or_end(status):
    assert {"completed", "declined", "disengaged"} <= reachable_from(status)


@pytest.mark.parametrize("status", ENDED)
def test_an_ended_status_leads_nowhere_else(status):
    assert reachable_from(status) == {status}


# ---------------------------------------------------------------------------------------------
# Properties of the fields: any JSON value gives problems, never an exception
# ---------------------------------------------------------------------------------------------

KNOWN_CODES = st.sampled_from(ALL_STATUSES + ALL_EVENTS + NEED_CODES + tuple(SUBSTANCES)
                              + ("street", "custody", "2025-06-10", "2025-06-30", "2025-02-30"))
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8) | KNOWN_CODES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


def is_problem_map(problems: object, allowed: set[str]) -> bool:
    return isinstance(problems, dict) and set(problems) <= allowed and all(
        isinstance(messages, list) and messages and all(isinstance(m, str) and m.strip() for m in messages)
        for messages in problems.values())


@QUICK
@given(event=JSON_VALUES, on=JSON_VALUES | DAYS, onward_to=JSON_VALUES, note=JSON_VALUES | st.text(),
       referral_date=DAYS, today=DAYS)
def test_any_malformed_event_gives_field_problems_not_an_exception(event, on, onward_to, note, referral_date,
                                                                   today):
    problems = event_problems(event, on, referral_date, today, onward_to, note)
    assert is_problem_map(problems, {"event", "date", "onward_to", "note"})
    if not (isinstance(event, str) and event in ALL_EVENTS):
        assert "event" in problems


@QUICK
@given(referral_date=JSON_VALUES | DAYS, today=DAYS, source=JSON_VALUES, substance=JSON_VALUES,
       supply=JSON_VALUES)
def test_any_malformed_referral_gives_field_problems_not_an_exception(referral_date, today, source, substance,
                                                                      supply):
    problems = referral_problems(referral_date, today, source, substance, supply)
    assert is_problem_map(problems, {"referral_date", "source", "substance", "suspected_supply"})
    assert ("suspected_supply" in problems) == (supply is not False)


@QUICK
@given(status=JSON_VALUES, event=JSON_VALUES)
def test_any_status_and_event_give_an_answer_not_an_exception(status, event):
    after = next_status(status, event)
    assert after is None or after in ALL_STATUSES
    assert fits(status, event) == (after is not None)
    assert isinstance(is_open(status), bool)
    assert set(allowed_events(status)) <= set(ALL_EVENTS)
    message = conflict_message(status, event)
    assert (message is None) == (after is not None)


@QUICK
@given(previous=st.lists(st.tuples(JSON_VALUES, JSON_VALUES), max_size=5))
def test_any_previous_referrals_give_an_answer_not_an_exception(previous):
    assert isinstance(may_refer_again(previous), bool)


# ---------------------------------------------------------------------------------------------
# Properties of the dates and of repeat referrals
# ---------------------------------------------------------------------------------------------

@PROPERTY
@given(referral_date=DAYS, after_referral=st.integers(0, 400), offset=st.integers(-500, 500))
def test_an_event_date_is_refused_exactly_when_before_the_referral_or_after_today(referral_date,
                                                                                  after_referral, offset):
    today = referral_date + timedelta(days=after_referral)
    on = referral_date + timedelta(days=offset)
    problems = event_problems("contacted", on, referral_date, today)
    assert ("date" in problems) == (on < referral_date or on > today)
    assert event_problems("contacted", on.isoformat(), referral_date, today) == problems


@PROPERTY
@given(referral_date=DAYS, today=DAYS)
def test_a_referral_date_is_refused_exactly_when_in_the_future(referral_date, today):
    assert ("referral_date" in referral(referral_date=referral_date, today=today)) == (referral_date > today)


PREVIOUS = st.lists(st.tuples(st.sampled_from(ALL_STATUSES), st.booleans()), max_size=8)


@PROPERTY
@given(previous=PREVIOUS)
def test_repeat_referral_is_refused_exactly_when_some_earlier_one_ended_without_engagement(previous):
    refused = any(status in ("declined", "disengaged") and not assessed for status, assessed in previous)
    assert may_refer_again(previous) is not refused


@PROPERTY
@given(previous=PREVIOUS, data=st.data())
def test_the_order_of_earlier_referrals_does_not_matter(previous, data):
    shuffled = data.draw(st.permutations(previous))
    assert may_refer_again(shuffled) == may_refer_again(previous)


@PROPERTY
@given(previous=PREVIOUS, more=PREVIOUS)
def test_once_refused_more_referrals_never_make_someone_eligible_again(previous, more):
    if not may_refer_again(previous):
        assert not may_refer_again(previous + more)


@PROPERTY
@given(histories=st.lists(ANY_EVENTS, max_size=4))
def test_a_person_whose_referrals_all_reached_an_assessment_may_always_be_referred_again(histories):
    previous = []
    for events in histories:
        visited = apply_where_they_fit(["contacted", "assessed"] + events)
        previous.append((visited[-1], "assessed" in visited))
    assert may_refer_again(previous)
