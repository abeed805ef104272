"""Two-step sign-in: time-based codes (TOTP, RFC 6238) from an authenticator app, and recovery codes.

A secret is made when enrolment starts and kept unconfirmed until the user proves their app has it by
entering a code; only a confirmed secret is asked for at sign-in. A code is good once: the time step it
belongs to is stored, and only a later step is accepted (claimed in one UPDATE, so two requests racing
with the same code cannot both win). Recovery codes are random (80 bits), shown once and kept as SHA-256
digests; each one is claimed in one UPDATE too.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

import pyotp
import segno
from markupsafe import Markup
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from diversion import audit, clock
from diversion.errors import Conflict, ValidationFailed
from diversion.extensions import db
from diversion.hashing import digest
from diversion.models import RecoveryCode, User
from diversion.services import sessions, tokens, writes

STALE_PAGE = "The page did not say which version of this user you saw. Open the user again and retry."
RECOVERY_CODE_COUNT = 10
VALID_WINDOW = 1  # the step before and after the current one, for clocks a little out
# Crockford's base32: no I, L, O or U, so a code copied from paper reads one way only.
_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_RECOVERY_LENGTH = 16  # 80 bits: a digest of it cannot be searched backwards
_CODE = re.compile(r"[0-9]{6}")


@dataclass(frozen=True)
class Check:
    """The answer to a code: ok, or why not (a reason for the audit and a message for the person)."""
    ok: bool
    reason: str | None = None
    method: str | None = None  # "code" or "recovery_code" when ok

    @property
    def message(self) -> str:
        return MESSAGES.get(self.reason or "", "")


MESSAGES = {
    "missing": "Enter the 6-digit code from your authenticator app",
    "malformed": "Enter the 6-digit code from your authenticator app, using numbers only",
    "wrong": "The code is not correct. Enter the code your authenticator app shows now",
    "reused": "That code has already been used. Wait for your authenticator app to show a new code",
    "recovery_missing": "Enter one of your recovery codes",
    "recovery_wrong": "The recovery code is not correct or has already been used",
}


def is_enrolled(user: User) -> bool:
    return user.totp_secret is not None and user.totp_confirmed_at is not None


def pending_secret(user: User) -> str | None:
    """The secret of an enrolment that has started and not yet been confirmed."""
    return user.totp_secret if user.totp_secret and user.totp_confirmed_at is None else None


def begin_enrolment(user: User) -> str:
    """A fresh secret for the user to scan; any earlier unconfirmed one is replaced."""
    if is_enrolled(user):
        raise Conflict("Two-step sign-in is already set up for this account.")
    user.totp_secret = pyotp.random_base32(32)  # 160 bits, as RFC 4226 recommends
    user.totp_last_step = None
    writes.flush("user")
    return user.totp_secret


def provisioning_uri(user: User, secret: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_code_svg(uri: str, title: str) -> Markup:
    """The QR code as an inline <svg> (no image URL for the CSP to allow), announced by its title."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, border=4, dark="#0b0c0c", light="#ffffff",
                                                title=title, svgclass="app-qr-code")
    return Markup(svg.replace("<svg ", '<svg role="img" focusable="false" ', 1))


def grouped(secret: str) -> str:
    """The secret in groups of four characters, for typing in by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _clean_code(code: str | None) -> str:
    return re.sub(r"[\s-]", "", code or "")


def _verify_step(user: User, secret: str, code: str | None) -> Check | int:
    """The time step this code belongs to, or why it is not good (not yet claimed)."""
    code = _clean_code(code)
    if not code:
        return Check(False, "missing")
    if not _CODE.fullmatch(code):
        return Check(False, "malformed")
    try:
        step = pyotp.TOTP(secret).verify_and_get_timecode(code, for_time=clock.now(), valid_window=VALID_WINDOW)
    except pyotp.exceptions.OTPVerificationError:
        return Check(False, "wrong")
    if user.totp_last_step is not None and step <= user.totp_last_step:
        return Check(False, "reused")
    return step


def _claim_step(user: User, step: int) -> bool:
    """Store the step as used, unless another request has just used it or a later one."""
    table = User.__table__
    claimed = db.session.execute(
        update(table)
        .where(table.c.id == user.id, or_(table.c.totp_last_step.is_(None), table.c.totp_last_step < step))
        .values(totp_last_step=step)
    ).rowcount == 1
    if claimed:
        set_committed_value(user, "totp_last_step", step)
    return claimed


def _failed(user: User, check: Check, during: str) -> Check:
    audit.record("auth.two_step_failed", actor=None, object_type="user", object_id=user.id,
                 details={"reason": check.reason, "during": during})
    return check


def check_code(user: User, code: str | None, *, during: str = "sign_in") -> Check:
    """A current code from the user's app, used once. Failures are audited."""
    if not is_enrolled(user):
        return _failed(user, Check(False, "wrong"), during)
    result = _verify_step(user, user.totp_secret, code)
    if isinstance(result, Check):
        return _failed(user, result, during)
    if not _claim_step(user, result):
        return _failed(user, Check(False, "reused"), during)
    return Check(True, method="code")


