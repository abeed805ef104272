"""The referral page everyone who may read referrals shares, and the manager's approve and refuse forms."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from diversion.access import roles_required
from diversion.domain.roles import ADMIN, CUSTODY_OFFICER, MANAGER, NAVIGATOR
from diversion.errors import Conflict, ValidationFailed
from diversion.checkpoint.intake import referral_page
from diversion.checkpoint.intake.views import bp
from diversion.services import referrals
from diversion.services.parse import whole_number


@bp.get("/referrals/<int:referral_id>")
@roles_required(CUSTODY_OFFICER, NAVIGATOR, MANAGER, ADMIN)
def referral(referral_id: int):
    record = referrals.load(referral_id, current_user)  # audited as a view
    return render_template("intake/referral.html", **referral_page.context(record, current_user))


@bp.post("/referrals/<int:referral_id>/approve")
@roles_required(MANAGER, ADMIN)
def approve(referral_id: int):
    return _decide(referral_id, "approve", referrals.approve, "approved: a navigator can now take it")


@bp.post("/referrals/<int:referral_id>/refuse")
@roles_required(MANAGER, ADMIN)
def refuse(referral_id: int):
    return _decide(referral_id, "refuse", referrals.refuse, "not approved")


def _decide(referral_id: int, action: str, decide, outcome: str):
    record = referrals.load(referral_id, current_user, action="decide")
    reason = request.form.get("reason", "")
    try:
        decide(record, reason=reason, version=_version(request.form.get("version")), actor=current_user)
    except (ValidationFailed, Conflict) as failure:
        problems = failure.fields if isinstance(failure, ValidationFailed) else {"reason": [failure.message]}
        context = referral_page.context(record, current_user, action=action, problems=problems,
                                        typed_reason=reason)
        return render_template("intake/referral.html", **context), failure.status
    flash(f"The referral for {record.person.full_name} was {outcome}.", "success")
    return redirect(url_for("intake.referral", referral_id=record.id))


def _version(raw: str | None):
    """The version the user read, as the service takes it (a non-number is passed on for it to refuse)."""
    if raw is None:
        return None
    return int(raw) if whole_number(raw) else raw
