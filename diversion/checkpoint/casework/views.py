"""Navigators' pages: referrals awaiting a navigator, agreeing a contract, the contract page, the caseload."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from diversion import clock, confirming, print_language
from diversion.access import roles_required
from diversion.checkpoint.casework import caseload_page, forms, outcome_pages, queue_page
from diversion.checkpoint.casework.contract_extras import contract_extras
from diversion.domain import contracts as rules
from diversion.domain import referrals as referral_rules
from diversion.domain.roles import ADMIN, MANAGER, NAVIGATOR
from diversion.errors import Conflict, ValidationFailed
from diversion.extensions import db
from diversion.ids import valid_id
from diversion.checkpoint.intake import list_views, referral_page
from diversion.checkpoint.intake import views as intake_views
from diversion.models import User
from diversion.pages import PageErrors, date_from_form, date_parts
from diversion.services import allocation, contracts, live_cases, reference, referrals

bp = Blueprint("casework", __name__)
WORKERS = (NAVIGATOR, MANAGER, ADMIN)


def _navigators() -> list:
    """Active navigators' (id, name), by name: rows, not User objects (a national staff list is a thousand)."""
    return list(db.session.execute(select(User.id, User.name).where(User.role == NAVIGATOR, User.active.is_(True))
                                   .order_by(User.name)))


@bp.route("/queue")
@roles_required(*WORKERS)
def queue():
    return queue_page.render()


@bp.route("/referrals/<int:referral_id>/decline", methods=["POST"])
@roles_required(NAVIGATOR, ADMIN)
def decline(referral_id: int):
    referral = referrals.load(referral_id, current_user, action="decline")
    reason = request.form.get("reason", "")
    try:
        referrals.decline(referral, reason=reason, version=forms.version(request.form), actor=current_user)
    except (ValidationFailed, Conflict) as failure:
        # The GOV.UK error pattern: the summary links to the reason, which shows its own message.
        problems = failure.fields if isinstance(failure, ValidationFailed) else {"reason": [failure.message]}
        page = referral_page.context(referral, current_user, action="decline", problems=problems, typed_reason=reason)
        return render_template("intake/referral.html", **page, **intake_views.page_helpers()), failure.status
    flash("Recorded that the person declined Checkpoint. The case goes on to ordinary prosecution.", "success")
    return redirect(url_for("intake.referral", referral_id=referral.id))


@bp.route("/referrals/<int:referral_id>/contract", methods=["GET", "POST"])
@roles_required(NAVIGATOR, ADMIN)
def agree(referral_id: int):
    referral = referrals.load(referral_id, current_user, action="view" if request.method == "GET" else "contract")
    if referral.status != referral_rules.AWAITING_NAVIGATOR:
        flash(f"This referral is {referral_rules.LABELS[referral.status].lower()}: it cannot get a contract.", "error")
        return redirect(url_for("intake.referral", referral_id=referral.id))
    form, errors, problems = request.form, PageErrors(), {}
    action = form.get("action", "check")
    if request.method == "POST" and action in ("check", "agree"):
        data, slots = forms.contract_data(form, referral.victim_wishes_restorative, problems)
        unpaid_work = form.get("community-community_kind") == rules.UNPAID_WORK
        if unpaid_work and form.get("asked") != "hours":  # the follow-up question, on its own page
            return _hours_page(referral, PageErrors())
        try:
            if problems:
                raise ValidationFailed(fields=problems)
            if action == "agree":
                contract = contracts.agree(referral, data, actor=current_user)
                flash("Contract agreed. Give the person their printed copy.", "success")
                return redirect(url_for("casework.contract", contract_id=contract.id))
            agreement = contracts.check_agreement(referral, data, actor=current_user)
            return render_template("casework/agree_check.html", referral=referral, agreement=agreement,
                                   form=form, pathways=rules.PATHWAYS)
        except ValidationFailed as failure:
            fields = forms.slot_fields({**failure.fields, **problems}, slots)
            if unpaid_work and "community.target_hours" in fields:
                return _hours_page(referral, PageErrors({"community.target_hours": fields["community.target_hours"]}))
            errors = PageErrors(fields, order=AGREE_ORDER, dates=("start_date",))
        except Conflict as conflict:
            flash(conflict.message, "error")
    return render_template("casework/agree.html", referral=referral, form=form, errors=errors,
                           navigators=_navigators(), pathways=rules.PATHWAYS, start_parts=_start_parts(form))


