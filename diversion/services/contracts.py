"""Contracts to engage: agree, read (each navigator their own caseload), note, progress, conditions, outcome."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from diversion import audit, clock
from diversion.domain import contracts as rules
from diversion.domain import need_to_know as access
from diversion.domain import referrals as referral_rules
from diversion.domain.deadlines import contract_deadline
from diversion.domain.roles import NAVIGATOR
from diversion.errors import Conflict, NotFound, ValidationFailed
from diversion.extensions import db
from diversion.ids import valid_id
from diversion.models import (CheckpointReferral, Condition, Contract, Note, Person, ProgressEntry,
                              User)
from diversion.services import (contract_records, identity, live_cases, need_to_know, officer_outcomes, parse,
                                users, writes)
from diversion.services.parse import Problems
from diversion.services.retention import refresh_review_date

OPEN = "open"  # a caseload filter: active or overdue (no outcome yet)


def _conditions(data: object, problems: Problems) -> list[rules.ConditionInput]:
    if data is None:
        return []
    if not isinstance(data, list):
        problems.add("conditions", "Send the conditions as a list")
        return []
    items = []
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            problems.add(f"conditions.{i}", "Each condition must be an object")
            items.append(rules.ConditionInput())
            continue
        items.append(rules.ConditionInput(**{k: item.get(k) for k in (
            "type", "description", "pathway", "community_kind", "target_hours")}))
    return items


class Agreement:
    """A checked proposal for a contract: what `agree` would create, for a page to show before saving."""

    def __init__(self, start, navigator: User, conditions: list[rules.ConditionInput]):
        self.start_date, self.navigator, self.conditions = start, navigator, conditions
        self.deadline = contract_deadline(start)


def check_agreement(referral: CheckpointReferral, data: dict, *, actor: User) -> Agreement:
    """Every rule for a new contract, without saving anything: ValidationFailed (422) or Conflict (409)."""
    today = clock.today()
    problems = Problems()
    start = parse.iso_date(data, "start_date", problems, label="the start date", today=today)
    if start and start < referral.referral_date:
        problems.add("start_date", "The contract cannot start before the referral date "
                                   f"({referral.referral_date:%-d %B %Y})")
    for key, label in (("participant_consent", "the person consented"),
                       ("warning_given", "the person was warned that a breach means prosecution")):
        if data.get(key) is not True:
            problems.add(key, f"Confirm that {label}")
    navigator = _navigator(data.get("navigator_id"), actor, problems)
    conditions = _conditions(data.get("conditions"), problems)
    for name, found in rules.condition_problems(conditions, referral.victim_wishes_restorative).items():
        for problem in found:
            problems.add(name, problem)
    version = writes.version(data, problems, required=False)
    problems.raise_if_any()
    writes.check(referral, version, "referral")
    if referral_rules.next_status(referral.status, "contract") is None:
        raise Conflict(f"This referral is {referral_rules.LABELS[referral.status].lower()}: "
                       "only a referral awaiting a navigator can get a contract.")
    if live_cases.live_contract_on(referral.person_id, start):
        raise Conflict("This person has another contract in progress on that date: a new offence during a contract "
                       "is dealt with by prosecution, not by a second contract.")
    return Agreement(start, navigator, conditions)


def agree(referral: CheckpointReferral, data: dict, *, actor: User) -> Contract:
    """Agree a contract on a referral awaiting a navigator (conditions, consent, warning, start date)."""
    # The person first, as every write about a person does (a merge, a new referral): a merge at the same moment
    # either waits for this contract or has already moved the referral to the record it kept.
    identity.lock(referral.person_id)
    db.session.refresh(referral)
    agreement = check_agreement(referral, data, actor=actor)
    contract = Contract(referral_id=referral.id, person_id=referral.person_id, navigator_id=agreement.navigator.id,
                        status=rules.ACTIVE, start_date=agreement.start_date, deadline=agreement.deadline,
                        participant_consent=True, warning_given=True)
    contract.conditions = [Condition(position=0, type=rules.OFFENDING, description=rules.OFFENDING_DESCRIPTION)] + [
        Condition(position=i + 1, type=c.type, description=c.description.strip(),
                  pathway=c.pathway if c.type == rules.PATHWAY else None,
                  community_kind=c.community_kind if c.type == rules.COMMUNITY else None,
                  target_hours=c.target_hours if c.community_kind == rules.UNPAID_WORK else None)
        for i, c in enumerate(agreement.conditions)]
    referral.status = referral_rules.CONTRACTED
    db.session.add(contract)
    writes.flush("referral")
    audit.record("contract.create", actor=actor, object_type="contract", object_id=contract.id,
                 person_id=contract.person_id,
                 details={"referral_id": referral.id, "person_id": referral.person_id})
    refresh_review_date([contract.person_id])
    return contract


def _navigator(value: object, actor: User, problems: Problems) -> User:
    if value is None:
        if actor.role != NAVIGATOR:
            problems.add("navigator_id", "Choose the navigator who will hold this contract")
        return actor
    user = db.session.get(User, value) if valid_id(value) else None
    if user is None or user.role != NAVIGATOR or not user.active:
        problems.add("navigator_id", "Choose an active navigator")
        return actor
    return user


def load(contract_id: object, user: User, *, action: str = "view", options: tuple = ()) -> Contract:
    """The contract if this user may see it: navigators only their own caseload (need to know: 404). `options`
    are loader options for the same statement (what else to read with it)."""
    need_to_know.require(access.CONTRACT, user)
    contract = need_to_know.load(access.CONTRACT, contract_id, user, not_found="No such contract.", options=options)
    if action == "view":
        audit.record("contract.view", actor=user, object_type="contract", object_id=contract.id,
                     person_id=contract.person_id,
                     details={"person_id": contract.person_id})
    return contract


def load_full(contract_id: object, user: User) -> Contract:
    """As `load`, with everything on the contract and the users it names, in a fixed number of statements
    (services/contract_records.py)."""
    contract = load(contract_id, user, options=contract_records.WHOLE)
    contract_records.load_users(contract_records.user_ids(contract))
    return contract


def add_note(contract: Contract, data: dict, *, actor: User) -> Note:
    problems = Problems()
    kind = parse.choice(data, "kind", rules.NOTE_KINDS, problems, label="the kind of note")
    body = parse.text(data, "body", problems, max_length=rules.NOTE_MAX, label="the note", strip=False)
    occurred = parse.timestamp(data, "occurred_at", problems, now=clock.now(), label="when it happened")
    problems.raise_if_any()
    note = Note(contract_id=contract.id, kind=kind, body=body, author_id=actor.id,
                occurred_at=occurred or clock.now())
    db.session.add(note)
    db.session.flush()
    audit.record("contract.note", actor=actor, object_type="contract", object_id=contract.id,
                 person_id=contract.person_id,
                 details={"note_id": note.id, "kind": kind})
    return note


def _condition(contract: Contract, condition_id: object) -> Condition:
    for condition in contract.conditions:
        if condition.id == condition_id:
            return condition
    raise NotFound("No such condition on this contract.")


def record_progress(contract: Contract, condition_id: object, data: dict, *, actor: User,
                    date_required: bool = False) -> ProgressEntry:
    """Progress with its text and the day it happened (`occurred_on`: not in the future, not before the contract
    started; today when not given, unless `date_required`, as on the page, which asks for it)."""
    condition = _condition(contract, condition_id)
    hours = data.get("hours")
    today = clock.today()
    fields, conflict = rules.progress_problems(hours, data.get("note"), condition.community_kind, contract.status)
    problems = Problems()
    occurred_on = parse.iso_date(data, "occurred_on", problems, required=date_required,
                                 label="the date it happened", today=today)
    problem = rules.progress_date_problem(occurred_on, contract.start_date, today)
    if problem:
        problems.add("occurred_on", problem)
    fields = {**fields, **problems.fields}
    if fields:
        raise ValidationFailed(fields=fields)
    if conflict:
        raise Conflict(conflict)
    entry = ProgressEntry(condition_id=condition.id, hours=hours or None, note=data["note"], author_id=actor.id,
                          occurred_on=occurred_on or today)
    db.session.add(entry)
    if hours:
        condition.hours_done = (condition.hours_done or 0) + hours
    contract.updated_at = clock.now()  # a change to a condition is a change to the contract (new version)
    writes.flush("contract")
    audit.record("contract.progress", actor=actor, object_type="contract", object_id=contract.id,
                 person_id=contract.person_id,
                 details={"condition_id": condition.id, "hours": hours})
    return entry


def set_condition_status(contract: Contract, condition_id: object, data: dict, *, actor: User) -> Contract:
    condition = check_condition_status(contract, condition_id, data)
    condition.status = data["status"]
    _mark(condition, actor)
    contract.updated_at = clock.now()
    writes.flush("contract")
    audit.record("contract.condition_status", actor=actor, object_type="contract", object_id=contract.id,
                 person_id=contract.person_id,
                 details={"condition_id": condition.id, "status": condition.status})
    return contract


def _mark(condition: Condition, actor: User) -> None:
    """When and by whom a condition's status last changed (its line on the contract's timeline)."""
    condition.status_changed_at = clock.now()
    condition.status_changed_by_id = actor.id


def check_condition_status(contract: Contract, condition_id: object, data: dict) -> Condition:
    """The condition, if `data` may set its status (a preview that saves nothing: the confirmation page asks
    first); raises as set_condition_status would."""
    condition = _condition(contract, condition_id)
    problems = Problems()
    version = writes.version(data, problems)
    problem = rules.condition_status_problem(
        condition.type, data.get("status"), contract.status, community_kind=condition.community_kind,
        target_hours=condition.target_hours, hours_done=condition.hours_done)
    if problem and problem[0] == "field":
        problems.add("status", problem[1])
    problems.raise_if_any()
    writes.check(contract, version, "contract")
    if problem:
        raise Conflict(problem[1], fields={"conditions": [str(condition.id)]})
    return condition


def record_outcome(contract: Contract, data: dict, *, actor: User) -> Contract:
    on, reason, details = check_outcome(contract, data)
    outcome = data["outcome"]
    referral = contract.referral  # loaded before any change: a lazy load later would autoflush a stale version (500)
    contract.status = outcome
    contract.outcome_date = on
    contract.outcome_reason = reason if outcome != rules.COMPLETED else None
    contract.outcome_details = details
    contract.outcome_recorded_by_id = actor.id
    contract.outcome_recorded_at = clock.now()
    offending = next(c for c in contract.conditions if c.type == rules.OFFENDING)
    if outcome == rules.COMPLETED:
        offending.status = rules.MET
        _mark(offending, actor)
    elif outcome == rules.BREACHED:
        contract.prosecution_referred = True
        if reason == "reoffended":
            offending.status = rules.FAILED
            _mark(offending, actor)
    live_cases.resolve_on_outcome(contract, outcome, actor)
    officer_outcomes.checkpoint(referral, outcome, on, reason=reason)  # the referring officer is told
    writes.flush("contract")
    audit.record(f"contract.{outcome}", actor=actor, object_type="contract", object_id=contract.id,
                 person_id=contract.person_id,
                 justification=details, details={"reason": contract.outcome_reason})
    refresh_review_date([contract.person_id])  # the case ended
    return contract


def check_outcome(contract: Contract, data: dict) -> tuple:
    """(date, reason, details) if the outcome may be recorded (a preview that saves nothing: the confirmation
    page asks first); raises as record_outcome would."""
    today = clock.today()
    problems = Problems()
    on = parse.iso_date(data, "date", problems, label="the date of the outcome", today=None, not_future=False)
    details = parse.text(data, "details", problems, required=False, max_length=rules.NOTE_MAX, strip=False)
    reason = data.get("reason")
    version = writes.version(data, problems)
    if reason is not None and not isinstance(reason, str):
        problems.add("reason", "Give the reason as a code")
        reason = None
    check = rules.check_outcome(
        outcome=data.get("outcome"), on=on, reason=reason, stored_status=contract.status,
        start_date=contract.start_date, deadline=contract.deadline, today=today,
        condition_statuses={c.id: (c.type, c.status) for c in contract.conditions},
        open_alerts=[a.id for a in live_cases.open_alerts(contract)])
    for name, found in check.fields.items():
        if name not in problems.fields:  # a field that failed to parse is already explained
            for problem in found:
                problems.add(name, problem)
    problems.raise_if_any()
    writes.check(contract, version, "contract")
    if check.conflict:
        raise Conflict(check.conflict, fields=check.conflict_fields)
    return on, reason, details


def _contract_query(user: User, *, status: str | None = None, due_within_days: int | None = None,
                    due_before=None, navigator_id: int | None = None, navigator_search: str | None = None,
                    search: str | None = None):
    """Contracts this user may see (need to know), filtered. `status` is a shown status (overdue is active past
    its deadline); `navigator_search` is part of a navigator's name or email (for those who see every navigator's
    contracts); `search` is a name (any words, accents ignored), a PNC id or a case reference."""
    from datetime import timedelta

    from diversion.services import people, references

    need_to_know.require(access.CONTRACT, user)
    today = clock.today()
    query = select(Contract).where(need_to_know.visible(access.CONTRACT, user))
    if navigator_id and user.role != NAVIGATOR:
        query = query.where(Contract.navigator_id == navigator_id)
    if navigator_search and navigator_search.strip() and user.role != NAVIGATOR:
        query = query.where(Contract.navigator_id.in_(users.navigators_holding(navigator_search)))
    if status == OPEN:
        query = query.where(Contract.status == rules.ACTIVE)
    elif status == rules.OVERDUE:
        query = query.where(Contract.status == rules.ACTIVE, Contract.deadline < today)
    elif status == rules.ACTIVE:
        query = query.where(Contract.status == rules.ACTIVE, Contract.deadline >= today)
    elif status in rules.OUTCOMES:
        query = query.where(Contract.status == status)
    if due_within_days is not None:
        query = query.where(Contract.status == rules.ACTIVE, Contract.deadline >= today,
                            Contract.deadline <= today + timedelta(days=due_within_days))
    if due_before is not None:
        query = query.where(Contract.deadline < due_before)
    if search and search.strip():  # (the person joined whatever the search: a sort by name relies on it)
        query = query.join(Contract.person)
        reference = references.parse_reference(search)
        if reference is not None and reference[0] == references.CHECKPOINT:  # this very case
            query = query.where(Contract.referral_id.in_(
                select(CheckpointReferral.id).where(CheckpointReferral.reference == reference[1])))
        else:
            # The people found first, on their own (the trigram index on the names), then their contracts: a
            # materialised set, so that the planner cannot instead walk every contract in deadline order
            # asking each one's person whether the name matches.
            found = select(Person.id).where(people.matching(search, user)).cte("found").prefix_with("MATERIALIZED")
            query = query.where(Contract.person_id.in_(select(found.c.id)))
    return query


def due_and_overdue(user: User, *, due_within_days: int, shown: int) -> dict:
    """The dashboard's two short lists: the first `shown` contracts due within the days given and the first overdue
    ones (by deadline, with people), and how many there are of each: three statements and one audit row."""
    from sqlalchemy import func

    queries = {"due": _contract_query(user, due_within_days=due_within_days),
               "overdue": _contract_query(user, status=rules.OVERDUE)}
    totals = db.session.execute(select(*(
        select(func.count()).select_from(query.order_by(None).subquery()).scalar_subquery().label(name)
        for name, query in queries.items()))).one()._asdict()
    lists = {name: list(db.session.scalars(query.options(joinedload(Contract.person))
                                           .order_by(Contract.deadline, Contract.id).limit(shown)))
             for name, query in queries.items()}
    audit.record("contract.list", actor=user, object_type="contract",
                 details={"ids": [c.id for rows in lists.values() for c in rows]})
    return {name: (lists[name], totals[name]) for name in queries}


def listing(user: User, *, after_id: int | None, limit: int, **filters) -> list[Contract]:
    """For the API: contracts in id order after a cursor, with their referral and person (joined), conditions,
    alerts and notes, and the notes' authors: six statements whatever the page's length."""
    query = _contract_query(user, **filters)
    if after_id is not None:
        query = query.where(Contract.id > after_id)
    # The page's ids first, then their rows joined to their referrals and people: the joins are made for the page,
    # not for every contract the filter matches before the database sorts them and keeps the first `limit`.
    page = query.with_only_columns(Contract.id).order_by(Contract.id).limit(limit).subquery()
    rows = list(db.session.scalars(select(Contract).join(page, page.c.id == Contract.id).options(
        joinedload(Contract.person), joinedload(Contract.referral), selectinload(Contract.conditions),
        selectinload(Contract.alerts), selectinload(Contract.notes).selectinload(Note.author))
        .order_by(Contract.id)))
    audit.record("contract.list", actor=user, object_type="contract", details={"ids": [c.id for c in rows]})
    return rows
