"""Pages for API tokens. A token belongs to the user who asks for it and acts with their role: anyone may
issue their own (an administrator's are the service tokens of connected systems); administrators see and
revoke everyone's."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from diversion import confirming
from diversion.access import roles_required, signed_in
from diversion.domain.roles import ADMIN
from diversion.errors import Conflict, ValidationFailed
from diversion.pages import PageErrors
from diversion.services import tokens
from diversion.services.parse import whole_number

bp = Blueprint("tokens", __name__)


@bp.route("/account/tokens")
@signed_in
def mine():
    return render_template("tokens/mine.html", tokens=tokens.owned_by(current_user), endings=tokens.ENDINGS,
                           lifetime_days=tokens.LIFETIME.days)


@bp.route("/account/tokens/new", methods=["GET", "POST"])
@signed_in
def new():
    errors, values = PageErrors(), {"name": "", "purpose": ""}
    if request.method == "POST":
        values = {key: request.form.get(key, "") for key in values}
        try:
            token, secret = tokens.issue(current_user, {**values, "password": request.form.get("password")},
                                         actor=current_user)
        except ValidationFailed as failure:
            errors = PageErrors(failure.fields, ["name", "purpose", "password"])
        else:
            # Shown once, on this response only (Cache-Control: no-store); never stored in clear.
            return render_template("tokens/created.html", token=token, secret=secret)
    return render_template("tokens/new.html", errors=errors, values=values,
                           lifetime_days=tokens.LIFETIME.days), (422 if errors else 200)


@bp.route("/account/tokens/<int:token_id>/renew", methods=["POST"])
@signed_in
def renew(token_id: int):
    token = tokens.load(token_id, current_user)
    return _act(lambda: tokens.renew(token, _versioned(), actor=current_user),
                f"Token “{token.name}” renewed until", token, "tokens.mine")


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@signed_in
def revoke(token_id: int):
    token = tokens.load(token_id, current_user)
    if not confirming.confirmed():
        return _confirm_revoke(token, "tokens.revoke", "tokens.mine")
    return _act(lambda: tokens.revoke(token, _versioned(), actor=current_user),
                f"Token “{token.name}” revoked.", None, "tokens.mine")


@bp.route("/admin/tokens")
@roles_required(ADMIN)
def everyone():
    return render_template("tokens/everyone.html", tokens=tokens.list_all(), endings=tokens.ENDINGS)


@bp.route("/admin/tokens/<int:token_id>/revoke", methods=["POST"])
@roles_required(ADMIN)
def revoke_any(token_id: int):
    token = tokens.load(token_id, current_user, anyone_s=True)
    if not confirming.confirmed():
        return _confirm_revoke(token, "tokens.revoke_any", "tokens.everyone")
    return _act(lambda: tokens.revoke(token, _versioned(), actor=current_user),
                f"Token “{token.name}” revoked.", None, "tokens.everyone")


def _confirm_revoke(token, endpoint: str, back: str):
    """Revoking ends a token for good: ask first (the systems using it stop working)."""
    return confirming.page(confirming.Confirmation(
        question=f"Are you sure you want to revoke the token “{token.name}”?",
        action=url_for(endpoint, token_id=token.id), button="Yes, revoke it", cancel=url_for(back),
        warning="A revoked token cannot be used again: any system using it stops working at once.",
        explain=["To carry on, issue a new token and give it to the system."],
        hidden=[("version", request.form.get("version", ""))]))


def _versioned() -> dict:
    raw = request.form.get("version", "")
    return {"version": int(raw) if whole_number(raw) else None}


def _act(change, message: str, token, back: str):
    try:
        change()
    except (ValidationFailed, Conflict) as failure:
        flash(failure.message if isinstance(failure, Conflict) else "The page was out of date: try again.", "error")
    else:
        flash(f"{message} {token.expires_at:%-d %B %Y}." if token is not None else message, "success")
    return redirect(url_for(back))
