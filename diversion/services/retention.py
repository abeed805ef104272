"""Retention review (MoPI, DPA 2018 s.39): keeping each person's review date right, the list of people due for
review, and an administrator's decision to retain (why, and until when) or erase a record.

The rule is domain/retention.py; here the facts are gathered in SQL, a fixed number of statements for any number
of people (one per kind of case, one for retain decisions), and the dates written back in one UPDATE.
`refresh_review_date` runs in the transaction of every write that opens or ends a case.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import Date, case, cast, func, literal, null, select, update

from diversion import audit, clock
from diversion.domain import referrals as referral_rules
from diversion.domain import retention as rules
from diversion.errors import Conflict, NotFound
from diversion.extensions import db
from diversion.ids import valid_id
from diversion.keyset import Page, Sort, page
from diversion.models import (CheckpointReferral, Contract, DivertEvent, DivertReferral, DrugTest, Person,
                              RetentionDecision)
from diversion.services import parse, reference, writes
from diversion.services.parse import Problems

LONDON = ZoneInfo("Europe/London")
BATCH = 1000
PAGE_SIZE = 50


# --- The facts ---------------------------------------------------------------------------------------------------

def _day(moment) -> date | None:
    """The UK calendar day of a stored instant."""
    return moment.astimezone(LONDON).date() if moment is not None else None


def cases_of(person_ids: Iterable[int]) -> dict[int, list[rules.Case]]:
    """Every case of these people, as the rule sees them: four statements whatever the number of people."""
    ids = sorted(set(person_ids))
    found: dict[int, list[rules.Case]] = defaultdict(list)
    if not ids:
        return found
    for person_id, status, outcome_date in db.session.execute(
            select(Contract.person_id, Contract.status, Contract.outcome_date).where(Contract.person_id.in_(ids))):
        found[person_id].append(rules.Case(rules.CONTRACT, status, (outcome_date,)))
    for person_id, status, decided_at, referral_date in db.session.execute(
            select(CheckpointReferral.person_id, CheckpointReferral.status, CheckpointReferral.decided_at,
                   CheckpointReferral.referral_date)
            .where(CheckpointReferral.person_id.in_(ids),
                   CheckpointReferral.status != referral_rules.CONTRACTED)):  # the contract is that case
        found[person_id].append(rules.Case(rules.CHECKPOINT_REFERRAL, status, (_day(decided_at), referral_date)))
    last_event = (select(func.max(DivertEvent.date)).where(DivertEvent.referral_id == DivertReferral.id)
                  .correlate(DivertReferral).scalar_subquery())
    for person_id, status, since, last, referral_date in db.session.execute(
            select(DivertReferral.person_id, DivertReferral.status, DivertReferral.status_since, last_event,
                   DivertReferral.referral_date).where(DivertReferral.person_id.in_(ids))):
        found[person_id].append(rules.Case(rules.DIVERT_REFERRAL, status, (since, last, referral_date)))
    for person_id, status, since, test_date in db.session.execute(
            select(DrugTest.person_id, DrugTest.status, DrugTest.status_since, DrugTest.test_date)
            .where(DrugTest.person_id.in_(ids))):
        found[person_id].append(rules.Case(rules.DRUG_TEST, status, (since, test_date)))
    return found


def retained_until(person_ids: Iterable[int]) -> dict[int, date]:
    """The next review date of each person's latest retain decision (one statement)."""
    ids = sorted(set(person_ids))
    latest: dict[int, date] = {}
    if not ids:
        return latest
    for person_id, next_review in db.session.execute(
            select(RetentionDecision.person_id, RetentionDecision.next_review_date)
            .where(RetentionDecision.person_id.in_(ids), RetentionDecision.decision == rules.RETAIN)
            .order_by(RetentionDecision.person_id, RetentionDecision.decided_at, RetentionDecision.id)):
        if next_review is not None:
            latest[person_id] = next_review  # later rows overwrite earlier ones: the latest decision wins
    return latest


# --- Keeping review dates right ----------------------------------------------------------------------------------

