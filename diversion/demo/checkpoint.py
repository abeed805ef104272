"""Checkpoint demo data: about 300 referrals over the past year and 200 contracts over four navigators,
in every status, with notes and progress. Made through the services, so every rule holds and the audit
trail is realistic. Deterministic (a fixed seed), and loaded only once.
"""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import func, select

from diversion import clock
from diversion.domain import contracts as rules
from diversion.domain import referrals as referral_rules
from diversion.domain.deadlines import contract_deadline
from diversion.extensions import db
from diversion.models import CheckpointReferral, User
from diversion.services import contracts, referrals

# (given names, family names, ethnicity codes) by broad origin, so that names and recorded ethnicity agree
ORIGINS = [
    (["Jack", "Callum", "Liam", "Chloe", "Jade", "Kirsty", "Ryan", "Daniel", "Megan", "Gary", "Stacey", "Dean"],
     ["Robson", "Charlton", "Milburn", "Armstrong", "Dixon", "Hall", "Bell", "Wilkinson", "Harrison", "Elliott"],
     ["white_british"] * 5 + ["not_stated"]),
    (["Siobhan", "Ciarán", "Aoife", "Declan", "Niamh"], ["O'Brien", "Ó Súilleabháin", "McCarthy", "Byrne"],
     ["white_irish"]),
    (["Tomasz", "Agnieszka", "Paweł", "Katarzyna", "Łukasz"], ["Kowalczyk", "Wiśniewski", "Nowak", "Zając"],
     ["white_other"]),
    (["Andrei", "Ioana", "Mihai", "Elena"], ["Popescu", "Ionescu", "Stoica"], ["white_roma", "white_other"]),
    (["Imran", "Ayesha", "Bilal", "Saima", "Usman"], ["Khan", "Hussain", "Akhtar", "Rashid"], ["asian_pakistani"]),
    (["Priya", "Arjun", "Harpreet", "Ravi", "Simran"], ["Patel", "Sharma", "Singh", "Gill"], ["asian_indian"]),
    (["Rahim", "Nusrat", "Shakil"], ["Miah", "Begum", "Uddin"], ["asian_bangladeshi"]),
    (["Chidi", "Ngozi", "Kwame", "Ama", "Tunde", "Folake"], ["Okafor", "Mensah", "Adeyemi", "Boateng", "Nwosu"],
     ["black_african"]),
    (["Marcus", "Shanice", "Delroy", "Tanisha"], ["Campbell", "Brown", "Thompson", "Clarke"],
     ["black_caribbean", "mixed_white_black_caribbean"]),
    (["Abdi", "Hodan", "Farah"], ["Warsame", "Hassan", "Abdullahi"], ["black_african"]),
    (["Wei", "Mei", "Jun"], ["Chen", "Wong", "Li"], ["asian_chinese"]),
    (["Omar", "Layla", "Yusuf"], ["Haddad", "Al-Sayed", "Nasser"], ["other_arab"]),
    (["Zoë", "Jamal", "Leah"], ["Okafor-Smith", "Bennett-Mensah", "Ward"],
     ["mixed_white_black_african", "mixed_white_asian", "mixed_other"]),
]
OFFENCES = [
    ("theft", "Took goods from a supermarket without paying", 30),
    ("criminal_damage", "Damaged a bus shelter", 12),
    ("common_assault", "Pushed a man outside a pub", 12),
    ("public_order", "Threatening behaviour in the town centre", 10),
    ("drugs_possession", "Found with cannabis for personal use", 8),
    ("fraud", "Used a found bank card for small purchases", 5),
    ("harassment", "Repeated unwanted messages to a former partner's friend", 4),
    ("assault_abh", "Punched another man during an argument", 4),
    ("burglary_residential", "Entered a neighbour's shed and took tools", 3),
    ("offensive_weapon", "Carried a lock knife in public", 3),
]
NOTES = [
    ("meeting", "First meeting held. Needs assessment done across the pathways; agreed the conditions together."),
    ("phone", "Phoned to remind them of Thursday's appointment. They confirmed."),
    ("meeting", "Attended the alcohol service as agreed. Engaging well."),
    ("missed_appointment", "Did not attend the housing appointment. Rebooked for next week."),
    ("warning", "Reminded them that missing conditions can lead to prosecution."),
    ("general", "Food bank supervisor reports good attendance."),
]
NO_FLAGS = {"court_order": False, "on_bail": False, "co_accused": False, "detained_mental_health": False}
VICTIM_TEXT = "Write a letter of apology to the victim, through the restorative justice service"
PATHWAY_TEXT = {"alcohol": "Attend four sessions with the alcohol service",
                "drugs": "Attend the drug service and complete the assessment",
                "accommodation": "Meet the housing officer and keep the tenancy appointments",
                "mental_health": "Register with a GP and attend the talking therapies assessment",
                "finance": "Attend two sessions with the debt advice service",
                "employment_education": "Enrol on the employability course"}


