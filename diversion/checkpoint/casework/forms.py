"""Turning the navigator's HTML forms into the service's (API-shaped) dicts, and errors back onto fields."""
from __future__ import annotations

from werkzeug.datastructures import MultiDict

from diversion.domain import contracts as rules
from diversion.pages import date_from_form
from diversion.services.parse import whole_number

# The contract form's condition slots, in the order conditions are numbered for the service.
SLOTS = ("victim", "pathway1", "pathway2", "community")


def contract_data(form: MultiDict, victim_wanted: bool, problems: dict) -> tuple[dict, list[str]]:
    """(data for contracts.agree, the slot each condition came from)."""
    conditions, slots = [], []
    if victim_wanted or form.get("victim-description", "").strip():
        conditions.append({"type": rules.VICTIM, "description": form.get("victim-description", "")})
        slots.append("victim")
    for slot in ("pathway1", "pathway2"):
        need, description = form.get(f"{slot}-pathway", ""), form.get(f"{slot}-description", "")
        if need or description.strip():
            conditions.append({"type": rules.PATHWAY, "pathway": need or None, "description": description})
            slots.append(slot)
    kind = form.get("community-community_kind", "")
    if kind in rules.COMMUNITY_KINDS:
        condition = {"type": rules.COMMUNITY, "community_kind": kind,
                     "description": form.get("community-description", "")}
        if kind == rules.UNPAID_WORK:
            hours = form.get("community-target_hours", "").strip()
            condition["target_hours"] = int(hours) if whole_number(hours) else (hours or None)
        conditions.append(condition)
        slots.append("community")
    data = {
        "start_date": date_from_form("start_date", "The start date", problems, "start_date", form),
        "participant_consent": form.get("participant_consent") == "yes",
        "warning_given": form.get("warning_given") == "yes",
        "conditions": conditions,
    }
    if whole_number(form.get("navigator_id", "")):
        data["navigator_id"] = int(form["navigator_id"])
    data["version"] = version(form)
    return data, slots


def version(form: MultiDict) -> int | None:
    """The hidden `version` a page carries (None if missing or tampered with)."""
    value = form.get("version", "")
    return int(value) if whole_number(value) else None


def slot_fields(fields: dict[str, list[str]], slots: list[str]) -> dict[str, list[str]]:
    """conditions.1.target_hours → community.target_hours (the form's own field names)."""
    mapped: dict[str, list[str]] = {}
    for name, problems in fields.items():
        parts = name.split(".")
        if parts[0] == "conditions" and len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) < len(slots):
            field = parts[2] if len(parts) > 2 else "description"
            name = f"{slots[int(parts[1])]}.{field}"
        mapped.setdefault(name, []).extend(problems)
    return mapped


def number(value: str | None):
    """A number typed into a form, as the JSON API would carry it (bad text passes through to be refused)."""
    text = (value or "").strip()
    if not text:
        return None
    if whole_number(text):
        return int(text)
    try:
        number = float(text)
    except ValueError:
        return text
    return number if number == number and abs(number) != float("inf") else text  # no NaN or infinity


def outcome_data(form: MultiDict, problems: dict) -> dict:
    outcome = form.get("outcome") or None
    reason = form.get("breach_reason") if outcome == rules.BREACHED else (
        form.get("discontinue_reason") if outcome == rules.DISCONTINUED else None)
    data = {"outcome": outcome, "date": date_from_form("outcome_date", "The date of the outcome", problems, "date",
                                                       form),
            "reason": reason or None, "details": form.get("details") or None}
    data["version"] = version(form)
    return data