def refresh_review_date(person_ids: Iterable[int | None]) -> int:
    """Recompute these people's review dates from their cases (and their latest retain decision), in the caller's
    transaction; erased people are left alone. Writes only the dates that change, in one UPDATE. Returns how many
    changed."""
    ids = sorted({person_id for person_id in person_ids if person_id is not None})
    if not ids:
        return 0
    db.session.flush()  # the change that called us is part of the facts
    current = dict(db.session.execute(select(Person.id, Person.review_date)
                                      .where(Person.id.in_(ids), Person.erased_at.is_(None))).all())
    if not current:
        return 0
    years = reference.retention_review_years()
    cases, retained = cases_of(current), retained_until(current)
    computed = {person_id: rules.review_date(cases.get(person_id, []), years, retained.get(person_id))
                for person_id in current}
    changed = {person_id: day for person_id, day in computed.items() if day != current[person_id]}
    if changed:
        db.session.execute(
            update(Person).where(Person.id.in_(list(changed)))
            .values(review_date=case({person_id: _date_value(day) for person_id, day in changed.items()},
                                     value=Person.id))
            .execution_options(synchronize_session="fetch"))
    return len(changed)


def _date_value(day: date | None):
    """A date for the UPDATE's CASE; a typed NULL (PostgreSQL reads a bare NULL in a CASE as text). Dates are bound
    as dates, never CAST (SQLite's CAST to DATE makes a number)."""
    return literal(day, Date) if day is not None else cast(null(), Date)


def recompute_all(batch: int = BATCH) -> Iterator[tuple[int, int]]:
    """Recompute every live person's review date, a batch at a time by id (the caller commits after each);
    yields (people looked at, dates changed) per batch."""
    last = 0
    while True:
        ids = list(db.session.scalars(select(Person.id).where(Person.id > last, Person.erased_at.is_(None))
                                      .order_by(Person.id).limit(batch)))
        if not ids:
            return
        yield len(ids), refresh_review_date(ids)
        last = ids[-1]


def live_people_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Person).where(Person.erased_at.is_(None))) or 0


# --- Who is due ------------------------------------------------------------------------------------------------

BY_REVIEW_DATE = Sort("Review date, earliest first", (Person.review_date, Person.id), False,
                      lambda person: (person.review_date, person.id))


def due(viewer, *, by: date, after: str | None = None, size: int = PAGE_SIZE) -> Page:
    """People due for review by `by` (that day included), earliest review first, a keyset page walking
    ix_people_review_date_live; erased people and records merged into another are never listed. The listing is
    audited (the names shown)."""
    query = select(Person).where(Person.erased_at.is_(None), Person.review_date.is_not(None),
                                 Person.review_date <= by, Person.merged_into_id.is_(None))
    found = page(query, BY_REVIEW_DATE, after, size, lambda statement: list(db.session.scalars(statement)))
    audit.record("retention.list", actor=viewer, object_type="person",
                 details={"ids": [person.id for person in found.rows], "due_by": by.isoformat()})
    return found


def summaries(people: list[Person]) -> dict[int, dict]:
    """For a page of people: the day each one's last case ended and their cases in words (three statements)."""
    cases = cases_of(person.id for person in people)
    return {person.id: {"last_case_ended": rules.last_ended(cases.get(person.id, [])),
                        "cases": rules.summary(cases.get(person.id, []))} for person in people}


# --- One person's review -------------------------------------------------------------------------------------------

