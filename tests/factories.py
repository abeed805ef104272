"""Builders for test records. They add to the session and flush; the caller commits."""
from __future__ import annotations

import itertools

from diversion import hashing
from diversion.extensions import db
from diversion.hashing import hash_password
from diversion.models import User

PASSWORD = "Blue-kettle-orbit-71"
_hash_cache: dict[tuple, str] = {}
_numbers = itertools.count(1)


def password_hash(password: str = PASSWORD) -> str:
    """argon2 is slow on purpose; hash the shared test password once per run (and per cost: see
    tests/conftest.py's production_password_hashing)."""
    key = (password, id(hashing._hasher))
    if key not in _hash_cache:
        _hash_cache[key] = hash_password(password)
    return _hash_cache[key]


def user(role: str = "navigator", **fields) -> User:
    n = next(_numbers)
    values = {"email": f"{role.replace('_', '.')}{n}@police.example", "name": f"Test {role.replace('_', ' ').title()} {n}",
              "role": role, "password_hash": password_hash(), "active": True}
    values.update(fields)
    record = User(**values)
    db.session.add(record)
    db.session.flush()
    return record


def referral_payload(**overrides) -> dict:
    """A Checkpoint referral as the API takes it: eligible unless overridden (dates relative to today)."""
    from datetime import timedelta

    from diversion import clock

    today = clock.today()
    body = {
        "person": {"given_name": "Chloé", "family_name": "O'Sullivan-Nkemelu", "date_of_birth": "1994-03-12",
                   "gender": "female", "ethnicity": "mixed_white_black_african"},
        "referral_date": today.isoformat(),
        "offence": {"category": "theft", "description": "Took two bottles of gin from a supermarket",
                    "offence_date": (today - timedelta(days=2)).isoformat(), "hate_crime": False},
        "interview": "admitted", "evidential_test_met": True,
        "flags": {"court_order": False, "on_bail": False, "co_accused": False, "detained_mental_health": False},
        "has_victim": True, "victim_wishes_restorative": False, "previous_convictions": 1,
        "custody_suite": "Durham", "referring_officer": "PS 1234 Rahman",
    }
    for key, value in overrides.items():
        if "." in key:
            outer, inner = key.split(".", 1)
            body[outer] = dict(body[outer], **{inner: value})
        else:
            body[key] = value
    _late_entry_reason(body, today)
    return body


def _late_entry_reason(body: dict, today) -> None:
    """A referral dated more than a week ago is a late entry and needs a reason: give one, unless the test chose
    (pass late_entry_reason=None to send none)."""
    from datetime import date

    from diversion.domain.referrals import is_late_entry

    referral_date = body.get("referral_date")
    if "late_entry_reason" in body or not referral_date:
        return
    try:
        referral_date = referral_date if isinstance(referral_date, date) else date.fromisoformat(str(referral_date))
    except ValueError:
        return
    if is_late_entry(referral_date, today):
        body["late_entry_reason"] = "Entered late in a test: the custody record arrived after the referral date"


def contract_payload(**overrides) -> dict:
    from diversion import clock

    body = {"start_date": clock.today().isoformat(), "participant_consent": True, "warning_given": True,
            "conditions": [
                {"type": "pathway", "pathway": "alcohol", "description": "Attend four sessions with the alcohol service"},
                {"type": "community", "community_kind": "unpaid_work", "target_hours": 24,
                 "description": "Volunteer at the food bank"}]}
    body.update(overrides)
    return body


def referral(actor, **overrides):
    """A stored referral made through the service (as a custody officer would). Each is about a person of its
    own (`new_person`), so that tests can make several contracts without one person's live contract making
    the next referral ineligible; pass "person.new_person": None to have the matching rule apply."""
    from diversion.services import referrals

    overrides.setdefault("person.new_person", True)
    if overrides["person.new_person"] is None:
        del overrides["person.new_person"]
    return referrals.create(referral_payload(**overrides), actor=actor)


def contract(referral_record, navigator, **overrides):
    from diversion.services import contracts

    return contracts.agree(referral_record, contract_payload(**overrides), actor=navigator)


def divert_payload(**overrides) -> dict:
    from diversion import clock

    body = {"person": {"given_name": "Kai", "family_name": "Brennan", "date_of_birth": "2002-07-04",
                       "gender": "male", "ethnicity": "white_irish"},
            "referral_date": clock.today().isoformat(), "source": "street", "substance": "cannabis",
            "suspected_supply": False, "referring_officer": "PC 2231 Hughes", "location": "Market Place"}
    for key, value in overrides.items():
        if key.startswith("person."):
            body["person"] = dict(body["person"], **{key[7:]: value})
        else:
            body[key] = value
    return body


def drug_test_payload(**overrides) -> dict:
    """A positive test for cocaine after arrest for theft (a trigger offence), its initial assessment booked for
    tomorrow at 10:00 with the community drug and alcohol service. `assessment=None` drops the booking."""
    from datetime import timedelta

    from diversion import clock

    body = {"person": {"given_name": "Rhys", "family_name": "Pritchard", "date_of_birth": "1994-02-11",
                       "gender": "male", "ethnicity": "white_british", "pnc_id": None},
            "test_date": clock.today().isoformat(), "trigger_offence": True, "offence_category": "theft",
            "result": "cocaine", "warning_given": True,
            "assessment": {"at": (clock.now() + timedelta(days=1)).replace(hour=10, minute=0, second=0,
                                                                          microsecond=0).isoformat(),
                           "service": "community_drug_alcohol"}}
    for key, value in overrides.items():
        if key.startswith("person."):
            body["person"] = dict(body["person"], **{key[7:]: value})
        elif value is None:
            body.pop(key, None)
        else:
            body[key] = value
    body["person"] = {k: v for k, v in body["person"].items() if v is not None}
    return body
