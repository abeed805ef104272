"""Sign in, sign out, change password."""
from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from diversion.access import public, signed_in
from diversion.auth.forms import ChangePasswordForm, SignInForm
from diversion.auth.next_url import safe_next
from diversion.errors import ValidationFailed
from diversion.extensions import limiter
from diversion.forms import apply_field_errors
from diversion.services import sessions, users

bp = Blueprint("auth", __name__)


def _account_key() -> str:
    """Throttle key for the account being tried: a hash, so no email address sits in Redis."""
    email = users.normalise_email(request.form.get("email", ""))
    return "signin-account:" + hashlib.sha256(email.encode()).hexdigest()


def _failed(_response) -> bool:
    return bool(g.get("sign_in_failed"))


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["SIGNIN_LIMIT_PER_ADDRESS"], methods=["POST"],
               deduct_when=_failed, scope="signin-address")
@limiter.limit(lambda: current_app.config["SIGNIN_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=_account_key, deduct_when=_failed, scope="signin-account")
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    if form.validate_on_submit():
        user = users.authenticate(form.email.data, form.password.data)
        if user is not None:
            session.clear()
            session.permanent = True
            sessions.start(user)
            login_user(user)
            return redirect(safe_next(request.args.get("next"), url_for("main.home")))
        g.sign_in_failed = True
        apply_field_errors(form, {"email": ["Enter a correct email address and password"]})
    elif request.method == "POST":
        g.sign_in_failed = True
    return render_template("auth/sign_in.html", form=form)


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
        try:
            users.change_password(current_user._get_current_object(), current=form.current_password.data,
                                  new=form.new_password.data, confirm=form.confirm_password.data)
        except ValidationFailed as failure:
            apply_field_errors(form, failure.fields)
        else:
            login_user(current_user._get_current_object())
            flash("Your password has been changed. Other signed-in sessions have been ended.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)
