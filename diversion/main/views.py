"""Home page per role, and the health check."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify, render_template
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from diversion import database_roles
from diversion.access import public, signed_in
from diversion.domain.roles import CUSTODY_OFFICER, MANAGER, NAVIGATOR
from diversion.extensions import db
from diversion.services import live_cases

bp = Blueprint("main", __name__)
HOME_ALERTS = 50
HOME_OUTCOMES = 10
log = logging.getLogger(__name__)


@bp.route("/")
@signed_in
def home():
    context = {}
    if current_user.role in (NAVIGATOR, MANAGER):
        context["alerts"] = live_cases.waiting_for(current_user, limit=HOME_ALERTS + 1)
        context["more_alerts"] = len(context["alerts"]) > HOME_ALERTS
        context["alerts"] = context["alerts"][:HOME_ALERTS]
    if current_user.role == NAVIGATOR:  # their "Today" page
        from diversion.services import today

        context.update(today.for_navigator(current_user))
    if current_user.role == CUSTODY_OFFICER:  # what became of their referrals, and what is new since they looked
        from diversion.services import officer_outcomes

        context.update(officer_outcomes.for_officer(current_user, size=HOME_OUTCOMES))
    return render_template(f"main/home_{current_user.role}.html", **context)


@bp.route("/health")
@public
def health():
    try:
        db.session.execute(text("SELECT 1")).scalar_one()
    except SQLAlchemyError as error:
        db.session.rollback()
        log.warning("health check: database unreachable (%s)", type(error).__name__)
        return jsonify(status="unavailable", database="unreachable"), 503
    answer = {"status": "ok", "database": "ok"}
    if db.engine.dialect.name == "postgresql":
        # Still 200: the app works. But a deployment that connects as the schema's owner has given up the
        # database's own guards (README, "Database roles"), and whoever watches /health should see it.
        if database_roles.connected_as_runtime_role(db.session.connection()):
            answer["database_role"] = "runtime"
        else:
            answer["database_role"] = "owner_or_superuser"
            if not (current_app.debug or current_app.testing):
                log.warning("the app is connected to PostgreSQL as the schema owner or a superuser: set "
                            "DATABASE_URL to the runtime role (README, Database roles)")
    return jsonify(answer)
