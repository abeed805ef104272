"""Where things sit on a case's timeline (domain/timeline.py)."""
from datetime import UTC, date, datetime

from diversion.domain import timeline


def test_a_day_recorded_on_that_day_keeps_the_moment_it_was_recorded():
    recorded = datetime(2026, 3, 5, 15, 30, tzinfo=UTC)
    assert timeline.day_moment(date(2026, 3, 5), recorded) == recorded


def test_a_day_recorded_later_sits_at_midday_uk_time_on_that_day():
    recorded = datetime(2026, 3, 9, 8, tzinfo=UTC)
    assert timeline.day_moment(date(2026, 3, 5), recorded) == datetime(2026, 3, 5, 12, tzinfo=UTC)  # GMT
    assert timeline.day_moment(date(2026, 7, 1), datetime(2026, 7, 3, tzinfo=UTC)) == datetime(2026, 7, 1, 11,
                                                                                               tzinfo=UTC)  # BST


def test_the_uk_day_decides_not_the_utc_day():
    late_evening_in_summer = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)  # 00:30 on 1 July in the UK
    assert timeline.day_moment(date(2026, 7, 1), late_evening_in_summer) == late_evening_in_summer


def test_no_day_means_when_it_was_recorded():
    recorded = datetime(2026, 3, 9, 8, tzinfo=UTC)
    assert timeline.day_moment(None, recorded) == recorded


def test_at_the_same_moment_an_outcome_comes_before_the_condition_it_settled_newest_first():
    moment = datetime(2026, 3, 9, 8, tzinfo=UTC)
    ordered = sorted([("condition_status", 9), ("outcome", 1), ("note", 50)],
                     key=lambda kind_id: timeline.sort_key(moment, *kind_id), reverse=True)
    assert [kind for kind, _ in ordered] == ["outcome", "condition_status", "note"]


def test_unknown_kinds_are_named_in_the_order_asked():
    assert timeline.unknown_kinds(["note", "gossip", "outcome", "rumour"]) == ["gossip", "rumour"]
    assert timeline.unknown_kinds(list(timeline.KINDS)) == []
