"""The Drug Testing on Arrest monthly return (api-contract, "Revision 2: outcomes"), as JSON or CSV."""
from __future__ import annotations

import io

from flask import Response, g, jsonify, request

from diversion import audit, csv_safe
from diversion.api.auth import api_roles
from diversion.api.blueprint import bp
from diversion.domain.roles import ADMIN, MANAGER
from diversion.services import dtoa_return


def wants_csv(chosen: str | None) -> bool:
    """`?format=csv`, or no format and an Accept header that prefers text/csv to JSON."""
    if chosen is not None:
        return chosen == "csv"
    return request.accept_mimetypes["text/csv"] > request.accept_mimetypes["application/json"]


@bp.route("/reports/dtoa/monthly")
@api_roles(MANAGER, ADMIN)
def dtoa_monthly_return():
    """The monthly return for Drug Testing on Arrest: the tests taken in the month and what has followed them so
    far (a cohort: an assessment recorded next month still counts for the month of the test, so a month's figures
    grow along the funnel as events are recorded). `tested` counts samples given; `refused` is separate.
    ---
    get:
      summary: Drug Testing on Arrest monthly return
      tags: [Reports]
      parameters:
        - {name: month, in: query, required: true, schema: {type: string, pattern: '^[0-9]{4}-[0-9]{2}$', example: '2026-10'}, description: 'YYYY-MM, from 2000-01 to this month (422 when missing, not a month or in the future)'}
        - {name: format, in: query, schema: {type: string, enum: [json, csv], default: json}, description: 'csv for a spreadsheet (also chosen by Accept: text/csv); the CSV holds the same figures, one row each'}
      responses:
        200:
          description: 'month, tested, positive {cocaine, opiates, both}, refused, trigger_offences, assessments_required, initial_attended, initial_missed, follow_up_required, follow_up_attended, referred_to_treatment, entered_treatment, prosecuted_for_non_attendance; and tests_requested (tested + refused), inspector_authority (tested without a trigger offence), awaiting_initial_assessment, follow_up_missed, failed_to_attend (missed an initial or follow-up assessment, even if attended later), rates {positive_rate, attendance_rate, failed_to_attend_rate, treatment_entry_rate: {numerator, denominator, rate, ci95 (Wilson), reliability}}, period {from, to}, as_of, counting ("cohort")'
          content:
            application/json:
              schema:
                type: object
                required: [month, tested, positive, refused, trigger_offences, assessments_required, initial_attended, initial_missed, follow_up_required, follow_up_attended, referred_to_treatment, entered_treatment, prosecuted_for_non_attendance]
                properties:
                  month: {type: string, example: '2026-10'}
                  tested: {type: integer}
                  positive:
                    type: object
                    properties: {cocaine: {type: integer}, opiates: {type: integer}, both: {type: integer}}
                  refused: {type: integer}
                  trigger_offences: {type: integer}
                  assessments_required: {type: integer}
                  initial_attended: {type: integer}
                  initial_missed: {type: integer}
                  follow_up_required: {type: integer}
                  follow_up_attended: {type: integer}
                  referred_to_treatment: {type: integer}
                  entered_treatment: {type: integer}
                  prosecuted_for_non_attendance: {type: integer}
            text/csv:
              schema: {type: string, description: 'Columns Figure, Code (the JSON key; rates.<name> for a rate), Value, 95% interval low, 95% interval high'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    first, chosen = dtoa_return.arguments(request.args)
    report = dtoa_return.monthly_return(first)
    if not wants_csv(chosen):
        return jsonify(report)
    # A download is a disclosure (DPA 2018 s.62), as on the reports pages; aggregate figures, no person named.
    audit.record("report.export", actor=g.api_user, object_type="report", object_id="dtoa-monthly",
                 details={"from": report["period"]["from"], "to": report["period"]["to"], "via": "api"})
    buffer = io.StringIO()
    writer = csv_safe.writer(buffer)
    for row in dtoa_return.csv_rows(report):
        writer.writerow(row)
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="dtoa-monthly-{report["month"]}.csv"'
    return response
