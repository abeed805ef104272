"""Needs by pathway: for the assessments made in a period, how many needs were found at each level on each
pathway, and how the reviewed ones came out (met, reduced, unchanged). Erased people are counted (their coded
scores stay; their notes do not). Read from the report counters (services/rollups.py, kind "needs_assessment":
each score by pathway, score and review result on the day its assessment was made), a bounded number of rows
whatever the period; the same figures counted from the assessments are services/section_recount.py."""
from __future__ import annotations

from datetime import date

from diversion.domain import contracts as contract_rules
from diversion.domain import needs as rules
from diversion.services import reports
from diversion.services.rollup_facts import NEEDS

REVIEWED = "review:"  # the counters' measure of a score: "review:<its review result, blank when none>"


def by_pathway(start: date, end: date) -> dict:
    """{"from", "to", "assessments", "pathways": [{"pathway", "label", "levels": {none, low, medium, high},
    "reviews": {met, reduced, unchanged, not_reviewed}}]} for assessments made from `start` to `end`."""
    assessments, rows = 0, []
    for measure, pathway, score, n in reports._read(statement(start, end)):
        if measure == "assessments":
            assessments += n
        elif measure.startswith(REVIEWED):
            rows.append((pathway, score, measure[len(REVIEWED):] or None, n))
    return pathway_report(start, end, assessments, rows)


def statement(start: date, end: date):
    return reports._counts(NEEDS, "pathway", start, end)


def pathway_report(start: date, end: date, assessments: int, rows) -> dict:
    """The report from the number of assessments and (pathway, score, review result, count) rows."""
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
