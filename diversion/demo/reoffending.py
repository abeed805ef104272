"""Reoffending demo data: an earlier cohort (Checkpoint contracts and DIVERT referrals that started one to three
years ago, so that their follow-up windows have passed) and a proven reoffending extract for them, imported as an
operator would. Completers reoffend least, as the seeds report ("75% have not re-offended"). Deterministic; loaded
once (the extract's import is the marker)."""
from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import func, select

from diversion import clock
from diversion.demo import checkpoint as checkpoint_demo
from diversion.demo.divert import SUBSTANCES
from diversion.extensions import db
from diversion.models import ReoffenceImport, User
from diversion.services import contracts, divert, referrals, reoffending_import

EXTRACT = "demo-reoffending-extract.csv"
CONTRACTS, DIVERT_REFERRALS = 90, 70
# Chance that someone in each group has a proven reoffence within two years.
REOFFENDING = {"completed": 0.18, "breached": 0.5, "discontinued": 0.3, "assessed": 0.22, "not_assessed": 0.4}


def summary(by_email: dict, navigators: list[User]) -> str:
    """Load (once) and say what was done, for the demo command's output."""
    made = load(by_email["custody@example.org"], navigators, by_email["manager@example.org"],
                by_email["provider@example.org"])
    return f"Reoffending: {made} proven reoffences imported" if made else "Reoffending: already loaded"


def load(officer: User, navigators: list[User], manager: User, provider: User) -> int:
    if db.session.scalar(select(func.count()).select_from(ReoffenceImport).where(ReoffenceImport.file_name == EXTRACT)):
        return 0
    rng = random.Random(44)  # Dorset: "44% reduction in re-offending in the 2 years"
    today = clock.today()
    people = _earlier_contracts(rng, officer, navigators, manager, today)
    people += _earlier_divert(rng, officer, provider, today)
    records = []
    for pnc, start, group in people:
        if rng.random() < REOFFENDING[group]:
            offence = start + timedelta(days=rng.randrange(15, 700))
            disposal = offence + timedelta(days=rng.randrange(20, 200))
            if disposal <= today:
                records.append({"pnc_id": pnc, "offence_date": offence.isoformat(),
                                "disposal_date": disposal.isoformat()})
    records.append({"pnc_id": "1998/0000042X", "offence_date": (today - timedelta(days=400)).isoformat(),
                    "disposal_date": (today - timedelta(days=300)).isoformat()})  # someone never referred here
    batch = reoffending_import.import_records({"records": records}, actor=manager)
    db.session.get(ReoffenceImport, batch["import_id"]).file_name = EXTRACT
    db.session.flush()
    return len(records)


def _earlier_contracts(rng, officer, navigators, manager, today) -> list[tuple]:
    found = []
    for i in range(CONTRACTS):
        n = 500_000 + i
        referral_date = today - timedelta(days=rng.randrange(390, 1250))
        body = checkpoint_demo._referral_body(rng, n, referral_date, "contract", today)
        body["person"]["pnc_id"] = f"{referral_date.year - 5}/{n:07d}{'ABCDEFGHJKLMNPQRTUVWXYZ'[n % 23]}"
        referral = referrals.create(body, actor=officer)
        if referral.status == "awaiting_approval":
            referrals.approve(referral, reason="First offence, low risk", version=referral.version, actor=manager)
        if referral.status != "awaiting_navigator":
            continue
        navigator = navigators[i % len(navigators)]
        start = referral_date + timedelta(days=rng.randrange(1, 10))
        contract = contracts.agree(referral, {
            "start_date": start.isoformat(), "participant_consent": True, "warning_given": True,
            "conditions": checkpoint_demo._conditions(rng, referral.victim_wishes_restorative)}, actor=navigator)
        roll = rng.random()
        ending = "completed" if roll < 0.8 else ("breached" if roll < 0.95 else "discontinued")
        checkpoint_demo._work(rng, contract, navigator, ending, today)
        found.append((body["person"]["pnc_id"], start, ending))
    return found


def _earlier_divert(rng, officer, provider, today) -> list[tuple]:
    found = []
    for i in range(DIVERT_REFERRALS):
        n = 600_000 + i
        on = today - timedelta(days=rng.randrange(390, 1250))
        given, family, ethnicities = rng.choice(checkpoint_demo.ORIGINS)
        born = on - timedelta(days=rng.choice([19, 21, 24, 28, 35]) * 365 + rng.randrange(365))
        pnc = f"{on.year - 3}/{n:07d}{'ABCDEFGHJKLMNPQRTUVWXYZ'[n % 23]}"
        referral = divert.create({
            "person": {"given_name": rng.choice(given), "family_name": rng.choice(family),
                       "date_of_birth": born.isoformat(), "gender": rng.choice(["male"] * 4 + ["female"]),
                       "ethnicity": rng.choice(ethnicities), "pnc_id": pnc},
            "referral_date": on.isoformat(), "source": rng.choice(["street"] * 3 + ["custody"]),
            "substance": rng.choice(SUBSTANCES), "suspected_supply": False, "referring_officer": "PC 2231 Hughes"},
            actor=officer)
        assessed = rng.random() < 0.7
        events = ["contacted", "assessed", "completed"] if assessed else ["contact_failed", "disengaged"]
        for k, event in enumerate(events):
            divert.record_event(referral, {"event": event, "date": (on + timedelta(days=2 + 3 * k)).isoformat()},
                                actor=provider)
        found.append((pnc, on, "assessed" if assessed else "not_assessed"))
    return found
