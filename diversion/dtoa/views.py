"""Recording a drug test in custody on one page: the person (the same questions and identity check as a
referral), why the test was allowed, the result, the legal warning, and for a positive test the initial assessment
booked there and then. Then a confirmation saying what to tell the person."""
from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from diversion import clock
from diversion.access import roles_required
from diversion.divert.appointment_field import LONDON, read_time
from diversion.domain import dtoa as rules
from diversion.domain import people as people_rules
from diversion.domain.roles import ADMIN, CUSTODY_OFFICER
from diversion.errors import Conflict, ValidationFailed
from diversion.pages import PageErrors, date_from_form, date_parts
from diversion.people import identity_question
from diversion.services import custody_suites, dtoa, identity, reference, treatment

bp = Blueprint("dtoa", __name__, url_prefix="/dtoa")

PERSON_KEYS = ("given_name", "family_name", "gender", "ethnicity", "pnc_id", "custody_number", "postcode", "phone",
               "email")
ORDER = ["identity", "person.given_name", "person.family_name", "person.date_of_birth", "person.gender",
         "person.ethnicity", "person.pnc_id", "person.custody_number", "person.postcode", "person.phone",
         "person.email", "test_date", "custody_suite_code", "authority", "trigger_offence", "offence_category",
         "result", "assessment.at", "assessment.time", "assessment.service", "assessment", "warning_given"]
AUTHORITY = {"trigger": "Arrested for a trigger offence", "inspector": "An inspector authorised the test"}


def _assessment(form, result: str | None, problems: dict) -> dict | None:
    """The booking on the page: a date, a time and a service, all required for a positive result."""
    if result not in rules.POSITIVE_RESULTS:
        return None  # the booking is asked only for a positive result: whatever else was typed there is ignored
    day = date_from_form("assessment-at", "The date of the assessment", problems, "assessment.at", form)
    typed_time, service = (form.get("assessment-time") or "").strip(), form.get("assessment-service") or None
    if day is None:
        problems.setdefault("assessment.at", []).append("Enter the date of the initial assessment")
    at = read_time(typed_time)
    if at is None:
        problems.setdefault("assessment.time", []).append("Enter the time of the assessment, like 14:30 or 2:30pm")
    if not service:
        problems.setdefault("assessment.service", []).append("Choose the service holding the assessment")
    if not day or at is None or not service:
        return None  # what is missing is reported above; the rest of the page is still checked
    try:
        on = date.fromisoformat(day)
    except ValueError:  # typed as numbers but no such day (30 February): the service names it
        return {"at": "unreadable", "service": service}
    return {"at": datetime.combine(on, at, tzinfo=LONDON).isoformat(), "service": service}


def _data(form, problems: dict) -> dict:
    person = {key: (form.get(f"person-{key}") or None) for key in PERSON_KEYS}
    person["date_of_birth"] = date_from_form("person-date_of_birth", "Date of birth", problems,
                                             "person.date_of_birth", form) or None
    authority = form.get("authority")
    if authority not in AUTHORITY:
        problems.setdefault("authority", []).append("Say why the test was allowed: a trigger offence or an "
                                                    "inspector's authority")
    result = form.get("result") or None
    data = {"person": person, "test_date": date_from_form("test_date", "The date of the test", problems,
                                                          "test_date", form) or None,
            "trigger_offence": authority == "trigger" if authority in AUTHORITY else None,
            "inspector_authority": authority == "inspector",
            "offence_category": form.get("offence_category") or None, "result": result,
            "custody_suite_code": form.get("custody_suite_code") or None,
            "warning_given": form.get("warning_given") == "yes"}
    booking = _assessment(form, result, problems)
    if booking is not None:
        data["assessment"] = booking
    return data


@bp.route("/tests/new", methods=["GET", "POST"])
@roles_required(CUSTODY_OFFICER, ADMIN)
def record():
    errors, form, check, status = PageErrors(), request.form, None, 200
    if request.method == "POST":
        problems: dict = {}
        data = _data(form, problems)
        person, found = dtoa.problems(data)
        if "authority" in problems:
            found.pop("trigger_offence", None)  # the page asks one question for both
        if not any(name.startswith("person.") for name in found):
            check = identity.check(person, current_user)  # who this is, before anything is saved
        data["person"], choice_problems = identity_question.choose(data["person"], check, form.get("identity"))
        first_asked = choice_problems and form.get("identity_asked") != "1"
        try:
            if found or problems or (choice_problems and not first_asked):
                raise ValidationFailed(fields={**found, **choice_problems, **problems})
            if first_asked:
                return _page(form, PageErrors(), check), 200
            test = dtoa.record(data, actor=current_user, warning_required=True)
        except ValidationFailed as failure:
            errors, status = PageErrors({**failure.fields, **problems}, ORDER,
                                        dates=("person.date_of_birth", "test_date", "assessment.at")), 422
        except Conflict as conflict:
            errors, status = PageErrors(conflict.fields if conflict.code == "identity_mismatch"
                                        else {"person.given_name": [conflict.message]}), 409
        else:
            return redirect(url_for("dtoa.recorded", test_id=test.id))
    return _page(form, errors, check), status


def _page(form, errors: PageErrors, check):
    def parts(prefix, default):
        if form.get(f"{prefix}-day") is not None:
            return {p: form.get(f"{prefix}-{p}", "") for p in ("day", "month", "year")}
        return date_parts(default)
    return render_template(
        "dtoa/record.html", form=form, errors=errors, check=check, identity_options=identity_question.options(check),
        genders=people_rules.GENDERS, ethnicities=people_rules.ETHNICITIES, rules=rules, authorities=AUTHORITY,
        categories=[(c.code, c.title) for c in reference.categories()],
        suites=[(s.code, s.name) for s in custody_suites.suites()],
        services=[(s.code, s.name) for s in treatment.services()],
        person_values={**{f"person.{k}": form.get(f"person-{k}", "") for k in PERSON_KEYS},
                       "person.date_of_birth": parts("person-date_of_birth", None)},
        test_day=parts("test_date", clock.today()), assessment_day=parts("assessment-at", None))


@bp.route("/tests/<int:test_id>/recorded")
@roles_required(CUSTODY_OFFICER, ADMIN)
def recorded(test_id: int):
    test = dtoa.load(test_id, current_user)
    typed = test.person_as_recorded
    service = treatment.service(test.assessment_service_code) if test.assessment_service_code else None
    return render_template("dtoa/recorded.html", test=test, rules=rules, service=service,
                           person_name=" ".join(typed[k] for k in ("given_name", "family_name") if typed.get(k)))
