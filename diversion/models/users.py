"""Staff accounts, their signed-in sessions and their API tokens."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diversion import clock
from diversion.models.base import Base, Timestamped, UTCDateTime, Versioned


class User(Timestamped, Versioned, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    role: Mapped[str] = mapped_column(String(32), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    # Set when an administrator chose the password: the user must choose their own at next sign-in.
    must_change_password: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Two-step sign-in (TOTP, RFC 6238): the shared secret once confirmed, and the last time step used
    # (a code is good once).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", foreign_keys="ApiToken.user_id", order_by="ApiToken.id"
    )

    # Flask-Login: the session cookie carries a server-side session key, not the user id, so that a
    # copied cookie dies when the session row is ended (sign-out, deactivation, password change).
    session_key = None  # type: str | None  (set per request, never stored)

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str | None:
        return self.session_key

    def __repr__(self) -> str:  # no personal data in reprs that might reach a log
        return f"<User {self.id} {self.role}>"


class UserSession(Base):
    """One signed-in browser session. The cookie holds `key`; only its hash is stored."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_reason: Mapped[str | None] = mapped_column(String(32))

    user: Mapped[User] = relationship()


class RecoveryCode(Base):
    """A one-time code for signing in without the authenticator app; only its hash is kept."""

    __tablename__ = "user_recovery_codes"
    __table_args__ = (Index("ix_user_recovery_codes_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    code_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiToken(Versioned, Base):
    """A bearer token for the JSON API. Shown once at creation; only a SHA-256 hash is kept."""

    __tablename__ = "api_tokens"
    __table_args__ = (Index("ix_api_tokens_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    prefix: Mapped[str] = mapped_column(String(12), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(String(32))  # revoked | password_changed | deactivated
    purpose: Mapped[str | None] = mapped_column(String(500))  # what the connected system does with it
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    user: Mapped[User] = relationship(back_populates="tokens", foreign_keys=[user_id])

    def is_live_at(self, moment: datetime) -> bool:
        return self.revoked_at is None and moment < self.expires_at

    @property
    def is_live(self) -> bool:
        return self.is_live_at(clock.now())
