"""OpenAPI component schemas for the Checkpoint endpoints (the contract's shapes)."""
from diversion.domain import contracts as c
from diversion.domain import divert as d
from diversion.domain import needs as n
from diversion.domain import people
from diversion.domain import risk as breach_risk
from diversion.domain.eligibility import INTERVIEW_ANSWERS, REASONS
from diversion.domain.referrals import LATE_ENTRY_DAYS, LATE_ENTRY_REASON_MAX

DATE = {"type": "string", "format": "date"}
TIMESTAMP = {"type": "string", "format": "date-time"}
STRING = {"type": "string"}
BOOL = {"type": "boolean"}
INT = {"type": "integer"}


def obj(properties: dict, required=()) -> dict:
    body = {"type": "object", "properties": properties}
    if required:
        body["required"] = list(required)
    return body


PERSON_FIELDS = {
    "given_name": {"type": "string", "minLength": 1, "maxLength": 100},
    "family_name": {"type": "string", "minLength": 1, "maxLength": 100},
    "date_of_birth": DATE, "gender": {"type": "string", "enum": list(people.GENDERS)},
    "ethnicity": {"type": "string", "enum": list(people.ETHNICITIES)}, "pnc_id": STRING,
    "custody_number": STRING, "postcode": STRING, "phone": STRING, "email": STRING,
    "address": {"type": "string", "maxLength": 500},
    "language": {"type": "string", "enum": list(people.LANGUAGES),
                 "description": "The language for their letters and contract (Checkpoint Cymru); absent: English"},
}
# Either the person's details (a known person is found by the matching rule), or a known person chosen after a
# look-up ({"id"}), or details with "new_person": true (someone else who shares a name and date of birth).
PERSON_INPUT = {"oneOf": [
    obj({**PERSON_FIELDS, "new_person": BOOL}, ["given_name", "family_name", "date_of_birth"]),
    obj({**PERSON_FIELDS, "id": INT}, ["id"]),
]}
NULLABLE_STRING = {"type": "string", "nullable": True}
ALERT = obj({"id": INT, "kind": {"type": "string", "enum": ["new_referral"]},
             "scheme": {"type": "string", "enum": ["checkpoint", "divert"]}, "referral_id": INT, "date": DATE,
             "summary": {"type": "object"}, "created_at": TIMESTAMP, "resolved_at": {**TIMESTAMP, "nullable": True},
             "resolution": {"type": "string", "enum": ["breached", "not_a_breach", "contract_ended"], "nullable": True},
             "resolution_reason": NULLABLE_STRING})

