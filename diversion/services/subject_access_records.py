"""The bundle's sections, in the order a reader meets them: who the person is (and their contact history and
merges), Checkpoint referrals, contracts with their conditions (status and progress), notes, appointments, alerts,
navigator changes, outcomes, DIVERT referrals with their events, drug tests on arrest with theirs, retention decisions, earlier subject access
requests, and the disclosure log. Rows come from subject_access_bundle.load_rows; nothing here reads the database."""
from __future__ import annotations

from diversion.domain import contracts as contract_rules
from diversion.services.subject_access_bundle import CONTACT, IDENTITY, Shaper, iso


def identity(p) -> dict:
    fields = {key: getattr(p, key) for key in IDENTITY}
    return {"id": p.id, **fields, "date_of_birth": iso(p.date_of_birth), "record_created_at": iso(p.created_at),
            "record_updated_at": iso(p.updated_at)}


def _grouped(rows: list, key: str) -> dict[int, list]:
    groups: dict[int, list] = {}
    for row in rows:
        groups.setdefault(getattr(row, key), []).append(row)
    return groups


def sections(person, rows: dict[str, list], shape: Shaper, today) -> dict:
    references = {r.id: r.reference for r in rows["checkpoint"]}
    contracts = {c.id: references.get(c.referral_id) for c in rows["contracts"]}
    conditions = {c.id: c for c in rows["conditions"]}
    rows = {**rows, "conditions_by_contract": _grouped(rows["conditions"], "contract_id"),
            "progress_by_condition": _grouped(rows["progress"], "condition_id"),
            "events_by_referral": _grouped(rows["divert_events"], "referral_id"),
            "events_by_test": _grouped(rows["drug_test_events"], "test_id")}
    return {**_who(person, rows, shape), **_casework(rows, contracts, conditions, shape, today),
            **_what_followed(rows, contracts, shape), **_records_about_the_record(rows, shape)}


def _what_followed(rows, contracts: dict, shape: Shaper) -> dict:
    """Needs assessed and reviewed, onward referrals to treatment, breach evidence packs given out (with what each
    showed), and proven reoffences matched to the person."""
    scores = _grouped(rows["need_scores"], "assessment_id")
    return {
        "needs_assessments": [{
            "contract_reference": contracts.get(a.contract_id), "assessed_on": iso(a.assessed_on),
            "assessed_by": shape.staff(a.assessed_by_id), "reviewed_at": iso(a.reviewed_at),
            "reviewed_by": shape.staff(a.reviewed_by_id),
            "needs": [shape.review({"pathway": n.pathway, "score": n.score, "note": n.note,
                                    "review_result": n.review_result}, "note") for n in scores.get(a.id, [])]}
            for a in rows["needs"]],
        "onward_referrals": [{"scheme": o.scheme, "contract_reference": contracts.get(o.contract_id),
                              "divert_referral_id": o.divert_referral_id, "service": o.service_code,
                              "pathway": o.pathway, "referred_on": iso(o.referred_on),
                              "started_on": iso(o.started_on), "did_not_start": o.did_not_start,
                              "recorded_by": shape.staff(o.recorded_by_id)} for o in rows["onward"]],
        "breach_evidence_packs": [shape.review({
            "contract_reference": contracts.get(p.contract_id), "version": p.version, "disclosed_to": p.disclosed_to,
            "signed_by": shape.staff(p.signed_by_id), "signed_at": iso(p.signed_at), "note_ids": p.note_ids,
            "as_given_out": p.snapshot}, "disclosed_to") for p in rows["breach_packs"]],
        "proven_reoffences": [{"pnc_id": r.pnc_id, "offence_date": iso(r.offence_date),
                               "disposal_date": iso(r.disposal_date), "imported_at": iso(r.imported_at)}
                              for r in rows["reoffences"]],
    }


def _who(person, rows, shape: Shaper) -> dict:
    """Identity, records merged in, contact history, merges."""
    return {
        "subject": {**identity(person), "review_date": iso(person.review_date)},
        "merged_records": [{**identity(p), "merged_into_id": p.merged_into_id} for p in rows["merged_people"]],
        "contact_history": [{"person_id": c.person_id, **{k: getattr(c, k) for k in CONTACT}, "source": c.source,
                             "recorded_by": shape.staff(c.recorded_by_id), "recorded_at": iso(c.recorded_at)}
                            for c in rows["contacts"]],
        "merges": [shape.review({"kept_id": m.kept_id, "merged_id": m.merged_id, "reason": m.reason,
                                 "moved": m.moved, "merged_by": shape.staff(m.merged_by_id),
                                 "merged_at": iso(m.merged_at)}, "reason") for m in rows["merges"]],
    }