def _hours_page(referral, errors: PageErrors):
    """How many hours of unpaid work: asked only when unpaid work is the community condition, carrying the
    contract's other answers (GOV.UK "one thing per page": it works without a script)."""
    carried = [(k, v) for k, v in request.form.items(multi=True)
               if k not in ("csrf_token", "action", "asked", "community-target_hours")]
    return render_template("casework/agree_hours.html", referral=referral, errors=errors, hidden=carried,
                           hours=request.form.get("community-target_hours", ""), low=rules.MIN_HOURS,
                           high=rules.MAX_HOURS), 422 if errors else 200


AGREE_ORDER = ["start_date", "navigator_id", "conditions", "victim.description", "pathway1.pathway",
               "pathway1.description", "pathway2.pathway", "pathway2.description", "community.community_kind",
               "community.target_hours", "community.description", "participant_consent", "warning_given"]


def _start_parts(form) -> dict:
    if form.get("start_date-day") is not None:
        return {p: form.get(f"start_date-{p}", "") for p in ("day", "month", "year")}
    return date_parts(clock.today())


@bp.route("/contracts")
@roles_required(*WORKERS)
def caseload():
    return caseload_page.render()


def _contract_page(contract_id: int, errors: PageErrors | None = None, values=None, status: int = 200,
                   open_form: str | None = None):
    contract = contracts.load_full(contract_id, current_user)
    categories = _category_titles(contract)
    preset = request.args.get("breach")
    return render_template("casework/contract.html", **contract_extras(contract, current_user),
                           contract=contract, referral=contract.referral,
                           categories=categories, today=clock.today(), rules=rules, errors=errors or PageErrors(),
                           values=values or {}, open_form=open_form, open_alerts=live_cases.open_alerts(contract),
                           preset_breach=preset if preset in rules.BREACH_REASONS else None,
                           shown_status=rules.status_on(contract.status, contract.deadline, clock.today())), status


@bp.route("/contracts/<int:contract_id>")
@roles_required(*WORKERS)
def contract(contract_id: int):
    return _contract_page(contract_id)


@bp.route("/contracts/<int:contract_id>/print")
@roles_required(*WORKERS)
def print_contract(contract_id: int):
    record = contracts.load_full(contract_id, current_user)
    return render_template("casework/print.html", contract=record, rules=rules,
                           doc=print_language.document(request.args.get("language"), record.person.language),
                           preferred=print_language.chosen(None, record.person.language),
                           categories=_category_titles(record))


def _category_titles(contract) -> dict[str, str]:
    """The offence categories' titles the contract page may show: its referral's, and its alerts' (kept per
    process: services/reference.category_titles)."""
    codes = [contract.referral.offence_category] + [(a.summary or {}).get("offence_category") for a in contract.alerts]
    return reference.category_titles(codes)


def _act(contract_id: int, form_name: str, act, order: list[str], rename: dict | None = None):
    """Run one change on the contract; on failure show the contract page again with the input kept."""
    record = contracts.load(contract_id, current_user, action=form_name)
    problems: dict = {}
    try:
        message = act(record, problems)
    except ValidationFailed as failure:
        fields = {(rename or {}).get(k, k): v for k, v in {**failure.fields, **problems}.items()}
        return _contract_page(contract_id, PageErrors(fields, order, dates=("outcome_date", f"{form_name}-occurred_on")),
                              request.form,
                              open_form=form_name)
    except Conflict as conflict:
        fields = {f"{form_name}_conflict": [conflict.message]}
        if conflict.fields.get("conditions"):
            fields[f"{form_name}_conflict"] = [conflict.message + " Not yet met: " + ", ".join(
                c.description for c in record.conditions if str(c.id) in conflict.fields["conditions"])]
        return _contract_page(contract_id, PageErrors(fields), request.form, open_form=form_name)
    if not isinstance(message, str):  # a page to show first (a follow-up question, or "Are you sure?")
        return message
    flash(message, "success")
    return redirect(url_for("casework.contract", contract_id=contract_id) + f"#{form_name}")


