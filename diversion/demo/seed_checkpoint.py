"""The seed figures' Checkpoint year (diversion/demo/seed_figures.py): a Durham-like year of 525 referrals and 450
contracts (418 completed, 22 breached, 10 discontinued: a completion rate of 418 / 440 = 95%), and the proven
reoffending extract for those people, imported as an operator would: 27 of the 450 (6%) committed an offence during
their contract (the 12 breached for reoffending, and 15 completers whose offence was proven only after they had
completed), and 99 (22%, so 78% had not reoffended) within six months of the start, proven within twelve.

Every referral, contract, note, hour of unpaid work, condition, outcome and the extract go through the services
(referrals, contracts, reoffending_import), as custody officers, navigators and an operator would make them. The
counts are exact by construction (a shuffled plan); names, ages and dates come from a seeded random generator."""
from __future__ import annotations

import random
from datetime import date, timedelta

from diversion.demo.checkpoint import NO_FLAGS, NOTES, OFFENCES, ORIGINS, _at, _conditions
from diversion.demo.seed_divert import PNC_LETTERS, _birthday
from diversion.domain import contracts as rules
from diversion.domain import reoffending as reoffending_rules
from diversion.domain.deadlines import contract_deadline
from diversion.extensions import db
from diversion.models import ReoffenceImport, User
from diversion.services import contracts, referrals, reoffending_import

ENDINGS = {"completed": 418, "breached": 22, "discontinued": 10}
BREACHES = {"reoffended": 12, "condition_failed": 6, "withdrew_consent": 4}
INELIGIBLE, DECLINED = 60, 15
# Who has a proven reoffence, and when, by how the contract ended (the rest of each group has none):
#   during:     committed during the contract, proven after it ended (a completer's offence came to light later);
#   after_6:    after the contract ended and within six months of the start, proven within twelve;
#   late_proof: within six months of the start but proven only in months 13 to 18 (counts at 12 months, not 6);
#   months_7_12, months_13_24: committed then, proven within six months of the follow-up's end.
# Breached for reoffending: the offence is during the contract, before the breach, by construction.
REOFFENCES = {"completed": {"during": 15, "after_6": 64, "late_proof": 5, "months_7_12": 20, "months_13_24": 25},
              "breached": {"after_6": 6}, "discontinued": {"after_6": 2}}
OFFENCE_CHOICES = [o for o in OFFENCES if o[0] != "burglary_residential"]  # no "specific terms" approvals here
INELIGIBLE_BECAUSE = ["old", "denied", "evidence", "on_bail", "co_accused", "excluded", "court_order"]


