"""A sign-in half done: the password was right, the second step (a code, or setting up the app) is not.

Kept in the signed Flask session cookie (user id, when, where to go next), never as a server session: nobody
is signed in until the second step is done. It lasts five minutes by the app's clock.
"""
from __future__ import annotations

from datetime import timedelta
from functools import wraps

from flask import flash, redirect, session, url_for
from flask_login import current_user

from diversion import clock
from diversion.access import public
from diversion.auth.next_url import safe_next
from diversion.extensions import db
from diversion.models import User

KEY = "pending_sign_in"
LIFETIME = timedelta(minutes=5)


def begin(user: User, next_url: str) -> None:
    session.clear()
    session.permanent = True
    session[KEY] = {"user": user.id, "at": clock.now().timestamp(), "next": safe_next(next_url)}


def _state() -> dict | None:
    state = session.get(KEY)
    if not isinstance(state, dict) or not isinstance(state.get("user"), int):
        return None
    at = state.get("at")
    if not isinstance(at, (int, float)) or not 0 <= clock.now().timestamp() - at <= LIFETIME.total_seconds():
        return None
    return state


def user_id() -> int | None:
    """The account a pending sign-in is for (read by the throttle before the view runs)."""
    state = _state()
    return state["user"] if state else None


def user() -> User | None:
    """The active user whose sign-in is pending and not yet expired, or None."""
    state = _state()
    if state is None:
        return None
    found = db.session.get(User, state["user"])
    return found if found is not None and found.active else None


def next_url() -> str:
    state = session.get(KEY) or {}
    return safe_next(state.get("next") if isinstance(state, dict) else None)


def clear() -> None:
    session.pop(KEY, None)


def required(view):
    """For the second-step pages: they answer only to someone with a live pending sign-in. They cannot be
    guarded by role (nobody is signed in yet), so they are public and this is their guard."""
    @wraps(view)
    def guarded(*args, **kwargs):
        if current_user.is_authenticated:
            return redirect(url_for("main.home"))
        pending = user()
        if pending is None:
            if KEY in session:
                clear()
                flash("Your sign-in timed out. Sign in again.", "info")
            return redirect(url_for("auth.sign_in"))
        return view(pending, *args, **kwargs)

    guarded.pending_sign_in = True
    return public(guarded)
