"""Seed-equivalent data (issue 12): data whose reports give the seeds' headline figures, made through the same
services as real work, for `flask --app wsgi demo --seed-figures` and for tests/services/test_seed_headlines.py.

- DIVERT, a West-Mercia-like year (seed_divert.py): 943 referrals, 663 assessed (70.3%), 3 people seen more
  than once; about 90% cannabis (the West Midlands figure).
- Checkpoint, a Durham-like year (seed_checkpoint.py): 450 contracts, 95% completed (completed / (completed +
  breached)), 6% reoffended during the contract; and, from the proven reoffending extract, 78% had not reoffended
  six months after the start (Calderdale: "over 75% ... not gone on to re-offend over an average period of 6
  months").
- Dorset's "44% reduction in re-offending in the 2 years" compares the people diverted with people who were not:
  the app holds no comparison group, so that figure is not made (the 24-month rate is shown, with no comparison).

The years are fixed in the past (so the figures never depend on the day they are drawn) and apart: the Checkpoint
year's referrals and contract starts are 2018/19, the DIVERT year's referrals 2019/20. Everyone has a date of
birth of their own, so nobody is taken for someone else by name and date of birth; that holds only in a database
without other cases, so the loader refuses a database that holds any (load it into one of its own).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from diversion.errors import Conflict
from diversion.extensions import db
from diversion.models import CheckpointReferral, DivertReferral, ReoffenceImport

DIVERT_YEAR = (date(2019, 4, 1), date(2020, 3, 31))  # referral dates
CHECKPOINT_YEAR = (date(2018, 4, 1), date(2019, 3, 31))  # referral dates and contract starts
CHECKPOINT_REPORT = (date(2018, 4, 1), date(2019, 8, 31))  # ... with every one of those contracts' outcomes
EXTRACT = "seed-figures-reoffending-extract.csv"  # the name given to the import: it marks the data as loaded


def loaded() -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(ReoffenceImport)
                                  .where(ReoffenceImport.file_name == EXTRACT)))


def load() -> list[str]:
    """Load the seed-equivalent data (once) and say what was made. Conflict if the database holds other cases."""
    from diversion.demo import demo_users, seed_checkpoint, seed_divert

    if loaded():
        return ["Seed figures: already loaded"]
    others = sum(db.session.scalar(select(func.count()).select_from(model)) or 0
                 for model in (CheckpointReferral, DivertReferral))
    if others:
        raise Conflict(f"This database already holds {others:,} referral{'' if others == 1 else 's'}: the seed "
                       "figures are exact only in a database of their own. Point DATABASE_URL at a new database, "
                       "run `flask --app wsgi db upgrade`, then `flask --app wsgi demo --seed-figures`.")
    lines: list[str] = []
    by_email, navigators = demo_users(lines)
    birthdays: set[date] = set()
    made = seed_checkpoint.load(by_email["custody@example.org"], navigators, by_email["manager@example.org"],
                                *CHECKPOINT_YEAR, birthdays, EXTRACT)
    lines.append(f"Checkpoint {CHECKPOINT_YEAR[0]:%Y}/{CHECKPOINT_YEAR[1]:%y}: {made['referrals']} referrals, "
                 f"{made['contracts']} contracts, {made['reoffences']} proven reoffences imported")
    made = seed_divert.load(by_email["custody@example.org"], by_email["provider@example.org"], *DIVERT_YEAR,
                            birthdays)
    lines.append(f"DIVERT {DIVERT_YEAR[0]:%Y}/{DIVERT_YEAR[1]:%y}: {made} referrals")
    db.session.flush()
    return lines


def headlines() -> dict:
    """The headline figures, read from the reports' own services (the dashboard's and the API's)."""
    from diversion.services import reoffending_report, reports

    divert = reports.divert(*DIVERT_YEAR)
    substances = {g["key"]: g["referrals"] for g in reports.divert(*DIVERT_YEAR, "substance")["groups"]}
    checkpoint = reports.checkpoint(*CHECKPOINT_REPORT)
    reoffending = {months: reoffending_report.report(*CHECKPOINT_YEAR, months) for months in (6, 12, 24)}
    return {"divert": divert, "cannabis": substances.get("cannabis", 0), "checkpoint": checkpoint,
            "during_contract": reoffending[6]["during_contract"], "reoffending": reoffending}


def describe(figures: dict) -> list[str]:
    """The headline figures in words, beside the seeds' own."""
    dv, cp, during = figures["divert"], figures["checkpoint"], figures["during_contract"]
    ended = cp["ended"]
    lines = [
        f"DIVERT, referrals {_span(DIVERT_YEAR)} (West Mercia: 943 referrals, 663 assessed (70.3%), 3 seen more "
        "than once; West Midlands: about 90% cannabis):",
        f"  {dv['referrals']} referrals, {dv['assessed']} assessed ({_pct(dv['assessed_rate'])}, 95% interval "
        f"{_interval(dv['assessed_rate_ci95'])}); {dv['people']} people, {dv['people_seen_more_than_once']} referred "
        f"more than once; cannabis {figures['cannabis']} ({_pct(figures['cannabis'] / dv['referrals'])})",
        f"Checkpoint, contracts started {_span(CHECKPOINT_YEAR)}, outcomes to {CHECKPOINT_REPORT[1]:%-d %B %Y} "
        "(Durham: about 95% completion, about 6% reoffend during the contract):",
        f"  {cp['contracts_started']} contracts: {ended['completed']} completed, {ended['breached']} breached, "
        f"{ended['discontinued']} discontinued; completion {_pct(cp['completion_rate'])} (95% interval "
        f"{_interval(cp['completion_rate_ci95'])}); reoffended during the contract {during['reoffended']} of "
        f"{during['cohort']} ({_pct(during['rate'])})",
        "Proven reoffending of those contracts (Calderdale: over 75% not reoffended over about 6 months):",
    ]
    for months, report in figures["reoffending"].items():
        lines.append(f"  {months} months: {report['reoffended']} of {report['cohort']} reoffended "
                     f"({_pct(report['rate'])}); {_pct(1 - report['rate'])} had not")
    lines.append("Dorset's \"44% reduction in re-offending in the 2 years\" compares with people who were not "
                 "diverted: the app holds no comparison group, so it is not reproduced.")
    return lines


def _span(period: tuple[date, date]) -> str:
    return f"{period[0]:%-d %B %Y} to {period[1]:%-d %B %Y}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _interval(pair: list[float] | None) -> str:
    return "–" if not pair else f"{_pct(pair[0])} to {_pct(pair[1])}"
