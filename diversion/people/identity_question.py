"""The question an officer answers before sending a referral (Checkpoint or DIVERT) when the person might
already be known: "is this one of these people?". The rule is domain/identity.py; this turns its answer
into the choice the referral service takes (`person.id` or `person.new_person`)."""
from __future__ import annotations

from diversion.services.identity import Check

FIELD = "identity"
NEW = "new"
ASK = "Say whether this is one of the people already known, or someone else"


def value(person) -> str:
    return f"person-{person.id}"


def choose(person: dict, check: Check | None, chosen: str | None) -> tuple[dict, dict[str, list[str]]]:
    """The person as the service takes it, with the officer's choice; a missing or stale choice is a problem."""
    if check is None or not check.needs_choice:
        return person, {}
    if chosen == NEW:
        return {**person, "new_person": True}, {}
    picked = next((c for c in check.candidates if value(c) == chosen), None)
    if picked is None:
        return person, {FIELD: [ASK]}
    return {**person, "id": picked.id}, {}


def options(check: Check | None) -> list[tuple[str, str]]:
    """(value, label) for each known person offered: name and date of birth only, never scheme history."""
    if check is None:
        return []
    return [(value(c), f"{c.full_name}, born {c.date_of_birth.day} {c.date_of_birth:%B %Y}") for c in check.candidates]
