"""Reference data an administrator keeps: which offence categories Checkpoint takes, and policy values.

One page per change (GOV.UK question pages); the services validate, check the version read and audit.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from diversion.access import roles_required
from diversion.domain.policy import POLICIES
from diversion.domain.roles import ADMIN
from diversion.errors import Conflict, ValidationFailed
from diversion.pages import PageErrors
from diversion.services import reference

bp = Blueprint("reference", __name__, url_prefix="/admin/reference")

ELIGIBILITY_LABELS = {
    "eligible": "Eligible",
    "excluded": "Excluded",
    "specific_terms": "Specific terms",
}
ELIGIBILITY_HINTS = {
    "eligible": "Eligible referrals go straight to a navigator",
    "excluded": "Referrals for this offence are never eligible",
    "specific_terms": "Eligible referrals need a manager’s approval, with a reason, before a navigator takes them",
}
TAGS = {"eligible": "govuk-tag--green", "excluded": "govuk-tag--red", "specific_terms": "govuk-tag--yellow"}


@bp.context_processor
def _labels():
    return {"eligibility_labels": ELIGIBILITY_LABELS, "eligibility_hints": ELIGIBILITY_HINTS,
            "eligibility_tags": TAGS}


@bp.get("", endpoint="index")
@roles_required(ADMIN)
def index():
    from diversion.domain.contracts import PATHWAYS
    from diversion.services import custody_suites, treatment
    return render_template("reference/index.html", categories=reference.categories(include_inactive=True),
                           suites=custody_suites.suites(include_inactive=True),
                           services=treatment.services(include_inactive=True), pathways=PATHWAYS,
                           policies=reference.policies(), units={k: p.unit for k, p in POLICIES.items()})


@bp.route("/categories/<code>", methods=["GET", "POST"])
@roles_required(ADMIN)
def category(code: str):
    record = reference.category(code) or abort(404)
    if request.method == "GET":
        return _category_page(record, record.eligibility, PageErrors())
    chosen = request.form.get("eligibility", "")
    try:
        reference.set_category_eligibility(code, chosen, version=_number(request.form.get("version")),
                                           actor=current_user)
    except (ValidationFailed, Conflict) as failure:
        problems = failure.fields if isinstance(failure, ValidationFailed) else {"eligibility": [failure.message]}
        return _category_page(record, chosen, PageErrors(problems)), failure.status
    flash(f"{record.title}: {ELIGIBILITY_LABELS[record.eligibility].lower()}.", "success")
    return redirect(url_for("reference.index"))


def _category_page(record, chosen, errors):
    return render_template("reference/category.html", category=record, chosen=chosen, errors=errors)


@bp.route("/policies/<key>", methods=["GET", "POST"])
@roles_required(ADMIN)
def policy(key: str):
    record = next((p for p in reference.policies() if p.key == key), None) or abort(404)
    if request.method == "GET":
        return _policy_page(record, str(record.value), PageErrors())
    typed = request.form.get("value", "")
    try:
        reference.set_policy(key, _number(typed, blank_is_none=False), version=_number(request.form.get("version")),
                             actor=current_user)
    except (ValidationFailed, Conflict) as failure:
        problems = failure.fields if isinstance(failure, ValidationFailed) else {"value": [failure.message]}
        return _policy_page(record, typed, PageErrors(problems)), failure.status
    flash(f"{record.title}: now {record.value}.", "success")
    return redirect(url_for("reference.index"))


def _policy_page(record, typed, errors):
    return render_template("reference/policy.html", policy=record, typed=typed, errors=errors,
                           bounds=POLICIES[record.key])


def _number(raw: str | None, blank_is_none: bool = True):
    """A whole number as the service takes it; anything else is passed on for the service to refuse."""
    if raw is None or (blank_is_none and not raw.strip()):
        return None
    text = raw.strip()
    try:
        return int(text)
    except ValueError:
        return text
