"""Proven reoffending rules (domain/reoffending.py): what counts for a start and a follow-up, when a start's window
has passed, reoffending during a contract, and the check of one record of an extract."""
from datetime import date, timedelta

import pytest
from hypothesis import given, strategies as st

from diversion.domain import reoffending as rules

START = date(2024, 3, 15)
days = st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31))
follow_ups = st.sampled_from(rules.FOLLOW_UPS)


@pytest.mark.parametrize("offence, disposal, counted", [
    ("2024-03-15", "2024-04-01", False),   # on the start day: not after it
    ("2024-03-16", "2024-04-01", True),    # the day after the start
    ("2025-03-15", "2025-09-15", True),    # the last day of 12 months, proven on the last day allowed
    ("2025-03-16", "2025-04-01", False),   # one day past the follow-up
    ("2025-03-15", "2025-09-16", False),   # proven a day too late
    ("2024-01-10", "2024-06-01", False),   # committed before the start
])
def test_a_reoffence_counts_when_committed_within_the_follow_up_and_proven_within_six_months_more(
        offence, disposal, counted):
    assert rules.counts(START, 12, date.fromisoformat(offence), date.fromisoformat(disposal)) is counted


def test_month_ends_are_clamped_as_contract_deadlines_are():
    start = date(2023, 8, 31)
    assert rules.follow_up_end(start, 6) == date(2024, 2, 29)
    assert rules.disposal_end(start, 6) == date(2024, 8, 31)
    assert rules.counts(start, 6, date(2024, 2, 29), date(2024, 8, 31))
    assert not rules.counts(start, 6, date(2024, 3, 1), date(2024, 3, 2))


def test_a_start_joins_the_cohort_once_follow_up_and_six_months_have_passed():
    assert rules.window_passed(date(2024, 3, 15), 12, date(2025, 9, 15))
    assert not rules.window_passed(date(2024, 3, 15), 12, date(2025, 9, 14))


def test_the_latest_start_is_the_last_of_the_starts_that_share_a_clamped_window_end():
    # 29, 30 and 31 August 2024 + 18 months all end on 28 February 2026; 29 February 2024 + 12 months on the 28th
    assert rules.latest_start(12, date(2026, 2, 28)) == date(2024, 8, 31)
    assert rules.latest_start(12, date(2026, 3, 1)) == date(2024, 9, 1)
    assert rules.latest_start(6, date(2025, 2, 28)) == date(2024, 2, 29)


@given(follow_ups, days)
def test_latest_start_divides_the_starts_whose_window_passed_from_those_whose_did_not(months, as_of):
    last = rules.latest_start(months, as_of)
    assert rules.window_passed(last, months, as_of)
    assert not rules.window_passed(last + timedelta(days=1), months, as_of)


@given(days, days, days)
def test_the_count_is_monotonic_in_the_follow_up(start, offence, disposal):
    """A reoffence that counts at 6 months counts at 12, and one that counts at 12 counts at 24."""
    verdicts = [rules.counts(start, m, offence, disposal) for m in rules.FOLLOW_UPS]
    assert verdicts == sorted(verdicts)


@given(follow_ups, days, days)
def test_a_longer_wait_never_takes_a_start_out_of_the_cohort(months, start, as_of):
    if rules.window_passed(start, months, as_of):
        assert rules.window_passed(start, months, as_of + timedelta(days=1))
        assert rules.window_passed(start - timedelta(days=1), months, as_of)


@given(follow_ups, days, days, days)
def test_nothing_committed_on_or_before_the_start_or_proven_before_committed_is_an_argument_for_counting(
        months, start, offence, disposal):
    if rules.counts(start, months, offence, disposal):
        assert offence > start
        assert offence <= rules.follow_up_end(start, months) < rules.disposal_end(start, months)


def test_reoffending_during_a_contract_is_after_its_start_and_on_or_before_its_end():
    start, ended = date(2025, 1, 10), date(2025, 5, 10)
    assert not rules.during_contract(start, ended, start)
    assert rules.during_contract(start, ended, date(2025, 1, 11))
    assert rules.during_contract(start, ended, ended)
    assert not rules.during_contract(start, ended, date(2025, 5, 11))


TODAY = date(2026, 6, 30)


def test_a_sound_record_is_normalised_as_the_app_stores_pnc_ids():
    checked, problems = rules.check_record(" 2019/0123456a ", "2025-01-02", "2025-03-04", TODAY)
    assert problems == {} and checked == ("2019/0123456A", date(2025, 1, 2), date(2025, 3, 4))


@pytest.mark.parametrize("record, problems", [
    (("", "2025-01-02", "2025-03-04"), {"pnc_id": "Enter the PNC ID"}),
    ((123, "2025-01-02", "2025-03-04"), {"pnc_id": "Enter the PNC ID as text"}),
    (("AB/12", "2025-01-02", "2025-03-04"), {"pnc_id": "Enter a PNC ID like 2019/0123456A"}),
    (("2019/0123456A", "2025-02-30", "2025-03-04"), {"offence_date": "The offence date must be a real date"}),
    (("2019/0123456A", "02/01/2025", None), {"offence_date": "Enter the offence date as YYYY-MM-DD",
                                             "disposal_date": "Enter the disposal date"}),
    (("2019/0123456A", "2025-03-04", "2025-03-03"),
     {"disposal_date": "The disposal date must be on or after the offence date"}),
    (("2019/0123456A", "2026-07-01", "2026-07-02"), {"offence_date": "The offence date cannot be in the future",
                                                      "disposal_date": "The disposal date cannot be in the future"}),
    ((None, "1899-12-31", "2019-W01-1"), {"pnc_id": "Enter the PNC ID",
                                          "offence_date": "The offence date must be after 1900",
                                          "disposal_date": "Enter the disposal date as YYYY-MM-DD"}),
])
def test_every_bad_field_of_a_record_is_named(record, problems):
    checked, found = rules.check_record(*record, TODAY)
    assert checked is None and found == problems


@given(st.one_of(st.none(), st.text(max_size=12), st.integers()),
       st.one_of(st.text(max_size=11), st.dates().map(date.isoformat)),
       st.one_of(st.text(max_size=11), st.dates().map(date.isoformat)))
def test_remembering_dates_read_gives_the_same_answers(pnc, offence, disposal):
    seen: dict = {}
    first = rules.check_record(pnc, offence, disposal, TODAY, seen)
    assert rules.check_record(pnc, offence, disposal, TODAY, seen) == first == rules.check_record(
        pnc, offence, disposal, TODAY)


@given(st.one_of(st.none(), st.integers(), st.text(max_size=14),
                 st.from_regex(r"\A ?(\d{2}|\d{4})/\d{1,7}[A-Za-z]\n?\Z")),
       st.one_of(st.text(max_size=11), st.dates().map(date.isoformat), st.lists(st.integers(), max_size=1)),
       st.one_of(st.text(max_size=11), st.dates().map(date.isoformat)))
def test_the_checker_for_large_extracts_gives_check_records_verdicts(pnc, offence, disposal):
    check = rules.RecordChecker(TODAY)
    checked, problems = rules.check_record(pnc, offence, disposal, TODAY)
    for _ in range(2):  # again, from what it remembers
        assert check(pnc, offence, disposal) == ((checked[0] if checked else None), problems)