def _person(rng: random.Random, n: int, today) -> dict:
    given, family, ethnicities = rng.choice(ORIGINS)
    age = rng.choice([19, 21, 23, 25, 28, 31, 35, 40, 46, 52])
    born = today - timedelta(days=age * 365 + rng.randrange(365))
    person = {"given_name": rng.choice(given), "family_name": rng.choice(family),
              "date_of_birth": born.isoformat(), "gender": rng.choice(["male"] * 3 + ["female"] * 2 + ["not_stated"]),
              "ethnicity": rng.choice(ethnicities), "postcode": rng.choice(["DH1 3HP", "DL1 5RD", "DH7 8PX", "SR8 1AA"])}
    if rng.random() < 0.7:
        year = min(today.year, born.year + 18 + rng.randrange(3))  # the year of their first arrest
        person["pnc_id"] = f"{year}/{n:07d}{'ABCDEFGHJKLMNPQRTUVWXYZ'[n % 23]}"
    return person


def _referral_body(rng: random.Random, n: int, referral_date, kind: str, today) -> dict:
    category, description, _weight = rng.choices(OFFENCES, weights=[o[2] for o in OFFENCES])[0]
    if kind in ("approval", "refused"):
        category, description = "burglary_residential", "Entered a neighbour's shed and took tools"
    elif category == "burglary_residential":
        category, description = "theft", "Took goods from a supermarket without paying"
    body = {"person": _person(rng, n, today), "referral_date": referral_date.isoformat(),
            "offence": {"category": category, "description": description, "hate_crime": False,
                        "offence_date": (referral_date - timedelta(days=rng.randrange(0, 20))).isoformat()},
            "interview": rng.choice(["admitted"] * 4 + ["no_comment"]), "evidential_test_met": True,
            "flags": dict(NO_FLAGS), "has_victim": category not in ("drugs_possession", "offensive_weapon"),
            "previous_convictions": rng.choice([0, 0, 0, 1, 2]), "custody_suite": "Durham",
            "referring_officer": "PS 1471 Rahman"}
    body["victim_wishes_restorative"] = body["has_victim"] and rng.random() < 0.3
    if referral_rules.is_late_entry(referral_date, today):  # the demo's year of history is all entered today
        body["late_entry_reason"] = "Demo data: an earlier referral of the pilot, entered when the demo was loaded"
    if kind == "ineligible":
        reason = rng.choice(["old", "denied", "evidence", "on_bail", "co_accused", "excluded", "court_order"])
        if reason == "old":
            body["offence"]["offence_date"] = (referral_date - timedelta(days=100 + rng.randrange(60))).isoformat()
        elif reason == "denied":
            body["interview"] = "denied"
        elif reason == "evidence":
            body["evidential_test_met"] = False
        elif reason in ("on_bail", "co_accused", "court_order"):
            body["flags"][reason] = True
        else:
            body["offence"].update(category="robbery", description="Took a phone by force")
    return body


def _conditions(rng: random.Random, victim: bool) -> list[dict]:
    conditions = [{"type": "victim", "description": VICTIM_TEXT}] if victim else []
    for need in rng.sample(list(PATHWAY_TEXT), rng.choice([1, 1, 2])):
        conditions.append({"type": "pathway", "pathway": need, "description": PATHWAY_TEXT[need]})
    if rng.random() < 0.85:
        conditions.append({"type": "community", "community_kind": "unpaid_work",
                           "target_hours": rng.choice([18, 24, 30, 36]), "description": "Volunteer at the food bank"})
    elif rng.random() < 0.5:
        conditions.append({"type": "community", "community_kind": "gps_tag", "description": "Wear a GPS tag"})
    return conditions


def _at(day, hour: int) -> str:
    return datetime.combine(day, time(hour, 0), tzinfo=timezone.utc).isoformat()