def _casework(rows, contracts: dict, conditions: dict, shape: Shaper, today) -> dict:
    """Referrals, contracts and everything on them, DIVERT referrals and their events."""
    return {
        "checkpoint_referrals": [_referral(r, shape) for r in rows["checkpoint"]],
        "contracts": [_contract(c, contracts[c.id], rows, shape, today) for c in rows["contracts"]],
        "notes": [shape.review({"id": n.id, "contract_id": n.contract_id,
                                "contract_reference": contracts.get(n.contract_id),
                                "kind": n.kind, "body": n.body, "author": shape.staff(n.author_id),
                                "occurred_at": iso(n.occurred_at), "recorded_at": iso(n.created_at)}, "body")
                  for n in rows["notes"]],
        "appointments": [_appointment(a, contracts, conditions, shape) for a in rows["appointments"]],
        "alerts": [shape.review({"id": a.id, "contract_id": a.contract_id,
                                 "contract_reference": contracts.get(a.contract_id), "kind": a.kind,
                                 "scheme": a.scheme, "referral_id": a.referral_id, "date": iso(a.date),
                                 "summary": a.summary, "raised_at": iso(a.created_at),
                                 "resolved_at": iso(a.resolved_at), "resolved_by": shape.staff(a.resolved_by_id),
                                 "resolution": a.resolution, "resolution_reason": a.resolution_reason},
                                "resolution_reason") for a in rows["alerts"]],
        "navigator_changes": [shape.review({"id": c.id, "contract_id": c.contract_id,
                                            "contract_reference": contracts.get(c.contract_id),
                                            "from": shape.staff(c.from_navigator_id),
                                            "to": shape.staff(c.to_navigator_id), "reason": c.reason,
                                            "changed_by": shape.staff(c.changed_by_id),
                                            "changed_at": iso(c.created_at)}, "reason")
                              for c in rows["navigator_changes"]],
        "outcomes": [_outcome(c, contracts[c.id], shape) for c in rows["contracts"] if c.outcome_date is not None],
        "divert_referrals": [_divert(r, rows, shape) for r in rows["divert"]],
        "drug_tests": [_drug_test(t, rows, shape) for t in rows["drug_tests"]],
    }


def _records_about_the_record(rows, shape: Shaper) -> dict:
    """Retention reviews, subject access requests, and the disclosure log (who saw, changed or exported it)."""
    return {
        "retention_decisions": [shape.review({"id": d.id, "person_id": d.person_id, "decision": d.decision,
                                              "reason": d.reason, "review_date_was": iso(d.review_date_was),
                                              "next_review_date": iso(d.next_review_date),
                                              "decided_by": shape.staff(d.decided_by_id),
                                              "decided_at": iso(d.decided_at)}, "reason") for d in rows["retention"]],
        "subject_access_requests": [{"id": s.id, "received_on": iso(s.received_on), "purpose": s.purpose,
                                     "answered_by": shape.staff(s.answered_by_id), "answered_at": iso(s.answered_at),
                                     "bundle_bytes": s.bundle_bytes} for s in rows["requests"]],
        "disclosure_log": [shape.review({"id": e.id, "occurred_at": iso(e.occurred_at), "by": shape.staff(e.actor_id),
                                         "action": e.action, "object_type": e.object_type, "object_id": e.object_id,
                                         "purpose": e.justification, "source": e.source}, "purpose")
                           for e in rows["audit"]],
    }


def _referral(r, shape: Shaper) -> dict:
    return shape.review({
        "id": r.id, "reference": r.reference, "person_id": r.person_id, "status": r.status,
        "referral_date": iso(r.referral_date), "person_as_recorded": r.person_as_recorded,
        "identity_match": r.identity_match,
        "offence": {"category": r.offence_category, "category_title": shape.titles.get(r.offence_category),
                    "description": r.offence_description, "offence_date": iso(r.offence_date),
                    "arrest_date": iso(r.arrest_date), "hate_crime": r.hate_crime},
        "interview": r.interview, "evidential_test_met": r.evidential_test_met,
        "flags": {"court_order": r.court_order, "on_bail": r.on_bail, "co_accused": r.co_accused,
                  "detained_mental_health": r.detained_mental_health},
        "has_victim": r.has_victim, "victim_wishes_restorative": r.victim_wishes_restorative,
        "previous_convictions": r.previous_convictions, "custody_suite": r.custody_suite,
        "referring_officer": r.referring_officer, "referred_by": shape.staff(r.created_by_id),
        "eligibility": {"eligible": r.eligible, "reasons": list(r.reasons or [])},
        "late_entry_reason": r.late_entry_reason,
        "decision": {"decision": r.decision, "reason": r.decision_reason, "decided_by": shape.staff(r.decided_by_id),
                     "decided_at": iso(r.decided_at)} if r.decision else None,
        "allocated_navigator": shape.staff(r.allocated_navigator_id), "allocated_at": iso(r.allocated_at),
        "allocated_by": shape.staff(r.allocated_by_id), "created_at": iso(r.created_at),
        "suitability": {"decision": r.suitability, "reasons": list(r.suitability_reasons or []),
                        "note": r.suitability_note} if r.suitability else None,
    }, "offence.description", "late_entry_reason", "decision.reason", "suitability.note")


