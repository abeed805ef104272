"""Sign in (the password step), sign out, change password; an administrator's password must be replaced.

The second step of signing in (a code, or setting up the app) is in two_step_views.py.
"""
from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from diversion.access import public, signed_in
from diversion.auth import pending
from diversion.auth.forms import ChangePasswordForm, SignInForm
from diversion.auth.next_url import safe_next
from diversion.errors import ValidationFailed
from diversion.extensions import limiter
from diversion.forms import apply_field_errors
from diversion.services import sessions, two_step, users

bp = Blueprint("auth", __name__)


def _account_key() -> str:
    """Throttle key for the account being tried: a hash, so no email address sits in Redis."""
    email = users.normalise_email(request.form.get("email", ""))
    return "signin-account:" + hashlib.sha256(email.encode()).hexdigest()


def _failed(_response) -> bool:
    return bool(g.get("sign_in_failed"))


def _throttled(limit) -> None:
    """A throttled sign-in is audited (who was being tried, if they exist; which limit), even though the
    request answers 429 and rolls back."""
    from diversion import audit

    user = users.find_by_email(request.form.get("email", ""))
    audit.record("auth.sign_in_throttled", actor=user, object_type="user", object_id=getattr(user, "id", None),
                 details={"limit": str(limit.limit)}, keep=True)


def _user_key() -> str:
    return f"password-check:{current_user.id}"


def _check_failed(_response) -> bool:
    return bool(g.get("password_check_failed"))


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["SIGNIN_LIMIT_PER_ADDRESS"], methods=["POST"],
               deduct_when=_failed, scope="signin-address", on_breach=_throttled)
@limiter.limit(lambda: current_app.config["SIGNIN_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=_account_key, deduct_when=_failed, scope="signin-account", on_breach=_throttled)
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    if form.validate_on_submit():
        user = users.check_password(form.email.data, form.password.data)
        if user is not None:
            return _second_step(user, safe_next(request.args.get("next"), url_for("main.home")))
        g.sign_in_failed = True
        apply_field_errors(form, {"email": ["Enter a correct email address and password"]})
    elif request.method == "POST":
        g.sign_in_failed = True
    return render_template("auth/sign_in.html", form=form)


def _second_step(user, next_url: str):
    """After the right password: a code for those who have set up two-step sign-in, setting it up for
    those who must and have not, otherwise signed in now."""
    if two_step.is_enrolled(user):
        pending.begin(user, next_url)
        return redirect(url_for("auth.sign_in_code"))
    if current_app.config["TOTP_REQUIRED"]:
        pending.begin(user, next_url)
        two_step.begin_enrolment(user)
        return redirect(url_for("auth.sign_in_set_up"))
    start_session(user)
    return redirect(after_sign_in(user, next_url))


def start_session(user, two_step_method: str | None = None) -> None:
    """Complete a sign-in: a new server session, audited. Nothing of the pending state survives."""
    session.clear()
    session.permanent = True
    users.record_sign_in(user, two_step_method)
    sessions.start(user)
    login_user(user)


def after_sign_in(user, next_url: str) -> str:
    return url_for("auth.change_password") if user.must_change_password else next_url


# While an administrator's password is still theirs, only these answer; the API is left to its tokens.
OPEN_WHILE_PASSWORD_MUST_CHANGE = {"auth.change_password", "auth.sign_out", "main.health", "static"}


@bp.before_app_request
def _password_must_change():
    if request.endpoint is None or request.endpoint in OPEN_WHILE_PASSWORD_MUST_CHANGE:
        return None
    if request.blueprint == "api":
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        return redirect(url_for("auth.change_password"))
    return None


@bp.route("/sign-out", methods=["POST"])
@signed_in
def sign_out():
    sessions.end(current_user.session_key, "signed_out")
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
@limiter.limit(lambda: current_app.config["SIGNIN_LIMIT_PER_ACCOUNT"], methods=["POST"], key_func=_user_key,
               deduct_when=_check_failed, scope="password-check")  # the current password is a guess too
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            users.change_password(current_user._get_current_object(), current=form.current_password.data,
                                  new=form.new_password.data, confirm=form.confirm_password.data)
        except ValidationFailed as failure:
            apply_field_errors(form, failure.fields)
        else:
            login_user(current_user._get_current_object())
            flash("Your password has been changed. Other signed-in sessions have been ended.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form,
                           two_step_enrolled=two_step.is_enrolled(current_user))
