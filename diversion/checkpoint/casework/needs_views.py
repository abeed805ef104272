"""The needs assessment pages: score each critical pathway at the first meeting, review each need at the end.
Each page shows the whole form again with the GOV.UK error summary when something is wrong (422), or the
conflict when someone else changed the assessment first (409)."""
from __future__ import annotations

import re

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from diversion.access import roles_required
from diversion.checkpoint.casework.views import WORKERS, bp
from diversion.domain import contracts as contract_rules
from diversion.domain import needs as rules
from diversion.errors import Conflict, ValidationFailed
from diversion.pages import PageErrors
from diversion.services import contracts, needs

_ITEM = re.compile(r"(needs|reviews)\.(\d+)\.?(\w*)")


def _page_fields(fields: dict, sent: list[dict], prefix: str) -> dict:
    """The service's field names (needs.2.score) as the page's (score-<pathway>)."""
    shown: dict = {}
    for name, messages in fields.items():
        match = _ITEM.fullmatch(name)
        if match and int(match.group(2)) < len(sent):
            pathway = sent[int(match.group(2))].get("pathway")
            part = match.group(3) or prefix
            shown[f"{'review' if part == 'result' else part}-{pathway}"] = messages
        else:
            shown[name] = messages
    return shown


def _order(kind: str) -> list[str]:
    return [kind] + [f"{part}-{p}" for p in contract_rules.PATHWAYS for part in ("score", "note", "review")]


@bp.route("/contracts/<int:contract_id>/needs", methods=["GET", "POST"])
@roles_required(*WORKERS)
def needs_page(contract_id: int):
    contract = contracts.load(contract_id, current_user, action="view" if request.method == "GET" else "needs")
    assessment = needs.of(contract)
    errors, status = PageErrors(), 200
    if request.method == "POST":
        data = needs.form_data(request.form, assessment)
        try:
            needs.record(contract, data, actor=current_user)
            flash("Needs assessment saved.", "success")
            return redirect(url_for("casework.contract", contract_id=contract.id) + "#needs")
        except ValidationFailed as failure:
            errors, status = PageErrors(_page_fields(failure.fields, data["needs"], "score"), _order("needs")), 422
        except Conflict as conflict:
            errors, status = PageErrors({"needs": [conflict.message]}), 409
            assessment = needs.of(contract)
    return render_template("casework/needs.html", contract=contract, assessment=assessment, errors=errors,
                           score_options=[(str(score), f"{score} – {label}") for score, label in rules.SCORE_LABELS.items()],
                           values=request.form if request.method == "POST" else None, rules=rules,
                           pathways=contract_rules.PATHWAYS), status


@bp.route("/contracts/<int:contract_id>/needs/review", methods=["GET", "POST"])
@roles_required(*WORKERS)
def needs_review_page(contract_id: int):
    contract = contracts.load(contract_id, current_user, action="view" if request.method == "GET" else "needs")
    assessment = needs.of(contract)
    if assessment is None:
        flash("Assess the person's needs before reviewing them.", "important")
        return redirect(url_for("casework.needs_page", contract_id=contract.id))
    errors, status = PageErrors(), 200
    if request.method == "POST":
        data = needs.form_data(request.form, assessment, review=True)
        try:
            needs.review(contract, data, actor=current_user)
            flash("Needs review saved.", "success")
            return redirect(url_for("casework.contract", contract_id=contract.id) + "#needs")
        except ValidationFailed as failure:
            errors, status = PageErrors(_page_fields(failure.fields, data["reviews"], "review"), _order("reviews")), 422
        except Conflict as conflict:
            errors, status = PageErrors({"reviews": [conflict.message]}), 409
    return render_template("casework/needs_review.html", contract=contract, assessment=assessment, errors=errors,
                           values=request.form if request.method == "POST" else None, rules=rules,
                           pathways=contract_rules.PATHWAYS), status
