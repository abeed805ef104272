"""Partnership figures: people (not referrals) diverted, people seen more than once, referrals by custody suite
(a reference list), and eligibility and declined offers by ethnic group with Wilson intervals; erasure changes
none of them."""
from datetime import timedelta

import pytest

from diversion import clock
from diversion.extensions import db
from diversion.errors import ValidationFailed
from diversion.models import CheckpointReferral, Person
from diversion.services import custody_suites, divert, erasure, partnership, referrals
from tests import factories


@pytest.fixture
def world(app_context):
    """A: a Checkpoint contract and a DIVERT referral (one person, twice); B: ineligible at Peterlee; C: declined
    the offer, at a suite not on the list; D: DIVERT only."""
    officer, navigator = factories.user("custody_officer"), factories.user("navigator")
    a = factories.referral(officer, **{"person.ethnicity": "white_british"})
    factories.contract(a, navigator)
    divert.create(factories.divert_payload(person={"given_name": "Chloé", "family_name": "O'Sullivan-Nkemelu",
                                                   "date_of_birth": "1994-03-12"}), actor=officer)
    b = factories.referral(officer, **{"person.given_name": "Bea", "person.ethnicity": "asian_indian",
                                       "offence.hate_crime": True, "custody_suite": " peterlee "})
    c = factories.referral(officer, **{"person.given_name": "Cai", "person.ethnicity": "asian_indian",
                                       "custody_suite": "Somewhere Else"})
    referrals.decline(c, reason="Does not want to take part", version=c.version, actor=navigator)
    divert.create(factories.divert_payload(**{"person.given_name": "Dion"}), actor=officer)
    db.session.commit()
    return {"a": a, "b": b, "c": c, "officer": officer}


def _today():
    today = clock.today()
    return today - timedelta(days=30), today


def test_people_are_counted_once_however_many_times_they_are_diverted(world):
    figures = partnership.report(*_today())
    assert figures["people_diverted"] == 2  # A (contract and DIVERT) and D; B and C were not diverted
    assert figures["people_diverted_by_scheme"] == {"checkpoint": 1, "divert": 2, "both": 1}


def test_people_seen_more_than_once_counts_referrals_across_both_schemes(world):
    figures = partnership.report(*_today())
    assert (figures["people_referred"], figures["people_seen_more_than_once"]) == (4, 1)


def test_a_referral_before_the_period_still_makes_someone_a_repeat_but_none_after_it(world):
    start, end = _today()
    assert partnership.report(end + timedelta(days=1), end + timedelta(days=5))["people_referred"] == 0
    assert partnership.report(start - timedelta(days=60), start - timedelta(days=1))["people_seen_more_than_once"] == 0


def test_referrals_by_custody_suite_match_names_and_keep_the_rest_as_other(world):
    rows = {row["code"]: (row["name"], row["referrals"], row["eligible"])
            for row in partnership.report(*_today())["custody_suites"]}
    assert rows["durham"] == ("Durham", 1, 1)
    assert rows["peterlee"] == ("Peterlee", 1, 0)
    assert rows["darlington"] == ("Darlington", 0, 0)
    assert rows["other"] == ("Other / not recorded", 1, 1)
    assert world["c"].custody_suite == "Somewhere Else" and world["c"].custody_suite_code is None
    assert world["b"].custody_suite == "Peterlee" and world["b"].custody_suite_code == "peterlee"


def test_eligibility_and_declined_offers_by_ethnic_group_have_wilson_intervals(world):
    groups = {g["key"]: g for g in partnership.report(*_today())["ethnicity"]["groups"]}
    asian = groups["asian_indian"]
    assert (asian["referrals"], asian["eligible"], asian["offers"], asian["declined"]) == (2, 1, 1, 1)
    assert asian["eligibility_rate"]["rate"] == 0.5
    low, high = asian["eligibility_rate"]["ci95"]
    assert low < 0.5 < high and asian["eligibility_rate"]["reliability"] == "small_group"
    assert asian["declined_offer_rate"]["rate"] == 1.0 and asian["declined_offer_rate"]["ci95"][1] == 1.0
    assert groups["white_british"]["declined_offer_rate"]["rate"] == 0.0
    assert "disparity" in asian["eligibility_rate"]


def test_a_group_whose_whole_interval_lies_below_the_rest_is_flagged(app_context):
    officer = factories.user("custody_officer")
    for n in range(30):
        ineligible = n < 15
        factories.referral(officer, **{"person.given_name": f"P{n}", "offence.hate_crime": ineligible,
                                       "person.ethnicity": "black_caribbean" if ineligible else "white_british"})
    db.session.commit()
    groups = {g["key"]: g for g in partnership.report(*_today())["ethnicity"]["groups"]}
    assert groups["black_caribbean"]["eligibility_rate"]["disparity"] == "lower"
    assert groups["white_british"]["eligibility_rate"]["disparity"] == "higher"


def test_erasing_a_person_changes_no_partnership_figure(world):
    before = partnership.report(*_today())
    admin = factories.user("admin")
    erasure.erase(db.session.get(Person, world["b"].person_id), actor=admin, reason="No policing purpose")
    db.session.commit()
    assert db.session.get(Person, world["b"].person_id) is None
    assert partnership.report(*_today()) == before


def test_an_unknown_custody_suite_code_is_refused_but_any_name_is_kept(app_context):
    officer = factories.user("custody_officer")
    with pytest.raises(ValidationFailed) as refused:
        referrals.create(factories.referral_payload(custody_suite_code="atlantis"), actor=officer)
    assert "custody_suite_code" in refused.value.fields
    chosen = referrals.create(factories.referral_payload(custody_suite_code="darlington", custody_suite=None),
                              actor=officer)
    assert (chosen.custody_suite_code, chosen.custody_suite) == ("darlington", "Darlington")


def test_a_suite_no_longer_offered_cannot_be_chosen_and_names_must_be_unique(app_context):
    admin = factories.user("admin")
    suite = custody_suites.change("peterlee", "Peterlee", False, version=1, actor=admin)
    assert suite.active is False and "peterlee" not in [s.code for s in custody_suites.suites()]
    with pytest.raises(ValidationFailed):
        custody_suites.add("durham", actor=admin)
    added = custody_suites.add("Bishop Auckland", actor=admin)
    assert added.code == "bishop_auckland"
    referral = referrals.create(factories.referral_payload(custody_suite="bishop auckland"), actor=admin)
    assert referral.custody_suite_code == "bishop_auckland"
    assert db.session.get(CheckpointReferral, referral.id).custody_suite == "Bishop Auckland"
