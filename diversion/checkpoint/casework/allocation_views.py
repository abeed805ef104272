"""Managers' pages for allocation (revision 2, casework): reserve a queued referral for a navigator, hand a
contract to another navigator, the team page, and moving a leaver's caseload (with a confirmation step)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from diversion.access import roles_required
from diversion.checkpoint.casework import forms
from diversion.checkpoint.casework.views import bp
from diversion.domain import allocation as rules
from diversion.domain import risk as risk_rules
from diversion.domain.referrals import AWAITING_NAVIGATOR
from diversion.domain.roles import ADMIN, MANAGER
from diversion.errors import Conflict, ValidationFailed
from diversion.lists import ListPage
from diversion.pages import PageErrors
from diversion.services import allocation, contracts, referrals, team, users
from diversion.services.parse import whole_number

MANAGERS = (MANAGER, ADMIN)
FREE = "none"  # the allocate form's choice for "any navigator may take it"


def _navigator_choice(value: str | None) -> dict:
    """The form's navigator as the service's `navigator_id` (absent when none was chosen)."""
    if value == FREE:
        return {"navigator_id": None}
    if value and whole_number(value):
        return {"navigator_id": int(value)}
    return {"navigator_id": value} if value else {}


@bp.route("/referrals/<int:referral_id>/allocate", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def allocate(referral_id: int):
    referral = referrals.load(referral_id, current_user, action="view" if request.method == "GET" else "allocate")
    errors = PageErrors()
    if referral.status != AWAITING_NAVIGATOR:
        flash(rules.allocation_conflict(referral.status), "error")
        return redirect(url_for("intake.referral", referral_id=referral.id))
    if request.method == "POST":
        try:
            allocation.allocate(referral, {**_navigator_choice(request.form.get("navigator_id")),
                                           "version": forms.version(request.form)}, actor=current_user)
        except ValidationFailed as failure:
            errors = PageErrors(failure.fields, ["navigator_id", "version"])
        except Conflict as conflict:
            flash(conflict.message, "error")
            return redirect(url_for("casework.allocate", referral_id=referral.id))
        else:
            name = referral.allocated_navigator.name if referral.allocated_navigator_id else None
            flash(f"Reserved for {name}: only they can take it." if name else
                  "Any navigator can now take this referral.", "success")
            return redirect(url_for("casework.queue"))
    return render_template("casework/allocate.html", referral=referral, navigators=allocation.active_navigators(),
                           errors=errors, chosen=request.form.get("navigator_id", referral.allocated_navigator_id),
                           free=FREE), 422 if errors else 200


@bp.route("/contracts/<int:contract_id>/navigator", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def change_navigator(contract_id: int):
    contract = contracts.load(contract_id, current_user, action="view" if request.method == "GET" else "reassign")
    errors = PageErrors()
    if request.method == "POST":
        try:
            allocation.reassign(contract, {**_navigator_choice(request.form.get("navigator_id")),
                                           "reason": request.form.get("reason"),
                                           "version": forms.version(request.form)}, actor=current_user)
        except ValidationFailed as failure:
            errors = PageErrors(failure.fields, ["navigator_id", "reason", "version"])
        except Conflict as conflict:
            flash(conflict.message, "error")
            return redirect(url_for("casework.contract", contract_id=contract_id))
        else:
            flash(f"The contract is now held by {users.get(contract.navigator_id).name}.", "success")
            return redirect(url_for("casework.contract", contract_id=contract_id))
    navigators = [n for n in allocation.active_navigators() if n.id != contract.navigator_id]
    return render_template("casework/change_navigator.html", contract=contract, navigators=navigators,
                           errors=errors, form=request.form), 422 if errors else 200


@bp.route("/team")
@roles_required(*MANAGERS)
def team_page():
    shown = team.team_page(current_user, request.args.get("after"))
    listing = ListPage("casework.team_page", {}, "name", {"name": "Name"}, "name")
    return render_template("casework/team.html", team=shown, risk_labels=risk_rules.REASONS,
                           pagination=listing.pagination(shown.keyset) if shown.keyset else None)


@bp.route("/team/reassign", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def reassign_caseload():
    form = request.form if request.method == "POST" else request.args
    leaver = users.find(form.get("from_navigator_id") or request.args.get("from"))
    navigators = allocation.active_navigators()
    if leaver is None or leaver.role != "navigator":
        return render_template("casework/reassign_choose.html", navigators=navigators)
    held, reserved = allocation.open_contracts_of(leaver.id), allocation.reserved_referrals_of(leaver.id)
    errors = PageErrors()
    if request.method == "POST":
        data = {"from_navigator_id": leaver.id, **_navigator_choice(form.get("navigator_id")),
                "reason": form.get("reason"), "contract_ids": _ids(form, "contract_ids"),
                "referral_ids": _ids(form, "referral_ids")}
        try:
            if form.get("action") == "confirm":
                move = allocation.reassign_caseload(data, actor=current_user)
                flash(f"{_count(move.contracts, 'contract')} and {_count(move.referrals, 'reserved referral')} moved "
                      f"from {leaver.name} to {move.navigator.name}.", "success")
                return redirect(url_for("casework.team_page"))
            move = allocation.check_caseload_move(data)
            return render_template("casework/reassign_check.html", move=move, data=data)
        except ValidationFailed as failure:
            errors = PageErrors(failure.fields, ["navigator_id", "reason", "contract_ids"])
        except Conflict as conflict:
            flash(conflict.message, "error")
            return redirect(url_for("casework.reassign_caseload", **{"from": leaver.id}))
    chosen = {"contract_ids": _ids(form, "contract_ids"), "referral_ids": _ids(form, "referral_ids")} \
        if request.method == "POST" else {"contract_ids": None, "referral_ids": None}
    return render_template("casework/reassign.html", leaver=leaver, held=held, reserved=reserved, errors=errors,
                           navigators=[n for n in navigators if n.id != leaver.id], form=form,
                           chosen=chosen), 422 if errors else 200


def _ids(form, name: str) -> list[int]:
    return [int(v) for v in form.getlist(name) if whole_number(v)]


def _count(records: list, what: str) -> str:
    return f"{len(records)} {what}{'' if len(records) == 1 else 's'}"
