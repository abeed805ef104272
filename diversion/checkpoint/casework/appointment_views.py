"""Appointment pages on the contract (revision 2, casework): book, record attendance, cancel, the note after a
missed appointment, and the printable appointment letter. The contract page lists them (a partial that calls
`contract_appointments`)."""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from diversion import clock
from diversion.access import roles_required
from diversion.checkpoint.casework import forms
from diversion.checkpoint.casework.views import WORKERS, bp
from diversion.domain import appointments as rules
from diversion.domain import contracts as contract_rules
from diversion.errors import Conflict, ValidationFailed
from diversion.pages import PageErrors, date_from_form
from diversion.services import appointments, contracts
from diversion.services.parse import whole_number

BOOK_ORDER = ["date", "time-hour", "kind", "location", "condition_id"]


@bp.app_context_processor
def _appointment_helpers() -> dict:
    """For templates/casework/appointments/_section.html: (upcoming, past) appointments of a contract, loaded
    only when a page includes the section."""
    def contract_appointments(contract):
        return rules.split(appointments.for_contract(contract), clock.now())
    return {"contract_appointments": contract_appointments, "appointment_rules": rules,
            "appointment_now": clock.now()}


def _booking_data(form, problems: dict) -> dict:
    """The form as the API's body: the UK date and time become one instant with its offset."""
    starts_at = None
    day = date_from_form("date", "The date of the appointment", problems, "date", form)
    if day is None:
        problems.setdefault("date", []).append("Enter the date of the appointment")
    time_problem = rules.time_problem(form.get("time-hour", ""), form.get("time-minute", ""))
    if time_problem:
        problems.setdefault("time-hour", []).append(time_problem)
    if day:
        try:
            parsed = date.fromisoformat(day)
        except ValueError:
            problems.setdefault("date", []).append("The date of the appointment must be a real date")
        else:
            if not time_problem:
                starts_at = rules.local_start(parsed, int(form["time-hour"]), int(form["time-minute"])).isoformat()
    condition = form.get("condition_id", "")
    return {"starts_at": starts_at, "kind": form.get("kind") or None, "location": form.get("location"),
            "condition_id": int(condition) if whole_number(condition) else (condition or None)}


@bp.route("/contracts/<int:contract_id>/appointments/new", methods=["GET", "POST"])
@roles_required(*WORKERS)
def book_appointment(contract_id: int):
    contract = contracts.load(contract_id, current_user, action="view" if request.method == "GET" else "appointment")
    errors = PageErrors()
    if request.method == "POST":
        problems: dict = {}
        try:
            appointments.book(contract, _booking_data(request.form, problems), actor=current_user)
        except ValidationFailed as failure:
            fields = {("date" if k == "starts_at" else k): v for k, v in failure.fields.items()}
            if problems:  # the page's own reading of the date and time explains them better
                fields.pop("date", None)
            errors = PageErrors({**fields, **problems}, BOOK_ORDER, dates=("date",))
        except Conflict as conflict:
            errors = PageErrors({"conflict": [conflict.message]})
        else:
            flash("Appointment booked.", "success")
            return redirect(url_for("casework.contract", contract_id=contract.id) + "#appointments")
    return render_template("casework/appointments/book.html", contract=contract, errors=errors, form=request.form,
                           conditions=[c for c in contract.conditions if c.type != contract_rules.OFFENDING],
                           rules=rules, contract_rules=contract_rules, is_open=contract_rules.is_open(contract.status))


def _load(contract_id: int, appointment_id: int, action: str):
    contract = contracts.load(contract_id, current_user, action=action)
    return contract, appointments.find(contract, appointment_id)


@bp.route("/contracts/<int:contract_id>/appointments/<int:appointment_id>/attendance", methods=["GET", "POST"])
@roles_required(*WORKERS)
def record_attendance(contract_id: int, appointment_id: int):
    contract, appointment = _load(contract_id, appointment_id, "view" if request.method == "GET" else "appointment")
    errors = PageErrors()
    if request.method == "POST":
        attended = {"yes": True, "no": False}.get(request.form.get("attended", ""))
        try:
            appointments.record_attendance(contract, appointment.id, {
                "attended": attended, "note": request.form.get("note") or None,
                "version": forms.version(request.form)}, actor=current_user)
        except ValidationFailed as failure:
            errors = PageErrors(failure.fields, ["attended", "note"])
        except Conflict as conflict:
            errors = PageErrors({"conflict": [conflict.message]})
        else:
            if attended:
                flash("Recorded that they attended.", "success")
                return redirect(url_for("casework.contract", contract_id=contract.id) + "#appointments")
            return redirect(url_for("casework.missed_note", contract_id=contract.id, appointment_id=appointment.id))
        contract, appointment = _load(contract_id, appointment_id, "appointment")  # read again after a failure
    return render_template("casework/appointments/attendance.html", contract=contract, appointment=appointment,
                           errors=errors, form=request.form, rules=rules, now=clock.now())


@bp.route("/contracts/<int:contract_id>/appointments/<int:appointment_id>/missed-note", methods=["GET", "POST"])
@roles_required(*WORKERS)
def missed_note(contract_id: int, appointment_id: int):
    """After a missed appointment: a note of kind missed_appointment (what happened, what was done about it)."""
    contract, appointment = _load(contract_id, appointment_id, "view" if request.method == "GET" else "note")
    errors = PageErrors()
    if request.method == "POST":
        try:
            contracts.add_note(contract, {"kind": "missed_appointment", "body": request.form.get("body")},
                               actor=current_user)
        except ValidationFailed as failure:
            errors = PageErrors(failure.fields, ["body"])
        else:
            flash("Note added.", "success")
            return redirect(url_for("casework.contract", contract_id=contract.id) + "#note")
    return render_template("casework/appointments/missed_note.html", contract=contract, appointment=appointment,
                           errors=errors, form=request.form, rules=rules, note_max=contract_rules.NOTE_MAX)


@bp.route("/contracts/<int:contract_id>/appointments/<int:appointment_id>/cancel", methods=["GET", "POST"])
@roles_required(*WORKERS)
def cancel_appointment(contract_id: int, appointment_id: int):
    contract, appointment = _load(contract_id, appointment_id, "view" if request.method == "GET" else "appointment")
    errors = PageErrors()
    if request.method == "POST":
        try:
            appointments.cancel(contract, appointment.id, {"reason": request.form.get("reason"),
                                                           "version": forms.version(request.form)},
                                actor=current_user)
        except ValidationFailed as failure:
            errors = PageErrors(failure.fields, ["reason"])
        except Conflict as conflict:
            errors = PageErrors({"conflict": [conflict.message]})
        else:
            flash("Appointment cancelled.", "success")
            return redirect(url_for("casework.contract", contract_id=contract.id) + "#appointments")
        contract, appointment = _load(contract_id, appointment_id, "appointment")
    return render_template("casework/appointments/cancel.html", contract=contract, appointment=appointment,
                           errors=errors, form=request.form, rules=rules)


@bp.route("/contracts/<int:contract_id>/appointments/<int:appointment_id>/letter")
@roles_required(*WORKERS)
def appointment_letter(contract_id: int, appointment_id: int):
    from diversion import print_language

    contract, appointment = _load(contract_id, appointment_id, "view")
    preferred = contract.person.language
    return render_template("casework/appointments/letter.html", contract=contract, appointment=appointment,
                           rules=rules, today=clock.today(),
                           doc=print_language.document(request.args.get("language"), preferred),
                           preferred=print_language.chosen(None, preferred))
