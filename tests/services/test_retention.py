"""Review dates kept right by every write that opens or ends a case, the recompute that agrees with them, the due
list, and retain or erase decisions (services/retention.py)."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from diversion import clock
from diversion.errors import Conflict, NotFound, ValidationFailed
from diversion.extensions import db
from diversion.models import AuditEvent, Person, PolicySetting, RetentionDecision
from diversion.services import contracts, divert, merges, referrals, retention
from tests import factories
from tests.retention_helpers import divert_ended, divert_open, on



@pytest.fixture
def staff(app_context):
    class Staff:
        officer = factories.user(role="custody_officer")
        navigator = factories.user(role="navigator")
        provider = factories.user(role="provider")
        admin = factories.user(role="admin")
    return Staff


def _review(person_id: int) -> date | None:
    db.session.expire_all()
    return db.session.get(Person, person_id).review_date


# --- Kept right by the writes that open and end cases ----------------------------------------------------------------

def test_a_checkpoint_referral_has_no_review_date_while_it_awaits_a_navigator_and_one_once_declined(staff):
    with on(date(2020, 6, 1)):
        referral = factories.referral(staff.officer)
        assert _review(referral.person_id) is None
    with on(date(2020, 6, 3)):
        referrals.decline(referral, reason="Wants to go to court", version=referral.version, actor=staff.navigator)
    assert _review(referral.person_id) == date(2026, 6, 3)


def test_an_ineligible_referral_is_reviewed_six_years_after_its_referral_date(staff):
    with on(date(2019, 2, 10)):
        referral = factories.referral(staff.officer, **{"offence.hate_crime": True})
    assert referral.status == "ineligible"
    assert _review(referral.person_id) == date(2025, 2, 10)


def test_a_contract_clears_the_date_and_its_outcome_sets_it(staff):
    with on(date(2021, 1, 4)):
        contract = factories.contract(factories.referral(staff.officer), staff.navigator)
        assert _review(contract.person_id) is None
    with on(date(2021, 2, 1)):
        contracts.record_outcome(contract, {"outcome": "discontinued", "date": "2021-01-29",
                                            "reason": "not_in_public_interest", "version": contract.version},
                                 actor=staff.navigator)
    assert _review(contract.person_id) == date(2027, 1, 29)


def test_a_divert_referral_ending_sets_the_date_and_moving_along_the_funnel_does_not(staff):
    referral = divert_open(staff.officer, date(2022, 3, 1))
    with on(date(2022, 3, 2)):
        divert.record_event(referral, {"event": "contacted", "date": "2022-03-02"}, actor=staff.provider)
        assert _review(referral.person_id) is None
        divert.record_event(referral, {"event": "assessed", "date": "2022-03-02"}, actor=staff.provider)
        divert.record_event(referral, {"event": "completed", "date": "2022-03-02"}, actor=staff.provider)
    assert _review(referral.person_id) == date(2028, 3, 2)


def test_a_new_referral_for_someone_with_a_review_date_clears_it(staff):
    ended = divert_ended(staff.officer, staff.provider, date(2019, 5, 5), event="completed", given_name="Rowan")
    assert _review(ended.person_id) == date(2025, 5, 5)
    person = ended.person
    referrals.create(factories.referral_payload(person={
        "id": person.id, "given_name": person.given_name, "family_name": person.family_name,
        "date_of_birth": person.date_of_birth.isoformat()}), actor=staff.officer)
    assert _review(person.id) is None


def test_a_merge_gives_the_record_kept_the_merged_record_s_cases(staff):
    kept = divert_ended(staff.officer, staff.provider, date(2018, 1, 10), given_name="Kit")
    merged = divert_open(staff.officer, date(2020, 1, 10), given_name="Kitt")
    merges.merge(kept.person_id, merged.person_id, {"reason": "The same man", "version": kept.person.version,
                                                    "other_version": merged.person.version}, actor=staff.admin)
    assert _review(kept.person_id) is None  # the merged record's referral is open
    assert _review(merged.person_id) is None


# --- The recompute -----------------------------------------------------------------------------------------------

def test_the_recompute_agrees_with_what_the_services_kept(staff):
    for n, day in enumerate([date(2018, 4, 1), date(2019, 7, 9), date(2024, 2, 29)]):
        divert_ended(staff.officer, staff.provider, day, given_name=f"Sam{n}")
    divert_open(staff.officer, date(2020, 1, 1), given_name="Open")
    before = dict(db.session.execute(select(Person.id, Person.review_date)).all())
    assert sum(changed for _seen, changed in retention.recompute_all(batch=2)) == 0
    assert dict(db.session.execute(select(Person.id, Person.review_date)).all()) == before
    assert sorted(day for day in before.values() if day) == [date(2024, 4, 1), date(2025, 7, 9), date(2030, 2, 28)]


def test_the_recompute_follows_the_policy_value_and_fills_dates_left_empty(staff):
    referral = divert_ended(staff.officer, staff.provider, date(2018, 4, 1))
    db.session.get(PolicySetting, "retention_review_years").value = 10
    db.session.execute(Person.__table__.update().values(review_date=None))
    looked_at = list(retention.recompute_all())
    assert looked_at == [(1, 1)]
    assert _review(referral.person_id) == date(2028, 4, 1)


def test_a_retain_decision_s_later_date_survives_a_recompute(staff):
    referral = divert_ended(staff.officer, staff.provider, clock.today() - timedelta(days=7 * 365))
    person = referral.person
    retention.decide(person.id, {"decision": "retain", "reason": "Linked to an open investigation",
                                 "review_date": (clock.today() + timedelta(days=400)).isoformat(),
                                 "version": person.version}, actor=staff.admin)
    list(retention.recompute_all())
    assert _review(person.id) == clock.today() + timedelta(days=400)


def test_erased_people_are_left_alone(staff):
    referral = divert_ended(staff.officer, staff.provider, date(2018, 4, 1))
    db.session.execute(Person.__table__.update().values(review_date=None, erased_at=clock.now()))
    assert retention.refresh_review_date([referral.person_id]) == 0
    assert list(retention.recompute_all()) == []


# --- The due list --------------------------------------------------------------------------------------------------

def test_the_due_list_is_earliest_first_in_keyset_pages_without_erased_merged_or_open_people(staff):
    days = [date(2018, 3, 1), date(2018, 1, 1), date(2019, 6, 1), date(2018, 3, 1), date(2017, 8, 8)]
    people = [divert_ended(staff.officer, staff.provider, day, given_name=f"Due{n}").person_id
              for n, day in enumerate(days)]
    divert_open(staff.officer, date(2018, 1, 1), given_name="Open")
    divert_ended(staff.officer, staff.provider, clock.today() - timedelta(days=30), given_name="Recent")
    db.session.execute(Person.__table__.update().where(Person.id == people[4]).values(erased_at=clock.now()))
    db.session.execute(Person.__table__.update().where(Person.id == people[2]).values(merged_into_id=people[0]))
    first = retention.due(staff.admin, by=clock.today(), size=2)
    second = retention.due(staff.admin, by=clock.today(), size=2, after=first.next_after)
    assert [p.id for p in first.rows] == [people[1], people[0]] and first.next_after
    assert [p.id for p in second.rows] == [people[3]] and second.next_after is None
    assert [p.id for p in retention.due(staff.admin, by=date(2024, 1, 1)).rows] == [people[1]]
    listed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "retention.list")).all()
    assert listed[0].details["ids"] == [people[1], people[0]]


def test_the_summary_of_a_page_gives_the_last_case_ended_and_the_cases(staff):
    referral = divert_ended(staff.officer, staff.provider, date(2018, 3, 1))
    about = retention.summaries([referral.person])
    assert about[referral.person_id] == {"last_case_ended": date(2018, 3, 1), "cases": "1 DIVERT referral"}


# --- Decisions -----------------------------------------------------------------------------------------------------

def _due_person(staff, **person) -> Person:
    return divert_ended(staff.officer, staff.provider, clock.today() - timedelta(days=7 * 365), **person).person


def test_retaining_records_the_decision_the_reviewer_the_next_date_and_an_audit_event(staff):
    person = _due_person(staff)
    was = person.review_date
    next_review = clock.today() + timedelta(days=3 * 365)
    record, _person = retention.decide(person.id, {"decision": "retain", "reason": "Intelligence value remains",
                                                   "review_date": next_review.isoformat(), "version": person.version},
                                       actor=staff.admin)
    assert (record.decision, record.review_date_was, record.next_review_date, record.decided_by_id) == (
        "retain", was, next_review, staff.admin.id)
    assert _review(person.id) == next_review
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.retention_decision")).one()
    assert (event.person_id, event.actor_id, event.justification) == (person.id, staff.admin.id,
                                                                      "Intelligence value remains")
    assert event.details["decision"] == "retain"


def test_a_decision_names_every_bad_field(staff):
    person = _due_person(staff)
    with pytest.raises(ValidationFailed) as failed:
        retention.decide(person.id, {"decision": "keep", "reason": "x" * 2001}, actor=staff.admin)
    assert set(failed.value.fields) == {"decision", "reason", "version"}
    with pytest.raises(ValidationFailed) as failed:
        retention.decide(person.id, {"decision": "retain", "reason": "Kept", "review_date": clock.today().isoformat(),
                                     "version": person.version}, actor=staff.admin)
    assert failed.value.fields == {"review_date": ["The next review date must be in the future"]}
    with pytest.raises(ValidationFailed) as failed:
        retention.decide(person.id, {"decision": "retain", "reason": "Kept\x00", "version": person.version},
                         actor=staff.admin)
    assert set(failed.value.fields) == {"reason", "review_date"}
    assert db.session.scalar(select(func.count()).select_from(RetentionDecision)) == 0


def test_a_stale_version_is_already_decided(staff):
    person = _due_person(staff)
    body = {"decision": "retain", "reason": "Kept", "review_date": (clock.today() + timedelta(days=30)).isoformat(),
            "version": person.version}
    retention.decide(person.id, body, actor=staff.admin)
    with pytest.raises(Conflict) as conflict:
        retention.decide(person.id, body, actor=staff.admin)
    assert "already been decided" in conflict.value.message


def test_a_person_with_an_open_case_cannot_be_decided(staff):
    person = divert_open(staff.officer, date(2018, 1, 1)).person
    with pytest.raises(Conflict) as conflict:
        retention.decide(person.id, {"decision": "retain", "reason": "Kept", "version": person.version,
                                     "review_date": (clock.today() + timedelta(days=30)).isoformat()},
                         actor=staff.admin)
    assert conflict.value.code == "open_case" and "close the case first" in conflict.value.message


def test_erased_merged_and_unknown_people_are_not_found(staff):
    person = _due_person(staff)
    other = _due_person(staff, given_name="Other")
    erased = _due_person(staff, given_name="Erased")
    db.session.execute(Person.__table__.update().where(Person.id == other.id).values(merged_into_id=person.id))
    db.session.execute(Person.__table__.update().where(Person.id == erased.id).values(erased_at=clock.now()))
    db.session.expire_all()
    assert retention.load(person.id) is not None
    for person_id in (other.id, erased.id, 999_999, "x"):
        with pytest.raises(NotFound):
            retention.load(person_id)


def test_erasing_records_the_decision_and_erases_the_person(staff):
    person = _due_person(staff)
    record, erased = retention.decide(person.id, {"decision": "erase", "reason": "No policing purpose remains",
                                                  "version": person.version}, actor=staff.admin)
    assert record.decision == "erase" and erased.erased_at is not None
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.retention_decision")).one()


def test_an_erase_decision_erases_the_record(staff):
    person = _due_person(staff)
    body = {"decision": "erase", "reason": "No policing purpose remains", "version": person.version}
    _record, erased = retention.decide(person.id, body, actor=staff.admin)
    assert erased.erased_at is not None and erased.family_name == ""


def test_the_recompute_command_fills_review_dates_in_batches(app, make_user):
    officer, provider = make_user("custody_officer"), make_user("provider")
    with app.app_context():
        from diversion.models import User

        person_id = divert_ended(db.session.get(User, officer.id), db.session.get(User, provider.id),
                                 date(2018, 4, 1)).person_id
        db.session.execute(Person.__table__.update().values(review_date=None))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["retention", "recompute", "--batch", "1"])
    assert result.exit_code == 0 and "Review dates recomputed for 1 people: 1 changed." in result.output
    with app.app_context():
        assert db.session.get(Person, person_id).review_date == date(2024, 4, 1)
