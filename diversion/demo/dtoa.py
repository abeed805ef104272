"""Drug Testing on Arrest demo data: a year of tests in one custody suite (Darlington), in proportions like
Hampshire's pilot (domain.md): of 335 arrests eligible for a test, 261 tested (78%) and 14 refused (the rest were
not tested and leave no record); about 68% of those tested positive (178), 157 referred for an initial assessment
(the others were remanded or transferred before one could be booked), 30 failed to attend an assessment (19%), 26
prosecuted for it. Made through the services, deterministic, loaded once."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from diversion import clock
from diversion.demo.checkpoint import ORIGINS
from diversion.domain import dtoa as rules
from diversion.extensions import db
from diversion.models import DrugTest, User
from diversion.services import dtoa

SUITE = "darlington"
TESTED, REFUSED = 261, 14
RESULTS = ["cocaine"] * 100 + ["opiates"] * 38 + ["both"] * 40 + ["negative"] * 83  # 178 positive of 261 tested
BOOKED = 157
MISSED_INITIAL, MISSED_FOLLOW_UP, PROSECUTED, AWAITING = 24, 6, 26, 2  # 30 missed: 26 prosecuted, 2 waiting
CATEGORIES = ["theft"] * 6 + ["drugs_possession"] * 3 + ["burglary_commercial", "fraud"]
LONDON = ZoneInfo("Europe/London")


def _person(rng: random.Random, n: int, today: date) -> dict:
    given, family, ethnicities = rng.choice(ORIGINS)
    born = today - timedelta(days=rng.choice([19, 22, 25, 28, 31, 34, 38, 43, 49]) * 365 + rng.randrange(365))
    return {"given_name": rng.choice(given), "family_name": rng.choice(family), "date_of_birth": born.isoformat(),
            "gender": rng.choice(["male"] * 5 + ["female"] * 2), "ethnicity": rng.choice(ethnicities),
            "pnc_id": f"{min(today.year, born.year + 16)}/{700000 + n:07d}{'ABCDEFGHJKLMNPQRTUVWXYZ'[n % 23]}"}


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.choice([9, 10, 11, 14, 15]), rng.choice([0, 30])), tzinfo=LONDON)


def _paths(rng: random.Random, booked: int) -> list[list[str]]:
    """What followed each booked assessment, oldest test first: the missed ones and their decisions spread over
    the year (the last two still waiting for custody), the attended ones going on as assessors decide."""
    attended = booked - MISSED_INITIAL - MISSED_FOLLOW_UP
    after = ([["follow_up_required", "follow_up_attended", "referred_to_treatment", "entered_treatment"]] * 14 +
             [["follow_up_required", "follow_up_attended", "referred_to_treatment"]] * 8 +
             [["follow_up_required", "follow_up_attended"]] * 10 + [["follow_up_required"]] * 2 +
             [["referred_to_treatment", "entered_treatment"]] * 26 + [["referred_to_treatment"]] * 18)
    after += [[]] * (attended - len(after))
    paths = [["initial_assessment_attended", *rest] for rest in after]
    paths += [["initial_assessment_missed"]] * MISSED_INITIAL
    paths += [["initial_assessment_attended", "follow_up_required", "follow_up_missed"]] * MISSED_FOLLOW_UP
    rng.shuffle(paths)
    missed = [i for i, path in enumerate(paths) if path[-1].endswith("_missed")]
    for i in missed[:len(missed) - AWAITING][:PROSECUTED]:
        paths[i] = [*paths[i], "prosecuted_for_non_attendance"]
    for i in missed[PROSECUTED:len(missed) - AWAITING]:
        paths[i] = [*paths[i], "no_further_action"]
    return paths


def load(officer: User, provider: User) -> int:
    if db.session.scalar(select(func.count()).select_from(DrugTest).where(DrugTest.created_by_id == officer.id)):
        return 0
    rng = random.Random(335)  # Hampshire's eligible arrests
    today = clock.today()
    results = RESULTS + ["refused"] * REFUSED
    rng.shuffle(results)
    positives = [i for i, result in enumerate(results) if result in rules.POSITIVE_RESULTS]
    booked = set(rng.sample(positives, BOOKED))
    paths = iter(_paths(rng, BOOKED))
    people: list[dict] = []
    count = len(results)
    for n, result in enumerate(results):
        test_date = min(today, today - timedelta(days=int(365 * (1 - (n + 1) / count)) + rng.randrange(0, 2)))
        repeat = people and rng.random() < 0.08
        person = rng.choice(people) if repeat else _person(rng, n, today)
        if not repeat:
            people.append(person)
        trigger = rng.random() < 0.93  # else an inspector authorised the test
        body = {"person": person, "test_date": test_date.isoformat(), "trigger_offence": trigger,
                "inspector_authority": not trigger, "offence_category": rng.choice(CATEGORIES), "result": result,
                "custody_suite_code": SUITE, "warning_given": True}
        assessment_on = test_date + timedelta(days=rng.randrange(1, 6))
        if n in booked:
            body["assessment"] = {"at": _at(assessment_on, rng).isoformat(), "service": "community_drug_alcohol"}
        test = dtoa.record(body, actor=officer)
        if n in booked:
            _follow(test, next(paths), assessment_on, today, rng, officer, provider)
    db.session.flush()
    return count


def _follow(test: DrugTest, path: list[str], day: date, today: date, rng: random.Random, officer: User,
            provider: User) -> None:
    """Record the path as far as today allows: each step a few days after the last."""
    for step in path:
        if day > today:
            return
        if step == "no_further_action":
            dtoa.decide(test, {"decision": step, "reason": "Admitted to hospital on the day of the assessment",
                               "date": day.isoformat(), "version": test.version}, actor=officer)
        else:
            who = officer if step == rules.PROSECUTED else provider
            body = {"event": step, "date": day.isoformat()}
            if step == rules.FOLLOW_UP_REQUIRED:
                body["appointment_at"] = _at(day + timedelta(days=14), rng).isoformat()
            dtoa.record_event(test, body, actor=who)
        day += timedelta(days=rng.randrange(3, 15))
