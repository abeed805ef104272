"""Staff accounts: create, authenticate, change role, deactivate, change password."""
from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import false, func, or_, select

from diversion import audit, clock, keyset
from diversion.domain import roles
from diversion.domain.passwords import password_problems
from diversion.domain.text import storable
from diversion.errors import Conflict, NotFound, ValidationFailed
from diversion.extensions import db
from diversion.hashing import hash_password, needs_rehash, verify_password
from diversion.models import User
from diversion.services import sessions, tokens, writes
from diversion.services.parse import encodable


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_by_email(email: str) -> User | None:
    email = normalise_email(email)
    if not encodable(email) or len(email) > 254:  # a NUL or an over-long address matches nobody
        return None
    return db.session.scalar(select(User).where(func.lower(User.email) == email))


def get(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


def find(user_id) -> User | None:
    """The user with this id (given as text from a form), or None."""
    from diversion.ids import valid_id

    try:
        value = int(user_id)
    except (TypeError, ValueError):
        return None
    return db.session.get(User, value) if valid_id(value) else None


USERS_PER_PAGE = 50
BY_NAME = keyset.Sort("name", (User.name, User.id), False, lambda user: (user.name, user.id))


def page_of_users(*, active: bool = True, role: str | None = None, search: str = "", after: str | None = None,
                  size: int = USERS_PER_PAGE) -> tuple[keyset.Page, int]:
    """One page of the users (active ones, or the deactivated), by name, from the cursor `after`; only `role`'s if
    given, and only those whose name or email holds `search` (any case; on SQLite, whose lower() folds only ASCII
    letters, an accented capital matches only itself). With how many there are in all (up to
    keyset.COUNTED_UP_TO + 1). A national service has thousands of staff: a page, never all of them."""
    query = select(User).where(User.active.is_(active))
    if roles.is_role(role):
        query = query.where(User.role == role)
    if (search or "").strip():
        query = query.where(holding(search))
    total = db.session.scalar(keyset.bounded_count(query, User.id))
    return keyset.page(query, BY_NAME, after, size, lambda statement: list(db.session.scalars(statement))), total


def holding(search: str):
    """The WHERE clause for users whose name or email holds `search` (trimmed, any case; `%`, `_` and `\\` are
    themselves, not wildcards). No name or email holds a NUL character (none can be stored), and PostgreSQL refuses
    one in a query: a search holding one matches nobody."""
    needle = search.strip().lower()
    if not storable(needle):
        return false()
    return or_(func.lower(User.name).contains(needle, autoescape=True),
               func.lower(User.email).contains(needle, autoescape=True))


def navigators_holding(search: str):
    """The ids of the navigators (active or not: their contracts may still be theirs) whose name or email holds
    `search`, as a subquery."""
    return select(User.id).where(User.role == roles.NAVIGATOR, holding(search))


def _check_email(email: str, fields: dict) -> str:
    email = normalise_email(email)
    if not email:
        fields.setdefault("email", []).append("Enter an email address")
        return email
    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        fields.setdefault("email", []).append("Enter an email address in the correct format, like name@example.org")
        return email
    if find_by_email(email) is not None:
        fields.setdefault("email", []).append("A user with this email address already exists")
    return email


def _check_name(name: str, fields: dict) -> str:
    name = (name or "").strip()
    if not name:
        fields.setdefault("name", []).append("Enter the person's full name")
    elif len(name) > 100:
        fields.setdefault("name", []).append("Name must be 100 characters or fewer")
    elif not encodable(name):
        fields.setdefault("name", []).append("Name contains characters that are not valid text")
    return name


def _check_role(role: str, fields: dict) -> None:
    if not roles.is_role(role):
        fields.setdefault("role", []).append(
            "Choose a role: " + ", ".join(roles.ROLES))


def create(*, email: str, name: str, role: str, password: str, actor: User | None) -> User:
    fields: dict[str, list[str]] = {}
    email = _check_email(email, fields)
    name = _check_name(name, fields)
    _check_role(role, fields)
    for problem in password_problems(password or "", (email, name)):
        fields.setdefault("password", []).append(problem)
    if fields:
        raise ValidationFailed(fields=fields)
    # An administrator who chose someone's first password knows it: they choose their own at first sign-in.
    user = User(email=email, name=name, role=role, password_hash=hash_password(password), active=True,
                must_change_password=actor is not None)
    db.session.add(user)
    writes.flush("user")  # the same new email at the same moment: one user, a 409 for the other
    audit.record("user.create", actor=actor, object_type="user", object_id=user.id,
                 details={"role": role})
    return user


def check_password(email: str, password: str) -> User | None:
    """The first step of signing in: the active user with this email and password, or None (audited).
    The sign-in is complete only when `record_sign_in` is called (after the code, if two-step is on)."""
    user = find_by_email(email)
    ok = verify_password(user.password_hash if user else None, password or "")
    if not ok or user is None or not user.active:
        reason = "unknown_account" if user is None else ("deactivated" if ok else "wrong_password")
        audit.record("auth.sign_in_failed", actor=None, object_type="user" if user else None,
                     object_id=user.id if user else None, details={"reason": reason})
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def record_sign_in(user: User, two_step: str | None = None) -> None:
    audit.record("auth.sign_in", actor=user, object_type="user", object_id=user.id,
                 details={"two_step": two_step} if two_step else None)


STALE_PAGE = "The page did not say which version of this user you saw. Open the user again and retry."


def _check_version(user: User, expected_version: int | None) -> None:
    """An administrator's change to a user says which version of the user they saw; a form that lost it
    is refused rather than written over whatever is there now."""
    if expected_version is None:
        raise ValidationFailed(STALE_PAGE, fields={"version": [STALE_PAGE]})
    if expected_version != user.version:
        raise Conflict("Someone else changed this user while you were looking at it. Check and try again.")


def refuse_to_strand(user: User) -> None:
    """A navigator holding open contracts or reserved referrals keeps their role and access until their caseload
    is reassigned (services/allocation.py: 409, naming whose caseload to move)."""
    from diversion.services import allocation

    allocation.refuse_to_strand(user)


def _save(user: User) -> None:
    writes.flush("user")


def change_role(user: User, role: str, *, actor: User, version: int | None) -> User:
    fields: dict[str, list[str]] = {}
    _check_role(role, fields)
    if fields:
        raise ValidationFailed(fields=fields)
    if user.id == actor.id and role != user.role:
        raise ValidationFailed(fields={"role": ["You cannot change your own role"]})
    _check_version(user, version)
    if role != user.role:
        refuse_to_strand(user)
    before = user.role
    user.role = role
    _save(user)
    audit.record("user.change_role", actor=actor, object_type="user", object_id=user.id,
                 details={"from": before, "to": role})
    return user


def set_active(user: User, active: bool, *, actor: User, version: int | None) -> User:
    if user.id == actor.id and not active:
        raise Conflict("You cannot deactivate your own account.")
    _check_version(user, version)
    if not active:
        refuse_to_strand(user)
    user.active = active
    _save(user)
    if not active:
        sessions.end_all(user, "deactivated")
        tokens.end_all(user, tokens.DEACTIVATED)  # for good: reactivation does not bring them back
    audit.record("user.deactivate" if not active else "user.reactivate", actor=actor,
                 object_type="user", object_id=user.id)
    return user


def change_password(user: User, *, current: str, new: str, confirm: str) -> str:
    """Change the user's password; ends every session and returns a fresh session key for this one."""
    fields: dict[str, list[str]] = {}
    if not current:
        fields["current_password"] = ["Enter your current password"]
    elif not verify_password(user.password_hash, current):
        fields["current_password"] = ["Your current password is not correct"]
        audit.record("auth.password_check_failed", actor=user, object_type="user", object_id=user.id, keep=True)
    problems = password_problems(new or "", (user.email, user.name))
    if not new:
        fields["new_password"] = ["Enter a new password"]
    elif problems:
        fields["new_password"] = problems
    elif new != confirm:
        fields["confirm_password"] = ["The passwords do not match"]
    elif current == new:
        fields["new_password"] = ["Choose a password you have not just used"]
    if fields:
        raise ValidationFailed(fields=fields)
    user.password_hash = hash_password(new)
    user.password_changed_at = clock.now()
    user.must_change_password = False
    _save(user)
    sessions.end_all(user, "password_changed")
    tokens.end_all(user, tokens.PASSWORD_CHANGED)
    audit.record("user.change_password", actor=user, object_type="user", object_id=user.id)
    return sessions.start(user)


def names(ids) -> dict[int, str]:
    """Staff names by id, in one query (for "recorded by" lines)."""
    ids = sorted({int(i) for i in ids if i is not None})
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def reset_password(user: User, new: str, *, actor: User, version: int | None) -> User:
    """An administrator sets a new password for someone who has forgotten theirs: every session they have
    ends, and they must choose their own when they next sign in (the administrator knows this one)."""
    problems = password_problems(new or "", (user.email, user.name))
    if problems:
        raise ValidationFailed(fields={"password": problems})
    _check_version(user, version)
    user.password_hash = hash_password(new)
    user.password_changed_at = clock.now()
    user.must_change_password = True
    _save(user)
    sessions.end_all(user, "password_reset")
    tokens.end_all(user, tokens.PASSWORD_CHANGED)
    audit.record("user.reset_password", actor=actor, object_type="user", object_id=user.id)
    return user
