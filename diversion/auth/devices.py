"""Devices someone has signed in on before (OWASP's "device cookie"): a signed cookie naming the account,
set when a sign-in completes. A sign-in from such a device is not held back by the ceiling on failures from one
address, so that someone trying made-up accounts behind a force's proxy cannot lock every colleague out; the
per-account count still applies to every device."""
from __future__ import annotations

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

MAX_AGE = 180 * 24 * 3600  # six months


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="known-device")


def cookie_name() -> str:
    return "__Host-diversion_device" if current_app.config["SESSION_COOKIE_SECURE"] else "diversion_device"


def known_for(user_id: int | None) -> bool:
    """Has this browser completed a sign-in as `user_id` within MAX_AGE?"""
    value = request.cookies.get(cookie_name())
    if not value or user_id is None:
        return False
    try:
        return _serializer().loads(value, max_age=MAX_AGE) == {"user": user_id}
    except BadSignature:
        return False


def remember(response, user_id: int):
    response.set_cookie(cookie_name(), _serializer().dumps({"user": user_id}), max_age=MAX_AGE, httponly=True,
                        secure=current_app.config["SESSION_COOKIE_SECURE"], samesite="Lax", path="/")
    return response
