"""Counting guesses so that parallel requests cannot outrun the count.

A guess (a password, a current password, a two-step code) is counted *before* it is judged, in one atomic step
in the store every worker shares (Flask-Limiter's configured storage and sliding window): forty guesses sent at
once are forty hits, and only the first five are judged at all. A correct answer clears the account's count, so
that people who sign in often are never throttled. If the shared store stops answering, guesses are counted in
this process meanwhile (and the log says so): never a 500, never no count at all.

Keys are HMACs under the app's secret: an email address cannot be read back from a key in Redis.
"""
from __future__ import annotations

import hashlib
import hmac
import logging

from flask import current_app
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from diversion.extensions import limiter

log = logging.getLogger(__name__)
_fallback = MovingWindowRateLimiter(MemoryStorage())


def key(*parts: object) -> str:
    """An opaque key for what is being counted (an account, an address)."""
    message = "\x1f".join(str(part) for part in parts).encode()
    return hmac.new(current_app.config["SECRET_KEY"].encode(), message, hashlib.sha256).hexdigest()


def _item(limit: str) -> RateLimitItem:
    return parse(limit)


def spend(limit: str, scope: str, who: str) -> bool:
    """Count one attempt now; False when it is beyond `limit` (the attempt must then not be judged)."""
    try:
        return limiter.limiter.hit(_item(limit), scope, who)
    except Exception as error:  # the shared store is not answering
        log.warning("throttle store unreachable (%s): counting in this process", type(error).__name__)
        return _fallback.hit(_item(limit), scope, who)


def within(limit: str, scope: str, who: str) -> bool:
    """Is there room for one more (without counting it)?"""
    try:
        return limiter.limiter.test(_item(limit), scope, who)
    except Exception:
        return _fallback.test(_item(limit), scope, who)


def forget(limit: str, scope: str, who: str) -> None:
    """A correct answer: the count for this key starts again."""
    for strategy in (limiter.limiter, _fallback):
        try:
            strategy.clear(_item(limit), scope, who)
        except Exception:
            pass


def first_in_window(limit: str, scope: str, who: str) -> bool:
    """True once per window per key: for recording a throttled attempt in the audit without flooding it."""
    return spend(limit, scope, who)
