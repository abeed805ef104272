"""The reports dashboard's proven reoffending section: the cohort report for the follow-up chosen (6, 12 or 24
months), for the 12 months of starts up to the latest whose window has passed, and its CSV rows."""
from __future__ import annotations

from werkzeug.datastructures import MultiDict

from diversion.domain import kpis
from diversion.domain import reoffending as rules
from diversion.services import reoffending_report

ARG = "reoffending_months"
CSV_FIELDS = ("Group", "Starts followed up", "Reoffended", "Reoffending rate", "95% interval low",
              "95% interval high", "Reliability")


def months(args) -> int:
    value = args.get(ARG)
    return int(value) if value in {str(m) for m in rules.FOLLOW_UPS} else rules.DEFAULT_FOLLOW_UP


def section(args) -> dict:
    """What the template shows: the report, the follow-up chosen, the choices and the group names."""
    follow_up = months(args)
    start, end = reoffending_report.period(MultiDict(), follow_up)
    return {"report": reoffending_report.report(start, end, follow_up), "months": follow_up, "start": start,
            "end": end, "choices": rules.FOLLOW_UPS, "labels": rules.GROUP_LABELS, "arg": ARG}


def statements(args) -> list:
    """The counter statements `section` reads (the dashboard prefetches them with its other sections')."""
    follow_up = months(args)
    start, end = reoffending_report.period(MultiDict(), follow_up)
    return reoffending_report.statements(start, end, follow_up)


def csv_rows(follow_up: object):
    """The section's table as a spreadsheet: the groups, then all starts, then reoffending during the contract."""
    chosen = months({ARG: str(follow_up)})
    data = section({ARG: str(chosen)})
    report = data["report"]
    yield ("Starts from", data["start"], "to", data["end"], f"Follow-up of {chosen} months plus 6 for the courts")
    yield CSV_FIELDS
    for group in report["groups"]:
        yield _row(rules.GROUP_LABELS[group["key"]], group)
    yield _row("All starts", report)
    yield ()
    yield ("Reoffending during the contract",)
    yield CSV_FIELDS
    during = report["during_contract"]
    for group in during["groups"]:
        yield _row(rules.GROUP_LABELS[group["key"]], group)
    yield _row("All contracts ended", during)


def _row(label: str, figures: dict) -> tuple:
    low, high = figures["rate_ci95"] or (None, None)
    reliability = kpis.RELIABILITY_TEXT.get(figures["reliability"], "") if figures["reliability"] else ""
    return (label, figures["cohort"], figures["reoffended"], figures["rate"], low, high, reliability)
