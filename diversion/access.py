"""Deny-by-default access: every view names the roles it admits.

`roles_required` guards pages (anonymous → sign-in, wrong role → 403); the API has its own guard in
`diversion.api.auth` that reads a bearer token. Both leave `allowed_roles` on the view so that
tests/test_meta.py can prove that no route is left unguarded. `public` marks the few routes that must
answer without a session (sign-in, health); the meta-test keeps that list short.
"""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from diversion.domain.roles import ALL_ROLES
from diversion.extensions import login_manager


def roles_required(*roles: str):
    unknown = set(roles) - ALL_ROLES
    if not roles or unknown:
        raise ValueError(f"roles_required needs known roles, got {roles!r}")

    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        guarded.allowed_roles = frozenset(roles)
        return guarded

    return decorator


def signed_in(view):
    """Any signed-in role (sign-out, own password, home)."""
    return roles_required(*ALL_ROLES)(view)


def public(view):
    view.public = True
    return view
