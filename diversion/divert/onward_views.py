"""A DIVERT referral's onward referrals (issue 12, treatment engagement): the provider's `onward_referral` events
made them; this page lists them (service, date, started / did not start / not yet known) and records whether the
person started, through the same service as the API (services/treatment.py). Who may see them is who may see the
referral and its provider's notes (providers, managers, administrators); who may record a start is a provider or
an administrator, as in the API. Anything outside the reader's work is "not found"."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from diversion import clock, onward_start_form
from diversion.domain import contracts as contract_rules
from diversion.domain import divert as divert_rules
from diversion.domain import treatment as rules
from diversion.access import roles_required
from diversion.divert.views import bp
from diversion.domain.need_to_know import READS_PROVIDER_NOTES
from diversion.errors import NotFound
from diversion.services import divert, treatment

RECORDERS = treatment.DIVERT_RECORDERS


@bp.route("/referrals/<int:referral_id>/onward-referrals")
@roles_required(*READS_PROVIDER_NOTES)
def onward_referrals(referral_id: int):
    referral = divert.load(referral_id, current_user)
    records = treatment.for_divert(referral)
    records_start = current_user.role in RECORDERS
    return render_template(
        "divert/onward_referrals.html", referral=referral, records=records, rules=rules, today=clock.today(),
        names={s.code: s.name for s in treatment.services(include_inactive=True)},
        pathways=contract_rules.PATHWAYS, needs=divert_rules.NEEDS, records_start=records_start,
        may_refer_on="onward_referral" in divert_rules.allowed_events(referral.status) and records_start,
        start_urls={r.id: url_for("divert.onward_start", referral_id=referral.id, onward_id=r.id)
                    for r in records} if records_start else {})


@bp.route("/referrals/<int:referral_id>/onward-referrals/<int:onward_id>/start", methods=["GET", "POST"])
@roles_required(*RECORDERS)
def onward_start(referral_id: int, onward_id: int):
    referral = divert.load(referral_id, current_user, action="view" if request.method == "GET" else "onward_start")
    try:
        record = treatment.load(onward_id, current_user)
    except NotFound:
        abort(404)
    if record.divert_referral_id != referral.id:
        abort(404)
    if request.method == "POST":
        form = onward_start_form.submit(record, request.form, current_user)
        if form.saved:
            flash("Start recorded.", "success")
            return redirect(url_for("divert.onward_referrals", referral_id=referral.id))
    else:
        form = onward_start_form.shown(record)
    return render_template("divert/onward_start.html", referral=referral, record=record, errors=form.errors,
                           answer=form.answer, parts=form.parts, service=record.service, rules=rules,
                           pathways=contract_rules.PATHWAYS), form.status
