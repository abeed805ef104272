"""Subject access (DPA 2018 s.45), for administrators: everything held about one person, given as a recorded
disclosure.

`answer` records the request (when it was received, its purpose and recipient, who answered and when, the
bundle's size) and an audit event `person.subject_access` naming the person, with the purpose as its
justification, in the caller's transaction. Each later look at, or download of, an answered request is recorded
too (`person.subject_access.view`, `person.subject_access.download`): every copy given out is a disclosure.

A bundle is made afresh each time from what is held then (see subject_access_bundle.py for what it holds, and the
fixed number of statements it takes); its `request` part says which request it answers. A person merged into
another record is answered through the record kept (their records are in its bundle); an erased person is gone
(404), as is anyone who is not a person.
"""
from __future__ import annotations

import json
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select

from diversion import audit, clock
from diversion.domain import need_to_know as access
from diversion.domain import redaction
from diversion.domain import subject_access as rules
from diversion.domain.roles import ADMIN
from diversion.errors import Forbidden, NotFound
from diversion.extensions import db
from diversion.ids import valid_id
from diversion.models import Person, SubjectAccessRequest, User
from diversion.services import need_to_know, parse
from diversion.services.subject_access_bundle import (FORMAT, Shaper, category_titles, iso, load_rows,
                                                      staff_names)
from diversion.services.subject_access_records import sections

ANSWERED, VIEWED, DOWNLOADED = "person.subject_access", "person.subject_access.view", "person.subject_access.download"
UK = ZoneInfo("Europe/London")


def load(person_id: object, viewer: User) -> Person:
    """The person whose record an administrator may disclose: 403 for anyone else, 404 for no such person, a
    record merged into another, or an erased one."""
    if viewer.role != ADMIN:
        raise Forbidden()
    person = need_to_know.load(access.PERSON, person_id, viewer, not_found="No such person.")
    if person.erased_at is not None:
        raise NotFound("No such person.")
    return person


def load_request(person: Person, request_id: object) -> SubjectAccessRequest:
    """An answered request about `person` (404 for any other)."""
    found = db.session.scalar(select(SubjectAccessRequest).where(
        SubjectAccessRequest.id == request_id, SubjectAccessRequest.person_id == person.id)) \
        if valid_id(request_id) else None
    if found is None:
        raise NotFound("No such subject access request.")
    return found


def requests_for(person: Person) -> list[SubjectAccessRequest]:
    return list(db.session.scalars(select(SubjectAccessRequest).where(SubjectAccessRequest.person_id == person.id)
                                   .order_by(SubjectAccessRequest.answered_at.desc(), SubjectAccessRequest.id.desc())))


def parse_request(data: dict, *, default_purpose: str | None = None) -> tuple[date, str]:
    """The day the request was received (not in the future) and what the disclosure is for and to whom (required,
    unless a default is given: the API's). Every problem at once (422)."""
    problems = parse.Problems()
    received = parse.iso_date(data, "received_on", problems, label="the date the request was received",
                              today=clock.today())
    purpose = parse.text(data, "purpose", problems, max_length=rules.PURPOSE_MAX, strip=True,
                         required=default_purpose is None, label="who asked and what the information is for")
    problems.raise_if_any()
    return received, purpose or default_purpose


def answer(person: Person, received_on: date, purpose: str, *, actor: User) -> tuple[SubjectAccessRequest, dict]:
    """Record the request as answered now, and the disclosure; the bundle given."""
    bundle = gather(person, actor=actor)
    request = SubjectAccessRequest(person_id=person.id, received_on=received_on, purpose=purpose,
                                   answered_by_id=actor.id, answered_at=clock.now())
    db.session.add(request)
    db.session.flush()
    bundle["request"] = describe(request, actor.name)
    request.bundle_bytes = len(encode(bundle))
    audit.record(ANSWERED, actor=actor, object_type="person", object_id=person.id, person_id=person.id,
                 justification=purpose, details={"request_id": request.id, "received_on": received_on.isoformat(),
                                                 "bytes": request.bundle_bytes,
                                                 "flagged_for_review": bundle["redaction_review"]["flagged_records"]})
    return request, bundle


def reissue(person: Person, request: SubjectAccessRequest, *, actor: User, download: str | None = None) -> dict:
    """The bundle of an answered request again (made from what is held now): a disclosure, recorded as a view of
    the answer or, with `download` ("json" or "html"), as a download."""
    bundle = gather(person, actor=actor)
    answered_by = db.session.scalar(select(User.name).where(User.id == request.answered_by_id)) or ""
    bundle["request"] = describe(request, answered_by)
    audit.record(DOWNLOADED if download else VIEWED, actor=actor, object_type="person", object_id=person.id,
                 person_id=person.id, justification=request.purpose,
                 details={"request_id": request.id, **({"format": download} if download else {})})
    return bundle


def gather(person: Person, *, actor: User) -> dict:
    """Everything held about `person`, as the bundle's JSON-ready dict (records nothing)."""
    rows = load_rows(person)
    shape = Shaper(person, rows, staff_names(rows), category_titles(rows))
    body = {"format": FORMAT, "generated_at": iso(clock.now()), "generated_by": {"id": actor.id, "name": actor.name},
            "request": None, **sections(person, rows, shape, clock.today())}
    body["redaction_review"] = {
        "flagged_records": shape.flagged, "message": redaction.REVIEW_MESSAGE,
        "explanation": "Records whose free text may hold another person's personal data carry `redaction_review`: "
                       "the field, the characters (start and end) and why. Nothing has been removed: read each "
                       "flagged text and redact what the subject may not be given (DPA 2018 s.45(4)). The flags "
                       "are an aid, not a substitute for reading."}
    return body


def describe(request: SubjectAccessRequest, answered_by: str) -> dict:
    """A request as the bundle and pages show it, with its statutory deadline and whether it was met."""
    answered_on = request.answered_at.astimezone(UK).date()
    return {"id": request.id, "person_id": request.person_id, "received_on": iso(request.received_on),
            "purpose": request.purpose, "answered_at": iso(request.answered_at),
            "answered_by": {"id": request.answered_by_id, "name": answered_by},
            "deadline": iso(rules.deadline(request.received_on)),
            "in_time": rules.in_time(request.received_on, answered_on),
            "days_taken": rules.days_taken(request.received_on, answered_on)}


def encode(bundle: dict) -> bytes:
    """The JSON file given out: UTF-8, indented for a person to read."""
    return json.dumps(bundle, ensure_ascii=False, indent=2).encode("utf-8")
