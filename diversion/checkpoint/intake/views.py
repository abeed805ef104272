"""The custody officer's Checkpoint referral journey: a start page, one question page per topic, check
your answers, submit. Answers are kept in a server-side draft (diversion.services.drafts) page by page."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from diversion import clock, confirming
from diversion.access import roles_required
from diversion.domain import referrals as referral_rules
from diversion.domain.roles import ADMIN, CUSTODY_OFFICER
from diversion.errors import Conflict, ValidationFailed
from diversion.checkpoint.intake import journey, steps
from diversion.pages import PageErrors
from diversion.people import identity_question
from diversion.services import drafts, referrals

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
def page_helpers():
    """What the intake pages use (also passed by the navigator's decline view, which shows the referral page)."""
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
    if not steps.applies(step, draft.data, clock.today()):  # e.g. the late-entry page for a referral on time
        return redirect(url_for("intake.check", draft_id=draft.id))
    if request.method == "GET":
        return _step_page(draft, page, page.answers_from_draft(draft.data, clock.today()), PageErrors())
    values, problems = page.read(request.form)
    for section, answers in values.items():
        drafts.merge(draft, section, answers)
    remaining = journey.draft_problems(draft.data)
    mine = {**page.own(remaining), **problems}  # a date's own problem says more than the service's
    if mine:  # 422: the request rolls back, so the draft keeps its last good answers
        return _step_page(draft, page, page.answers_from_form(request.form), page.errors(mine)), 422
    following = steps.next_step(step, draft.data, clock.today())
    if following == "suitability" and "suitability" not in draft.data:  # optional, but asked once on the way
        return redirect(url_for("intake.step", draft_id=draft.id, step=following))
    if not remaining or following is None:  # everything answered (or changed from check answers)
        return redirect(url_for("intake.check", draft_id=draft.id))
    return redirect(url_for("intake.step", draft_id=draft.id, step=following))


def _step_page(draft, page, answers, errors):
    today = clock.today()
    previous = steps.previous_step(page.slug, draft.data, today)
    back = url_for("intake.step", draft_id=draft.id, step=previous) if previous else url_for("intake.start")
    offence = page.slug == "offence"
    options = steps.options(journey.category_choices() if offence else [], journey.suite_choices() if offence else [])
    return render_template(f"intake/step_{page.slug}.html", draft=draft, page=page, answers=answers,
                           errors=errors, options=options, back=back,
                           late_days=steps.late_entry_days(draft.data, today),
                           referral_date=journey.long_date(draft.data.get("referral_date")),
                           late_limit=referral_rules.LATE_ENTRY_DAYS)


@bp.get("/referrals/new/<int:draft_id>/check")
@roles_required(*REFERRERS)
def check(draft_id: int):
    draft = drafts.load(draft_id, current_user)
    return _check_page(draft, [], journey.identity_check(draft.data, current_user), None, PageErrors())


@bp.post("/referrals/new/<int:draft_id>/check", endpoint="submit")
@roles_required(*REFERRERS)
def submit(draft_id: int):
    draft = drafts.load(draft_id, current_user, lock=True, sent_too=True)  # a double click sends it once
    if draft.submitted_referral_id is not None:
        return redirect(url_for("intake.referral", referral_id=draft.submitted_referral_id))
    who = journey.identity_check(draft.data, current_user)
    chosen = request.form.get(identity_question.FIELD)
    person, choice = identity_question.choose(draft.data.get("person") or {}, who, chosen)
    try:
        if choice:  # every other problem too, not just the missing answer
            raise ValidationFailed(fields={**referrals.problems(draft.data, clock.today()), **choice})
        referral = drafts.submit(draft, current_user, person=person)
    except ValidationFailed as failure:
        links = journey.error_links({k: v for k, v in failure.fields.items() if k != "identity"}, draft.id)
        if "identity" in failure.fields:
            links.insert(0, {"text": failure.fields["identity"][0], "href": "#identity"})
        return _check_page(draft, links, who, chosen, PageErrors(failure.fields)), 422
    except Conflict as conflict:  # a PNC clash, or two known people with these details
        links = [{"text": conflict.message, "href": journey.step_url(draft.id, "person", "person-pnc_id")}]
        return _check_page(draft, links, who, chosen, PageErrors()), 409
    return redirect(url_for("intake.referral", referral_id=referral.id))


def _check_page(draft, error_links, who, chosen, errors):
    options = steps.options(journey.category_choices(), journey.suite_choices())
    labels = {name: dict(choices) for name, choices in options.items()}
    return render_template("intake/check.html", draft=draft, error_links=error_links, check=who, chosen=chosen,
                           identity_options=identity_question.options(who), field_errors=errors,
                           sections=journey.answer_sections(draft.data, draft.id, labels, clock.today()))


@bp.route("/referrals/new/<int:draft_id>/discard", methods=["GET", "POST"])
@roles_required(*REFERRERS)
def discard(draft_id: int):
    draft = drafts.load(draft_id, current_user)
    if request.method == "GET" or not confirming.confirmed():  # a link or the first press: ask first
        return confirming.page(confirming.Confirmation(
            question="Are you sure you want to delete this referral without sending it?",
            caption="Refer to Checkpoint", action=url_for("intake.discard", draft_id=draft.id),
            button="Yes, delete it", cancel=url_for("intake.check", draft_id=draft.id),
            warning="Everything you have entered for this referral will be deleted. It cannot be got back.",
            hidden=[]))
    drafts.discard(draft, current_user)
    flash("The referral was not sent. What you entered has been deleted.", "success")
    return redirect(url_for("intake.start"))
