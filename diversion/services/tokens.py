"""API tokens: a token belongs to the user who asked for it and acts with their role; it says what it is for,
expires (90 days unless renewed), and ends for good when its user's password changes or they are deactivated.
Issued once in clear, stored as a hash; every audit row made with it names it."""
from __future__ import annotations

from datetime import timedelta

from flask import g, has_request_context
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from diversion import audit, clock
from diversion.domain.roles import ADMIN
from diversion.errors import Conflict, Forbidden, NotFound
from diversion.extensions import db
from diversion.hashing import digest, new_secret, verify_password
from diversion.ids import valid_id
from diversion.models import ApiToken, User
from diversion.services import parse, writes
from diversion.services.parse import Problems

PREFIX = "dvt_"
TOUCH_EVERY = timedelta(minutes=5)
LIFETIME = timedelta(days=90)
REVOKED, PASSWORD_CHANGED, DEACTIVATED = "revoked", "password_changed", "deactivated"
TWO_STEP_RESET, ISSUED_FOR_ANOTHER = "two_step_reset", "issued_for_another"
ENDINGS = {REVOKED: "Revoked", PASSWORD_CHANGED: "Ended: password changed", DEACTIVATED: "Ended: user deactivated",
           TWO_STEP_RESET: "Ended: two-step sign-in reset", ISSUED_FOR_ANOTHER: "Ended: issued to act as someone else"}


def issue(owner: User, data: dict, *, actor: User | None) -> tuple[ApiToken, str]:
    """A new token for `owner`, asked for by `owner` themselves (`actor`; None from the command line, where an
    operator issues one for a named user). `data`: name, purpose."""
    if actor is not None and actor.id != owner.id:
        raise Forbidden("A token belongs to the user who asks for it.")
    problems = Problems()
    if actor is not None and not verify_password(owner.password_hash, data.get("password") or ""):
        # A token outlives the session that asks for it: ask who is there, as a bank asks before a payment.
        problems.add("password", "Enter your password to issue a token")
    name = parse.text(data, "name", problems, max_length=100, label="a name for the token, such as the system "
                                                                       "that will use it")
    purpose = parse.text(data, "purpose", problems, max_length=500, label="what the system will do with it")
    if not owner.active:
        problems.add("name", "A deactivated user cannot be given a token")
    problems.raise_if_any()
    secret = new_secret(PREFIX)
    token = ApiToken(user_id=owner.id, name=name, purpose=purpose, token_hash=digest(secret),
                     prefix=secret[: len(PREFIX) + 6], created_by_id=getattr(actor, "id", None),
                     expires_at=clock.now() + LIFETIME)
    db.session.add(token)
    writes.flush("token")
    audit.record("token.create", actor=actor or owner, object_type="api_token", object_id=token.id,
                 details={"user_id": owner.id, "expires_at": token.expires_at.isoformat()})
    return token, secret


def load(token_id: object, user: User, *, anyone_s: bool = False) -> ApiToken:
    """One of `user`'s own tokens, or with `anyone_s` (administrators) anyone's; 404 otherwise."""
    token = db.session.get(ApiToken, token_id) if valid_id(token_id) else None
    if token is None or not (token.user_id == user.id or (anyone_s and user.role == ADMIN)):
        raise NotFound("No such token.")
    return token


def owned_by(user: User) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())))


def list_all() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).options(joinedload(ApiToken.user))
                                   .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())))


def renew(token: ApiToken, data: dict, *, actor: User) -> ApiToken:
    """Another LIFETIME from now, asked by the token's owner."""
    problems = Problems()
    read = writes.version(data, problems)
    problems.raise_if_any()
    writes.check(token, read, "token")
    if not token.is_live:  # an ended or expired token stays ended: a lost secret must not live for ever
        raise Conflict("This token has ended or expired: issue a new one.")
    token.expires_at = clock.now() + LIFETIME
    writes.flush("token")
    audit.record("token.renew", actor=actor, object_type="api_token", object_id=token.id,
                 details={"expires_at": token.expires_at.isoformat()})
    return token


def revoke(token: ApiToken, data: dict, *, actor: User) -> ApiToken:
    problems = Problems()
    read = writes.version(data, problems)
    problems.raise_if_any()
    writes.check(token, read, "token")
    if token.revoked_at is not None:
        raise Conflict("This token has already ended.")
    token.revoked_at, token.revoked_reason = clock.now(), REVOKED
    writes.flush("token")
    audit.record("token.revoke", actor=actor, object_type="api_token", object_id=token.id)
    return token


def end_all(user: User, reason: str) -> None:
    """Every live token of `user` ends, for good (a password change, a deactivation)."""
    db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                       .values(revoked_at=clock.now(), revoked_reason=reason)
                       .execution_options(synchronize_session=False))


def authenticate(secret: str) -> User | None:
    """The active user owning this live, unexpired token, or None. The token is remembered for the audit."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 200 or not parse.encodable(secret):
        return None
    # The token and its user in one statement: this runs before every API request.
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(secret))
                              .options(joinedload(ApiToken.user)))
    now = clock.now()
    if token is None or not token.is_live_at(now) or not token.user.active:
        return None
    if has_request_context():
        g.api_token_id = token.id
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        # A plain UPDATE, not a new version of the token: two requests with one token at the same moment
        # both touch it, and neither is a lost update.
        # SKIP LOCKED: a request never waits for another to finish recording the same token's use.
        free = select(ApiToken.id).where(ApiToken.id == token.id).with_for_update(skip_locked=True)
        db.session.execute(update(ApiToken).where(ApiToken.id.in_(free.scalar_subquery())).values(last_used_at=now)
                           .execution_options(synchronize_session=False))
    return token.user