def check_recovery_code(user: User, code: str | None) -> Check:
    """One of the user's unused recovery codes, which is then used up. Failures are audited."""
    cleaned = _normalise_recovery_code(code)
    if not cleaned:
        return _failed(user, Check(False, "recovery_missing"), "sign_in")
    if not is_enrolled(user) or len(cleaned) != _RECOVERY_LENGTH or not set(cleaned) <= set(_ALPHABET):
        return _failed(user, Check(False, "recovery_wrong"), "sign_in")
    table = RecoveryCode.__table__
    used = db.session.execute(
        update(table)
        .where(table.c.user_id == user.id, table.c.code_hash == digest(cleaned), table.c.used_at.is_(None))
        .values(used_at=clock.now())
    ).rowcount == 1
    if not used:
        return _failed(user, Check(False, "recovery_wrong"), "sign_in")
    return Check(True, method="recovery_code")


def _normalise_recovery_code(code: str | None) -> str:
    """Lower case, without spaces or hyphens; the letters Crockford's base32 leaves out read as digits."""
    cleaned = _clean_code(code).lower()
    return cleaned.translate(str.maketrans({"i": "1", "l": "1", "o": "0"}))


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(_ALPHABET) for _ in range(_RECOVERY_LENGTH))
             for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=digest(code)) for code in codes)
    return ["-".join(code[i:i + 4] for i in range(0, _RECOVERY_LENGTH, 4)) for code in codes]


def confirm_enrolment(user: User, code: str | None) -> Check | list[str]:
    """Confirm the unconfirmed secret with a code from the app: the recovery codes (to show once), or why not."""
    secret = pending_secret(user)
    if secret is None:
        raise Conflict("Start setting up two-step sign-in again.")
    result = _verify_step(user, secret, code)
    if isinstance(result, Check):
        return _failed(user, result, "set_up")
    user.totp_confirmed_at = clock.now()
    user.totp_last_step = result
    writes.flush("user")  # two confirmations racing: the second is a 409
    codes = _new_recovery_codes(user)
    db.session.flush()
    audit.record("user.two_step_enrolled", actor=user, object_type="user", object_id=user.id)
    return codes


def renew_recovery_codes(user: User, code: str | None) -> Check | list[str]:
    """New recovery codes in place of the old ones, for a current code from the app."""
    check = check_code(user, code, during="recovery_codes")
    if not check.ok:
        return check
    codes = _new_recovery_codes(user)
    db.session.flush()
    audit.record("user.recovery_codes_renewed", actor=user, object_type="user", object_id=user.id)
    return codes


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(select(func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def reset(user: User, *, actor: User, version: int | None) -> User:
    """An administrator clears someone's two-step sign-in (a lost phone): secret, last step and recovery
    codes go, every session of theirs ends, and they set it up again at their next sign-in if it is required."""
    if user.id == actor.id:
        raise Conflict("You cannot reset your own two-step sign-in. Ask another administrator.")
    if version is None:
        raise ValidationFailed(STALE_PAGE, fields={"version": [STALE_PAGE]})
    writes.check(user, version, "user")
    return clear(user, actor=actor)


def clear(user: User, *, actor: User | None) -> User:
    """Secret, last step and recovery codes go and every session ends (`actor` None: from the command line,
    for the last administrator, who has nobody to ask)."""
    user.totp_secret = None
    user.totp_confirmed_at = None
    user.totp_last_step = None
    writes.flush("user")
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    sessions.end_all(user, "two_step_reset")
    tokens.end_all(user, tokens.TWO_STEP_RESET)  # whoever held the phone may hold a token too
    audit.record("user.two_step_reset", actor=actor, object_type="user", object_id=user.id)
    return user
