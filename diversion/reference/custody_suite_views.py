"""The custody suites referrals are counted by: an administrator adds one, renames one or stops offering it
(a suite no longer offered stays on the referrals that named it)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from diversion.access import roles_required
from diversion.domain.roles import ADMIN
from diversion.errors import Conflict, ValidationFailed
from diversion.pages import PageErrors
from diversion.reference.views import _number, bp
from diversion.services import custody_suites

ACTIVE_CHOICES = {"yes": True, "no": False}


@bp.route("/custody-suites/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def new_custody_suite():
    if request.method == "GET":
        return _page(None, {"name": "", "active": "yes"}, PageErrors())
    typed = {"name": request.form.get("name", ""), "active": "yes"}
    try:
        record = custody_suites.add(typed["name"], actor=current_user)
    except ValidationFailed as failure:
        return _page(None, typed, PageErrors(failure.fields, ["name"])), failure.status
    flash(f"Custody suite added: {record.name}.", "success")
    return redirect(url_for("reference.index") + "#custody-suites")


@bp.route("/custody-suites/<code>", methods=["GET", "POST"])
@roles_required(ADMIN)
def custody_suite(code: str):
    record = custody_suites.suite(code) or abort(404)
    if request.method == "GET":
        return _page(record, {"name": record.name, "active": "yes" if record.active else "no"}, PageErrors())
    typed = {"name": request.form.get("name", ""), "active": request.form.get("active", "")}
    try:
        custody_suites.change(code, typed["name"], ACTIVE_CHOICES.get(typed["active"]),
                              version=_number(request.form.get("version")), actor=current_user)
    except (ValidationFailed, Conflict) as failure:
        problems = failure.fields if isinstance(failure, ValidationFailed) else {"name": [failure.message]}
        return _page(record, typed, PageErrors(problems, ["name", "active"])), failure.status
    flash(f"Custody suite saved: {record.name}.", "success")
    return redirect(url_for("reference.index") + "#custody-suites")


def _page(record, typed: dict, errors: PageErrors):
    return render_template("reference/custody_suite.html", suite=record, typed=typed, errors=errors)
