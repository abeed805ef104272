"""Sign in (the password step), sign out, change password; an administrator's password must be replaced.

The second step of signing in (a code, or setting up the app) is in two_step_views.py.
"""
from __future__ import annotations

from flask import (Blueprint, abort, after_this_request, current_app, flash, redirect, render_template, request,
                   session, url_for)
from flask_login import current_user, login_user, logout_user

from diversion.access import public, signed_in
from diversion import throttle
from diversion.auth import devices, pending
from diversion.auth.forms import ChangePasswordForm, SignInForm
from diversion.auth.next_url import safe_next
from diversion.errors import ValidationFailed
from diversion.forms import apply_field_errors
from diversion.services import sessions, two_step, users

bp = Blueprint("auth", __name__)


ACCOUNT, ADDRESS, PASSWORD_CHECK = "signin-account", "signin-address", "password-check"
AUDIT_ONCE = "1 per 15 minutes"  # a throttled attempt is audited once per window and key, not once per request


def refuse_throttled(scope: str, who: str, user) -> None:
    """429, audited once per window (an anonymous flood must not fill the append-only audit trail)."""
    from diversion import audit

    if throttle.first_in_window(AUDIT_ONCE, "audited-" + scope, who):
        audit.record("auth.throttled", object_type="user", object_id=getattr(user, "id", None),
                     details={"scope": scope}, keep=True)
    abort(429)


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    if form.validate_on_submit():
        config = current_app.config
        user = users.find_by_email(form.email.data)
        account, address = throttle.key("account", users.normalise_email(form.email.data)), throttle.key(
            "address", request.remote_addr)
        # A browser this account has signed in on before is not held back by its address's ceiling.
        if not devices.known_for(getattr(user, "id", None)) and not throttle.within(
                config["SIGNIN_LIMIT_PER_ADDRESS"], ADDRESS, address):
            refuse_throttled(ADDRESS, address, user)
        if not throttle.spend(config["SIGNIN_LIMIT_PER_ACCOUNT"], ACCOUNT, account):  # counted before it is judged
            refuse_throttled(ACCOUNT, account, user)
        user = users.check_password(form.email.data, form.password.data)
        if user is not None:
            throttle.forget(config["SIGNIN_LIMIT_PER_ACCOUNT"], ACCOUNT, account)
            return _second_step(user, safe_next(request.args.get("next"), url_for("main.home")))
        throttle.spend(config["SIGNIN_LIMIT_PER_ADDRESS"], ADDRESS, address)
        apply_field_errors(form, {"email": ["Enter a correct email address and password"]})
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
    """Complete a sign-in: a new server session, audited, and this browser remembered as one the account uses.
    Nothing of the pending state survives."""
    session.clear()
    session.permanent = True
    users.record_sign_in(user, two_step_method)
    sessions.start(user)
    login_user(user)
    user_id = user.id
    after_this_request(lambda response: devices.remember(response, user_id))


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
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        limit, who = current_app.config["SIGNIN_LIMIT_PER_ACCOUNT"], throttle.key("user", current_user.id)
        if not throttle.spend(limit, PASSWORD_CHECK, who):  # the current password is a guess too
            refuse_throttled(PASSWORD_CHECK, who, current_user)
        try:
            users.change_password(current_user._get_current_object(), current=form.current_password.data,
                                  new=form.new_password.data, confirm=form.confirm_password.data)
        except ValidationFailed as failure:
            apply_field_errors(form, failure.fields)
        else:
            throttle.forget(limit, PASSWORD_CHECK, who)
            login_user(current_user._get_current_object())
            flash("Your password has been changed. Other signed-in sessions have been ended.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form,
                           two_step_enrolled=two_step.is_enrolled(current_user))
