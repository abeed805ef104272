"""Flask-Login wiring: the cookie's key is looked up in user_sessions on every request."""
from __future__ import annotations

from flask import current_app

from diversion.extensions import login_manager
from diversion.services import sessions

login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Sign in to continue."
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(session_key: str):
    return sessions.load(session_key, current_app.config["SESSION_IDLE_MINUTES"],
                         current_app.config["SESSION_ABSOLUTE_HOURS"])
