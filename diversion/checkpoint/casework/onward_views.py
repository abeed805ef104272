"""Onward referrals on a contract (issue 12, treatment engagement): the services the person was referred on to
from a pathway condition, whether they started (within three weeks or not), a form to refer them on, and a form
to record each start. Errors come back on the same page with the GOV.UK error summary (422), or the conflict
when someone else recorded the start first (409)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from diversion import clock, onward_start_form
from diversion.access import roles_required
from diversion.checkpoint.casework.views import WORKERS, bp
from diversion.domain import contracts as contract_rules
from diversion.domain import treatment as rules
from diversion.errors import NotFound, ValidationFailed
from diversion.pages import PageErrors, date_from_form, date_parts
from diversion.services import contracts, treatment


def _condition_options(contract) -> list[tuple[str, str]]:
    return [(str(c.id), f"Condition {n}: {contract_rules.PATHWAYS.get(c.pathway, c.pathway)}")
            for n, c in enumerate(contract.conditions, start=1) if c.type == contract_rules.PATHWAY]


@bp.route("/contracts/<int:contract_id>/onward-referrals", methods=["GET", "POST"])
@roles_required(*WORKERS)
def onward_referrals(contract_id: int):
    contract = contracts.load(contract_id, current_user,
                              action="view" if request.method == "GET" else "onward_referral")
    errors, status, values = PageErrors(), 200, {}
    if request.method == "POST":
        problems: dict[str, list[str]] = {}
        raw = request.form.get("condition_id", "")
        values = {"condition_id": raw, "service": request.form.get("service", ""),
                  "referred_on": date_from_form("referred_on", "The day they were referred", problems,
                                                "referred_on")}
        data = {"condition_id": int(raw) if raw.isascii() and raw.isdigit() else None,
                "service": values["service"] or None, "referred_on": values["referred_on"]}
        try:
            if problems:
                raise ValidationFailed(fields=problems)
            treatment.refer(contract, data, actor=current_user)
            flash("Onward referral recorded.", "success")
            return redirect(url_for("casework.onward_referrals", contract_id=contract.id))
        except ValidationFailed as failure:
            fields = {**failure.fields, **problems}
            errors, status = PageErrors(fields, ["condition_id", "service", "referred_on"],
                                        dates={"referred_on"}), 422
    records = treatment.for_contract(contract)
    return render_template("casework/onward_referrals.html", contract=contract, records=records, errors=errors,
                           values=values, parts=date_parts(values.get("referred_on")),
                           condition_options=_condition_options(contract),
                           service_options=[(s.code, s.name) for s in treatment.services()],
                           names={s.code: s.name for s in treatment.services(include_inactive=True)},
                           pathways=contract_rules.PATHWAYS, rules=rules, today=clock.today(),
                           start_urls={r.id: url_for("casework.onward_start", contract_id=contract.id, onward_id=r.id)
                                       for r in records}), status


@bp.route("/contracts/<int:contract_id>/onward-referrals/<int:onward_id>/start", methods=["GET", "POST"])
@roles_required(*WORKERS)
def onward_start(contract_id: int, onward_id: int):
    contract = contracts.load(contract_id, current_user, action="onward_referral")
    try:
        record = treatment.load(onward_id, current_user)
    except NotFound:
        abort(404)
    if record.contract_id != contract.id:
        abort(404)
    if request.method == "POST":
        form = onward_start_form.submit(record, request.form, current_user)
        if form.saved:
            flash("Start recorded.", "success")
            return redirect(url_for("casework.onward_referrals", contract_id=contract.id))
    else:
        form = onward_start_form.shown(record)
    return render_template("casework/onward_start.html", contract=contract, record=record, errors=form.errors,
                           answer=form.answer, parts=form.parts, service=record.service, rules=rules,
                           pathways=contract_rules.PATHWAYS), form.status
