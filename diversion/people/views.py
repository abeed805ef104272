"""People: find a person, their record and history (need to know applies), their contact details, and an
administrator's merge of two records of one human."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from diversion import clock
from diversion.access import roles_required
from diversion.domain import contracts as contract_rules
from diversion.domain import divert as divert_rules
from diversion.domain import dtoa as dtoa_rules
from diversion.domain import need_to_know as need_to_know_rules
from diversion.domain import people as people_rules
from diversion.domain import referrals as referral_rules
from diversion.domain.roles import ADMIN, MANAGER, NAVIGATOR, PROVIDER
from diversion.errors import Conflict, NotFound, ValidationFailed
from diversion.extensions import db
from diversion.ids import valid_id
from diversion.models import PersonMerge
from diversion.pages import PageErrors
from diversion.services import audit_trail, contacts, identity, merges, people
from diversion.services.parse import whole_number

bp = Blueprint("people", __name__, url_prefix="/people")

READERS = (NAVIGATOR, PROVIDER, MANAGER, ADMIN)
CONTACT_EDITORS = (NAVIGATOR, PROVIDER, ADMIN)


@bp.route("")
@roles_required(*READERS)
def search():
    q = request.args.get("q", "")
    found = people.search(q[:200], current_user, limit=people.SEARCH_LIMIT + 1) if q.strip() else []
    return render_template("people/search.html", q=q, found=found[:people.SEARCH_LIMIT], searched=bool(q.strip()),
                           more=len(found) > people.SEARCH_LIMIT, errors=PageErrors())


@bp.route("/<int:person_id>")
@roles_required(*READERS)
def person(person_id: int):
    try:
        record, checkpoint, divert = people.history(person_id, current_user)
    except NotFound:
        survivor = people.merged_into(person_id)  # an old address of a merged record
        if survivor is not None and people.may_read_person(survivor, current_user):
            return redirect(url_for("people.person", person_id=survivor))
        raise
    duplicates = people.shown(identity.possible_duplicates(record), current_user, "possible_duplicate") \
        if current_user.role in (MANAGER, ADMIN) else []
    merged = db.session.scalars(select(PersonMerge).where(PersonMerge.kept_id == record.id)
                                .order_by(PersonMerge.merged_at)).all()
    return render_template(
        "people/person.html", person=record, checkpoint=checkpoint, divert=divert, duplicates=duplicates,
        merged=merged, contact_history=contacts.history(record), may_edit_contact=_may_edit(record.id),
        readable_contracts={r.contract.id for r in checkpoint if people.may_read_contract(r.contract, current_user)},
        referral_labels=referral_rules.LABELS, divert_rules=divert_rules, dtoa_rules=dtoa_rules,
        drug_tests=people.drug_tests(record, current_user),
        shows_drug_tests=need_to_know_rules.reads_any(need_to_know_rules.DRUG_TEST, current_user.role),
        contract_status=lambda c: contract_rules.status_on(c.status, c.deadline, clock.today()),
        contract_labels=contract_rules.STATUS_LABELS, genders=people_rules.GENDERS,
        ethnicities=people_rules.ETHNICITIES,
        disclosures=audit_trail.about_person(record.id) if current_user.role in (MANAGER, ADMIN) else None)


def _may_edit(person_id: int) -> bool:
    if current_user.role not in CONTACT_EDITORS:
        return False
    try:
        contacts.load_editable(person_id, current_user)
    except NotFound:
        return False
    return True


@bp.route("/<int:person_id>/contact", methods=["GET", "POST"])
@roles_required(*CONTACT_EDITORS)
def contact(person_id: int):
    record = contacts.load_editable(person_id, current_user)
    errors, values, status = PageErrors(), {key: getattr(record, key) or "" for key in contacts.EDITABLE}, 200
    if request.method == "POST":
        values = {key: request.form.get(key, "") for key in contacts.EDITABLE}
        try:
            contacts.update(record, {**values, "version": _number(request.form.get("version"))}, actor=current_user)
        except (ValidationFailed, Conflict) as failure:  # a conflict belongs to the whole form: its first field
            errors = PageErrors(failure.fields if isinstance(failure, ValidationFailed) else
                                {"phone": [failure.message]}, list(contacts.EDITABLE))
            status = failure.status
        else:
            flash("Contact details saved. The earlier ones are kept in the history.", "success")
            return redirect(url_for("people.person", person_id=record.id) + "#contact")
        record = contacts.load_editable(person_id, current_user)
    return render_template("people/contact.html", person=record, values=values, errors=errors,
                           languages=list(people_rules.LANGUAGES.items())), status


@bp.route("/<int:person_id>/merge", methods=["GET", "POST"])
@roles_required(ADMIN)
def merge(person_id: int):
    other_id = request.args.get("other", type=int)
    if not valid_id(other_id) or other_id == person_id:
        abort(404)
    kept, other = people.load(person_id, current_user), people.load(other_id, current_user)
    errors, status = PageErrors(), 200
    if request.method == "POST":
        try:
            merges.merge(person_id, other_id, {"reason": request.form.get("reason"),
                                               "version": _number(request.form.get("version")),
                                               "other_version": _number(request.form.get("other_version"))},
                         actor=current_user)
        except (ValidationFailed, Conflict) as failure:  # every problem belongs to the one question on the page
            errors = PageErrors({"reason": [m for found in failure.fields.values() for m in found]
                                 if isinstance(failure, ValidationFailed) else [failure.message]})
            status = failure.status
        else:
            flash("Records merged: everything about this person is now on one record.", "success")
            return redirect(url_for("people.person", person_id=person_id))
        kept, other = people.load(person_id, current_user), people.load(other_id, current_user)
    counts = {p.id: merges.history_counts(p.id) for p in (kept, other)}
    return render_template("people/merge.html", kept=kept, other=other, counts=counts, errors=errors,
                           reason=request.form.get("reason", ""), genders=people_rules.GENDERS,
                           ethnicities=people_rules.ETHNICITIES), status


def _number(raw: str | None):
    return int(raw) if raw is not None and whole_number(raw) else None

