"""The treatment services people are referred on to (issue 12): an administrator adds one, renames it, changes
the pathway it serves or stops offering it (a service no longer offered stays on the onward referrals that name
it). The rules are in services/treatment_services.py; these pages read the form and show its answers."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from diversion.access import roles_required
from diversion.domain import contracts as contract_rules
from diversion.domain.roles import ADMIN
from diversion.errors import Conflict, ValidationFailed
from diversion.pages import PageErrors
from diversion.reference.views import _number, bp
from diversion.services import treatment, treatment_services

ACTIVE_CHOICES = {"yes": True, "no": False}
ORDER = ["name", "pathway", "active"]


@bp.route("/treatment-services/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def new_treatment_service():
    if request.method == "GET":
        return _page(None, {"name": "", "pathway": "", "active": "yes"}, PageErrors())
    typed = {"name": request.form.get("name", ""), "pathway": request.form.get("pathway", ""), "active": "yes"}
    try:
        record = treatment_services.add({"name": typed["name"], "pathway": typed["pathway"]}, actor=current_user)
    except (ValidationFailed, Conflict) as failure:
        problems = failure.fields if isinstance(failure, ValidationFailed) else {"name": [failure.message]}
        return _page(None, typed, PageErrors(problems, ORDER)), failure.status
    flash(f"Treatment service added: {record.name}.", "success")
    return redirect(url_for("reference.index") + "#treatment-services")


@bp.route("/treatment-services/<code>", methods=["GET", "POST"])
@roles_required(ADMIN)
def treatment_service(code: str):
    record = treatment.service(code) or abort(404)
    if request.method == "GET":
        return _page(record, {"name": record.name, "pathway": record.pathway,
                              "active": "yes" if record.active else "no"}, PageErrors())
    typed = {key: request.form.get(key, "") for key in ("name", "pathway", "active")}
    try:
        treatment_services.change(code, {"name": typed["name"], "pathway": typed["pathway"],
                                         "active": ACTIVE_CHOICES.get(typed["active"]),
                                         "version": _number(request.form.get("version"))}, actor=current_user)
    except (ValidationFailed, Conflict) as failure:
        problems = failure.fields if isinstance(failure, ValidationFailed) else {"name": [failure.message]}
        return _page(treatment.service(code), typed, PageErrors(problems, ORDER)), failure.status
    flash(f"Treatment service saved: {record.name}.", "success")
    return redirect(url_for("reference.index") + "#treatment-services")


def _page(record, typed: dict, errors: PageErrors):
    return render_template("reference/treatment_service.html", service=record, typed=typed, errors=errors,
                           pathways=list(contract_rules.PATHWAYS.items()))
