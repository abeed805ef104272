"""A drug test's place in the person's record: it follows a merge to the record kept, counts for retention while a
required assessment (or custody's decision on a missed one) is pending, blocks erasure then, and once erased keeps
its coded facts for the monthly return while the person as typed and custody's reason are destroyed."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from diversion import clock
from diversion.errors import NotFound
from diversion.extensions import db
from diversion.models import DrugTest, DrugTestEvent, Person
from diversion.services import dtoa, erasure, merges, people
from diversion.services.erasure import ErasureRefused
from diversion.services.retention import refresh_review_date
from tests import factories

DAY = date(2026, 3, 2)


@pytest.fixture
def staff(app_context):
    clock.freeze(datetime(2026, 3, 2, 12, tzinfo=UTC))
    return {role: factories.user(role) for role in ("custody_officer", "provider", "admin")}


def _test(staff, **overrides):
    return dtoa.record(factories.drug_test_payload(**overrides), actor=staff["custody_officer"])


def _event(staff, test, event, who="provider"):
    return dtoa.record_event(test, {"event": event, "date": clock.today().isoformat()}, actor=staff[who])


def test_a_test_is_kept_with_who_it_is_about_and_audited(staff):
    from diversion.models import AuditEvent

    test = _test(staff, **{"person.pnc_id": "2012/0345678B", "person.phone": "07700 900999"})
    assert test.person_as_recorded["phone"] == "07700 900999" and test.person.pnc_id == "2012/0345678B"
    assert test.reference == "DT-2026-00001" and test.age_band == "25_34"
    logged = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "drug_test.create"))
    assert logged.person_id == test.person_id and "Rhys" not in str(logged.details)


def test_an_open_required_assessment_holds_the_review_date_and_erasure(staff):
    test = _test(staff)
    person = test.person
    db.session.refresh(person)
    assert person.review_date is None  # an assessment is required: policing work goes on
    with pytest.raises(ErasureRefused):
        erasure.erase(person, actor=staff["admin"], reason="Review")
    _event(staff, test, "initial_assessment_missed")
    db.session.refresh(person)
    assert person.review_date is None  # a decision on prosecution is pending
    dtoa.decide(test, {"decision": "prosecute", "version": test.version}, actor=staff["custody_officer"])
    db.session.flush()
    db.session.refresh(person)
    assert person.review_date == date(2032, 3, 2)  # six years from the decision


def test_a_negative_test_ends_the_day_it_is_taken(staff):
    test = _test(staff, result="negative", assessment=None)
    refresh_review_date([test.person_id])
    db.session.refresh(test.person)
    assert test.person.review_date == date(2032, 3, 2)


def test_erasure_keeps_the_coded_facts_and_destroys_the_text(staff):
    test = _test(staff, **{"person.pnc_id": "2012/0345678B"})
    _event(staff, test, "initial_assessment_missed")
    dtoa.decide(test, {"decision": "no_further_action", "reason": "Rhys was in hospital at Morriston",
                       "version": test.version}, actor=staff["custody_officer"])
    db.session.flush()
    person, test_id = test.person, test.id
    erasure.erase(person, actor=staff["admin"], reason="Review: no policing purpose")
    db.session.flush()
    kept = db.session.execute(sa.select(DrugTest).where(DrugTest.id == test_id)
                              .execution_options(include_erased=True)).scalar_one()
    assert kept.person_as_recorded == {} and kept.non_attendance_reason is None
    assert (kept.result, kept.status, kept.test_date, kept.age_band) == ("cocaine", "no_further_action", DAY, "25_34")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DrugTestEvent)
                             .where(DrugTestEvent.test_id == test_id)) == 1
    assert db.session.scalar(sa.select(DrugTest).where(DrugTest.id == test_id)) is None  # hidden from the app
    with pytest.raises(NotFound):
        dtoa.load(test_id, staff["admin"])


def test_a_merge_moves_tests_to_the_record_kept(staff):
    first = _test(staff, **{"person.new_person": True})
    second = _test(staff, **{"person.new_person": True, "person.given_name": "Rhydian", "result": "negative",
                             "assessment": None})
    kept, other = first.person, second.person
    merges.merge(kept.id, other.id, {"reason": "The same man", "version": kept.version,
                                     "other_version": other.version}, actor=staff["admin"])
    db.session.flush()
    db.session.refresh(second)
    assert second.person_id == kept.id
    assert merges.history_counts(kept.id)["drug_tests"] == 2


def test_the_person_page_history_holds_their_tests(staff):
    test = _test(staff)
    person, _checkpoint, _divert = people.history(test.person_id, staff["admin"])
    assert [t.id for t in people.drug_tests(person, staff["admin"])] == [test.id]
