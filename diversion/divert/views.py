"""DIVERT pages. Officers refer in a couple of minutes; providers work the referral to its end."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from diversion import clock
from diversion.access import roles_required
from diversion.domain import divert as rules
from diversion.domain import need_to_know as need_to_know_rules
from diversion.domain import people as people_rules
from diversion.domain.roles import ADMIN, CUSTODY_OFFICER, MANAGER, NAVIGATOR, PROVIDER
from diversion.errors import Conflict, ValidationFailed
from diversion.pages import PageErrors, date_from_form, date_parts
from diversion.divert import appointment_field
from diversion.people import identity_question
from diversion.services import divert, identity, timeline
from diversion.services.parse import whole_number

bp = Blueprint("divert", __name__, url_prefix="/divert")

# The person's questions are the same, in the same order, as Checkpoint's (templates/people/_person_fields.html).
PERSON_KEYS = ("given_name", "family_name", "gender", "ethnicity", "pnc_id", "custody_number", "language", "postcode",
               "phone", "email")
REFERRAL_ORDER = ["identity", "person.given_name", "person.family_name", "person.date_of_birth", "person.gender",
                  "person.ethnicity", "person.pnc_id", "person.custody_number", "person.language", "person.postcode",
                  "person.phone", "person.email", "substance",
                  "suspected_supply", "source", "referral_date", "location", "referring_officer"]


def _referral_data(form, problems: dict) -> dict:
    person = {key: (form.get(f"person-{key}") or None) for key in PERSON_KEYS}
    # An unreadable date is sent on as "unreadable" so that the service refuses it too (and nothing is saved);
    # the page shows the Design System's message from date_from_form instead of the service's.
    person["date_of_birth"] = date_from_form("person-date_of_birth", "Date of birth", problems,
                                             "person.date_of_birth", form)
    if person["date_of_birth"] == "":
        person["date_of_birth"] = "unreadable"
    supply = form.get("suspected_supply")
    return {"person": person, "substance": form.get("substance") or None, "source": form.get("source") or None,
            "suspected_supply": {"yes": True, "no": False}.get(supply),
            "referral_date": _readable(date_from_form("referral_date", "The referral date", problems,
                                                      "referral_date", form)),
            "location": form.get("location") or None, "referring_officer": form.get("referring_officer") or None}


def _readable(value: str | None) -> str | None:
    return "unreadable" if value == "" else value


@bp.route("/referrals/new", methods=["GET", "POST"])
@roles_required(CUSTODY_OFFICER, ADMIN)
def refer():
    errors, form, check, status = PageErrors(), request.form, None, 200
    if request.method == "POST":
        problems: dict = {}  # date inputs that could not be read; the service reports everything else
        data = _referral_data(form, problems)
        person, found = divert.problems(data)
        if not any(name.startswith("person.") for name in found):
            check = identity.check(person, current_user)  # who this is, before anything is saved
        data["person"], choice_problems = identity_question.choose(data["person"], check, form.get("identity"))
        first_asked = choice_problems and form.get("identity_asked") != "1"  # a new question, not a mistake
        try:
            if found or problems or (choice_problems and not first_asked):
                raise ValidationFailed(fields={**found, **choice_problems})
            if first_asked:
                return _refer_page(form, PageErrors(), check), 200
            referral = divert.create(data, actor=current_user)
        except ValidationFailed as failure:
            errors, status = PageErrors({**failure.fields, **problems}, REFERRAL_ORDER,
                                        dates=("person.date_of_birth", "referral_date")), 422
        except Conflict as conflict:
            errors, status = PageErrors(conflict.fields if conflict.code == "identity_mismatch"
                                        else {"person.given_name": [conflict.message]}), 409
        else:
            return redirect(url_for("divert.confirmation", referral_id=referral.id))
    return _refer_page(form, errors, check), status


def refer_page_for(person: dict):
    """The referral form with a known person's details filled in as they were typed elsewhere (a drug test in
    custody): the officer checks them and adds what DIVERT asks; the identity check finds their record."""
    from werkzeug.datastructures import MultiDict

    form = MultiDict({f"person-{key}": value for key, value in person.items()
                      if key in PERSON_KEYS and isinstance(value, str)})
    if isinstance(person.get("date_of_birth"), str):
        for part, value in date_parts(person["date_of_birth"]).items():
            form[f"person-date_of_birth-{part}"] = value
    form["source"] = "custody"
    return _refer_page(form, PageErrors(), None)


def _refer_page(form, errors: PageErrors, check):
    return render_template("divert/refer.html", form=form, errors=errors, substances=rules.SUBSTANCES,
                           check=check, identity_options=identity_question.options(check),
                           sources=rules.SOURCES, genders=people_rules.GENDERS, ethnicities=people_rules.ETHNICITIES,
                           languages=people_rules.LANGUAGES,
                           person_values={**{f"person.{k}": form.get(f"person-{k}", "") for k in PERSON_KEYS},
                                          "person.date_of_birth": _parts(form, "person-date_of_birth", None)},
                           referral_day=_parts(form, "referral_date", clock.today()))


def _parts(form, prefix: str, default) -> dict:
    if form.get(f"{prefix}-day") is not None:
        return {p: form.get(f"{prefix}-{p}", "") for p in ("day", "month", "year")}
    return date_parts(default)


@bp.route("/referrals/<int:referral_id>/confirmation")
@roles_required(CUSTODY_OFFICER, ADMIN)
def confirmation(referral_id: int):
    referral = divert.load(referral_id, current_user)
    typed = referral.person_as_recorded
    return render_template("divert/confirmation.html", referral=referral, substances=rules.SUBSTANCES,
                           person_name=" ".join(typed[k] for k in ("given_name", "family_name") if typed.get(k)))




def _referral_page(referral_id: int, errors: PageErrors | None = None, status: int = 200):
    referral = divert.load(referral_id, current_user)
    return render_template("divert/referral.html", referral=referral, errors=errors or PageErrors(),
                           reads_people=need_to_know_rules.reads_any(need_to_know_rules.PERSON, current_user.role),
                           reads_onward=current_user.role in need_to_know_rules.READS_PROVIDER_NOTES,
                           values=request.form if errors else {}, rules=rules,
                           allowed=rules.allowed_events(referral.status)
                           if current_user.role in (PROVIDER, ADMIN) else [],
                           today_parts=date_parts(clock.today()),
                           timeline=timeline.for_divert_referral(referral),
                           appointment_parts=appointment_field.parts(request.form if errors else {})), status


@bp.route("/referrals/<int:referral_id>")
@roles_required(CUSTODY_OFFICER, PROVIDER, MANAGER, ADMIN, NAVIGATOR)
def referral(referral_id: int):
    return _referral_page(referral_id)


@bp.route("/referrals/<int:referral_id>/events", methods=["POST"])
@roles_required(PROVIDER, ADMIN)
def record_event(referral_id: int):
    record = divert.load(referral_id, current_user, action="event")
    problems: dict = {}
    version = request.form.get("version", "")
    event = request.form.get("event") or None
    data = {"event": event,
            "date": date_from_form("date", "The date", problems, "date"),
            "note": request.form.get("note") or None, "onward_to": request.form.get("onward_to") or None,
            "appointment_at": appointment_field.read(request.form, event, problems),
            "version": int(version) if whole_number(version) else None}
    try:
        if problems:
            raise ValidationFailed(fields=problems)
        divert.record_event(record, data, actor=current_user)
    except ValidationFailed as failure:
        fields = {**appointment_field.page_fields(failure.fields), **problems}
        return _referral_page(referral_id, PageErrors(fields, ["event", "date", appointment_field.DATE,
                                                               appointment_field.TIME, "onward_to", "note"],
                                                      dates=("date", appointment_field.DATE)))
    except Conflict as conflict:
        return _referral_page(referral_id, PageErrors({"event": [conflict.message]}))
    flash(f"Recorded: {rules.EVENT_LABELS[data['event']].lower()}.", "success")
    return redirect(url_for("divert.referral", referral_id=referral_id))
