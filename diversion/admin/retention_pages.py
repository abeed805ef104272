"""Retention review pages (administrators): the people due for review (an MoJ filter: due by a date, default
today; keyset pages), and one person's review: their cases, earlier decisions, and a decision to retain (a reason
and the next review date) or erase (a reason, and an "Are you sure?" page first)."""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from diversion import clock, confirming
from diversion.access import roles_required
from diversion.admin.views import bp
from diversion.domain import retention as rules
from diversion.domain.roles import ADMIN
from diversion.errors import Conflict, ValidationFailed
from diversion.lists import ListPage
from diversion.pages import PageErrors, date_from_form, date_parts
from diversion.services import retention

FIELDS = ["decision", "reason", "review_date"]


def _due_by(problems: dict) -> tuple[date, dict]:
    """The filter's date (default today), and its parts as typed, to show again."""
    typed = {f"by-{part}": request.args.get(f"by-{part}") for part in ("day", "month", "year")
             if request.args.get(f"by-{part}")}
    text = date_from_form("by", "The due by date", problems, "by", request.args)
    if text:
        try:
            return date.fromisoformat(text), typed
        except ValueError:
            problems.setdefault("by", []).append("The due by date must be a real date")
    return clock.today(), typed


@bp.route("/retention")
@roles_required(ADMIN)
def retention_list():
    problems: dict = {}
    by, typed = _due_by(problems)
    listing = ListPage("admin.retention_list", dict(typed), "review_date", {"review_date": "Review date"},
                       "review_date")
    found = retention.due(current_user, by=by, after=request.args.get("after"))
    selected = []
    if typed and not problems:
        selected.append({"heading": "Due by", "text": f"{by.day} {by:%B %Y}",
                         "href": listing.url(**{name: None for name in typed}, after=None)})
    return render_template("admin/retention_list.html", people=found.rows, summaries=retention.summaries(found.rows),
                           by=by, today=clock.today(), listing=listing, selected=selected,
                           dates={"by": date_parts(by) if not typed else {
                               part: request.args.get(f"by-{part}", "") for part in ("day", "month", "year")}},
                           errors=PageErrors(problems, ["by"], dates=("by",)), pagination=listing.pagination(found))


def _review_page(person, *, status: int = 200, errors: PageErrors | None = None, answers: dict | None = None,
                 conflict: str | None = None):
    today = clock.today()
    history = retention.history(person, current_user)
    answers = answers or {}
    next_review = answers.get("review_date") or date_parts(rules.default_next_review(today, history["years"]))
    return render_template("admin/retention_review.html", person=person, history=history, answers=answers,
                           next_review=next_review, errors=errors or PageErrors(), conflict=conflict,
                           decisions=rules.DECISIONS, version=answers.get("version", person.version)), status


def _posted() -> tuple[dict, dict]:
    """The decision as the service takes it, and problems with the date as typed."""
    form, problems = request.form, {}
    data = {"decision": form.get("decision") or None, "reason": form.get("reason")}
    version = (form.get("version") or "").strip()
    data["version"] = int(version) if version.isascii() and version.isdigit() and len(version) < 10 else None
    if data["decision"] == rules.RETAIN:
        data["review_date"] = date_from_form("review_date", "The next review date", problems, "review_date", form)
    return data, problems


@bp.route("/retention/<int:person_id>", methods=["GET", "POST"])
@roles_required(ADMIN)
def retention_review(person_id: int):
    person = retention.load(person_id)
    if request.method == "GET":
        return _review_page(person)
    data, problems = _posted()
    shown = {"decision": data["decision"], "reason": data["reason"], "version": request.form.get("version"),
             "review_date": {part: request.form.get(f"review_date-{part}", "") for part in ("day", "month", "year")}}
    try:
        if data["decision"] == rules.ERASE and not confirming.confirmed():
            retention.check_decision(person, data)  # nothing to confirm if it would be refused
            return _confirm_erase(person)
        if problems:
            retention.check_decision(person, data)  # every other problem too, then the date's
            raise ValidationFailed(fields={})
        retention.decide(person.id, data, actor=current_user)
    except ValidationFailed as failure:
        return _review_page(retention.load(person_id), status=422, answers=shown,
                            errors=PageErrors({**failure.fields, **problems}, FIELDS, dates=("review_date",)))
    except Conflict as conflict:
        return _review_page(retention.load(person_id), status=409, conflict=conflict.message)
    if data["decision"] == rules.ERASE:
        flash("The record has been erased. The erasure log shows who erased it, when and why.", "success")
    else:
        flash(f"{person.full_name}'s record is retained. It is next reviewed on "
              f"{person.review_date.day} {person.review_date:%B %Y}.", "success")
    return redirect(url_for("admin.retention_list"))


def _confirm_erase(person):
    return confirming.page(confirming.Confirmation(
        question=f"Are you sure you want to erase {person.full_name}'s record?",
        caption="Retention review",
        action=url_for("admin.retention_review", person_id=person.id),
        button="Yes, erase the record",
        cancel=url_for("admin.retention_review", person_id=person.id),
        warning="Their name, date of birth, identifiers, contact details and every note about them are destroyed. "
                "This cannot be undone.",
        rows=[{"key": {"text": "Reason"}, "value": {"text": request.form.get("reason", "")}}],
        explain=["Dates, statuses and categories are kept without their name, so that reports give the same "
                 "figures. The erasure log records who erased the record, when and why."]))
