"""The outcomes of an officer's referrals: recorded as they happen (the services that end a referral or a
contract call `checkpoint` or `divert` here), listed newest first by keyset, and counted since the officer last
looked. Need to know: an officer's list holds only the referrals they made, and only coded outcomes with a breach
reason's label: never notes, conditions or free text."""
from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload

from diversion import audit, clock, keyset
from diversion.domain import officer_outcomes as rules
from diversion.erased_records import _erased_people
from diversion.extensions import db
from diversion.models import CheckpointReferral, DivertReferral, OutcomesSeen, ReferralOutcome, User

NEVER = datetime(1970, 1, 1, tzinfo=UTC)  # "never looked", carried to later pages
NEWEST_FIRST = keyset.Sort("newest", (ReferralOutcome.recorded_at, ReferralOutcome.id), True,
                           lambda row: (row.recorded_at, row.id))


def checkpoint(referral: CheckpointReferral, outcome: str, on: date, *, reason: str | None = None) -> None:
    """A Checkpoint referral (or its contract) reached an outcome: tell the officer who made it."""
    if referral.created_by_id is None or not rules.is_outcome(rules.CHECKPOINT, outcome):
        return
    db.session.add(ReferralOutcome(officer_id=referral.created_by_id, person_id=referral.person_id,
                                   scheme=rules.CHECKPOINT, checkpoint_referral_id=referral.id, outcome=outcome,
                                   reason=rules.stored_reason(outcome, reason), outcome_date=on,
                                   recorded_at=clock.now()))


def divert(referral: DivertReferral, status: str, on: date) -> None:
    """A DIVERT referral was assessed or ended: tell the officer who made it."""
    if referral.created_by_id is None or not rules.is_outcome(rules.DIVERT, status):
        return
    db.session.add(ReferralOutcome(officer_id=referral.created_by_id, person_id=referral.person_id,
                                   scheme=rules.DIVERT, divert_referral_id=referral.id, outcome=status,
                                   outcome_date=on, recorded_at=clock.now()))


def _mine(user: User):
    return select(ReferralOutcome).where(ReferralOutcome.officer_id == user.id,
                                         ReferralOutcome.person_id.not_in(_erased_people()))


def seen_up_to(user: User) -> datetime | None:
    return db.session.scalar(select(OutcomesSeen.seen_up_to).where(OutcomesSeen.user_id == user.id))


def new_count(user: User, since: datetime | None) -> int:
    """Outcomes recorded after `since` (all of them when the officer has never looked), by the index
    (officer_id, recorded_at)."""
    query = _mine(user).with_only_columns(func.count())
    if since is not None:
        query = query.where(ReferralOutcome.recorded_at > since)
    return db.session.scalar(query) or 0


class Row:
    """One outcome as the officer sees it: the referral's reference and the name they recorded, the outcome's
    words and date, a breach reason's label, and whether it is new to them."""

    def __init__(self, outcome: ReferralOutcome, referral, new: bool):
        self.id, self.scheme, self.new = outcome.id, outcome.scheme, new
        self.referral_id = outcome.checkpoint_referral_id or outcome.divert_referral_id
        self.reference = referral.reference
        self.name = referral.recorded_name or referral.person.full_name
        self.outcome, self.label = outcome.outcome, rules.label(outcome.scheme, outcome.outcome)
        self.reason = rules.reason_label(outcome.outcome, outcome.reason)
        self.outcome_date, self.recorded_at = outcome.outcome_date, outcome.recorded_at


def page(user: User, after: str | None, size: int, since: datetime | None) -> tuple[keyset.Page, list[Row]]:
    """One page of the officer's outcomes, newest first: three statements (the outcomes, and the referrals of
    each scheme they name), whatever the page."""
    found = keyset.page(_mine(user), NEWEST_FIRST, after, size, lambda q: list(db.session.scalars(q)))
    referrals = {}
    for scheme, model, column in ((rules.CHECKPOINT, CheckpointReferral, "checkpoint_referral_id"),
                                  (rules.DIVERT, DivertReferral, "divert_referral_id")):
        ids = [getattr(o, column) for o in found.rows if o.scheme == scheme]
        if ids:
            for referral in db.session.scalars(select(model).where(model.id.in_(ids))
                                               .options(joinedload(model.person))):
                referrals[(scheme, referral.id)] = referral
    rows = [Row(o, referrals[(o.scheme, o.checkpoint_referral_id or o.divert_referral_id)],
                since is None or o.recorded_at > since)
            for o in found.rows if (o.scheme, o.checkpoint_referral_id or o.divert_referral_id) in referrals]
    audit.record("referral_outcome.list", actor=user, object_type="referral_outcome",
                 details={"ids": [row.id for row in rows]})
    return found, rows


def mark_seen(user: User, up_to: datetime) -> None:
    """The officer has now seen every outcome recorded up to `up_to` (never moved back: two tabs at once keep the
    later mark). One statement, safe when two requests race."""
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(OutcomesSeen).values(user_id=user.id, seen_up_to=up_to)
    statement = statement.on_conflict_do_update(index_elements=[OutcomesSeen.user_id], set_={
        "seen_up_to": case((OutcomesSeen.seen_up_to < statement.excluded.seen_up_to, statement.excluded.seen_up_to),
                           else_=OutcomesSeen.seen_up_to)})
    db.session.execute(statement)


def for_officer(user: User, *, after: str | None = None, size: int = 10, since: str | None = None) -> dict:
    """What the officer's home page and outcomes list show: the count of new outcomes, a page of them (new ones
    tagged), and, on the first page, the mark moved past what they now see."""
    mark = seen_up_to(user)
    if after:  # a later page tags what was new when the officer opened the first one
        carried = keyset.decode(since, 1)
        mark = carried[0] if carried and isinstance(carried[0], datetime) else mark
    count = new_count(user, mark)
    found, rows = page(user, after, size, mark)
    if not after and rows:
        mark_seen(user, max(row.recorded_at for row in rows))
    return {"outcomes": rows, "outcomes_page": found, "new_outcomes": count, "last_looked": mark,
            "outcomes_since": keyset.encode((mark or NEVER,))}
