"""The breach evidence pack pages: choose the notes and to whom it goes, check the whole pack and confirm it is an
accurate account, then the signed pack (fixed: shown from what was signed), printable and as a download."""
from __future__ import annotations

import re
from datetime import date, datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from diversion import audit, confirming
from diversion.access import roles_required
from diversion.checkpoint.casework.views import WORKERS, bp
from diversion.domain import breach_packs as rules
from diversion.domain import contracts as contract_rules
from diversion.errors import Conflict, ValidationFailed
from diversion.pages import PageErrors
from diversion.services import breach_packs, contracts

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
ACCURATE = "accurate"


def readable(value):
    """The stored pack (JSON) with its dates and times as dates and times again, for the templates' filters."""
    if isinstance(value, dict):
        return {k: readable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [readable(v) for v in value]
    if isinstance(value, str) and _MOMENT.fullmatch(value[:16]) and len(value) > 16:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, str) and _DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _load(contract_id: int):
    return breach_packs.with_history(contracts.load(contract_id, current_user, action="breach_pack"))


def _form_data(form) -> dict:
    ids = [int(v) if v.isdigit() and len(v) < 10 else v for v in form.getlist("note_ids")]
    version = form.get("version", "")
    return {"note_ids": ids, "disclosed_to": form.get("disclosed_to"),
            "version": int(version) if version.isdigit() and len(version) < 10 else None}


def _prepare(contract, errors: PageErrors | None = None, values: dict | None = None, status: int = 200):
    audit.record("contract.view", actor=current_user, object_type="contract", object_id=contract.id,
                 person_id=contract.person_id, details={"person_id": contract.person_id, "page": "breach_pack"})
    if not rules.may_prepare(contract.status):
        return render_template("casework/breach_pack/not_breached.html", contract=contract,
                               message=rules.not_breached_message(contract_rules.STATUS_LABELS[contract.status])), status
    values = values or {"note_ids": [], "disclosed_to": rules.DISCLOSED_TO_DEFAULT,
                        "version": breach_packs.latest_version(contract)}
    notes = sorted(contract.notes, key=lambda n: (n.occurred_at, n.id))
    return render_template("casework/breach_pack/prepare.html", contract=contract, notes=notes, values=values,
                           errors=errors or PageErrors(), rules=rules, note_kinds=contract_rules.NOTE_KINDS), status


@bp.get("/contracts/<int:contract_id>/breach-pack")
@roles_required(*WORKERS)
def breach_pack(contract_id: int):
    contract = _load(contract_id)
    asked = request.args.get("version", "")
    if asked:
        pack = breach_packs.signed(contract, int(asked)) if asked.isdigit() and len(asked) < 10 else None
        if pack is None:
            abort(404)
    else:
        pack = None if request.args.get("new") else breach_packs.latest(contract)
    if pack is None:
        return _prepare(contract)
    breach_packs.shown(contract, pack, current_user)
    return render_template("casework/breach_pack/signed.html", contract=contract, pack=pack,
                           p=readable(pack.snapshot), rules=rules, versions=breach_packs.versions(contract),
                           latest=breach_packs.latest_version(contract))


@bp.post("/contracts/<int:contract_id>/breach-pack")
@roles_required(*WORKERS)
def sign_breach_pack(contract_id: int):
    contract = _load(contract_id)
    data = _form_data(request.form)
    try:
        proposal = breach_packs.check(contract, data)
        if not confirming.confirmed():
            return _check_page(contract, proposal)
        if request.form.get(ACCURATE) != "yes":
            return _check_page(contract, proposal, PageErrors(
                {ACCURATE: ["Confirm that this is an accurate account, or go back and change the pack"]}), 422)
        pack = breach_packs.sign(contract, data, actor=current_user)
    except ValidationFailed as failure:
        return _prepare(contract, PageErrors(failure.fields, ["note_ids", "disclosed_to", "version"]), data, 422)
    except Conflict as conflict:
        return _prepare(_load(contract_id), PageErrors({"conflict": [conflict.message]}), None, 409)
    flash(f"Breach evidence pack signed (version {pack.version}). Print it or download it for the prosecution file.",
          "success")
    return redirect(url_for("casework.breach_pack", contract_id=contract_id))


def _check_page(contract, proposal, errors: PageErrors | None = None, status: int = 200):
    """The whole pack as it would be signed, and the confirmation."""
    audit.record("contract.view", actor=current_user, object_type="contract", object_id=contract.id,
                 person_id=contract.person_id, details={"person_id": contract.person_id, "page": "breach_pack"})
    facts = breach_packs.facts(contract, proposal.note_ids)
    return render_template("casework/breach_pack/check.html", contract=contract, proposal=proposal,
                           p=readable(facts), rules=rules, errors=errors or PageErrors()), status


@bp.get("/contracts/<int:contract_id>/breach-pack/download")
@roles_required(*WORKERS)
def download_breach_pack(contract_id: int):
    """The signed pack as one standalone HTML file (styles inside), for a prosecution file or an email."""
    contract = _load(contract_id)
    asked = request.args.get("version", "")
    pack = (breach_packs.signed(contract, int(asked)) if asked.isdigit() and len(asked) < 10
            else breach_packs.latest(contract))
    if pack is None:  # nothing signed (or no such version): the page says so, or prepares one
        return redirect(url_for("casework.breach_pack", contract_id=contract_id))
    breach_packs.shown(contract, pack, current_user, how="download")
    page = render_template("casework/breach_pack/download.html", contract=contract, pack=pack,
                           p=readable(pack.snapshot), rules=rules)
    name = f"breach-pack-{pack.snapshot.get('reference', contract.id)}-v{pack.version}.html"
    return page, 200, {"Content-Type": "text/html; charset=utf-8",
                       "Content-Disposition": f'attachment; filename="{name}"'}
