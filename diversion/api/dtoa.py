"""Drug Testing on Arrest endpoints of the contract ("Revision 2: outcomes"). The monthly return is elsewhere."""
from __future__ import annotations

from flask import g, jsonify

from diversion.api.auth import api_roles
from diversion.api.blueprint import bp
from diversion.api.body import created, json_object
from diversion.api.schemas import BOOL, DATE, INT, NULLABLE_STRING, SCHEMAS, STRING, TIMESTAMP, obj
from diversion.api.serialise import recorded_person
from diversion.domain import dtoa as rules
from diversion.domain.roles import ADMIN, CUSTODY_OFFICER, MANAGER, NAVIGATOR, PROVIDER
from diversion.services import dtoa

RECORDERS = (CUSTODY_OFFICER, ADMIN)
EVENT_WRITERS = (PROVIDER, CUSTODY_OFFICER, ADMIN)
READERS = (CUSTODY_OFFICER, NAVIGATOR, PROVIDER, MANAGER, ADMIN)  # need to know decides which tests (404)

NULLABLE_DATE = {**DATE, "nullable": True}
SCHEMAS.update({
    "DrugTestInput": obj({
        "person": {"$ref": "#/components/schemas/PersonInput"}, "test_date": DATE, "trigger_offence": BOOL,
        "inspector_authority": {**BOOL, "description": "An inspector authorised the test (PACE s.63B) where the "
                                                      "offence is not a trigger offence"},
        "offence_category": STRING, "result": {"type": "string", "enum": list(rules.RESULTS)},
        "custody_suite_code": {"type": "string", "maxLength": 32},
        "warning_given": {**BOOL, "description": "The officer gave the warning (refusal and failing to attend are "
                                                 "offences)"},
        "assessment": obj({"at": {**TIMESTAMP, "description": "The initial assessment booked (may be future)"},
                           "service": {"type": "string", "maxLength": 32,
                                       "description": "A treatment service code (GET /reference/treatment-services)"}},
                          ["at", "service"])},
        ["person", "test_date", "trigger_offence", "offence_category", "result"]),
    "DrugTestEvent": obj({"id": INT, "event": {"type": "string", "enum": list(rules.EVENTS)}, "date": DATE,
                          "appointment_at": {**TIMESTAMP, "nullable": True}, "recorded_by": INT,
                          "created_at": TIMESTAMP}),
    "DrugTestEventInput": obj({"event": {"type": "string", "enum": list(rules.EVENTS)}, "date": DATE,
                               "appointment_at": {**TIMESTAMP, "description": "follow_up_required only: when"},
                               "version": INT}, ["event", "date"]),
    "DrugTestDecisionInput": obj({"decision": {"type": "string", "enum": list(rules.DECISIONS)},
                                  "reason": {"type": "string", "maxLength": rules.REASON_MAX}, "date": DATE,
                                  "version": INT}, ["decision", "version"]),
    "DrugTest": obj({
        "id": INT, "reference": STRING, "person": {"$ref": "#/components/schemas/Person"},
        "identity_match": STRING, "possible_duplicates": {"type": "array", "items": INT},
        "test_date": DATE, "custody_suite_code": NULLABLE_STRING, "trigger_offence": BOOL,
        "inspector_authority": BOOL, "offence_category": STRING,
        "result": {"type": "string", "enum": list(rules.RESULTS)},
        "status": {"type": "string", "enum": list(rules.STATUSES)}, "status_since": DATE, "warning_given": BOOL,
        "assessment": {**obj({"at": TIMESTAMP, "service": STRING}), "nullable": True},
        "non_attendance": {**obj({"decision": {"type": "string", "enum": list(rules.DECISIONS)},
                                  "reason": NULLABLE_STRING, "decided_on": DATE, "decided_by": INT}),
                           "nullable": True},
        "age_band": NULLABLE_STRING,
        "events": {"type": "array", "items": {"$ref": "#/components/schemas/DrugTestEvent"}},
        "created_at": TIMESTAMP, "version": INT}),
})


def event_json(e) -> dict:
    return {"id": e.id, "event": e.event, "date": e.date.isoformat(),
            "appointment_at": e.appointment_at.isoformat() if e.appointment_at else None,
            "recorded_by": e.recorded_by_id, "created_at": e.created_at.isoformat() if e.created_at else None}


