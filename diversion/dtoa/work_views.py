"""After the test: its page (events offered only where they fit the status), custody's decision on a missed
assessment, and the way on to a DIVERT or Checkpoint referral without typing the person again. The provider's
worklist and custody's list of missed assessments are in list_views.py."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from diversion import clock
from diversion.access import roles_required
from diversion.domain import dtoa as rules
from diversion.domain import need_to_know as need_to_know_rules
from diversion.domain.roles import ADMIN, CUSTODY_OFFICER, MANAGER, NAVIGATOR, PROVIDER
from diversion.dtoa.views import bp
from diversion.errors import Conflict, ValidationFailed
from diversion.pages import PageErrors, date_from_form, date_parts
from diversion.services import drafts, dtoa, treatment
from diversion.services.parse import whole_number

READERS = (CUSTODY_OFFICER, PROVIDER, MANAGER, ADMIN, NAVIGATOR)
EVENT_WRITERS = (PROVIDER, CUSTODY_OFFICER, ADMIN)


def _version(form) -> int | None:
    typed = form.get("version", "")
    return int(typed) if whole_number(typed) else None


def _test_page(test_id: int, errors: PageErrors | None = None, status: int = 200):
    test = dtoa.load(test_id, current_user)
    allowed = rules.allowed_events(test.status, current_user.role) if current_user.role in EVENT_WRITERS else []
    service = treatment.service(test.assessment_service_code) if test.assessment_service_code else None
    return render_template(
        "dtoa/test.html", test=test, rules=rules, errors=errors or PageErrors(), allowed=allowed, service=service,
        values=request.form if errors else {}, today_parts=date_parts(clock.today()),
        follow_up_at=dtoa.follow_up_at(test),
        reads_people=need_to_know_rules.reads_any(need_to_know_rules.PERSON, current_user.role),
        may_decide=current_user.role in (CUSTODY_OFFICER, ADMIN) and rules.may_decide(test.status),
        may_refer=current_user.role in (CUSTODY_OFFICER, ADMIN) and rules.is_positive(test.result)), status


@bp.route("/tests/<int:test_id>")
@roles_required(*READERS)
def test(test_id: int):
    return _test_page(test_id)


@bp.route("/tests/<int:test_id>/events", methods=["POST"])
@roles_required(*EVENT_WRITERS)
def record_event(test_id: int):
    record = dtoa.load(test_id, current_user, action="event")
    problems: dict = {}
    data = {"event": request.form.get("event") or None, "version": _version(request.form),
            "date": date_from_form("date", "The date", problems, "date") or None}
    try:
        if problems:
            raise ValidationFailed(fields=problems)
        dtoa.record_event(record, data, actor=current_user)
    except ValidationFailed as failure:
        return _test_page(test_id, PageErrors({**failure.fields, **problems}, ["event", "date"], dates=("date",)),
                          422)
    except Conflict as conflict:
        return _test_page(test_id, PageErrors({"event": [conflict.message]}), 409)
    flash(f"Recorded: {rules.EVENTS[data['event']].lower()}.", "success")
    return redirect(url_for("dtoa.test", test_id=test_id))


@bp.route("/tests/<int:test_id>/decision", methods=["GET", "POST"])
@roles_required(CUSTODY_OFFICER, ADMIN)
def decide(test_id: int):
    test = dtoa.load(test_id, current_user, action="view" if request.method == "GET" else "decide")
    errors, status = PageErrors(), 200
    if request.method == "POST":
        problems: dict = {}
        data = {"decision": request.form.get("decision") or None, "reason": request.form.get("reason") or None,
                "date": date_from_form("date", "The date of the decision", problems, "date") or None,
                "version": _version(request.form)}
        try:
            if problems:
                raise ValidationFailed(fields=problems)
            dtoa.decide(test, data, actor=current_user)
        except ValidationFailed as failure:
            errors, status = PageErrors({**failure.fields, **problems}, ["decision", "reason", "date", "version"],
                                        dates=("date",)), 422
        except Conflict as conflict:
            errors, status = PageErrors({"decision": [conflict.message]}), 409
        else:
            flash(f"Decision recorded for {test.reference}: {rules.DECISIONS[data['decision']].lower()}.", "success")
            return redirect(url_for("dtoa.missed"))
    return render_template("dtoa/decision.html", test=test, rules=rules, errors=errors, values=request.form,
                           today_parts=date_parts(clock.today())), status


def _as_typed(test) -> dict:
    """The person as the officer recorded them on the test, for a referral form (nothing typed twice)."""
    typed = dict(test.person_as_recorded or {})
    return {key: typed[key] for key in ("given_name", "family_name", "date_of_birth", "gender", "ethnicity",
                                        "pnc_id", "custody_number", "postcode", "phone", "email") if typed.get(key)}


@bp.route("/tests/<int:test_id>/refer/divert")
@roles_required(CUSTODY_OFFICER, ADMIN)
def refer_divert(test_id: int):
    """The DIVERT form with the person filled in from the test (the identity check then finds their record)."""
    from diversion.divert.views import refer_page_for

    return refer_page_for(_as_typed(dtoa.load(test_id, current_user)))


@bp.route("/tests/<int:test_id>/refer/checkpoint", methods=["POST"])
@roles_required(CUSTODY_OFFICER, ADMIN)
def refer_checkpoint(test_id: int):
    """A Checkpoint referral started with the person from the test, at its first step for the officer to check."""
    from diversion.checkpoint.intake import steps

    person = _as_typed(dtoa.load(test_id, current_user))
    draft = drafts.start(current_user)
    drafts.merge(draft, "person", person)
    return redirect(url_for("intake.step", draft_id=draft.id, step=steps.FIRST))
