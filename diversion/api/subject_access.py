"""Subject access (revision 2, data protection): everything held about one person, as a recorded disclosure."""
from __future__ import annotations

from flask import Response, g, request

from diversion import clock
from diversion.api.auth import api_roles
from diversion.api.blueprint import bp
from diversion.domain import subject_access as rules
from diversion.domain.roles import ADMIN
from diversion.services import subject_access


@bp.route("/people/<int:person_id>/export")
@api_roles(ADMIN)
def export_person(person_id: int):
    """Everything held about one person (DPA 2018 s.45): identity and contact history, records merged into theirs,
    Checkpoint referrals (as recorded, with decisions), contracts with conditions and progress, notes,
    appointments, alerts, navigator changes, outcomes, DIVERT referrals and events, retention decisions, earlier
    subject access requests, and the disclosure log (who viewed, changed or exported the record, when, by name).

    Each call is a disclosure and is recorded: a subject access request answered now (`request` in the body,
    with its statutory deadline, one calendar month from `received_on`, and whether it was met) and an audit event
    `person.subject_access` with the purpose. `received_on` defaults to today (a request answered the day it
    arrived): send the day it was really received so the deadline is right. `purpose` (who asked, what for)
    defaults to "subject access request"; send the recipient when it is anyone but the subject.

    Free text is given whole. A record whose text may name a third party carries `redaction_review`: the field,
    the characters and why; review those before release. The person's record merged into another is 404 (ask for
    the record kept: its bundle holds both), as is an erased person.
    ---
    get:
      summary: Export everything held about a person (subject access)
      description: >-
        Administrators only. Each call is a recorded disclosure: a subject access request answered now, and an
        audit event person.subject_access naming the person, with the purpose. received_on defaults to today (send
        the day the request really arrived, so that the statutory deadline, one calendar month later, is right);
        purpose defaults to "subject access request" (send the recipient when it is anyone but the subject). Free
        text is given whole; a record whose text may name a third party carries redaction_review (field,
        characters, reason) for review before release. A record merged into another is 404 (export the record
        kept, which holds both), as is an erased person.
      tags: [Data protection]
      parameters:
        - {name: person_id, in: path, required: true, schema: {type: integer}}
        - {name: received_on, in: query, description: 'The day the request was received (default today; not in the future)', schema: {type: string, format: date}}
        - {name: purpose, in: query, description: 'Who asked and what the disclosure is for (default "subject access request")', schema: {type: string, maxLength: 2000}}
      responses:
        200:
          description: 'The bundle: {"format", "generated_at", "generated_by", "request", "subject", "merged_records", "contact_history", "merges", "checkpoint_referrals", "contracts", "notes", "appointments", "alerts", "navigator_changes", "outcomes", "divert_referrals", "retention_decisions", "subject_access_requests", "disclosure_log", "redaction_review"}'
          content:
            application/json:
              schema:
                type: object
                required: [format, generated_at, request, subject, disclosure_log, redaction_review]
                properties:
                  format: {type: string, enum: [subject-access-bundle/1]}
                  generated_at: {type: string, format: date-time}
                  generated_by: {type: object, properties: {id: {type: integer}, name: {type: string}}}
                  request:
                    type: object
                    properties:
                      id: {type: integer}
                      received_on: {type: string, format: date}
                      purpose: {type: string}
                      answered_at: {type: string, format: date-time}
                      answered_by: {type: object, properties: {id: {type: integer}, name: {type: string}}}
                      deadline: {type: string, format: date, description: One calendar month from received_on}
                      in_time: {type: boolean}
                      days_taken: {type: integer}
                  subject: {type: object, description: 'Identity and current contact details'}
                  merged_records: {type: array, items: {type: object}}
                  contact_history: {type: array, items: {type: object}}
                  merges: {type: array, items: {type: object}}
                  checkpoint_referrals: {type: array, items: {type: object}}
                  contracts: {type: array, items: {type: object}, description: 'With conditions, their status and progress'}
                  notes: {type: array, items: {type: object}}
                  appointments: {type: array, items: {type: object}}
                  alerts: {type: array, items: {type: object}}
                  navigator_changes: {type: array, items: {type: object}}
                  outcomes: {type: array, items: {type: object}}
                  divert_referrals: {type: array, items: {type: object}, description: With their events}
                  retention_decisions: {type: array, items: {type: object}}
                  subject_access_requests: {type: array, items: {type: object}}
                  disclosure_log:
                    type: array
                    items:
                      type: object
                      properties:
                        id: {type: integer}
                        occurred_at: {type: string, format: date-time}
                        by: {type: object, nullable: true, properties: {id: {type: integer}, name: {type: string}}}
                        action: {type: string}
                        object_type: {type: string, nullable: true}
                        object_id: {type: string, nullable: true}
                        purpose: {type: string, nullable: true}
                        source: {type: string, enum: [page, api, cli]}
                  redaction_review:
                    type: object
                    properties:
                      flagged_records: {type: integer}
                      message: {type: string}
                      explanation: {type: string}
        404: {$ref: '#/components/responses/NotFound'}
        422: {$ref: '#/components/responses/ValidationFailed'}
    """
    person = subject_access.load(person_id, g.api_user)
    received_on, purpose = subject_access.parse_request(
        {"received_on": request.args.get("received_on") or clock.today().isoformat(),
         "purpose": request.args.get("purpose")}, default_purpose=rules.DEFAULT_API_PURPOSE)
    _request, bundle = subject_access.answer(person, received_on, purpose, actor=g.api_user)
    return Response(subject_access.encode(bundle), mimetype="application/json")
