"""Report figures, exactly, on constructed data sets (services.reports)."""
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from diversion import clock
from diversion.extensions import db
from diversion.models import User
from diversion.services import contracts, divert, partnership, reports, rollups
from tests import factories

TODAY = date(2026, 6, 30)


@pytest.fixture
def world(app_context):
    clock.freeze(datetime(2026, 6, 30, 12, tzinfo=timezone.utc))
    officer, navigator, provider = (factories.user(r) for r in ("custody_officer", "navigator", "provider"))

    class World:
        def referral(self, on: str, **overrides):
            day = date.fromisoformat(on)
            return factories.referral(officer, referral_date=on,
                                      **{"offence.offence_date": (day.replace(day=1)).isoformat(), **overrides})

        def contract(self, on: str, start: str, outcome=None, outcome_on=None, reason=None, **overrides):
            referral = self.referral(on, **overrides)
            record = factories.contract(referral, navigator, start_date=start, conditions=[])
            if outcome:
                if outcome == "completed":
                    pass  # no conditions besides offending: completion needs only the deadline
                contracts.record_outcome(record, {"outcome": outcome, "date": outcome_on, "reason": reason,
                                                  "version": record.version}, actor=navigator)
            return record
    w = World()
    w.officer, w.navigator, w.provider = officer, navigator, provider
    return w


def test_an_empty_period_has_zero_counts_and_no_rates(world):
    report = reports.checkpoint(date(2020, 1, 1), date(2020, 12, 31))
    assert report["referrals"] == 0 and report["contracts_started"] == 0
    assert report["completion_rate"] is None and report["completion_rate_ci95"] is None
    assert report["median_days_referral_to_contract"] is None
    assert report["ended"] == {"completed": 0, "breached": 0, "discontinued": 0}


def test_a_single_completed_case(world):
    world.contract("2026-01-10", "2026-01-12", "completed", "2026-05-12")
    report = reports.checkpoint(date(2026, 1, 1), date(2026, 6, 30))
    assert (report["referrals"], report["eligible"], report["contracts_started"]) == (1, 1, 1)
    assert report["ended"]["completed"] == 1 and report["completion_rate"] == 1.0
    assert report["completion_rate_ci95"] == [0.2065, 1.0]  # Wilson, 1 of 1
    assert report["median_days_referral_to_contract"] == 2
    assert report["reliability"] == "small_group"


def test_all_breached_is_a_zero_rate_with_reasons(world):
    world.contract("2026-02-01", "2026-02-03", "breached", "2026-03-01", "reoffended")
    world.contract("2026-02-05", "2026-02-05", "breached", "2026-03-02", "withdrew_consent")
    report = reports.checkpoint(date(2026, 1, 1), date(2026, 6, 30))
    assert report["completion_rate"] == 0.0
    assert report["breach_reasons"] == {"reoffended": 1, "condition_failed": 0, "withdrew_consent": 1, "other": 0}


def test_median_days_with_ties_and_an_even_count(world):
    for referred, started in [("2026-03-01", "2026-03-03"), ("2026-03-02", "2026-03-04"),
                              ("2026-03-03", "2026-03-08"), ("2026-03-04", "2026-03-14")]:
        world.contract(referred, started)
    # waits 2, 2, 5, 10 → median (2 + 5) / 2
    assert reports.checkpoint(date(2026, 3, 1), date(2026, 3, 31))["median_days_referral_to_contract"] == 3.5


def test_events_count_by_their_own_date_at_the_boundaries_of_the_period(world):
    world.contract("2026-03-31", "2026-04-01", "breached", "2026-05-01", "other")
    march = reports.checkpoint(date(2026, 3, 1), date(2026, 3, 31))
    april = reports.checkpoint(date(2026, 4, 1), date(2026, 4, 30))
    may = reports.checkpoint(date(2026, 5, 1), date(2026, 5, 31))
    assert (march["referrals"], march["contracts_started"], march["ended"]["breached"]) == (1, 0, 0)
    assert (april["referrals"], april["contracts_started"], april["ended"]["breached"]) == (0, 1, 0)
    assert (may["referrals"], may["contracts_started"], may["ended"]["breached"]) == (0, 0, 1)


def test_active_and_overdue_are_as_of_today(world):
    world.contract("2026-01-02", "2026-01-05")  # deadline 5 May: overdue on 30 June
    world.contract("2026-06-01", "2026-06-02")  # active
    report = reports.checkpoint(date(2026, 6, 1), date(2026, 6, 30))
    assert (report["active_now"], report["overdue_now"]) == (2, 1)


def test_groups_put_each_case_under_its_key_and_add_up_to_the_whole(world):
    world.contract("2026-02-01", "2026-02-02", "completed", "2026-06-02", **{"person.gender": "male"})
    world.contract("2026-02-01", "2026-02-02", "breached", "2026-03-02", "other",
                   **{"person.gender": "female", "person.given_name": "Amara"})
    world.referral("2026-02-03", **{"offence.category": "robbery", "person.gender": "female",
                                    "person.given_name": "Jo"})
    report = reports.checkpoint(date(2026, 1, 1), date(2026, 6, 30), "gender")
    groups = {g["key"]: g for g in report["groups"]}
    assert (groups["male"]["referrals"], groups["male"]["completion_rate"]) == (1, 1.0)
    assert (groups["female"]["referrals"], groups["female"]["eligible"], groups["female"]["completion_rate"]) == (2, 1, 0.0)
    assert report["referrals"] == 3 and report["completion_rate"] == 0.5


