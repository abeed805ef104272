"""API tokens: issued once in clear, stored as a hash, revocable."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from diversion import audit, clock
from diversion.errors import Conflict, NotFound, ValidationFailed  # noqa: F401
from diversion.extensions import db
from diversion.services.parse import encodable
from diversion.hashing import digest, new_secret
from diversion.models import ApiToken, User

PREFIX = "dvt_"
TOUCH_EVERY = timedelta(minutes=5)
LIFETIME = timedelta(days=90)


def issue(user: User | None, *, name: str, actor: User | None) -> tuple[ApiToken, str]:
    """A new token for `user` (None when the caller could not find one: reported as a field error)."""
    fields: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        fields["name"] = ["Enter a name for the token, such as the system that will use it"]
    elif len(name) > 100:
        fields["name"] = ["Name must be 100 characters or fewer"]
    elif not encodable(name):
        fields["name"] = ["Name contains characters that are not valid text"]
    if user is None:
        fields["user_id"] = ["Choose a user"]
    elif not user.active:
        fields["user_id"] = ["A deactivated user cannot be given a token"]
    if fields:
        raise ValidationFailed(fields=fields)
    secret = new_secret(PREFIX)
    token = ApiToken(user_id=user.id, name=name, token_hash=digest(secret),
                     prefix=secret[: len(PREFIX) + 6], created_by_id=getattr(actor, "id", None),
                     expires_at=clock.now() + LIFETIME)
    db.session.add(token)
    db.session.flush()
    audit.record("token.create", actor=actor, object_type="api_token", object_id=token.id,
                 details={"user_id": user.id})
    return token, secret


def get(token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("No such token.")
    return token


def list_all() -> list[ApiToken]:
    from sqlalchemy.orm import joinedload

    return list(db.session.scalars(select(ApiToken).options(joinedload(ApiToken.user))
                                   .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())))


def revoke(token: ApiToken, *, actor: User) -> ApiToken:
    if token.revoked_at is not None:
        raise Conflict("This token has already been revoked.")
    token.revoked_at = clock.now()
    db.session.flush()
    audit.record("token.revoke", actor=actor, object_type="api_token", object_id=token.id)
    return token


def authenticate(secret: str) -> User | None:
    """The active user owning this live token, or None."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        # A plain UPDATE, not a new version of the token: two requests with one token at the same moment
        # both touch it, and neither is a lost update.
        db.session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now)
                           .execution_options(synchronize_session=False))
    return token.user