def drug_test_json(t) -> dict:
    assessment = None
    if t.assessment_at or t.assessment_service_code:
        assessment = {"at": t.assessment_at.isoformat() if t.assessment_at else None,
                      "service": t.assessment_service_code}
    decision = None
    if t.non_attendance_decision:
        decision = {"decision": t.non_attendance_decision, "reason": t.non_attendance_reason,
                    "decided_on": t.non_attendance_decided_on.isoformat(),
                    "decided_by": t.non_attendance_decided_by_id}
    return {"id": t.id, "reference": t.reference, "person": recorded_person(t), "identity_match": t.identity_match,
            "possible_duplicates": list(t.possible_duplicates), "test_date": t.test_date.isoformat(),
            "custody_suite_code": t.custody_suite_code, "trigger_offence": t.trigger_offence,
            "inspector_authority": t.inspector_authority, "offence_category": t.offence_category,
            "result": t.result, "status": t.status, "status_since": t.status_since.isoformat(),
            "warning_given": t.warning_given, "assessment": assessment, "non_attendance": decision,
            "age_band": t.age_band, "events": [event_json(e) for e in t.events],
            "created_at": t.created_at.isoformat(), "version": t.version}


@bp.route("/dtoa/tests", methods=["POST"])
@api_roles(*RECORDERS)
def create_drug_test():
    """Record a drug test on arrest (PACE s.63B). `status`: negative, refused (an offence) or assessment_required
    (a positive test: Drugs Act 2005 s.9); a positive test may book its initial assessment (`assessment`).
    ---
    post:
      summary: Record a drug test on arrest
      tags: [Drug Testing on Arrest]
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/DrugTestInput'}}}}
      responses:
        201: {description: The test, content: {application/json: {schema: {$ref: '#/components/schemas/DrugTest'}}}}
        409: {description: 'identity_mismatch or identity_ambiguous (the person)', content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    return created(drug_test_json(dtoa.record(json_object(), actor=g.api_user)))


@bp.route("/dtoa/tests/<int:test_id>")
@api_roles(*READERS)
def get_drug_test(test_id: int):
    """One drug test with its events (need to know: a navigator reads only their contract holders' tests).
    ---
    get:
      summary: Read a drug test on arrest
      tags: [Drug Testing on Arrest]
      parameters: [{name: test_id, in: path, required: true, schema: {type: integer}}]
      responses:
        200: {description: The test, content: {application/json: {schema: {$ref: '#/components/schemas/DrugTest'}}}}
        404: {$ref: '#/components/responses/NotFound'}
    """
    return jsonify(drug_test_json(dtoa.load(test_id, g.api_user)))


@bp.route("/dtoa/tests/<int:test_id>/events", methods=["POST"])
@api_roles(*EVENT_WRITERS)
def record_drug_test_event(test_id: int):
    """Record what followed a positive test. An event that does not fit the status is 409; a provider may not
    record `prosecuted_for_non_attendance` (custody's decision: 403).
    ---
    post:
      summary: Record an event after a drug test
      tags: [Drug Testing on Arrest]
      parameters: [{name: test_id, in: path, required: true, schema: {type: integer}}]
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/DrugTestEventInput'}}}}
      responses:
        201: {description: 'The event, with the test''s new status and version'}
        404: {$ref: '#/components/responses/NotFound'}
        409: {$ref: '#/components/responses/Conflict'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    body = json_object()
    test = dtoa.load(test_id, g.api_user, action="event")
    event = dtoa.record_event(test, body, actor=g.api_user)
    return created({**event_json(event), "test_status": test.status, "version": test.version})


@bp.route("/dtoa/tests/<int:test_id>/decision", methods=["POST"])
@api_roles(CUSTODY_OFFICER, ADMIN)
def decide_drug_test(test_id: int):
    """Custody's decision after a missed required assessment: `prosecute` (recorded as the event
    prosecuted_for_non_attendance) or `no_further_action` (a reason required). 409 unless one awaits a decision.
    ---
    post:
      summary: Decide on a missed required assessment
      tags: [Drug Testing on Arrest]
      parameters: [{name: test_id, in: path, required: true, schema: {type: integer}}]
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/DrugTestDecisionInput'}}}}
      responses:
        200: {description: The test, content: {application/json: {schema: {$ref: '#/components/schemas/DrugTest'}}}}
        404: {$ref: '#/components/responses/NotFound'}
        409: {$ref: '#/components/responses/Conflict'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    body = json_object()
    test = dtoa.load(test_id, g.api_user, action="decide")
    return jsonify(drug_test_json(dtoa.decide(test, body, actor=g.api_user)))