def load(officer: User, navigators: list[User], manager: User, start: date, end: date, birthdays: set[date],
         extract_name: str) -> dict:
    """Make the year's referrals (spread evenly from `start` to `end`) and contracts (each starting within ten days
    of its referral, by `end`), then import the reoffending extract for them. Returns what was made."""
    rng = random.Random(2015)  # Checkpoint began in Durham in 2015
    plan = _plan(rng)
    days = (end - start).days
    found: list[tuple] = []
    for n, (kind, reason, reoffence) in enumerate(plan):
        on = start + timedelta(days=n * (days + 1) // len(plan))
        referral = referrals.create(_referral_body(rng, n, on, kind, birthdays), actor=officer)
        navigator = navigators[n % len(navigators)]
        if kind == "ineligible":
            assert not referral.eligible
            continue
        if kind == "declined":
            referrals.decline(referral, reason="Chose to go to court", version=referral.version, actor=navigator)
            continue
        begin = min(end, on + timedelta(days=rng.randrange(1, 10)))
        contract = contracts.agree(referral, {
            "start_date": begin.isoformat(), "participant_consent": True, "warning_given": True,
            "conditions": _conditions(rng, referral.victim_wishes_restorative)}, actor=navigator)
        offence = _work(rng, contract, navigator, kind, reason)
        found.append((referral.person.pnc_id, contract.start_date, contract.outcome_date, reoffence, offence))
    records = [_record(rng, *row) for row in found if row[3] or row[4]]
    batch = reoffending_import.import_records({"records": records}, actor=manager)
    db.session.get(ReoffenceImport, batch["import_id"]).file_name = extract_name
    db.session.flush()
    return {"referrals": len(plan), "contracts": len(found), "reoffences": len(records)}


def _plan(rng: random.Random) -> list[tuple[str, str | None, str | None]]:
    """(what becomes of the referral, the breach reason, the reoffence kind) for each referral, shuffled."""
    plan: list[tuple[str, str | None, str | None]] = []
    for ending, count in ENDINGS.items():
        reasons = [r for r, k in BREACHES.items() for _ in range(k)] if ending == "breached" else [None] * count
        kinds = [k for k, m in REOFFENCES.get(ending, {}).items() for _ in range(m)]
        rng.shuffle(reasons)
        others = iter(kinds + [None] * count)
        for reason in reasons:
            plan.append((ending, reason, None if reason == "reoffended" else next(others)))
    plan += [("ineligible", None, None)] * INELIGIBLE + [("declined", None, None)] * DECLINED
    rng.shuffle(plan)
    return plan


def _referral_body(rng: random.Random, n: int, on: date, kind: str, birthdays: set[date]) -> dict:
    given, family, ethnicities = rng.choice(ORIGINS)
    born = _birthday(rng, on, rng.choice([18, 19, 21, 23, 25, 28, 31, 35, 40, 46, 52]), birthdays)
    number = 700_000 + n
    category, description, _weight = rng.choices(OFFENCE_CHOICES, weights=[o[2] for o in OFFENCE_CHOICES])[0]
    body = {"person": {"given_name": rng.choice(given), "family_name": rng.choice(family),
                       "date_of_birth": born.isoformat(),
                       "gender": rng.choice(["male"] * 3 + ["female"] * 2 + ["not_stated"]),
                       "ethnicity": rng.choice(ethnicities), "pnc_id": f"{born.year + 18}/{number:07d}"
                       f"{PNC_LETTERS[number % 23]}"},
            "referral_date": on.isoformat(),
            "offence": {"category": category, "description": description, "hate_crime": False,
                        "offence_date": (on - timedelta(days=rng.randrange(0, 20))).isoformat()},
            "interview": rng.choice(["admitted"] * 4 + ["no_comment"]), "evidential_test_met": True,
            "flags": dict(NO_FLAGS), "has_victim": category not in ("drugs_possession", "offensive_weapon"),
            "previous_convictions": rng.choice([0, 0, 0, 1, 2]), "custody_suite": "Durham",
            "referring_officer": "PS 1471 Rahman",
            "late_entry_reason": "Seed figures: a referral of an earlier year, entered when the data was loaded"}
    body["victim_wishes_restorative"] = body["has_victim"] and rng.random() < 0.3
    if kind == "ineligible":
        reason = rng.choice(INELIGIBLE_BECAUSE)
        if reason == "old":
            body["offence"]["offence_date"] = (on - timedelta(days=100 + rng.randrange(60))).isoformat()
        elif reason == "denied":
            body["interview"] = "denied"
        elif reason == "evidence":
            body["evidential_test_met"] = False
        elif reason == "excluded":
            body["offence"].update(category="robbery", description="Took a phone by force")
        else:
            body["flags"][reason] = True
    return body


def _work(rng: random.Random, contract, navigator: User, ending: str, reason: str | None) -> date | None:
    """Notes, unpaid work, conditions and the outcome, dated inside the contract. Returns the date of the offence
    that breached it, for a breach for reoffending."""
    start, deadline = contract.start_date, contract.deadline
    for i, (kind, text) in enumerate([NOTES[0], rng.choice(NOTES[1:])]):
        contracts.add_note(contract, {"kind": kind, "body": text,
                                      "occurred_at": _at(start + timedelta(days=7 * i), 10 + i)}, actor=navigator)
    offence = None
    if ending == "completed":
        _unpaid_work(contract, navigator, share=1.0)
        for condition in contract.conditions[1:]:
            contracts.set_condition_status(contract, condition.id, {"status": "met", "version": contract.version},
                                           actor=navigator)
        on = deadline + timedelta(days=rng.randrange(0, 7))
        contracts.record_outcome(contract, {"outcome": "completed", "date": on.isoformat(),
                                            "version": contract.version}, actor=navigator)
    elif ending == "breached":
        if reason == "reoffended":
            offence = start + timedelta(days=rng.randrange(10, 90))
            on = offence + timedelta(days=rng.randrange(3, 15))
        else:
            on = start + timedelta(days=rng.randrange(20, 100))
            _unpaid_work(contract, navigator, share=0.5, before=on)
        if reason == "condition_failed":
            contracts.set_condition_status(contract, contract.conditions[-1].id,
                                           {"status": "failed", "version": contract.version}, actor=navigator)
        contracts.record_outcome(contract, {"outcome": "breached", "reason": reason, "date": on.isoformat(),
                                            "details": "Breach reviewed with the manager.",
                                            "version": contract.version}, actor=navigator)
    else:
        contracts.record_outcome(contract, {"outcome": "discontinued", "reason": "not_in_public_interest",
                                            "date": (start + timedelta(days=30)).isoformat(),
                                            "details": "CPS advised no longer in the public interest.",
                                            "version": contract.version}, actor=navigator)
    assert contract.status == ending and contract.deadline == contract_deadline(start)
    return offence


def _unpaid_work(contract, navigator: User, share: float, before: date | None = None) -> None:
    """Weekly six-hour shifts of the contract's unpaid work, up to `share` of its hours (and before `before`)."""
    for condition in contract.conditions:
        if condition.community_kind != rules.UNPAID_WORK:
            continue
        hours, week = condition.target_hours * share, 1
        while hours > 0:
            day = contract.start_date + timedelta(days=7 * week)
            if before is not None and day >= before:
                break
            chunk = min(6, hours)
            contracts.record_progress(contract, condition.id, {"hours": chunk, "note": "Food bank shift",
                                                               "occurred_on": day.isoformat()}, actor=navigator)
            hours -= chunk
            week += 1


def _record(rng: random.Random, pnc: str, start: date, ended: date, kind: str | None, breach_offence: date | None):
    """The extract's line for one person: their offence and its disposal (conviction or caution) date."""
    f6, f12, f24 = (reoffending_rules.follow_up_end(start, m) for m in (6, 12, 24))
    if breach_offence is not None:  # breached for reoffending: the offence that breached the contract
        offence = breach_offence
        disposal = offence + timedelta(days=rng.randrange(30, 120))
    elif kind == "during":  # after the start and before the deadline (so before the completion), proven later
        offence = start + timedelta(days=rng.randrange(20, (contract_deadline(start) - start).days))
        disposal = ended + timedelta(days=rng.randrange(10, 60))
    elif kind in ("after_6", "late_proof"):
        offence = ended + timedelta(days=rng.randrange(1, (f6 - ended).days + 1))
        if kind == "after_6":
            disposal = offence + timedelta(days=rng.randrange(14, 90))
        else:
            disposal = reoffending_rules.disposal_end(start, 6) + timedelta(days=rng.randrange(1, 120))
    elif kind == "months_7_12":
        offence = f6 + timedelta(days=rng.randrange(1, (f12 - f6).days + 1))
        disposal = offence + timedelta(days=rng.randrange(14, 120))
    else:
        offence = f12 + timedelta(days=rng.randrange(1, (f24 - f12).days + 1))
        disposal = offence + timedelta(days=rng.randrange(14, 150))
    return {"pnc_id": pnc, "offence_date": offence.isoformat(), "disposal_date": disposal.isoformat()}
