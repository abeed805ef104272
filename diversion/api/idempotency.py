"""`Idempotency-Key` on API writes: a client that did not hear the answer may send the same request again with
the same key and gets the first answer, not a second referral. The key is reserved (a row, unique per user)
before the write runs, so two copies sent at the same moment take turns; the answer is kept with it, in the
same transaction. A key used for a different request is refused. Keys and answers are kept for a day: an
older one is treated as never seen, and each new key clears away a batch of everyone's expired ones (the
answers hold what the write returned, personal data included, so they must not linger). A replay is audited,
because it shows a record again."""
from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from flask import jsonify, request
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from diversion import audit, clock
from diversion.errors import Conflict, ValidationFailed
from diversion.extensions import db
from diversion.models import IdempotentResponse, User

HEADER = "Idempotency-Key"
KEEP_FOR = timedelta(days=1)
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,100}$")  # printable ASCII, no spaces: a UUID fits
PURGE_BATCH = 100  # more than one write ever adds, so the table cannot grow beyond a day's keys


def wanted() -> bool:
    return request.method == "POST" and HEADER in request.headers


def once(user: User, write):
    """Run `write` (the view) unless this user's key already has an answer: then give that answer again."""
    key = request.headers[HEADER]
    if not KEY_PATTERN.match(key):
        raise ValidationFailed(fields={HEADER: ["Send a key of 1 to 100 printable characters, such as a UUID"]})
    fingerprint = hashlib.sha256(b"\n".join([request.method.encode(), request.path.encode(),
                                             request.get_data(cache=True)])).hexdigest()
    kept = _kept(user, key)
    if kept is None:
        _purge_expired()
        db.session.execute(delete(IdempotentResponse).where(  # this key's own answer from over a day ago
            IdempotentResponse.user_id == user.id, IdempotentResponse.key == key,
            IdempotentResponse.created_at < clock.now() - KEEP_FOR), execution_options={"synchronize_session": False})
        kept = IdempotentResponse(user_id=user.id, key=key, request_hash=fingerprint, status=0, body={})
        db.session.add(kept)
        try:
            db.session.flush()  # the same key at the same moment waits here for the first to finish
        except IntegrityError:
            db.session.rollback()
            kept = _kept(user, key)
            if kept is None:  # the first copy failed and took its key with it: nothing was written
                raise Conflict("Another request with this key was being handled at the same moment. Send it again.")
        else:
            response = write()
            kept.status, kept.body = response.status_code, response.get_json(silent=True) or {}
            return response
    if kept.request_hash != fingerprint:
        raise ValidationFailed(fields={HEADER: ["This key was used for a different request: use a new key"]})
    audit.record("api.idempotent_replay", actor=user, object_type="idempotent_response", object_id=kept.id,
                 details={"path": request.path, "status": kept.status})
    replay = jsonify(kept.body)
    replay.status_code = kept.status
    replay.headers["Idempotent-Replayed"] = "true"
    return replay


def _kept(user: User, key: str) -> IdempotentResponse | None:
    """This user's answer for the key, if it is less than a day old."""
    return db.session.scalar(select(IdempotentResponse).where(IdempotentResponse.user_id == user.id,
                                                              IdempotentResponse.key == key,
                                                              IdempotentResponse.created_at >= clock.now() - KEEP_FOR))


def _purge_expired() -> None:
    """Delete a batch of anyone's expired answers. Rows another write is deleting are skipped, not waited for,
    so two writes never queue (or deadlock) over the clearing up."""
    expired = (select(IdempotentResponse.id)
               .where(IdempotentResponse.created_at < clock.now() - KEEP_FOR)
               .order_by(IdempotentResponse.created_at)
               .limit(PURGE_BATCH)
               .with_for_update(skip_locked=True))
    db.session.execute(delete(IdempotentResponse).where(IdempotentResponse.id.in_(expired.scalar_subquery())),
                       execution_options={"synchronize_session": False})
