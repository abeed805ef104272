"""DIVERT demo data: about 1,000 referrals over the past year (about 90% cannabis), some people referred
more than once, every status. Made through the services; deterministic; loaded once."""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from diversion import clock
from diversion.demo.checkpoint import ORIGINS
from diversion.extensions import db
from diversion.models import DivertReferral, User
from diversion.services import divert

SUBSTANCES = ["cannabis"] * 90 + ["cocaine"] * 4 + ["ketamine"] * 2 + ["mdma"] * 2 + ["nitrous_oxide", "other"]
# How far each referral gets, with weights close to the seed reports (about 70% assessed)
PATHS = [
    (["contacted", "assessment_booked", "assessed", "completed"], 52),
    (["contacted", "assessed", "completed", "onward_referral"], 8),
    (["contacted", "assessment_booked", "did_not_attend", "assessment_booked", "assessed", "completed"], 6),
    (["contacted", "assessment_booked", "assessed"], 4),
    (["contact_failed", "contact_failed", "disengaged"], 10),
    (["contacted", "declined"], 6),
    (["contacted", "assessment_booked", "did_not_attend", "disengaged"], 6),
    (["contacted", "assessment_booked"], 3),
    (["contacted"], 2),
    ([], 3),
]


def _person(rng: random.Random, n: int, today) -> dict:
    given, family, ethnicities = rng.choice(ORIGINS)
    age = rng.choice([19, 19, 20, 21, 22, 23, 24, 26, 29, 33, 38, 45])  # 18+ on a referral date a year ago
    born = today - timedelta(days=age * 365 + rng.randrange(365))
    return {"given_name": rng.choice(given), "family_name": rng.choice(family), "date_of_birth": born.isoformat(),
            "gender": rng.choice(["male"] * 4 + ["female"] * 2 + ["not_stated"]), "ethnicity": rng.choice(ethnicities),
            "pnc_id": f"{min(today.year, born.year + 16)}/{900000 + n:07d}{'ABCDEFGHJKLMNPQRTUVWXYZ'[n % 23]}",
            "phone": f"07700 9{n % 100000:05d}"}


def _appointment(rng: random.Random, held_on, today) -> str:
    """When a booked assessment is: the day of what came of it (held or missed), or, for a booking still to
    come, within the next two weeks (about half of them in the coming week); office hours, London time."""
    on = held_on or today + timedelta(days=rng.randrange(0, 14))
    at = time(rng.choice([9, 10, 11, 13, 14, 15, 16]), rng.choice([0, 30]))
    return datetime.combine(on, at, tzinfo=ZoneInfo("Europe/London")).isoformat()


def load(officer: User, provider: User, count: int = 1000) -> int:
    if db.session.scalar(select(func.count()).select_from(DivertReferral)
                         .where(DivertReferral.created_by_id == officer.id)):
        return 0
    rng = random.Random(943)  # West Mercia's first-year referrals
    today = clock.today()
    people: list[dict] = []
    made = 0
    for n in range(1, count + 1):
        repeat = people and rng.random() < 0.05
        person = rng.choice(people) if repeat else _person(rng, n, today)
        referral_date = today - timedelta(days=int(365 * (1 - (n / count))) + rng.randrange(0, 3))
        referral_date = min(referral_date, today)
        try:
            referral = divert.create({
                "person": person, "referral_date": referral_date.isoformat(),
                "source": rng.choice(["street"] * 3 + ["custody"]), "substance": rng.choice(SUBSTANCES),
                "suspected_supply": False, "referring_officer": "PC 2231 Hughes",
                "location": rng.choice(["Market Place", "Bus station", "Riverside park", "High Street"])},
                actor=officer)
        except Exception as error:  # a repeat of someone who never engaged is refused, as the rule says
            if getattr(error, "code", None) == "previous_non_engagement":
                continue
            raise
        if not repeat:
            people.append(person)
        made += 1
        path = rng.choices([p for p, _ in PATHS], weights=[w for _, w in PATHS])[0]
        days, day = [], referral_date
        for _event in path:
            day = min(today, day + timedelta(days=rng.randrange(1, 6)))
            days.append(day)
        for i, event in enumerate(path):
            body = {"event": event, "date": days[i].isoformat()}
            if event == "onward_referral":
                body["onward_to"] = rng.choice(["treatment", "mental_health", "housing", "employment"])
            if event == "assessment_booked":
                body["appointment_at"] = _appointment(rng, days[i + 1] if i + 1 < len(path) else None, today)
            divert.record_event(referral, body, actor=provider)
    db.session.flush()
    return made
