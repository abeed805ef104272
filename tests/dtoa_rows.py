"""Drug tests and their events written straight into the tables (constructed data for the monthly return's tests:
the recording services are built elsewhere). Add and flush; the caller commits."""
from __future__ import annotations

import itertools
from datetime import date

from diversion.domain.dtoa import status_after_test
from diversion.extensions import db
from diversion.models import DrugTest, DrugTestEvent, Person, User

_numbers = itertools.count(1)


def person() -> Person:
    n = next(_numbers)
    record = Person(given_name="Test", family_name=f"Person {n}", name_key=f"person {n} test",
                    date_of_birth=date(1990, 1, 1))
    db.session.add(record)
    db.session.flush()
    return record


def recorder() -> User:
    from tests import factories

    return factories.user(role="provider")


def test(who: Person, test_date: date, result: str, *, trigger: bool = True, events=(),
         recorded_by: User) -> DrugTest:
    """One test; `events` are (event, date) pairs recorded after it."""
    n = next(_numbers)
    record = DrugTest(reference=f"DT-T-{n:06d}", person_id=who.id, test_date=test_date, trigger_offence=trigger,
                      inspector_authority=not trigger, offence_category="theft", result=result,
                      status=status_after_test(result), status_since=test_date, warning_given=True)
    db.session.add(record)
    db.session.flush()
    for event, day in events:
        db.session.add(DrugTestEvent(test_id=record.id, event=event, date=day, recorded_by_id=recorded_by.id))
    db.session.flush()
    return record
