"""Is it working, for whom, and how sure are we? The dashboard, its tables and their CSV exports."""
from __future__ import annotations

import io
from datetime import date, timedelta

from flask import Blueprint, Response, current_app, redirect, render_template, request, stream_with_context, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from diversion import clock, csv_safe, export_runner
from diversion.access import roles_required
from diversion.domain import contracts as contract_rules
from diversion.domain import divert as divert_rules
from diversion.domain import kpis, people as people_rules
from diversion.domain.deadlines import add_calendar_months
from diversion.domain.roles import ADMIN, MANAGER
from diversion.errors import ValidationFailed
from diversion.extensions import db
from diversion.pages import PageErrors, date_from_form
from diversion.reports import reoffending_section
from diversion.domain import dtoa_return as dtoa_rules
from diversion.domain import exports as export_rules
from diversion.services import contracts, dtoa_return, export_jobs, needs_report, reference, reports, treatment_report

bp = Blueprint("reports", __name__, url_prefix="/reports")
PERIODS = {"this_month": "This month", "last_quarter": "Last quarter", "last_12_months": "Last 12 months",
           "custom": "Custom dates"}


def chosen_period(args, today: date) -> tuple[str, date, date]:
    """The period picker: a named period, or custom from/to dates (422-style errors via ValidationFailed)."""
    choice = args.get("period") or "last_12_months"
    if choice == "this_month":
        return choice, today.replace(day=1), today
    if choice == "last_quarter":
        this_quarter = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
        start = add_calendar_months(this_quarter, -3)
        return choice, start, this_quarter - timedelta(days=1)
    if choice == "custom":
        problems: dict = {}
        values = {name: (date_from_form(name, label, problems, name, args) if args.get(f"{name}-day") is not None
                         else args.get(name)) for name, label in (("from", "The start date"), ("to", "The end date"))}
        if problems:
            raise ValidationFailed(fields=problems)
        start, end = reports.period(MultiDict({k: v for k, v in values.items() if v}), today=today)
        return choice, start, end
    start, end = reports.period(MultiDict(), today=today)
    return "last_12_months", start, end


def _labels(group_by: str | None) -> dict:
    if group_by == "offence_category":  # read only when asked for
        return {c.code: c.title for c in reference.categories(include_inactive=True)}
    return {"ethnicity": people_rules.ETHNICITIES, "gender": people_rules.GENDERS,
            "age_band": dict(zip(kpis.AGE_BANDS, kpis.AGE_BAND_LABELS)),
            "substance": divert_rules.SUBSTANCES, "source": divert_rules.SOURCES}.get(group_by or "", {})


@bp.route("/")
@roles_required(MANAGER, ADMIN)
def dashboard():
    today = clock.today()
    errors = PageErrors()
    try:
        choice, start, end = chosen_period(request.args, today)
    except ValidationFailed as failure:
        errors = PageErrors(failure.fields, ["from", "to"])
        choice, (start, end) = "custom", reports.period(MultiDict(), today=today)
    group_by = request.args.get("group") if request.args.get("group") in reports.CHECKPOINT_GROUPS else "ethnicity"
    divert_group = request.args.get("divert_group") if request.args.get("divert_group") in reports.DIVERT_GROUPS \
        else "substance"
    from diversion.services import partnership, people_counts

    reports.prefetch([  # every section's counters in one round trip (services/counter_batch.py)
        reports.checkpoint_statement(start, end, group_by, today), reports.divert_statement(start, end, divert_group),
        reports.monthly_statement(start, end), partnership.custody_suite_statement(start, end),
        partnership.ethnicity_statement(start, end), needs_report.statement(start, end),
        treatment_report.statement(start, end, today=today), *people_counts.statements(start, end),
        *reoffending_section.statements(request.args)])
    checkpoint = reports.checkpoint(start, end, group_by)
    together = partnership.report(start, end)
    funnel = reports.divert(start, end, divert_group)
    lists = contracts.due_and_overdue(current_user, due_within_days=14, shown=10)
    (due_soon, due_total), (overdue, overdue_total) = lists["due"], lists["overdue"]
    query = {"period": choice, "from": start.isoformat(), "to": end.isoformat()}
    try:
        return render_template(
            "reports/dashboard.html", errors=errors, choice=choice, start=start, end=end, periods=PERIODS,
            checkpoint=checkpoint, monthly=reports.monthly_checkpoint(start, end), funnel=funnel,
            group_by=group_by, divert_group=divert_group, labels=_labels(group_by), divert_labels=_labels(divert_group),
            checkpoint_groups=reports.CHECKPOINT_GROUPS, divert_groups=reports.DIVERT_GROUPS,
            reliability_text=kpis.RELIABILITY_TEXT, breach_reasons=contract_rules.BREACH_REASONS,
            due_soon=due_soon, due_total=due_total, overdue=overdue, overdue_total=overdue_total, today=today,
            query=query, exports=reports.EXPORTS, form=request.args, reoffending=reoffending_section.section(request.args),
            needs_figures=needs_report.by_pathway(start, end), partnership=together, ethnicities=people_rules.ETHNICITIES,
            treatment=treatment_report.report(start, end))
    finally:  # rows prefetched and not taken are this request's only
        reports.forget_prefetched()


