"""The custody officer's Checkpoint referral journey: a start page, one question page per topic, check
your answers, submit. Answers are kept in a server-side draft (diversion.services.drafts) page by page."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from diversion import clock
from diversion.access import roles_required
from diversion.domain import referrals as referral_rules
from diversion.domain.roles import ADMIN, CUSTODY_OFFICER
from diversion.errors import ValidationFailed
from diversion.intake import journey, steps
from diversion.pages import PageErrors
from diversion.services import drafts

bp = Blueprint("intake", __name__)

REFERRERS = (CUSTODY_OFFICER, ADMIN)
STEP_SLUGS = ", ".join(steps.ORDER)

STATUS_TAGS = {
    referral_rules.INELIGIBLE: "govuk-tag--red",
    referral_rules.AWAITING_APPROVAL: "govuk-tag--yellow",
    referral_rules.AWAITING_NAVIGATOR: "govuk-tag--blue",
    referral_rules.NOT_APPROVED: "govuk-tag--orange",
    referral_rules.DECLINED: "govuk-tag--grey",
    referral_rules.CONTRACTED: "govuk-tag--green",
}


@bp.context_processor
def _helpers():
    return {
        "has_endpoint": lambda endpoint: endpoint in current_app.view_functions,
        "status_label": lambda status: referral_rules.LABELS.get(status, status),
        "status_tag": lambda status: {"text": referral_rules.LABELS.get(status, status),
                                      "classes": STATUS_TAGS.get(status, "govuk-tag--grey")},
    }


@bp.get("/referrals/new")
@roles_required(*REFERRERS)
def start():
    return render_template("intake/start.html")


@bp.post("/referrals/new", endpoint="new_draft")
@roles_required(*REFERRERS)
def new_draft():
    draft = drafts.start(current_user)
    return redirect(url_for("intake.step", draft_id=draft.id, step=steps.FIRST))


@bp.route(f"/referrals/new/<int:draft_id>/<any({STEP_SLUGS}):step>", methods=["GET", "POST"])
@roles_required(*REFERRERS)
def step(draft_id: int, step: str):
    draft = drafts.load(draft_id, current_user)
    page = steps.STEPS[step]
    if request.method == "GET":
        return _step_page(draft, page, page.answers_from_draft(draft.data, clock.today()), PageErrors())
    values, problems = page.read(request.form)
    for section, answers in values.items():
        drafts.merge(draft, section, answers)
    remaining = journey.draft_problems(draft.data)
    mine = {**page.own(remaining), **problems}  # a date's own problem says more than the service's
    if mine:  # 422: the request rolls back, so the draft keeps its last good answers
        return _step_page(draft, page, page.answers_from_form(request.form), page.errors(mine)), 422
    following = steps.next_step(step)
    if not remaining or following is None:  # everything answered (or changed from check answers)
        return redirect(url_for("intake.check", draft_id=draft.id))
    return redirect(url_for("intake.step", draft_id=draft.id, step=following))


def _step_page(draft, page, answers, errors):
    previous = steps.previous_step(page.slug)
    back = url_for("intake.step", draft_id=draft.id, step=previous) if previous else url_for("intake.start")
    options = steps.options(journey.category_choices() if page.slug == "offence" else [])
    return render_template(f"intake/step_{page.slug}.html", draft=draft, page=page, answers=answers,
                           errors=errors, options=options, back=back)


@bp.get("/referrals/new/<int:draft_id>/check")
@roles_required(*REFERRERS)
def check(draft_id: int):
    return _check_page(drafts.load(draft_id, current_user), [])


@bp.post("/referrals/new/<int:draft_id>/check", endpoint="submit")
@roles_required(*REFERRERS)
def submit(draft_id: int):
    draft = drafts.load(draft_id, current_user)
    try:
        referral = drafts.submit(draft, current_user)
    except ValidationFailed as failure:
        return _check_page(draft, journey.error_links(failure.fields, draft.id)), 422
    return redirect(url_for("intake.referral", referral_id=referral.id))


def _check_page(draft, error_links):
    options = steps.options(journey.category_choices())
    labels = {name: dict(choices) for name, choices in options.items()}
    return render_template("intake/check.html", draft=draft, error_links=error_links,
                           sections=journey.answer_sections(draft.data, draft.id, labels))


@bp.post("/referrals/new/<int:draft_id>/discard")
@roles_required(*REFERRERS)
def discard(draft_id: int):
    drafts.discard(drafts.load(draft_id, current_user), current_user)
    flash("The referral was not sent. What you entered has been deleted.", "success")
    return redirect(url_for("intake.start"))
