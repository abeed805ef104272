"""Server-side sessions: the cookie holds a random key; the row says whether it still works.

Ending the row (sign-out, idle timeout, deactivation, password change) kills every copy of the cookie.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from diversion import clock
from diversion.extensions import db
from diversion.hashing import digest, new_secret
from diversion.models import User, UserSession

TOUCH_EVERY = timedelta(minutes=1)  # how stale last_seen_at may get before we write it again


def start(user: User) -> str:
    key = new_secret()
    db.session.add(UserSession(key_hash=digest(key), user_id=user.id))
    db.session.flush()
    user.session_key = key
    return key


def load(key: str, idle_minutes: int, absolute_hours: int = 10) -> User | None:
    """The user behind a live session key, or None. A session idle too long, or older than a shift
    (`absolute_hours`) however busy, is ended here."""
    # The session and its user in one statement: this runs before every signed-in request.
    found = db.session.execute(select(UserSession, User).join(User, User.id == UserSession.user_id)
                               .where(UserSession.key_hash == digest(key))).first()
    row, user = found if found is not None else (None, None)
    if row is None or row.ended_at is not None:
        return None
    now = clock.now()
    if now - row.last_seen_at > timedelta(minutes=idle_minutes):
        row.ended_at, row.ended_reason = now, "idle"
        return None
    if now - row.created_at > timedelta(hours=absolute_hours):
        row.ended_at, row.ended_reason = now, "expired"
        return None
    if user is None or not user.active:
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = now
    user.session_key = key
    return user


def end(key: str, reason: str) -> None:
    db.session.execute(
        update(UserSession)
        .where(UserSession.key_hash == digest(key), UserSession.ended_at.is_(None))
        .values(ended_at=clock.now(), ended_reason=reason)
    )


def end_all(user: User, reason: str) -> None:
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=clock.now(), ended_reason=reason)
    )
