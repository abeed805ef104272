"""Needs by pathway: for the assessments made in a period, how many needs were found at each level on each
pathway, and how the reviewed ones came out (met, reduced, unchanged). Erased people are counted (their coded
scores stay; their notes do not): one grouped query, answered from the assessments' date index."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from diversion.domain import contracts as contract_rules
from diversion.domain import needs as rules
from diversion.reporting_db import reporting_session
from diversion.models import NeedsAssessment, NeedScore
from diversion.services.reports import FIGURES


def by_pathway(start: date, end: date) -> dict:
    """{"from", "to", "assessments", "pathways": [{"pathway", "label", "levels": {none, low, medium, high},
    "reviews": {met, reduced, unchanged, not_reviewed}}]} for assessments made from `start` to `end`."""
    period = NeedsAssessment.assessed_on.between(start, end)
    assessments = reporting_session().execute(sa.select(sa.func.count(NeedsAssessment.id)).where(period),
                                              execution_options=FIGURES).scalar_one()
    rows = reporting_session().execute(
        sa.select(NeedScore.pathway, NeedScore.score, NeedScore.review_result, sa.func.count(NeedScore.id))
        .join(NeedsAssessment, NeedsAssessment.id == NeedScore.assessment_id).where(period)
        .group_by(NeedScore.pathway, NeedScore.score, NeedScore.review_result),
        execution_options=FIGURES).all()
    figures = {code: {"levels": {label: 0 for label in rules.SCORES.values()},
                      "reviews": {**{result: 0 for result in rules.REVIEW_RESULTS}, "not_reviewed": 0}}
               for code in contract_rules.PATHWAYS}
    for pathway, score, result, count in rows:
        if pathway not in figures or score not in rules.SCORES:
            continue
        figures[pathway]["levels"][rules.SCORES[score]] += count
        if score > 0:  # a need identified is reviewed; "no need" has nothing to review
            figures[pathway]["reviews"][result if result in rules.REVIEW_RESULTS else "not_reviewed"] += count
    return {"from": start.isoformat(), "to": end.isoformat(), "assessments": assessments,
            "pathways": [{"pathway": code, "label": contract_rules.PATHWAYS[code], **figures[code]}
                         for code in contract_rules.PATHWAYS]}