def _work(rng, contract, navigator, ending: str | None, today) -> None:
    """Notes, progress and (for ended contracts) the outcome, all dated inside the contract."""
    last_day = min(today, contract.deadline + timedelta(days=10))
    span = max((last_day - contract.start_date).days, 1)
    later = rng.sample(NOTES[1:], rng.randrange(1, 5))
    for i, (kind, body) in enumerate([NOTES[0], *later]):
        day = contract.start_date + timedelta(days=min(span - 1, i * span // 5))
        contracts.add_note(contract, {"kind": kind, "body": body, "occurred_at": _at(day, 10 + i)}, actor=navigator)
    for condition in contract.conditions:
        if condition.community_kind == rules.UNPAID_WORK:
            if ending == "completed":
                share = 1.0
            elif ending is None:  # in progress: most keep pace with the deadline, a few fall behind
                elapsed = min(1.0, (today - contract.start_date).days / max((contract.deadline
                                                                              - contract.start_date).days, 1))
                share = min(1.0, elapsed * rng.choice([0.4, 1.0, 1.0, 1.1, 1.25, 1.25]))
            else:
                share = rng.choice([0.25, 0.5, 0.75])
            hours = condition.target_hours * share
            shift = 0
            while hours > 0:
                chunk = min(6, hours)
                day = min(today, contract.start_date + timedelta(days=7 * (shift + 1)))  # weekly shifts
                contracts.record_progress(contract, condition.id, {"hours": chunk, "note": "Food bank shift",
                                                                   "occurred_on": day.isoformat()}, actor=navigator)
                hours -= chunk
                shift += 1
    if ending == "completed":
        for condition in contract.conditions[1:]:
            contracts.set_condition_status(contract, condition.id, {"status": "met", "version": contract.version},
                                           actor=navigator)
        on = min(today, contract.deadline + timedelta(days=rng.randrange(0, 7)))
        contracts.record_outcome(contract, {"outcome": "completed", "date": on.isoformat(),
                                            "version": contract.version}, actor=navigator)
    elif ending == "breached":
        reason = rng.choice(["reoffended", "reoffended", "condition_failed", "withdrew_consent", "other"])
        on = contract.start_date + timedelta(days=rng.randrange(5, max(6, min(span, 110))))
        if reason == "condition_failed":
            contracts.set_condition_status(contract, contract.conditions[-1].id,
                                           {"status": "failed", "version": contract.version}, actor=navigator)
        contracts.record_outcome(contract, {"outcome": "breached", "reason": reason, "date": min(on, today).isoformat(),
                                            "details": "Breach reviewed with the manager.",
                                            "version": contract.version}, actor=navigator)
    elif ending == "discontinued":
        contracts.record_outcome(contract, {"outcome": "discontinued", "reason": "not_in_public_interest",
                                            "date": min(contract.start_date + timedelta(days=30), today).isoformat(),
                                            "details": "CPS advised no longer in the public interest.",
                                            "version": contract.version},
                                 actor=navigator)


def _plan(rng: random.Random) -> list[str]:
    """What becomes of each of the 300 referrals."""
    plan = (["ineligible"] * 55 + ["declined"] * 20 + ["waiting"] * 15 + ["approval"] * 6 + ["refused"] * 4
            + ["contract"] * 200)
    rng.shuffle(plan)
    return plan


def load(officer: User, navigators: list[User], manager: User) -> int:
    """Create the Checkpoint demo cases unless the officer already has referrals. Returns how many were made."""
    if db.session.scalar(select(func.count()).select_from(CheckpointReferral)
                         .where(CheckpointReferral.created_by_id == officer.id)):
        return 0
    rng = random.Random(2015)  # Checkpoint began in Durham in 2015
    today = clock.today()
    for n, kind in enumerate(_plan(rng), start=1):
        if kind == "contract":
            # older referrals mostly ended; recent ones active; a few active ones run past their deadline
            referral_date = today - timedelta(days=rng.randrange(5, 365))
        elif kind in ("waiting", "approval"):
            referral_date = today - timedelta(days=rng.randrange(0, 10))
        else:
            referral_date = today - timedelta(days=rng.randrange(0, 365))
        referral = referrals.create(_referral_body(rng, n, referral_date, kind, today), actor=officer)
        navigator = navigators[n % len(navigators)]
        if kind == "declined" and referral.status == "awaiting_navigator":
            referrals.decline(referral, reason="Chose to go to court", version=referral.version, actor=navigator)
        elif kind == "refused" and referral.status == "awaiting_approval":
            referrals.refuse(referral, reason="Risk to the victim too high", version=referral.version, actor=manager)
        elif kind == "contract" and referral.status in ("awaiting_navigator", "awaiting_approval"):
            if referral.status == "awaiting_approval":
                referrals.approve(referral, reason="First offence, low risk", version=referral.version, actor=manager)
            start = min(today, referral_date + timedelta(days=rng.randrange(1, 10)))
            contract = contracts.agree(referral, {
                "start_date": start.isoformat(), "participant_consent": True, "warning_given": True,
                "conditions": _conditions(rng, referral.victim_wishes_restorative)}, actor=navigator)
            ended = contract_deadline(start) < today - timedelta(days=7)
            roll = rng.random()
            if ended:
                ending = "completed" if roll < 0.86 else ("breached" if roll < 0.96 else "discontinued")
                if roll > 0.98:
                    ending = None  # overdue: past the deadline with no outcome recorded
            else:
                ending = "breached" if roll < 0.06 else None
            _work(rng, contract, navigator, ending, today)
    db.session.flush()
    return 300