def _contract(c, reference, rows, shape: Shaper, today) -> dict:
    return {
        "id": c.id, "reference": reference, "referral_id": c.referral_id, "person_id": c.person_id,
        "navigator": shape.staff(c.navigator_id), "status": contract_rules.status_on(c.status, c.deadline, today),
        "start_date": iso(c.start_date), "deadline": iso(c.deadline), "participant_consent": c.participant_consent,
        "warning_given": c.warning_given, "prosecution_referred": c.prosecution_referred,
        "conditions": [_condition(x, rows["progress_by_condition"].get(x.id, []), shape)
                       for x in rows["conditions_by_contract"].get(c.id, [])],
    }


def _condition(x, progress: list, shape: Shaper) -> dict:
    """A condition with its status (when it was marked, by whom) and the progress recorded against it."""
    return shape.review({
        "id": x.id, "number": x.position + 1, "type": x.type, "description": x.description, "pathway": x.pathway,
        "community_kind": x.community_kind, "target_hours": x.target_hours, "hours_done": x.hours_done,
        "status": x.status, "status_changed_at": iso(x.status_changed_at),
        "status_changed_by": shape.staff(x.status_changed_by_id),
        "progress": [shape.review({"id": p.id, "hours": p.hours, "note": p.note, "occurred_on": iso(p.occurred_on),
                                   "author": shape.staff(p.author_id), "recorded_at": iso(p.created_at)}, "note")
                     for p in progress],
    }, "description")


def _appointment(a, contracts: dict, conditions: dict, shape: Shaper) -> dict:
    condition = conditions.get(a.condition_id)
    return shape.review({
        "id": a.id, "contract_id": a.contract_id, "contract_reference": contracts.get(a.contract_id),
        "starts_at": iso(a.starts_at), "kind": a.kind, "location": a.location,
        "condition_number": condition.position + 1 if condition else None, "status": a.status, "note": a.note,
        "cancel_reason": a.cancel_reason, "booked_by": shape.staff(a.booked_by_id),
        "booked_at": iso(a.created_at), "recorded_by": shape.staff(a.recorded_by_id),
        "recorded_at": iso(a.recorded_at),
    }, "note", "cancel_reason")


def _outcome(c, reference, shape: Shaper) -> dict:
    return shape.review({"contract_id": c.id, "contract_reference": reference, "outcome": c.status,
                         "date": iso(c.outcome_date), "reason": c.outcome_reason, "details": c.outcome_details,
                         "prosecution_referred": c.prosecution_referred,
                         "recorded_by": shape.staff(c.outcome_recorded_by_id),
                         "recorded_at": iso(c.outcome_recorded_at)}, "details")


def _divert(r, rows, shape: Shaper) -> dict:
    return {
        "id": r.id, "reference": r.reference, "person_id": r.person_id, "status": r.status,
        "referral_date": iso(r.referral_date), "person_as_recorded": r.person_as_recorded,
        "identity_match": r.identity_match, "source": r.source, "substance": r.substance,
        "suspected_supply": r.suspected_supply, "referring_officer": r.referring_officer, "location": r.location,
        "referral_number": r.referral_number, "referred_by": shape.staff(r.created_by_id),
        "created_at": iso(r.created_at),
        "events": [shape.review({"id": e.id, "event": e.event, "date": iso(e.date), "note": e.note,
                                 "onward_to": e.onward_to, "appointment_at": iso(e.appointment_at),
                                 "recorded_by": shape.staff(e.recorded_by_id), "recorded_at": iso(e.created_at)},
                                "note")
                   for e in rows["events_by_referral"].get(r.id, [])],
    }


def _drug_test(t, rows, shape: Shaper) -> dict:
    """A drug test on arrest, the assessment it required, custody's decision on a missed one, and its events."""
    return shape.review({
        "id": t.id, "reference": t.reference, "person_id": t.person_id, "test_date": iso(t.test_date),
        "person_as_recorded": t.person_as_recorded, "identity_match": t.identity_match,
        "custody_suite_code": t.custody_suite_code, "trigger_offence": t.trigger_offence,
        "inspector_authority": t.inspector_authority, "offence_category": t.offence_category,
        "result": t.result, "status": t.status, "warning_given": t.warning_given,
        "assessment_at": iso(t.assessment_at), "assessment_service": t.assessment_service_code,
        "non_attendance": {"decision": t.non_attendance_decision, "reason": t.non_attendance_reason,
                           "decided_on": iso(t.non_attendance_decided_on),
                           "decided_by": shape.staff(t.non_attendance_decided_by_id)}
        if t.non_attendance_decision else None,
        "tested_by": shape.staff(t.created_by_id), "created_at": iso(t.created_at),
        "events": [{"id": e.id, "event": e.event, "date": iso(e.date), "appointment_at": iso(e.appointment_at),
                    "recorded_by": shape.staff(e.recorded_by_id), "recorded_at": iso(e.created_at)}
                   for e in rows["events_by_test"].get(t.id, [])],
    }, "non_attendance.reason")
