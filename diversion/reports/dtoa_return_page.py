"""The Drug Testing on Arrest monthly return as a manager reads it: a month picker, the return beside the month
before and the year to date, its rates with their intervals, the funnel as a chart with its table, the twelve
months to it, and a download (the reports' audited CSV export, `dtoa-monthly`)."""
from __future__ import annotations

from flask import render_template, request

from diversion import clock
from diversion.access import roles_required
from diversion.domain import dtoa_return as rules
from diversion.domain import kpis
from diversion.domain.roles import ADMIN, MANAGER
from diversion.errors import ValidationFailed
from diversion.pages import PageErrors
from diversion.reports.views import bp
from diversion.services import dtoa_return

PICKER_MONTHS = 36


@bp.route("/dtoa")
@roles_required(MANAGER, ADMIN)
def dtoa_return_page():
    today = clock.today()
    errors, first = PageErrors(), rules.last_complete_month(today)
    if request.args.get("month") is not None:
        try:
            first = dtoa_return.month_arg(request.args, today)
        except ValidationFailed as failure:
            errors = PageErrors(failure.fields, ["month"])
    choices = list(reversed(rules.months_back(today.replace(day=1), PICKER_MONTHS)))
    if first not in choices:
        choices.append(first)
    return render_template(
        "reports/dtoa_return.html", errors=errors, first=first, last=rules.last_day(first), today=today,
        figures=dtoa_return.page_figures(first, today), labels=rules.LABELS, rates=rules.RATES,
        funnel=rules.FUNNEL, choices=choices, reliability_text=kpis.RELIABILITY_TEXT, flat=rules.flat)
