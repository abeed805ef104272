"""The seed figures' DIVERT year (diversion/demo/seed_figures.py): a West-Mercia-like year of 943 referrals, 663 of
them assessed, 940 people of whom exactly three were referred twice, about 90% of them for cannabis. Every referral
and event is made through services/divert.py, as a custody officer and the provider would make them.

The counts are exact by construction (a shuffled plan of who gets assessed and of which substance), and the rest
(names, ages, how each referral went) comes from a seeded random generator, so two loads make the same data."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from diversion.demo.checkpoint import ORIGINS
from diversion.models import User
from diversion.services import divert

REFERRALS, ASSESSED, REFERRED_TWICE = 943, 663, 3
SUBSTANCES = {"cannabis": 849, "cocaine": 40, "ketamine": 20, "mdma": 18, "nitrous_oxide": 10, "other": 6}
# How far a referral gets: paths that reach an assessment, and paths that end without one, with their weights.
ASSESSED_PATHS = [
    (["contacted", "assessment_booked", "assessed", "completed"], 70),
    (["contacted", "assessed", "completed", "onward_referral"], 10),
    (["contacted", "assessment_booked", "did_not_attend", "assessment_booked", "assessed", "completed"], 10),
    (["contacted", "assessment_booked", "assessed", "disengaged"], 6),
    (["contacted", "assessment_booked", "assessed"], 4),
]
NOT_ASSESSED_PATHS = [
    (["contact_failed", "contact_failed", "disengaged"], 45),
    (["contacted", "declined"], 25),
    (["contacted", "assessment_booked", "did_not_attend", "disengaged"], 30),
]
PNC_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def load(officer: User, provider: User, start: date, end: date, birthdays: set[date]) -> int:
    """Make the year's referrals (referral dates spread evenly from `start` to `end`). `birthdays` holds the dates
    of birth already given to someone: each new person gets one of their own, so that nobody is taken for somebody
    else by name and date of birth. Returns how many referrals were made."""
    assert sum(SUBSTANCES.values()) == REFERRALS
    rng = random.Random(943)  # West Mercia's first-year referrals
    assessed = [True] * ASSESSED + [False] * (REFERRALS - ASSESSED)
    rng.shuffle(assessed)
    substances = [code for code, count in SUBSTANCES.items() for _ in range(count)]
    rng.shuffle(substances)
    repeats = _repeats(rng, assessed)
    days = (end - start).days
    people: dict[int, dict] = {}
    for n in range(REFERRALS):
        on = start + timedelta(days=n * (days + 1) // REFERRALS)
        person = people[repeats[n]] if n in repeats else _person(rng, n, on, birthdays)
        people[n] = person
        referral = divert.create({
            "person": person, "referral_date": on.isoformat(), "source": rng.choice(["street"] * 3 + ["custody"]),
            "substance": substances[n], "suspected_supply": False, "referring_officer": "PC 1187 Price",
            "location": rng.choice(["Foregate Street", "Bus station", "Riverside", "High Street", "Custody suite"])},
            actor=officer)
        paths = ASSESSED_PATHS if assessed[n] else NOT_ASSESSED_PATHS
        path = rng.choices([p for p, _ in paths], weights=[w for _, w in paths])[0]
        _events(rng, referral, path, on, provider)
    return REFERRALS


def _repeats(rng: random.Random, assessed: list[bool]) -> dict[int, int]:
    """{the position of a second referral: the position of the same person's first}: three people, each first
    referred in the first four months and assessed (someone who never engaged is not offered DIVERT again), and
    referred again four to seven months later."""
    seconds: dict[int, int] = {}
    for first in rng.sample([n for n in range(300) if assessed[n]], REFERRED_TWICE):
        second = first + rng.randrange(300, 600)
        while second in seconds:
            second += 1
        seconds[second] = first
    return seconds


def _person(rng: random.Random, n: int, referred: date, birthdays: set[date]) -> dict:
    given, family, ethnicities = rng.choice(ORIGINS)
    born = _birthday(rng, referred, rng.choice([18, 19, 19, 20, 21, 22, 23, 24, 26, 29, 33, 38, 45]), birthdays)
    number = 800_000 + n
    return {"given_name": rng.choice(given), "family_name": rng.choice(family), "date_of_birth": born.isoformat(),
            "gender": rng.choice(["male"] * 5 + ["female"] * 2 + ["not_stated"]), "ethnicity": rng.choice(ethnicities),
            "pnc_id": f"{born.year + 16}/{number:07d}{PNC_LETTERS[number % 23]}"}


def _birthday(rng: random.Random, on: date, age: int, taken: set[date]) -> date:
    """A date of birth making someone `age` on `on` that nobody else in the seed data has."""
    while True:
        born = on - timedelta(days=age * 365 + 30 + rng.randrange(300))
        if born not in taken:
            taken.add(born)
            return born


def _events(rng: random.Random, referral, path: list[str], on: date, provider: User) -> None:
    days, day = [], on
    for _ in path:
        day += timedelta(days=rng.randrange(1, 6))
        days.append(day)
    for i, event in enumerate(path):
        body = {"event": event, "date": days[i].isoformat()}
        if event == "onward_referral":
            body["onward_to"] = rng.choice(["treatment", "mental_health", "housing", "employment"])
        if event == "assessment_booked":
            held = days[i + 1] if i + 1 < len(path) else days[i] + timedelta(days=7)
            body["appointment_at"] = datetime.combine(held, time(rng.choice([10, 11, 14, 15]), 0),
                                                      tzinfo=ZoneInfo("Europe/London")).isoformat()
        divert.record_event(referral, body, actor=provider)
