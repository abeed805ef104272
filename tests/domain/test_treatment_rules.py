"""Started within three weeks: 21 days or fewer from the referral; no answer after 21 days is not in time."""
from datetime import date, timedelta

from diversion.domain import treatment as rules

REFERRED = date(2026, 3, 2)


def test_a_start_on_day_21_is_within_three_weeks_and_day_22_is_not():
    assert rules.started_within(REFERRED, REFERRED + timedelta(days=21))
    assert not rules.started_within(REFERRED, REFERRED + timedelta(days=22))
    assert rules.started_within(REFERRED, REFERRED)


def test_no_start_is_not_a_start_within_three_weeks():
    assert not rules.started_within(REFERRED, None)


def test_an_unanswered_referral_is_waiting_for_21_days_then_not_started_within_three_weeks():
    assert not rules.overdue(REFERRED, None, False, REFERRED + timedelta(days=21))
    assert rules.overdue(REFERRED, None, False, REFERRED + timedelta(days=22))


def test_did_not_start_and_a_late_start_are_not_within_three_weeks():
    assert rules.overdue(REFERRED, None, True, REFERRED + timedelta(days=1))
    assert rules.overdue(REFERRED, REFERRED + timedelta(days=30), False, REFERRED + timedelta(days=40))
    assert not rules.overdue(REFERRED, REFERRED + timedelta(days=5), False, REFERRED + timedelta(days=40))


def test_a_start_is_a_date_on_or_after_the_referral_and_not_in_the_future():
    today = REFERRED + timedelta(days=10)
    assert rules.start_problems(REFERRED, REFERRED - timedelta(days=1), False, today) == {
        "started_on": ["The start cannot be before the referral"]}
    assert rules.start_problems(REFERRED, today + timedelta(days=1), False, today) == {
        "started_on": ["The start cannot be in the future"]}
    assert rules.start_problems(REFERRED, today, False, today) == {}
    assert rules.start_problems(REFERRED, None, True, today) == {}


def test_a_start_needs_exactly_one_answer():
    today = REFERRED + timedelta(days=10)
    assert "started_on" in rules.start_problems(REFERRED, None, False, today)
    assert "started_on" in rules.start_problems(REFERRED, REFERRED, True, today)


def test_every_divert_need_is_counted_under_a_seeded_service():
    from diversion.domain.divert import NEEDS

    seeded = {code for code, _name, _pathway in rules.SEEDED_SERVICES}
    assert set(rules.SERVICE_FOR_NEED) == set(NEEDS)
    assert set(rules.SERVICE_FOR_NEED.values()) <= seeded


def test_every_seeded_service_serves_a_checkpoint_pathway():
    from diversion.domain.contracts import PATHWAYS

    assert {pathway for _code, _name, pathway in rules.SEEDED_SERVICES} <= set(PATHWAYS)


def test_the_migration_seeds_the_services_and_mapping_the_rules_name():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parents[2] / "migrations" / "versions" / "0012_treatment.py"
    spec = importlib.util.spec_from_file_location("treatment_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert migration.SERVICES == rules.SEEDED_SERVICES
    assert migration.SERVICE_FOR_NEED == rules.SERVICE_FOR_NEED
