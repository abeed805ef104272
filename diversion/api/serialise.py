"""Records as the contract's JSON."""
from __future__ import annotations

from diversion import clock
from diversion.domain import contracts as rules

PERSON_FIELDS = ("given_name", "family_name", "gender", "ethnicity", "pnc_id", "custody_number", "postcode",
                 "phone", "email", "language")
RECORDED_FIELDS = ("given_name", "family_name", "date_of_birth", *PERSON_FIELDS[2:], "address")


def _date(value):
    return value.isoformat() if value is not None else None


def person(p) -> dict:
    """A person's current record (for those who may read it)."""
    body = {"id": p.id, **{f: getattr(p, f) for f in PERSON_FIELDS}, "date_of_birth": _date(p.date_of_birth),
            "address": p.address}
    return body


def recorded_person(r) -> dict:
    """A referral's person as the officer recorded them on it, with the id of the record it was linked to.
    Nothing stored about that person is echoed: a referral never discloses someone else's details."""
    return {"id": r.person_id, **{f: r.person_as_recorded.get(f) for f in RECORDED_FIELDS}}


def identity_search_result(p) -> dict:
    return {"id": p.id, "given_name": p.given_name, "family_name": p.family_name,
            "date_of_birth": _date(p.date_of_birth), "pnc_id": p.pnc_id}


def referral(r) -> dict:
    return {
        "id": r.id, "reference": r.reference, "status": r.status, "referral_date": _date(r.referral_date),
        "person": recorded_person(r), "identity_match": r.identity_match,
        "offence": {"category": r.offence_category, "description": r.offence_description,
                    "offence_date": _date(r.offence_date), "arrest_date": _date(r.arrest_date),
                    "hate_crime": r.hate_crime},
        "interview": r.interview, "evidential_test_met": r.evidential_test_met,
        "flags": {"court_order": r.court_order, "on_bail": r.on_bail, "co_accused": r.co_accused,
                  "detained_mental_health": r.detained_mental_health},
        "has_victim": r.has_victim, "victim_wishes_restorative": r.victim_wishes_restorative,
        "previous_convictions": r.previous_convictions, "custody_suite": r.custody_suite,
        "custody_suite_code": r.custody_suite_code,
        "referring_officer": r.referring_officer,
        "eligibility": {"eligible": r.eligible, "reasons": list(r.reasons)},
        "possible_duplicates": list(r.possible_duplicates),
        "decision_reason": r.decision_reason, "late_entry_reason": r.late_entry_reason,
        "suitability": ({"decision": r.suitability, "reasons": list(r.suitability_reasons or []),
                         "note": r.suitability_note} if r.suitability else None),
        "allocated_navigator_id": r.allocated_navigator_id,  # reserved for this navigator (revision 2, allocation)
        "created_at": r.created_at.isoformat(), "version": r.version,
    }


def condition(c) -> dict:
    body = {"id": c.id, "type": c.type, "description": c.description, "status": c.status}
    if c.type == rules.PATHWAY:
        body["pathway"] = c.pathway
    if c.type == rules.COMMUNITY:
        body["community_kind"] = c.community_kind
        if c.community_kind == rules.UNPAID_WORK:
            body["target_hours"] = c.target_hours
            body["hours_done"] = c.hours_done
    return body


def note(n) -> dict:
    return {"id": n.id, "kind": n.kind, "body": n.body, "author": {"id": n.author.id, "name": n.author.name},
            "occurred_at": n.occurred_at.isoformat(), "created_at": n.created_at.isoformat()}


def alert(a) -> dict:
    return {"id": a.id, "kind": a.kind, "scheme": a.scheme, "referral_id": a.referral_id, "date": _date(a.date),
            "summary": a.summary, "created_at": a.created_at.isoformat(),
            "resolved_at": a.resolved_at.isoformat() if a.resolved_at else None, "resolution": a.resolution,
            "resolution_reason": a.resolution_reason}


def contract(c, risk=None) -> dict:
    """A contract with its breach risk (computed on read: pass it when a page of contracts was assessed at once)."""
    from diversion.services import risk as breach_risk

    outcome = None
    if c.outcome_date is not None:
        outcome = {"outcome": c.status, "date": _date(c.outcome_date), "reason": c.outcome_reason,
                   "details": c.outcome_details, "recorded_by": c.outcome_recorded_by_id,
                   # (None for an outcome recorded before the app kept the moment: migration 0012 dates those
                   # by the row's last change for the breach pack, but says nothing it does not know here)
                   "recorded_at": c.outcome_recorded_at.isoformat() if c.outcome_recorded_at is not None else None}
    return {
        "id": c.id, "reference": c.reference, "referral_id": c.referral_id, "person": person(c.person),
        "navigator_id": c.navigator_id,
        "status": rules.status_on(c.status, c.deadline, clock.today()), "start_date": _date(c.start_date),
        "deadline": _date(c.deadline), "conditions": [condition(x) for x in c.conditions],
        "notes": [note(n) for n in c.notes], "alerts": [alert(a) for a in c.alerts], "outcome": outcome,
        "prosecution_referred": c.prosecution_referred,
        "risk": (risk or breach_risk.for_contract(c)).as_json(),
        "version": c.version,
    }


def contract_page(rows: list, limit: int) -> dict:
    """A page of contracts (fetched with limit + 1), their risks assessed together: a fixed number of statements."""
    from diversion.api.pagination import page
    from diversion.services import risk as breach_risk

    risks = breach_risk.for_contracts(rows[:limit])
    return page(rows, limit, lambda c: contract(c, risks[c.id]))


def progress(entry, cond) -> dict:
    return {"id": entry.id, "condition_id": cond.id, "hours": entry.hours, "note": entry.note,
            "occurred_on": _date(entry.occurred_on), "author": entry.author_id, "created_at": entry.created_at.isoformat(), "condition": condition(cond)}
