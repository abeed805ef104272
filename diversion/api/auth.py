"""Bearer-token authentication and the role guard for API views."""
from __future__ import annotations

from functools import wraps

from flask import g, request

from diversion.domain.roles import ALL_ROLES
from diversion.errors import json_error
from diversion.api import idempotency
from diversion.services import tokens


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def api_roles(*roles: str):
    """401 without a valid token; 403 when the token's user has another role."""
    if not roles or set(roles) - ALL_ROLES:
        raise ValueError(f"api_roles needs known roles, got {roles!r}")

    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            user = tokens.authenticate(bearer_token() or "")
            if user is None:
                return json_error(401)
            if user.role not in roles:
                return json_error(403)
            g.api_user = user
            if idempotency.wanted():
                return idempotency.once(user, lambda: view(*args, **kwargs))
            return view(*args, **kwargs)

        guarded.allowed_roles = frozenset(roles)
        return guarded

    return decorator


def any_role(view):
    return api_roles(*ALL_ROLES)(view)