def _version() -> int | None:
    value = request.form.get("version", "")
    return forms.version(request.form)


@bp.route("/contracts/<int:contract_id>/notes", methods=["POST"])
@roles_required(*WORKERS)
def add_note(contract_id: int):
    def act(record, _problems):
        contracts.add_note(record, {"kind": request.form.get("kind") or None, "body": request.form.get("body")},
                           actor=current_user)
        return "Note added."
    return _act(contract_id, "note", act, ["kind", "body"], {"kind": "note_kind", "body": "note_body"})


@bp.route("/contracts/<int:contract_id>/conditions/<int:condition_id>/progress", methods=["POST"])
@roles_required(*WORKERS)
def progress(contract_id: int, condition_id: int):
    prefix = f"progress-{condition_id}"

    def act(record, problems):
        data = {"hours": forms.number(request.form.get(f"{prefix}-hours")), "note": request.form.get(f"{prefix}-note"),
                "occurred_on": date_from_form(f"{prefix}-occurred_on", "The date it happened", problems,
                                              f"{prefix}-occurred_on")}
        contracts.record_progress(record, condition_id, data, actor=current_user, date_required=True)
        return "Progress logged."
    return _act(contract_id, prefix, act, [f"{prefix}-occurred_on", f"{prefix}-hours", f"{prefix}-note"],
                {"hours": f"{prefix}-hours", "note": f"{prefix}-note", "occurred_on": f"{prefix}-occurred_on"})


@bp.route("/contracts/<int:contract_id>/conditions/<int:condition_id>/status", methods=["POST"])
@roles_required(*WORKERS)
def condition_status(contract_id: int, condition_id: int):
    def act(record, _problems):
        data = {"status": request.form.get("status"), "version": _version()}
        if data["status"] == rules.FAILED and not confirming.confirmed():  # failing a condition cannot be undone
            condition = contracts.check_condition_status(record, condition_id, data)
            return outcome_pages.confirm_failed(record, condition)
        contracts.set_condition_status(record, condition_id, data, actor=current_user)
        return "Condition marked " + request.form.get("status", "") + "."
    return _act(contract_id, "conditions", act, ["status"])


@bp.route("/contracts/<int:contract_id>/alerts/<int:alert_id>/dismiss", methods=["POST"])
@roles_required(*WORKERS)
def dismiss_alert(contract_id: int, alert_id: int):
    form_name = f"alert-{alert_id}"

    def act(record, _problems):
        live_cases.dismiss(record, alert_id, {"reason": request.form.get(f"{form_name}-reason"),
                                              "version": _version()}, actor=current_user)
        return "Recorded that the new referral is not a breach."
    return _act(contract_id, form_name, act, ["reason"], {"reason": f"{form_name}-reason"})


@bp.route("/contracts/<int:contract_id>/outcome", methods=["POST"])
@roles_required(*WORKERS)
def outcome(contract_id: int):
    chosen = request.form.get("outcome")
    reason_field = "breach_reason" if chosen == rules.BREACHED else "discontinue_reason"

    def act(record, problems):
        data = forms.outcome_data(request.form, problems)
        if problems:
            raise ValidationFailed(fields=problems)
        if data["outcome"] in outcome_pages.REASON_FIELDS and not data["reason"] and request.form.get("asked") != "reason":
            return outcome_pages.ask_reason(record, data["outcome"])  # the follow-up question, on its own page
        try:
            if not confirming.confirmed():  # recording an outcome cannot be undone: ask first
                contracts.check_outcome(record, data)
                return outcome_pages.confirm(record, data)
            contracts.record_outcome(record, data, actor=current_user)
        except ValidationFailed as failure:
            if data["outcome"] in outcome_pages.REASON_FIELDS and "reason" in failure.fields:
                return outcome_pages.ask_reason(record, data["outcome"], failure.fields["reason"])
            raise
        return {rules.COMPLETED: "Contract completed: no further action (outcome 22).",
                rules.BREACHED: "Contract breached: the case is referred for prosecution.",
                rules.DISCONTINUED: "Contract discontinued."}[data["outcome"]]
    return _act(contract_id, "outcome", act, ["outcome", "outcome_date", reason_field, "details"],
                {"date": "outcome_date", "reason": reason_field})