def test_grouped_by_navigator_each_group_is_labelled_with_its_navigators_name(world):
    world.contract("2026-02-01", "2026-02-02", "completed", "2026-06-02")
    report = reports.checkpoint(date(2026, 1, 1), date(2026, 6, 30), "navigator")
    (group,) = report["groups"]
    assert (group["key"], group["label"]) == (str(world.navigator.id), world.navigator.name)
    assert (group["contracts_started"], group["referrals"], report["referrals"]) == (1, None, None)


def test_age_bands_use_age_on_the_referral_date(world):
    world.referral("2026-03-10", **{"person.date_of_birth": "2008-03-10"})  # 18 that day
    world.referral("2026-03-10", **{"person.date_of_birth": "2001-03-11", "person.given_name": "Sam"})  # 24
    world.referral("2026-03-10", **{"person.date_of_birth": "2001-03-10", "person.given_name": "Ali"})  # 25
    groups = {g["key"]: g["referrals"] for g in reports.checkpoint(date(2026, 3, 1), date(2026, 3, 31),
                                                                   "age_band")["groups"]}
    assert groups == {"18_24": 2, "25_34": 1}


def test_the_report_is_a_fixed_number_of_queries_whatever_the_data(world, app):
    def statements(group_by):
        rollups.settle(db.session)  # count the report's own statements, not pending writes (or their counters)
        seen = []
        listener = lambda conn, cursor, statement, *args: seen.append(statement)  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            reports.checkpoint(date(2026, 1, 1), date(2026, 6, 30), group_by)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)
    world.contract("2026-02-01", "2026-02-02")
    few = statements("ethnicity")
    for n in range(5):
        world.contract("2026-02-01", "2026-02-02", **{"person.given_name": f"Person{n}",
                                                      "person.ethnicity": ["asian_indian", "black_african"][n % 2]})
    assert statements("ethnicity") == few == 1, few  # one read of the counters (services/rollups.py)


def test_divert_funnel_and_median_days_to_assessment(world):
    def refer(name, on):
        return divert.create(factories.divert_payload(referral_date=on, **{"person.given_name": name}),
                             actor=world.officer)
    first, second, third = refer("A", "2026-05-01"), refer("B", "2026-05-02"), refer("C", "2026-05-03")
    for event, on in [("contacted", "2026-05-02"), ("assessed", "2026-05-05"), ("completed", "2026-05-10")]:
        divert.record_event(first, {"event": event, "date": on}, actor=world.provider)
    for event, on in [("contacted", "2026-05-03"), ("assessed", "2026-05-09")]:
        divert.record_event(second, {"event": event, "date": on}, actor=world.provider)
    divert.record_event(third, {"event": "disengaged", "date": "2026-05-20"}, actor=world.provider)
    report = reports.divert(date(2026, 5, 1), date(2026, 5, 31))
    assert {k: report[k] for k in ("referrals", "contacted", "assessed", "completed", "repeat_referrals")} == {
        "referrals": 3, "contacted": 2, "assessed": 2, "completed": 1, "repeat_referrals": 0}
    assert report["assessed_rate"] == round(2 / 3, 4)
    assert report["median_days_to_assessment"] == 5.5  # 4 and 7 days


def test_divert_people_and_people_seen_more_than_once_count_divert_referrals_up_to_the_end_of_the_period(world):
    def refer(name, on, *events):
        referral = divert.create(factories.divert_payload(referral_date=on, **{"person.given_name": name}),
                                 actor=world.officer)
        for event, day in events:
            divert.record_event(referral, {"event": event, "date": day}, actor=world.provider)
        return referral
    engaged = (("contacted", "2026-05-06"), ("assessed", "2026-05-08"))
    refer("Ana", "2026-02-10", ("contacted", "2026-02-11"), ("assessed", "2026-02-12"))  # before the period...
    refer("Ana", "2026-05-05")  # ...and again in it: seen more than once
    refer("Ben", "2026-05-02", *engaged)
    refer("Ben", "2026-05-20")  # twice in the period: one person, seen more than once
    refer("Cal", "2026-05-03", *engaged)
    refer("Cal", "2026-06-20")  # again only after the period's end: not counted for May
    divert_dee = refer("Dee", "2026-05-04")
    dee = world.referral("2026-05-04", **{"person.given_name": "Dee", "person.family_name": "Brennan",  # Checkpoint
                                          "person.date_of_birth": "2002-07-04", "person.new_person": None})
    may = reports.divert(date(2026, 5, 1), date(2026, 5, 31))
    assert (may["referrals"], may["people"], may["people_seen_more_than_once"], may["repeat_referrals"]) == (5, 4, 2, 2)
    # Across both schemes Dee has been seen twice too (partnership figures); the DIVERT report counts DIVERT alone.
    assert partnership.seen_more_than_once(date(2026, 5, 1), date(2026, 5, 31))["people_seen_more_than_once"] == 3
    assert dee.person_id == divert_dee.person_id
    june = reports.divert(date(2026, 5, 1), date(2026, 6, 30), "gender")
    assert (june["people"], june["people_seen_more_than_once"]) == (4, 3)
    assert all("people" not in group for group in june["groups"])  # overall only: a person can span groups


def test_bad_periods_and_groupings_are_422(world):
    from werkzeug.datastructures import MultiDict

    from diversion.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as failure:
        reports.period(MultiDict({"from": "2026-02-30", "to": "2026-01-01"}))
    assert set(failure.value.fields) == {"from"}
    with pytest.raises(ValidationFailed):
        reports.period(MultiDict({"from": "2026-03-01", "to": "2026-01-01"}))
    with pytest.raises(ValidationFailed):
        reports.checkpoint(date(2026, 1, 1), date(2026, 2, 1), "star_sign")