def load(person_id: object, *, lock: bool = False) -> Person:
    """A live person (not erased, not merged into another), or 404; locked for this transaction when deciding."""
    if not valid_id(person_id):
        raise NotFound("No such person.")
    query = select(Person).where(Person.id == person_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    person = db.session.scalar(query)
    if person is None or person.erased_at is not None or person.merged_into_id is not None:
        raise NotFound("No such person.")
    return person


def history(person: Person, viewer) -> dict:
    """What a reviewer reads: the person's cases (with references and dates), the rule's view of them, and the
    earlier decisions with who made them. A fixed number of statements."""
    from sqlalchemy.orm import joinedload

    contracts = list(db.session.scalars(select(Contract).where(Contract.person_id == person.id)
                                        .options(joinedload(Contract.referral)).order_by(Contract.start_date)))
    referrals = list(db.session.scalars(select(CheckpointReferral).where(
        CheckpointReferral.person_id == person.id, CheckpointReferral.status != referral_rules.CONTRACTED)
        .order_by(CheckpointReferral.referral_date)))
    diverts = list(db.session.scalars(select(DivertReferral).where(DivertReferral.person_id == person.id)
                                      .order_by(DivertReferral.referral_date)))
    tests = list(db.session.scalars(select(DrugTest).where(DrugTest.person_id == person.id)
                                   .order_by(DrugTest.test_date, DrugTest.id)))
    decisions = list(db.session.scalars(select(RetentionDecision).where(RetentionDecision.person_id == person.id)
                                        .order_by(RetentionDecision.decided_at.desc(), RetentionDecision.id.desc())))
    from diversion.models import User

    deciders = {user.id: user.name for user in db.session.scalars(
        select(User).where(User.id.in_({d.decided_by_id for d in decisions})))} if decisions else {}
    cases = cases_of([person.id]).get(person.id, [])
    audit.record("retention.view", actor=viewer, object_type="person", object_id=person.id, person_id=person.id)
    return {"contracts": contracts, "referrals": referrals, "diverts": diverts, "tests": tests,
            "open_tests": {test.id for test in tests if rules.Case(rules.DRUG_TEST, test.status).is_open},
            "decisions": decisions, "deciders": deciders, "open_case": rules.has_open_case(cases), "last_case_ended": rules.last_ended(cases),
            "years": reference.retention_review_years()}


def check_decision(person: Person, data: dict) -> tuple[str, str, date | None, int]:
    """(decision, reason, next review date, version read) if the decision may be recorded; raises as `decide`
    would (a preview that saves nothing: the erase confirmation page asks first)."""
    today = clock.today()
    problems = Problems()
    decision = parse.choice(data, "decision", rules.DECISIONS, problems, label="whether to retain or erase the record")
    reason = parse.text(data, "reason", problems, max_length=rules.REASON_MAX, label="the reason for the decision")
    next_review = None
    if decision == rules.RETAIN:
        next_review = parse.iso_date(data, "review_date", problems, label="the next review date", not_future=False)
        problem = next_review and rules.next_review_problem(next_review, today)
        if problem:
            problems.add("review_date", problem)
    elif decision == rules.ERASE and data.get("review_date") not in (None, ""):
        problems.add("review_date", "Only a decision to retain the record sets a next review date")
    read = writes.version(data, problems)
    problems.raise_if_any()
    if read != person.version:
        raise Conflict("This review has already been decided, or the record changed since you read it. "
                       "Read it again before deciding.")
    if rules.has_open_case(cases_of([person.id]).get(person.id, [])):
        raise Conflict("This person has an open case: close the case first. A record is reviewed only once every "
                       "case has ended.", code="open_case")
    return decision, reason, next_review, read


def decide(person_id: object, data: dict, *, actor) -> tuple[RetentionDecision, Person]:
    """Record a retain or erase decision on one person's record. The person is locked first, so two reviewers
    deciding at once take turns and the second finds the record changed ("already decided", 409)."""
    person = load(person_id, lock=True)
    decision, reason, next_review, _read = check_decision(person, data)
    years = reference.retention_review_years()
    record = RetentionDecision(person_id=person.id, decision=decision, reason=reason,
                               review_date_was=person.review_date, next_review_date=next_review,
                               decided_by_id=actor.id)
    db.session.add(record)
    if decision == rules.RETAIN:
        person.review_date = rules.review_date(cases_of([person.id]).get(person.id, []), years, next_review)
    else:
        person.review_date = None  # an erased record is never reviewed again
    person.updated_at = clock.now()  # a new version: whoever read the old one gets "already decided"
    writes.flush("person's record")
    audit.record("person.retention_decision", actor=actor, object_type="person", object_id=person.id,
                 person_id=person.id, justification=reason,
                 details={"decision": decision, "decision_id": record.id,
                          "review_date_was": record.review_date_was and record.review_date_was.isoformat(),
                          "next_review_date": person.review_date and person.review_date.isoformat()})
    if decision == rules.ERASE:
        _erase(person, actor, reason)
    return record, person


def _erase(person: Person, actor, reason: str) -> None:
    from diversion.services import erasure

    try:
        erasure.erase(person, actor=actor, reason=reason)
    except erasure.ErasureRefused as refused:
        raise Conflict(refused.message, code=refused.code) from refused
