"""Breach risk (domain/risk.py): each reason, each level's boundary, and properties over every combination of facts."""
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diversion.domain import risk
from diversion.domain.risk import Facts, UnpaidWork, assess

START = date(2026, 3, 2)
DEADLINE = date(2026, 7, 2)  # four calendar months later


def facts(today: date = START + timedelta(days=20), **changes) -> Facts:
    """An open contract, in touch yesterday, nothing missed, nothing open near the deadline."""
    values = {"today": today, "start_date": START, "deadline": DEADLINE, "is_open": True,
              "last_contact": today - timedelta(days=1)}
    values.update(changes)
    return Facts(**values)


def test_nothing_wrong_is_low_with_no_reasons():
    assert assess(facts()) == risk.Risk("low", ())


# --- missed appointments --------------------------------------------------------------------------------------
def test_one_missed_appointment_is_medium():
    assert assess(facts(missed_appointments=1)) == risk.Risk("medium", ("missed_appointments",))


def test_two_missed_appointments_are_high_on_their_own():
    assert assess(facts(missed_appointments=2)) == risk.Risk("high", ("missed_appointments",))


# --- no contact -------------------------------------------------------------------------------------------------
def test_no_contact_for_14_days_is_a_reason_13_is_not():
    today = START + timedelta(days=40)
    assert assess(facts(today, last_contact=today - timedelta(days=13))).reasons == ()
    assert assess(facts(today, last_contact=today - timedelta(days=14))) == risk.Risk("medium", ("no_contact",))


def test_the_start_of_the_contract_counts_as_contact():
    assert assess(facts(START + timedelta(days=13), last_contact=None)).reasons == ()
    assert assess(facts(START + timedelta(days=14), last_contact=None)).reasons == ("no_contact",)


def test_contact_before_the_start_does_not_hide_the_start():
    today = START + timedelta(days=10)
    assert assess(facts(today, last_contact=START - timedelta(days=30))).reasons == ()


# --- unpaid work hours ----------------------------------------------------------------------------------------------
def test_hours_behind_a_straight_line_by_more_than_the_slack():
    halfway = START + (DEADLINE - START) / 2  # 61 of 122 days: 12 of 24 hours expected
    assert risk.expected_hours(24, START, DEADLINE, halfway) == 12
    on_the_edge = facts(halfway, unpaid_work=(UnpaidWork(24, 12 - risk.HOURS_SLACK),))
    assert assess(on_the_edge).reasons == ()
    behind = facts(halfway, unpaid_work=(UnpaidWork(24, 12 - risk.HOURS_SLACK - 0.5),))
    assert assess(behind) == risk.Risk("medium", ("hours_behind",))


def test_hours_are_expected_from_nothing_at_the_start_to_everything_at_the_deadline():
    assert risk.expected_hours(24, START, DEADLINE, START - timedelta(days=3)) == 0
    assert risk.expected_hours(24, START, DEADLINE, DEADLINE + timedelta(days=3)) == 24
    assert risk.expected_hours(24, START, START, START) == 24  # a zero-length contract expects everything


def test_any_unpaid_work_condition_behind_counts():
    late = START + timedelta(days=100)
    work = (UnpaidWork(18, 18), UnpaidWork(36, 0))
    assert "hours_behind" in assess(facts(late, unpaid_work=work)).reasons


# --- conditions open near the deadline --------------------------------------------------------------------------------
def test_open_conditions_14_days_before_the_deadline_are_a_reason_15_are_not():
    assert assess(facts(DEADLINE - timedelta(days=15), open_conditions=1)).reasons == ()
    assert assess(facts(DEADLINE - timedelta(days=14), open_conditions=1)).reasons == (
        "conditions_open_near_deadline",)


def test_past_the_deadline_with_a_condition_open_is_a_reason_and_with_none_is_not():
    overdue = DEADLINE + timedelta(days=3)
    assert assess(facts(overdue, open_conditions=2)).reasons == ("conditions_open_near_deadline",)
    assert assess(facts(overdue, open_conditions=0)).reasons == ()


# --- a new referral ----------------------------------------------------------------------------------------------------
def test_an_unresolved_new_referral_is_high_on_its_own():
    assert assess(facts(open_new_referral_alerts=1)) == risk.Risk("high", ("new_referral",))


# --- levels -------------------------------------------------------------------------------------------------------------
def test_two_reasons_are_medium_and_three_are_high():
    today = DEADLINE - timedelta(days=10)
    two = facts(today, missed_appointments=1, open_conditions=1)
    assert assess(two) == risk.Risk("medium", ("missed_appointments", "conditions_open_near_deadline"))
    three = facts(today, missed_appointments=1, open_conditions=1, last_contact=today - timedelta(days=20))
    assert assess(three) == risk.Risk("high", ("missed_appointments", "no_contact", "conditions_open_near_deadline"))


def test_an_ended_contract_carries_no_risk_whatever_happened():
    assert assess(facts(is_open=False, missed_appointments=5, open_new_referral_alerts=2)) == risk.Risk("low", ())


def test_risk_reads_as_json_and_ranks_by_level():
    assert risk.Risk("high", ("new_referral",)).as_json() == {"level": "high", "reasons": ["new_referral"]}
    assert [risk.Risk(level, ()).rank for level in risk.LEVELS] == [0, 1, 2]


# --- properties over every combination of facts ------------------------------------------------------------------------
any_day = st.dates(min_value=START - timedelta(days=30), max_value=DEADLINE + timedelta(days=60))
any_work = st.tuples(st.integers(min_value=18, max_value=36), st.floats(min_value=0, max_value=40)).map(
    lambda pair: UnpaidWork(float(pair[0]), pair[1]))
any_facts = st.builds(
    Facts, today=st.dates(min_value=START, max_value=DEADLINE + timedelta(days=60)), start_date=st.just(START),
    deadline=st.just(DEADLINE), is_open=st.booleans(), missed_appointments=st.integers(min_value=0, max_value=6),
    last_contact=st.none() | any_day, open_conditions=st.integers(min_value=0, max_value=4),
    unpaid_work=st.lists(any_work, max_size=2).map(tuple),
    open_new_referral_alerts=st.integers(min_value=0, max_value=3))


# a shared machine may be slow to draw the first example; the rules themselves are fast
PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _with(f: Facts, **changes) -> Facts:
    return Facts(**{**f.__dict__, **changes})


@PROPERTY
@given(any_facts)
def test_ended_contracts_are_always_low_with_no_reasons(f):
    assert assess(_with(f, is_open=False)) == risk.Risk("low", ())


@PROPERTY
@given(any_facts)
def test_two_or_more_missed_appointments_are_always_high(f):
    assert assess(_with(f, is_open=True, missed_appointments=max(f.missed_appointments, 2))).level == "high"


@PROPERTY
@given(any_facts)
def test_another_missed_appointment_or_alert_never_lowers_the_level(f):
    before = assess(f).rank
    assert assess(_with(f, missed_appointments=f.missed_appointments + 1)).rank >= before
    assert assess(_with(f, open_new_referral_alerts=f.open_new_referral_alerts + 1)).rank >= before


@PROPERTY
@given(any_facts)
def test_reasons_are_known_codes_in_a_fixed_order_and_the_level_follows_them(f):
    result = assess(f)
    order = list(risk.REASONS)
    assert set(result.reasons) <= set(order)
    assert list(result.reasons) == sorted(result.reasons, key=order.index)
    assert (result.level == "low") == (not result.reasons)
    assert result.level in risk.LEVELS
