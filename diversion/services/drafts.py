"""Referral drafts: what a custody officer has entered so far, page by page, kept on the server.

A draft belongs to the officer who started it (anyone else gets 404); once sent, its answers are cleared and
it only remembers the referral it became (so that sending it twice makes one referral); drafts untouched for a
day are deleted when their owner next starts one.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select

from diversion import audit, clock
from diversion.errors import NotFound
from diversion.extensions import db
from diversion.ids import valid_id
from diversion.models import CheckpointReferral, ReferralDraft, User
from diversion.services import referrals

KEEP_FOR = timedelta(days=1)


def start(owner: User) -> ReferralDraft:
    db.session.execute(delete(ReferralDraft).where(ReferralDraft.owner_id == owner.id,
                                                   ReferralDraft.updated_at < clock.now() - KEEP_FOR))
    draft = ReferralDraft(owner_id=owner.id, data={})
    db.session.add(draft)
    db.session.flush()
    return draft


def load(draft_id: int, user: User, *, lock: bool = False, sent_too: bool = False) -> ReferralDraft:
    """The user's own draft still being written (404 for anyone else's, and for one already sent unless
    `sent_too`). With `lock`, held for this transaction: two submissions of one draft at the same moment take
    turns."""
    query = select(ReferralDraft).where(ReferralDraft.id == draft_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    draft = db.session.scalar(query) if valid_id(draft_id) else None
    if draft is None or draft.owner_id != user.id or (draft.submitted_referral_id and not sent_too):
        raise NotFound("No such draft referral.")
    return draft


def merge(draft: ReferralDraft, section: str | None, values: dict) -> None:
    """Save one page's answers. `section` is 'person', 'offence', 'flags' or None for top-level fields."""
    data = dict(draft.data)
    if section:
        data[section] = {**data.get(section, {}), **values}
    else:
        data.update(values)
    draft.data = data  # a new dict, so the JSON column sees the change
    draft.updated_at = clock.now()
    db.session.flush()


def submit(draft: ReferralDraft, actor: User, person: dict | None = None) -> CheckpointReferral:
    """Create the referral from the draft (ValidationFailed if it is incomplete) once: a draft already sent
    answers with the referral it became (a double click makes one referral). What was typed is cleared from
    the draft; the empty row goes with the day-old drafts. `person` replaces the draft's person (with the
    officer's choice of a known person, if they made one). The caller has locked the draft (load(lock=True))."""
    if draft.submitted_referral_id is not None:
        return db.session.get(CheckpointReferral, draft.submitted_referral_id)
    referral = referrals.create({**draft.data, "person": person} if person else draft.data, actor=actor)
    draft.submitted_referral_id, draft.data = referral.id, {}
    db.session.flush()
    return referral


def discard(draft: ReferralDraft, actor: User) -> None:
    db.session.delete(draft)
    db.session.flush()
    audit.record("referral_draft.discard", actor=actor, object_type="referral_draft", object_id=draft.id)


UNFINISHED_SHOWN = 20


def unfinished(owner: User) -> list[ReferralDraft]:
    """The owner's drafts not yet sent, most recently changed first (at most UNFINISHED_SHOWN): one query."""
    return list(db.session.scalars(
        select(ReferralDraft).where(ReferralDraft.owner_id == owner.id, ReferralDraft.submitted_referral_id.is_(None))
        .order_by(ReferralDraft.updated_at.desc(), ReferralDraft.id.desc()).limit(UNFINISHED_SHOWN)))