@bp.route("/export/<what>", methods=["GET", "POST"])
@roles_required(MANAGER, ADMIN)
def export(what: str):
    today = clock.today()
    source = request.form if request.method == "POST" else request.args
    _choice, start, end = chosen_period(source, today)
    # Only a grouping the reports know is kept (and written into the disclosure's record); anything else is none.
    group_by = source.get("group") if source.get("group") in {*reports.CHECKPOINT_GROUPS, *reports.DIVERT_GROUPS} \
        else None
    errors = PageErrors()
    if what == "dtoa-monthly":  # the return is for one whole month that has begun: the month of `from`
        start = dtoa_return.month_arg({"month": f"{start:%Y-%m}"}, today)
        end = dtoa_rules.last_day(start)
    if request.method == "POST" and what in export_rules.JOB_KINDS:  # long: made as a job, downloaded when ready
        try:
            job = export_jobs.request(what, start, end, request.form.get("purpose"), actor=current_user,
                                      group_by=group_by)
        except ValidationFailed as failure:
            errors = PageErrors(failure.fields)
        else:
            # Committed here, not after the view: the job is made in transactions of its own (right now when the
            # runner is inline, else by the worker), and the disclosure stands whatever becomes of the file.
            db.session.commit()
            if current_app.config["EXPORT_RUNNER"] == "inline":
                export_runner.run_inline(job.id)
            return redirect(url_for("reports.export_job", job_id=job.id))
    elif request.method == "POST":
        try:
            reports.disclose(what, start, end, request.form.get("purpose"), actor=current_user, group_by=group_by)
        except ValidationFailed as failure:
            errors = PageErrors(failure.fields)
        else:
            # The request's one commit (after_request) lands the disclosure before the first row is streamed.
            return _csv(what, start, end, group_by)
    if what not in reports.EXPORTS:
        from flask import abort
        abort(404)
    back = url_for("reports.dtoa_return_page", month=f"{start:%Y-%m}") if what == "dtoa-monthly" else None
    return render_template("reports/export.html", what=what, title=reports.EXPORTS[what], start=start, end=end,
                           group_by=group_by, errors=errors, form=request.form, source=source, back=back,
                           as_job=what in export_rules.JOB_KINDS)


def _csv(what: str, start: date, end: date, group_by: str | None) -> Response:
    def lines(rows):
        buffer = io.StringIO()
        writer = csv_safe.writer(buffer)  # no cell a spreadsheet would run as a formula
        for row in rows:
            writer.writerow(row)
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate(0)

    filename = f"{what}-{start.isoformat()}-to-{end.isoformat()}.csv"
    response = Response(stream_with_context(lines(_rows(what, start, end, group_by))), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Spreadsheet columns in words (a CSV is read by people): names and titles, not ids and codes.
CHECKPOINT_FIELDS = ("Referrals", "Eligible", "Contracts started", "Completed", "Breached", "Discontinued",
                     "Completion rate", "95% interval low", "95% interval high",
                     "Median days from referral to contract", "Active now", "Overdue now", "Reliability")
DIVERT_FIELDS = ("Referrals", "Repeat referrals", "Contacted", "Assessed", "Completed", "Assessed rate",
                 "95% interval low", "95% interval high", "Median days to assessment", "Reliability")
GROUP_NAMES = {"navigator": "Navigator", "ethnicity": "Ethnic group", "gender": "Gender", "age_band": "Age band",
               "offence_category": "Offence category", "substance": "Substance", "source": "Where referred from"}
DISPARITY = {"higher": "Higher than overall", "lower": "Lower than overall", None: "No clear difference"}


def _reliability(code):
    return kpis.RELIABILITY_TEXT.get(code, code) if code else ""


def _checkpoint_row(figures: dict) -> list:
    interval = figures["completion_rate_ci95"] or [None, None]
    return [figures["referrals"], figures["eligible"], figures["contracts_started"], figures["ended"]["completed"],
            figures["ended"]["breached"], figures["ended"]["discontinued"], figures["completion_rate"], *interval,
            figures["median_days_referral_to_contract"], figures["active_now"], figures["overdue_now"],
            _reliability(figures["reliability"])]


def _group_name(group: dict, labels: dict) -> str:
    return group.get("label") or labels.get(group["key"], group["key"])


def _rows(what: str, start: date, end: date, group_by: str | None):
    if what == "checkpoint-summary":
        yield ("From", "To", *CHECKPOINT_FIELDS)
        yield (start, end, *_checkpoint_row(reports.checkpoint(start, end)))
    elif what == "checkpoint-groups":
        group_by = group_by if group_by in reports.CHECKPOINT_GROUPS else "ethnicity"
        report = reports.checkpoint(start, end, group_by)
        labels = _labels(group_by)
        yield (GROUP_NAMES[group_by], *CHECKPOINT_FIELDS, "Compared with overall")
        for group in report["groups"]:
            yield (_group_name(group, labels), *_checkpoint_row(group), DISPARITY.get(group["disparity"]))
    elif what == "checkpoint-monthly":
        yield ("Month", "Referrals", "Started", "Completed", "Breached", "Discontinued")
        for month in reports.monthly_checkpoint(start, end):  # "Jan 2026", as the dashboard's table says
            yield (f"{date.fromisoformat(month['month'] + '-01'):%b %Y}", *list(month.values())[1:])
    elif what == "divert-groups":
        group_by = group_by if group_by in reports.DIVERT_GROUPS else "substance"
        report = reports.divert(start, end, group_by)
        labels = _labels(group_by)
        yield (GROUP_NAMES[group_by], *DIVERT_FIELDS, "Compared with overall")
        for g in report["groups"]:
            interval = g["assessed_rate_ci95"] or [None, None]
            yield (_group_name(g, labels), g["referrals"], g["repeat_referrals"], g["contacted"], g["assessed"],
                   g["completed"], g["assessed_rate"], *interval, g["median_days_to_assessment"],
                   _reliability(g["reliability"]), DISPARITY.get(g["disparity"]))
    elif what == "reoffending":
        yield from reoffending_section.csv_rows(group_by)
    elif what == "dtoa-monthly":
        yield from dtoa_return.csv_rows(dtoa_return.monthly_return(start))
    # checkpoint-cases is a job (export_rules.JOB_KINDS): services/export_jobs.py writes it
