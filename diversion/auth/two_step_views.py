"""Two-step sign-in pages: the code after the password, setting up the app, and the account page.

Codes are counted per account before they are judged (diversion/throttle.py) and wrong ones audited by the
service; a correct code clears the count.
A page that reports a wrong code answers 200 so that the audit of the failure is committed.
"""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from diversion.access import signed_in
from diversion.auth import pending
from diversion.auth.forms import ActionForm, CodeForm, RecoveryCodeForm
from diversion import throttle
from diversion.auth.views import after_sign_in, bp, refuse_throttled, start_session
from diversion.forms import apply_field_errors
from diversion.services import two_step

FEW_RECOVERY_CODES = 3


CODES = "two-step"


def _spend_code_guess(user) -> tuple[str, str]:
    """Count this code before it is judged (codes sent at once are counted at once); 429 beyond the limit.
    One count per account, whichever page the code is typed on."""
    limit, who = current_app.config["TWO_STEP_LIMIT_PER_ACCOUNT"], throttle.key("two-step", user.id)
    if not throttle.spend(limit, CODES, who):
        refuse_throttled(CODES, who, user)
    return limit, who


def _set_up_page(user, form, action: str, status: int = 200):
    secret = two_step.pending_secret(user)
    uri = two_step.provisioning_uri(user, secret, current_app.config["SERVICE_NAME"])
    qr_code = two_step.qr_code_svg(uri, "QR code to add " + current_app.config["SERVICE_NAME"]
                                   + " to your authenticator app")
    return render_template("auth/two_step_set_up.html", form=form, action=action, qr_code=qr_code,
                           secret=two_step.grouped(secret)), status


@bp.route("/sign-in/code", methods=["GET", "POST"])
@pending.required
def sign_in_code(user):
    if not two_step.is_enrolled(user):  # reset by an administrator since the password was given
        pending.clear()
        flash("Sign in again.", "info")
        return redirect(url_for("auth.sign_in"))
    recovery = request.args.get("method") == "recovery"
    form = RecoveryCodeForm() if recovery else CodeForm()
    if form.validate_on_submit():
        guesses = _spend_code_guess(user)
        if recovery:
            check = two_step.check_recovery_code(user, form.recovery_code.data)
        else:
            check = two_step.check_code(user, form.code.data)
        if check.ok:
            throttle.forget(guesses[0], CODES, guesses[1])
            next_url = pending.next_url()
            start_session(user, check.method)
            if recovery:
                _say_recovery_codes_left(user)
            return redirect(after_sign_in(user, next_url))
        _refuse(form, "recovery_code" if recovery else "code", check.message)
    return render_template("auth/sign_in_code.html", form=form, recovery=recovery)


def _refuse(form, field: str, message: str) -> None:
    """The error on the field, which is emptied: the next try is a new code, not an edit of the last."""
    apply_field_errors(form, {field: [message]})
    getattr(form, field).data = ""


def _say_recovery_codes_left(user) -> None:
    left = two_step.recovery_codes_left(user)
    message = f"You signed in with a recovery code. You have {left} left."
    if left <= FEW_RECOVERY_CODES:
        message += " Get new recovery codes from the two-step sign-in page of your account."
    flash(message, "info")


@bp.route("/sign-in/set-up", methods=["GET", "POST"])
@pending.required
def sign_in_set_up(user):
    if two_step.is_enrolled(user):
        return redirect(url_for("auth.sign_in_code"))
    if two_step.pending_secret(user) is None:  # reset by an administrator meanwhile
        pending.clear()
        flash("Sign in again.", "info")
        return redirect(url_for("auth.sign_in"))
    form = CodeForm()
    if form.validate_on_submit():
        result = two_step.confirm_enrolment(user, form.code.data)
        if isinstance(result, list):
            next_url = after_sign_in(user, pending.next_url())
            start_session(user, "set_up")
            return _recovery_codes_page(result, next_url, "Continue")
        _refuse(form, "code", result.message)
    return _set_up_page(user, form, url_for("auth.sign_in_set_up"))


def _recovery_codes_page(codes: list[str], next_url: str, button: str):
    """Shown once, on this response only (Cache-Control: no-store); only their digests are kept."""
    return render_template("auth/recovery_codes.html", codes=codes, next_url=next_url, button=button)


@bp.route("/account/two-step", methods=["GET", "POST"])
@signed_in
def two_step_account():
    """Whether two-step sign-in is on; while it is being set up, the QR code (POST starts setting it up)."""
    user = current_user._get_current_object()
    if request.method == "POST" and ActionForm().validate_on_submit():
        two_step.begin_enrolment(user)
        return redirect(url_for("auth.two_step_account"))
    if two_step.pending_secret(user) is not None:
        return _set_up_page(user, CodeForm(), url_for("auth.two_step_set_up"))
    return _account_page(user, CodeForm())


def _account_page(user, code_form, status: int = 200):
    enrolled = two_step.is_enrolled(user)
    return render_template("auth/two_step.html", enrolled=enrolled, form=code_form, action_form=ActionForm(),
                           codes_left=two_step.recovery_codes_left(user) if enrolled else None,
                           required=current_app.config["TOTP_REQUIRED"]), status


@bp.route("/account/two-step/set-up", methods=["POST"])
@signed_in
def two_step_set_up():
    """The code that confirms the app has the secret shown on the account page."""
    user = current_user._get_current_object()
    if two_step.pending_secret(user) is None:
        return redirect(url_for("auth.two_step_account"))
    form = CodeForm()
    if form.validate_on_submit():
        result = two_step.confirm_enrolment(user, form.code.data)
        if isinstance(result, list):
            flash("Two-step sign-in is set up. You will be asked for a code each time you sign in.", "success")
            return _recovery_codes_page(result, url_for("auth.two_step_account"), "Continue")
        _refuse(form, "code", result.message)
    return _set_up_page(user, form, url_for("auth.two_step_set_up"))


@bp.route("/account/two-step/recovery-codes", methods=["POST"])
@signed_in
def two_step_recovery_codes():
    user = current_user._get_current_object()
    form = CodeForm()
    if form.validate_on_submit():
        if not two_step.is_enrolled(user):
            return redirect(url_for("auth.two_step_account"))
        limit, who = _spend_code_guess(user)
        result = two_step.renew_recovery_codes(user, form.code.data)
        if isinstance(result, list):
            throttle.forget(limit, CODES, who)
            return _recovery_codes_page(result, url_for("auth.two_step_account"), "Back to two-step sign-in")
        _refuse(form, "code", result.message)
    return _account_page(user, form)