SCHEMAS = {
    "PersonInput": PERSON_INPUT,
    # A referral's person as recorded on it (what was typed; a field not typed is null), with the record's id.
    "Person": obj({**{k: {**v, "nullable": True} for k, v in PERSON_FIELDS.items()}, "id": INT}),
    "PersonRecord": obj({**PERSON_FIELDS, "id": INT, "version": INT, "contact_history": {"type": "array", "items": obj({
        "phone": NULLABLE_STRING, "email": NULLABLE_STRING, "postcode": NULLABLE_STRING, "address": NULLABLE_STRING,
        "from": TIMESTAMP, "source": STRING})}}),
    "ContactInput": obj({"phone": NULLABLE_STRING, "email": NULLABLE_STRING, "postcode": NULLABLE_STRING,
                         "address": {**NULLABLE_STRING, "maxLength": 500},
                         "language": {"type": "string", "enum": list(people.LANGUAGES), "nullable": True},
                         "version": INT}, ["version"]),
    "MergeInput": obj({"other_id": INT, "reason": STRING, "version": INT, "other_version": INT},
                      ["other_id", "reason", "version", "other_version"]),
    "Merge": obj({"kept_id": INT, "merged_id": INT, "moved": {"type": "object"}, "merged_at": TIMESTAMP,
                  "merged_by": INT}),
    "Alert": ALERT,
    "DismissInput": obj({"reason": STRING, "version": INT}, ["reason", "version"]),
    "ReferralInput": obj({
        "person": {"$ref": "#/components/schemas/PersonInput"}, "referral_date": DATE,
        "offence": obj({"category": STRING, "description": STRING, "offence_date": DATE, "arrest_date": DATE,
                        "hate_crime": BOOL}, ["category", "description", "offence_date"]),
        "interview": {"type": "string", "enum": list(INTERVIEW_ANSWERS)}, "evidential_test_met": BOOL,
        "flags": obj({k: BOOL for k in ("court_order", "on_bail", "co_accused", "detained_mental_health")}),
        "has_victim": BOOL, "victim_wishes_restorative": BOOL,
        "previous_convictions": {"type": "integer", "minimum": 0, "maximum": 999, "nullable": True,
                                 "description": "Absent or null: not known (kept as null, never taken as 0)"},
        "custody_suite": {"type": "string", "maxLength": 120,
                          "description": "The suite's name: one on the reference list is linked to it; any other "
                                         "text is kept and counted as 'Other / not recorded'"},
        "custody_suite_code": {"type": "string", "description": "Instead of the name: the code of an active suite "
                                                                "on the reference list (422 when unknown)"},
        "referring_officer": STRING,
        "late_entry_reason": {"type": "string", "minLength": 1, "maxLength": LATE_ENTRY_REASON_MAX,
                              "description": f"Required when the referral date is more than {LATE_ENTRY_DAYS} days "
                                             "before today (late entry): why it is entered now. Not kept otherwise."},
        "suitability": {"$ref": "#/components/schemas/Suitability"},
    }, ["person", "offence", "interview", "evidential_test_met", "has_victim"]),
    # The custody officer's suitability decision (seriousness and propensity), optional; null on a referral without.
    "Suitability": obj({
        "decision": {"type": "string", "enum": list(n.SUITABILITY_DECISIONS)},
        "reasons": {"type": "array", "minItems": 1, "items": {"type": "string", "enum": list(n.ALL_SUITABILITY_REASONS)},
                    "description": "Reasons for the decision given: " + "; ".join(
                        f"{d}: {', '.join(r)}" for d, r in n.SUITABILITY_REASONS.items())},
        "note": {"type": "string", "maxLength": n.SUITABILITY_NOTE_MAX, "nullable": True}}, ["decision", "reasons"]),
    "NeedsInput": obj({"needs": {"type": "array", "minItems": 1, "items": obj({
        "pathway": {"type": "string", "enum": list(c.PATHWAYS)},
        "score": {"type": "integer", "enum": list(n.SCORES), "description": "0 none, 1 low, 2 medium, 3 high"},
        "note": {"type": "string", "maxLength": n.NOTE_MAX, "nullable": True}}, ["pathway", "score"])},
        "version": {"type": "integer", "description": "The version read; leave out for the first assessment"}},
        ["needs"]),
    "NeedsReviewInput": obj({"reviews": {"type": "array", "minItems": 1, "items": obj({
        "pathway": {"type": "string", "enum": list(c.PATHWAYS)},
        "result": {"type": "string", "enum": list(n.REVIEW_RESULTS)}}, ["pathway", "result"])}, "version": INT},
        ["reviews", "version"]),
    "NeedsAssessment": obj({"needs": {"type": "array", "items": obj({
        "pathway": STRING, "score": INT, "level": {"type": "string", "enum": list(n.SCORES.values())},
        "note": NULLABLE_STRING, "review": {"type": "string", "enum": list(n.REVIEW_RESULTS), "nullable": True}})},
        "assessed_on": DATE, "assessed_by": INT, "reviewed_at": {**TIMESTAMP, "nullable": True},
        "reviewed_by": {"type": "integer", "nullable": True},
        "suggested_pathways": {"type": "array", "items": STRING}, "version": INT}),
    "Referral": obj({
        "id": INT, "reference": STRING, "status": STRING, "referral_date": DATE,
        "person": {"$ref": "#/components/schemas/Person"},
        "identity_match": {"type": "string", "enum": ["pnc_match", "name_match", "chosen", "new_person", "new"]},
        "offence": {"type": "object"},
        "eligibility": obj({"eligible": BOOL, "reasons": {"type": "array", "items": {
            "type": "string", "enum": list(REASONS)}}}),
        "possible_duplicates": {"type": "array", "items": INT}, "late_entry_reason": NULLABLE_STRING,
        "suitability": {"allOf": [{"$ref": "#/components/schemas/Suitability"}], "nullable": True},
        "created_at": TIMESTAMP, "version": INT}),
    "Decision": obj({"reason": STRING, "version": INT}, ["reason"]),
    "ConditionInput": obj({
        "type": {"type": "string", "enum": list(c.CLIENT_CONDITION_TYPES)}, "description": STRING,
        "pathway": {"type": "string", "enum": list(c.PATHWAYS)},
        "community_kind": {"type": "string", "enum": list(c.COMMUNITY_KINDS)},
        "target_hours": {"type": "integer", "minimum": c.MIN_HOURS, "maximum": c.MAX_HOURS}},
        ["type", "description"]),
    "ContractInput": obj({
        "navigator_id": INT, "start_date": DATE, "participant_consent": BOOL, "warning_given": BOOL,
        "conditions": {"type": "array", "maxItems": c.MAX_CONDITIONS - 1,
                       "items": {"$ref": "#/components/schemas/ConditionInput"}}, "version": INT},
        ["start_date", "participant_consent", "warning_given", "conditions"]),
    "Condition": obj({"id": INT, "type": {"type": "string", "enum": list(c.CONDITION_TYPES)},
                      "description": STRING, "pathway": STRING, "community_kind": STRING, "target_hours": INT,
                      "hours_done": {"type": "number"},
                      "status": {"type": "string", "enum": list(c.CONDITION_STATUSES)}}),
    "Note": obj({"id": INT, "kind": {"type": "string", "enum": list(c.NOTE_KINDS)}, "body": STRING,
                 "author": obj({"id": INT, "name": STRING}), "occurred_at": TIMESTAMP, "created_at": TIMESTAMP}),
    "Contract": obj({
        "id": INT, "reference": STRING, "referral_id": INT, "person": {"$ref": "#/components/schemas/Person"},
        "navigator_id": INT, "alerts": {"type": "array", "items": {"$ref": "#/components/schemas/Alert"}},
        "status": {"type": "string", "enum": list(c.STATUS_LABELS)}, "start_date": DATE, "deadline": DATE,
        "conditions": {"type": "array", "items": {"$ref": "#/components/schemas/Condition"}},
        "notes": {"type": "array", "items": {"$ref": "#/components/schemas/Note"}},
        "outcome": {"type": "object", "nullable": True}, "prosecution_referred": BOOL,
        "risk": {"$ref": "#/components/schemas/Risk"}, "version": INT}),
    "Risk": obj({"level": {"type": "string", "enum": list(breach_risk.LEVELS)},
                 "reasons": {"type": "array", "items": {"type": "string", "enum": list(breach_risk.REASONS)}}},
                ["level", "reasons"]),
    "NoteInput": obj({"kind": {"type": "string", "enum": list(c.NOTE_KINDS)},
                      "body": {"type": "string", "minLength": 1, "maxLength": c.NOTE_MAX},
                      "occurred_at": TIMESTAMP}, ["kind", "body"]),
    "ProgressInput": obj({"hours": {"type": "number", "minimum": 0, "exclusiveMinimum": True}, "note": STRING,
                          "occurred_on": {**DATE, "description": "The day it happened: not in the future, not "
                                                                 "before the contract started; default today"}},
                         ["note"]),
    "ConditionStatusInput": obj({"status": {"type": "string", "enum": [c.MET, c.FAILED]}, "version": INT},
                                ["status"]),
    "OutcomeInput": obj({"outcome": {"type": "string", "enum": list(c.OUTCOMES)}, "date": DATE,
                         "reason": {"type": "string", "maxLength": c.REASON_CODE_MAX,
                                    "pattern": "^[a-z][a-z0-9]*(_[a-z0-9]+)*$"},
                         "details": STRING, "version": INT}, ["outcome", "date"]),
    "DivertReferralInput": obj({
        "person": {"$ref": "#/components/schemas/PersonInput"}, "referral_date": DATE,
        "source": {"type": "string", "enum": list(d.SOURCES)}, "substance": {"type": "string", "enum": list(d.SUBSTANCES)},
        "suspected_supply": BOOL, "referring_officer": STRING, "location": STRING},
        ["person", "source", "substance", "suspected_supply", "referring_officer"]),
    "DivertEvent": obj({"id": INT, "event": {"type": "string", "enum": list(d.EVENTS)}, "date": DATE,
                        "note": STRING, "onward_to": {"type": "string", "enum": list(d.NEEDS)},
                        "appointment_at": {**TIMESTAMP, "nullable": True},
                        "recorded_by": INT, "created_at": TIMESTAMP}),
    "DivertEventInput": obj({"event": {"type": "string", "enum": list(d.EVENTS)}, "date": DATE,
                             "note": {"type": "string", "maxLength": d.NOTE_MAX},
                             "onward_to": {"type": "string", "enum": list(d.NEEDS)},
                             "appointment_at": TIMESTAMP, "version": INT},
                            ["event", "date"]),
    "DivertReferral": obj({
        "id": INT, "reference": STRING, "person": {"$ref": "#/components/schemas/Person"},
        "identity_match": {"type": "string", "enum": ["pnc_match", "name_match", "chosen", "new_person", "new"]},
        "status": {"type": "string", "enum": list(d.STATUSES)}, "referral_date": DATE,
        "source": STRING, "substance": STRING, "suspected_supply": BOOL, "referring_officer": STRING,
        "location": STRING, "referral_number": INT, "possible_duplicates": {"type": "array", "items": INT},
        "events": {"type": "array", "items": {"$ref": "#/components/schemas/DivertEvent"}},
        "status_since": {**DATE, "nullable": True}, "next_appointment_at": {**TIMESTAMP, "nullable": True},
        "version": INT}),
}
