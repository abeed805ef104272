"""A whole contract for the pages that show all of it (the contract page, its print, the API's contract), read in a
fixed number of statements whatever it holds (issue 14: <= 12 a page, session and audit included).

The contract comes with its referral, person, navigator and outcome's recorder joined into the one statement that
applies need to know; then one statement per kind of record on it (conditions with their progress, notes, alerts,
appointments, navigator changes); then one for every user any of them names, so that `note.author`, `entry.author`
and the timeline's names are answered from the session without a statement each.

Readers that can be given a loaded contract or not (the timeline, breach risk, the appointments list) ask
`loaded(record, name)` and use the list already in memory rather than read it again.
"""
from __future__ import annotations

from sqlalchemy import inspect, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.util import identity_key

from diversion.extensions import db
from diversion.models import Condition, Contract, User

WHOLE = (
    joinedload(Contract.referral), joinedload(Contract.person), joinedload(Contract.navigator),
    joinedload(Contract.outcome_recorded_by),
    selectinload(Contract.conditions).joinedload(Condition.progress),
    selectinload(Contract.notes), selectinload(Contract.alerts), selectinload(Contract.appointments),
    selectinload(Contract.navigator_changes),
)


def loaded(record, *names: str) -> bool:
    """Whether each of these attributes of `record` is already in memory (reading it costs no statement); a plain
    row (a list's values, not a mapped record) holds none of them."""
    state = inspect(record, raiseerr=False)
    if state is None:
        return False
    unloaded = state.unloaded
    return not any(name in unloaded for name in names)


def in_session(model, key):
    """The `model` row with this primary key if the session holds it loaded, else None (never a statement)."""
    record = db.session.identity_map.get(identity_key(model, key))
    if record is None or inspect(record).expired:
        return None
    return record


def user_ids(contract: Contract) -> set[int]:
    """Every user the loaded contract's records name."""
    ids = {contract.navigator_id, contract.outcome_recorded_by_id}
    for condition in contract.conditions:
        ids.add(condition.status_changed_by_id)
        ids.update(entry.author_id for entry in condition.progress)
    ids.update(note.author_id for note in contract.notes)
    ids.update(alert.resolved_by_id for alert in contract.alerts)
    for appointment in contract.appointments:
        ids.update((appointment.booked_by_id, appointment.recorded_by_id))
    for change in contract.navigator_changes:
        ids.update((change.from_navigator_id, change.to_navigator_id, change.changed_by_id))
    ids.discard(None)
    return ids


def load_users(ids: set[int]) -> None:
    """Bring these users into the session in one statement (none if it holds them all already). The session holds
    its rows weakly: they are kept in its `info` until it ends (the request), so that later reads find them."""
    missing = [user_id for user_id in ids if in_session(User, user_id) is None]
    if missing:
        users = db.session.scalars(select(User).where(User.id.in_(missing))).all()
        db.session.info.setdefault("kept_users", []).extend(users)
