"""Subject access pages (administrators): record a request and its purpose, then see everything held about the
person, printable, with the JSON bundle and a standalone HTML copy to download. Every showing and every download
is a recorded disclosure (services/subject_access.py)."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from diversion.access import roles_required
from diversion.domain import subject_access as rules
from diversion.domain.roles import ADMIN
from diversion.errors import ValidationFailed
from diversion.pages import PageErrors, date_from_form
from diversion.people.subject_access_render import helpers, standalone_file
from diversion.people.views import bp
from diversion.services import subject_access

FIELDS = ["received_on", "purpose", "identity_checked"]
JUST_ANSWERED = "subject_access_answered"  # the answer was recorded a moment ago: showing it is not another view


@bp.route("/<int:person_id>/subject-access", methods=["GET", "POST"])
@roles_required(ADMIN)
def subject_access_request(person_id: int):
    person = subject_access.load(person_id, current_user)
    errors, status, values = PageErrors(), 200, {"purpose": "", "identity_checked": False, "received_on": ""}
    if request.method == "POST":
        problems: dict[str, list[str]] = {}
        values = {"received_on": date_from_form("received_on", "The date the request was received", problems,
                                                "received_on"),
                  "purpose": request.form.get("purpose", ""),
                  "identity_checked": request.form.get("identity_checked") == "yes"}
        try:
            received_on, purpose = subject_access.parse_request(values)
        except ValidationFailed as failure:
            for name, found in failure.fields.items():
                problems.setdefault(name, found)
        if not values["identity_checked"]:
            problems["identity_checked"] = ["Confirm that you have checked who is asking and that they may have "
                                            "this information"]
        if not problems:
            answered, _bundle = subject_access.answer(person, received_on, purpose, actor=current_user)
            session[JUST_ANSWERED] = answered.id
            flash("Subject access request recorded. Everything held is below: review the flagged text before you "
                  "release it.", "success")
            return redirect(url_for("people.subject_access_answer", person_id=person.id, request_id=answered.id))
        errors, status = PageErrors(problems, FIELDS, dates=("received_on",)), 422
    earlier = [subject_access.describe(r, "") for r in subject_access.requests_for(person)]
    return render_template("people/subject_access.html", person=person, errors=errors, values=values,
                           received={part: request.form.get(f"received_on-{part}", "")
                                     for part in ("day", "month", "year")},
                           earlier=earlier,
                           purpose_max=rules.PURPOSE_MAX, **helpers()), status


@bp.route("/<int:person_id>/subject-access/<int:request_id>")
@roles_required(ADMIN)
def subject_access_answer(person_id: int, request_id: int):
    person = subject_access.load(person_id, current_user)
    answered = subject_access.load_request(person, request_id)
    if session.get(JUST_ANSWERED) == answered.id:
        session.pop(JUST_ANSWERED)
        bundle = subject_access.gather(person, actor=current_user)  # recorded as the answer a moment ago
        bundle["request"] = subject_access.describe(answered, current_user.name)
    else:
        bundle = subject_access.reissue(person, answered, actor=current_user)
    return render_template("people/subject_access_answer.html", person=person, answered=answered, bundle=bundle,
                           **helpers())


@bp.route("/<int:person_id>/subject-access/<int:request_id>/bundle.json")
@roles_required(ADMIN)
def subject_access_json(person_id: int, request_id: int):
    person = subject_access.load(person_id, current_user)
    bundle = subject_access.reissue(person, subject_access.load_request(person, request_id), actor=current_user,
                                    download="json")
    return _download(subject_access.encode(bundle), "application/json", f"subject-access-{request_id}.json")


@bp.route("/<int:person_id>/subject-access/<int:request_id>/bundle.html")
@roles_required(ADMIN)
def subject_access_html(person_id: int, request_id: int):
    person = subject_access.load(person_id, current_user)
    bundle = subject_access.reissue(person, subject_access.load_request(person, request_id), actor=current_user,
                                    download="html")
    return _download(standalone_file(bundle, person.full_name).encode("utf-8"), "text/html",
                     f"subject-access-{request_id}.html")


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
