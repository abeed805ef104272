"""What the API security tests share: the OpenAPI document walked for its writes, a small world of records made
through the services, and one valid body per write operation (so a new write fails until it has one here).

The body table holds, for each POST operation of the document, a function of the world giving the path
parameters and a body the API accepts as it stands (tests/security/test_text_fields.py proves each one is
accepted); versions are read from the records when the body is made, so a body is valid whenever it is asked for.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Callable

import sqlalchemy as sa

from diversion import clock
from diversion.extensions import db
from diversion.models import CheckpointReferral, Contract, ContractAlert, DivertReferral, Person, User
from diversion.services import divert, tokens
from tests import factories
from tests.conftest import _postgres_server_url, make_app

ROLES = ("custody_officer", "navigator", "provider", "manager", "admin")


# --- The OpenAPI document --------------------------------------------------------------------------------------

def collection_document() -> dict:
    """The document as GET /api/v1/openapi.json serves it, built at collection (no database needed)."""
    from diversion.api.openapi import build_spec

    app = make_app(_postgres_server_url() or "sqlite://")
    with app.test_request_context("/api/v1/openapi.json"):
        return build_spec()


def resolve(schema: dict, document: dict) -> dict:
    """Follow a $ref; for a oneOf take its first branch (the person's details, not a chosen id)."""
    while True:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            schema = document["components"]["schemas"][name]
        elif "oneOf" in schema:
            schema = schema["oneOf"][0]
        else:
            return schema


def json_writes(document: dict) -> dict[str, dict]:
    """{"POST /path": request schema} for every POST (or PUT) operation with a JSON request body."""
    found = {}
    for path, operations in document["paths"].items():
        for method in ("post", "put"):
            content = (operations.get(method) or {}).get("requestBody", {}).get("content", {})
            if "application/json" in content:
                found[f"{method.upper()} {path}"] = resolve(content["application/json"]["schema"], document)
    return found


def string_fields(schema: dict, document: dict, prefix: str = "") -> dict[str, dict]:
    """{dotted name: its schema} for every string property, through nested objects and arrays of objects (an
    array's items are named by index: the index is chosen by the body, see `place`)."""
    found = {}
    for name, prop in resolve(schema, document).get("properties", {}).items():
        prop = resolve(prop, document)
        dotted = f"{prefix}{name}"
        if prop.get("type") == "string":
            found[dotted] = prop
        elif prop.get("type") == "object" or "properties" in prop:
            found.update(string_fields(prop, document, dotted + "."))
        elif prop.get("type") == "array":
            items = resolve(prop.get("items", {}), document)
            if items.get("type") == "object" or "properties" in items:
                found.update(string_fields(items, document, dotted + ".[]."))
    return found


def place(body: dict, dotted: str, value) -> str:
    """Set the field in the body (creating an object on the way) and return the dotted name it has there: an
    array step takes the first element that already carries the field (else the first element)."""
    parts = dotted.split(".")
    where, named = body, []
    for i, part in enumerate(parts[:-1]):
        if part == "[]":
            rest = parts[i + 1]
            index = next((n for n, item in enumerate(where) if rest in item), 0)
            where, named = where[index], named + [str(index)]
            continue
        nxt = where.get(part)
        if not isinstance(nxt, (dict, list)):
            nxt = where[part] = {}
        where, named = nxt, named + [part]
    where[parts[-1]] = value
    return ".".join(named + [parts[-1]])


# --- The world ---------------------------------------------------------------------------------------------------

@dataclass
class ApiWorld:
    tokens: dict[str, str] = field(default_factory=dict)  # role -> bearer token
    user_ids: dict[str, int] = field(default_factory=dict)  # role -> user id
    ids: dict[str, int] = field(default_factory=dict)  # what -> record id


def build_world(app) -> ApiWorld:
    """One user per role (with a token); a referral awaiting a navigator, one awaiting approval; a contract held
    by the navigator (pathway and unpaid-work conditions) with a new-referral alert on it; a contacted DIVERT
    referral; two people who may be merged."""
    world = ApiWorld()
    with app.app_context():
        users = {role: factories.user(role=role) for role in ROLES}
        officer, navigator = users["custody_officer"], users["navigator"]
        queued = factories.referral(officer, **{"person.given_name": "Ada"})
        approval = factories.referral(officer, **{"person.given_name": "Bea", "offence.category": "burglary_residential"})
        contract = factories.contract(factories.referral(officer, **{"person.given_name": "Dee"}), navigator)
        held = contract.person
        divert.create({**factories.divert_payload(), "person": {  # a DIVERT referral during the contract: an alert
            "id": held.id, "given_name": held.given_name, "family_name": held.family_name,
            "date_of_birth": held.date_of_birth.isoformat()}}, actor=officer)
        divert_referral = divert.create(factories.divert_payload(**{"person.given_name": "Fay"}), actor=officer)
        divert.record_event(divert_referral, {"event": "contacted", "date": clock.today().isoformat()},
                            actor=users["provider"])  # contacted: an onward referral may be recorded next
        kept = divert.create(factories.divert_payload(**{"person.given_name": "Gus", "person.new_person": True}),
                             actor=officer)
        other = divert.create(factories.divert_payload(**{"person.given_name": "Guss", "person.new_person": True}),
                              actor=officer)
        other_navigator = factories.user(role="navigator")  # a contract can be handed to them (allocation)
        db.session.commit()
        assert (queued.status, approval.status) == ("awaiting_navigator", "awaiting_approval")
        by_type = {c.type if c.type != "community" else c.community_kind: c.id for c in contract.conditions}
        world.ids = {"queued": queued.id, "approval": approval.id, "contract": contract.id,
                     "pathway": by_type["pathway"], "unpaid_work": by_type["unpaid_work"],
                     "alert": db.session.scalar(sa.select(ContractAlert.id).where(
                         ContractAlert.contract_id == contract.id)),
                     "divert": divert_referral.id, "person": held.id,
                     "kept": kept.person_id, "other": other.person_id}
        assert world.ids["alert"] is not None and kept.person_id != other.person_id
        world.user_ids["other_navigator"] = other_navigator.id
        for role, user in users.items():
            world.user_ids[role] = user.id
            _record, world.tokens[role] = tokens.issue(user, {"name": "security", "purpose": "security tests"},
                                                       actor=None)
        db.session.commit()
    return world


def version(app, model, record_id: int) -> int:
    with app.app_context():
        return db.session.get(model, record_id).version


# --- One valid body per write ------------------------------------------------------------------------------------

def _person(given: str, pnc_id: str) -> dict:
    """Every person field filled, so that each is read."""
    return {"given_name": given, "family_name": "Okonkwo-Hale", "date_of_birth": "1990-05-17", "gender": "male",
            "ethnicity": "black_african", "pnc_id": pnc_id, "custody_number": "DH/01234/26",
            "postcode": "DH1 3HP", "phone": "07700 900123", "email": "obi.hale@example.org",
            "address": "12 Claypath, Durham", "new_person": True}


def _referral(app, world):
    today = clock.today()
    body = factories.referral_payload(**{  # a late entry, so that its reason is read too
        "referral_date": (today - timedelta(days=10)).isoformat(),
        "offence.offence_date": (today - timedelta(days=12)).isoformat(),
        "offence.arrest_date": (today - timedelta(days=11)).isoformat()})
    body["person"] = _person("Obi", "2018/0045123Q")
    body["late_entry_reason"] = "The custody record reached us late"
    return {}, body


def _decision(what: str) -> Callable:
    def make(app, world):
        referral_id = world.ids[what]
        return {"referral_id": referral_id}, {"reason": "Decided after reading the file",
                                              "version": version(app, CheckpointReferral, referral_id)}
    return make


def _contract(app, world):
    referral_id = world.ids["queued"]
    return {"referral_id": referral_id}, factories.contract_payload(
        navigator_id=world.user_ids["navigator"], version=version(app, CheckpointReferral, referral_id))


def _on_contract(make_body: Callable, condition: str | None = None) -> Callable:
    def make(app, world):
        params = {"contract_id": world.ids["contract"]}
        if condition:
            params["condition_id"] = world.ids[condition]
        return params, make_body(version(app, Contract, world.ids["contract"]), world)
    return make


def _divert_referral(app, world):
    body = factories.divert_payload()
    body["person"] = _person("Ifeanyi", "2017/0031877M")
    return {}, body


def _drug_test(app, world):
    body = factories.drug_test_payload(custody_suite_code=None, inspector_authority=False)
    body["person"] = _person("Nnamdi", "2016/0022331K")
    return {}, body


def _positive_test(app, world, key: str, events: tuple[str, ...] = ()) -> int:
    """A positive drug test (made once per world under `key`), moved on by `events` (the provider's)."""
    if key not in world.ids:
        from diversion.services import dtoa

        with app.app_context():
            officer = db.session.get(User, world.user_ids["custody_officer"])
            test = dtoa.record(factories.drug_test_payload(**{"person.given_name": key.title()}), actor=officer)
            for event in events:
                dtoa.record_event(test, {"event": event, "date": clock.today().isoformat()},
                                  actor=db.session.get(User, world.user_ids["provider"]))
            db.session.commit()
            world.ids[key] = test.id
    return world.ids[key]


def _drug_test_event(app, world):
    from diversion.models import DrugTest

    test_id = _positive_test(app, world, "tested")
    return {"test_id": test_id}, {"event": "initial_assessment_attended", "date": clock.today().isoformat(),
                                  "version": version(app, DrugTest, test_id)}


def _drug_test_decision(app, world):
    from diversion.models import DrugTest

    test_id = _positive_test(app, world, "missed", ("initial_assessment_missed",))
    return {"test_id": test_id}, {"decision": "no_further_action", "reason": "Admitted to hospital that morning",
                                  "date": clock.today().isoformat(), "version": version(app, DrugTest, test_id)}


def _divert_event(app, world):
    referral_id = world.ids["divert"]
    return {"referral_id": referral_id}, {"event": "onward_referral", "date": clock.today().isoformat(),
                                          "note": "Referred on to drug treatment", "onward_to": "treatment",
                                          "version": version(app, DivertReferral, referral_id)}


def _contact(app, world):
    person_id = world.ids["person"]
    return {"person_id": person_id}, {"phone": "07700 900456", "email": "dee@example.org", "postcode": "DH1 4AB",
                                      "address": "3 Saddler Street, Durham", "version": version(app, Person, person_id)}


def _merge(app, world):
    kept, other = world.ids["kept"], world.ids["other"]
    return {"person_id": kept}, {"other_id": other, "reason": "The same man: a typo in his first name",
                                 "version": version(app, Person, kept), "other_version": version(app, Person, other)}


def _appointment(app, world) -> int:
    """A booked appointment that started an hour ago on the world's contract (made once per world)."""
    if "appointment" not in world.ids:
        from diversion.services import appointments

        with app.app_context():
            contract = db.session.get(Contract, world.ids["contract"])
            made = appointments.book(contract, {
                "starts_at": (clock.now() - timedelta(hours=1)).isoformat(), "kind": "navigator_meeting",
                "location": "Durham Community Hub"}, actor=db.session.get(User, world.user_ids["navigator"]))
            db.session.commit()
            world.ids["appointment"] = made.id
    return world.ids["appointment"]


def _on_appointment(make_body: Callable) -> Callable:
    def make(app, world):
        from diversion.models import Appointment

        appointment_id = _appointment(app, world)
        return ({"contract_id": world.ids["contract"], "appointment_id": appointment_id},
                make_body(version(app, Appointment, appointment_id)))
    return make


def _retention(app, world):
    """A retain decision on someone whose only case ended seven years ago (made once per world)."""
    if "due" not in world.ids:
        from tests.retention_helpers import divert_ended

        with app.app_context():
            ended = divert_ended(db.session.get(User, world.user_ids["custody_officer"]),
                                 db.session.get(User, world.user_ids["provider"]),
                                 clock.today() - timedelta(days=7 * 365), given_name="Wyn")
            db.session.commit()
            world.ids["due"] = ended.person_id
    person_id = world.ids["due"]
    return {"person_id": person_id}, {"decision": "retain", "reason": "Linked to a live investigation",
                                      "review_date": (clock.today() + timedelta(days=365)).isoformat(),
                                      "version": version(app, Person, person_id)}


def _breach_pack(app, world):
    """The world's contract breached (once per world), and a first pack signed from it."""
    if "breached" not in world.ids:
        from diversion.services import contracts

        with app.app_context():
            contract = db.session.get(Contract, world.ids["contract"])
            contracts.record_outcome(contract, {"outcome": "breached", "date": clock.today().isoformat(),
                                                "reason": "reoffended", "details": "Charged with a new theft",
                                                "version": contract.version},
                                     actor=db.session.get(User, world.user_ids["navigator"]))
            db.session.commit()
        world.ids["breached"] = world.ids["contract"]
    return {"contract_id": world.ids["contract"]}, {"note_ids": [], "disclosed_to": "Officer in the case and CPS",
                                                    "version": 0}


def _needs_version(app, world) -> int | None:
    from diversion.models import NeedsAssessment

    with app.app_context():
        found = db.session.scalars(sa.select(NeedsAssessment).where(
            NeedsAssessment.contract_id == world.ids["contract"])).first()
        return found.version if found else None


NEEDS = {"needs": [{"pathway": "alcohol", "score": 3, "note": "Drinks most days; wants to cut down"},
                   {"pathway": "accommodation", "score": 1}]}


def _assessed(app, world) -> int:
    """The version of the world's contract's needs assessment (made once per world: a change sends its version)."""
    if _needs_version(app, world) is None:
        from diversion.services import needs

        with app.app_context():
            contract = db.session.get(Contract, world.ids["contract"])
            needs.record(contract, NEEDS, actor=db.session.get(User, world.user_ids["navigator"]))
            db.session.commit()
    return _needs_version(app, world)


def _needs(app, world):
    return {"contract_id": world.ids["contract"]}, {**NEEDS, "version": _assessed(app, world)}


def _needs_review(app, world):
    return {"contract_id": world.ids["contract"]}, {"reviews": [{"pathway": "alcohol", "result": "reduced"}],
                                                    "version": _assessed(app, world)}


def _onward(app, world):
    """An onward referral from the world's contract's pathway condition (made once per world), and a start."""
    from diversion.models import OnwardReferral

    if "onward" not in world.ids:
        from diversion.services import treatment

        with app.app_context():
            contract = db.session.get(Contract, world.ids["contract"])
            made = treatment.refer(contract, {"condition_id": world.ids["pathway"], "service": "talking_therapies",
                                              "referred_on": contract.start_date.isoformat()},
                                   actor=db.session.get(User, world.user_ids["navigator"]))
            db.session.commit()
            world.ids["onward"] = made.id
    return {"onward_id": world.ids["onward"]}, {"started_on": clock.today().isoformat(),
                                                "version": version(app, OnwardReferral, world.ids["onward"])}


BODIES: dict[str, Callable] = {
    "POST /checkpoint/referrals": _referral,
    "POST /checkpoint/referrals/{referral_id}/approve": _decision("approval"),
    "POST /checkpoint/referrals/{referral_id}/refuse": _decision("approval"),
    "POST /checkpoint/referrals/{referral_id}/decline": _decision("queued"),
    "POST /checkpoint/referrals/{referral_id}/contract": _contract,
    "POST /contracts/{contract_id}/notes": _on_contract(lambda v, w: {
        "kind": "phone", "body": "Rang to check on the alcohol sessions",
        "occurred_at": clock.now().replace(microsecond=0).isoformat()}),
    "POST /contracts/{contract_id}/conditions/{condition_id}/progress": _on_contract(
        lambda v, w: {"hours": 3, "note": "Sorted tins at the food bank"}, "unpaid_work"),
    "POST /contracts/{contract_id}/conditions/{condition_id}/status": _on_contract(
        lambda v, w: {"status": "met", "version": v}, "pathway"),
    "POST /contracts/{contract_id}/outcome": _on_contract(lambda v, w: {
        "outcome": "discontinued", "date": clock.today().isoformat(), "reason": "not_in_public_interest",
        "details": "The CPS reviewed the case", "version": v}),
    "POST /contracts/{contract_id}/alerts/{alert_id}/dismiss": lambda app, world: (
        {"contract_id": world.ids["contract"], "alert_id": world.ids["alert"]},
        {"reason": "The DIVERT referral was for possession before the contract began",
         "version": version(app, Contract, world.ids["contract"])}),
    "POST /checkpoint/referrals/{referral_id}/allocate": lambda app, world: (
        {"referral_id": world.ids["queued"]},
        {"navigator_id": world.user_ids["navigator"],
         "version": version(app, CheckpointReferral, world.ids["queued"])}),
    "POST /contracts/{contract_id}/navigator": _on_contract(lambda v, w: {
        "navigator_id": w.user_ids["other_navigator"], "reason": "Caseloads rebalanced while a colleague is away",
        "version": v}),
    "POST /divert/referrals": _divert_referral,
    "POST /divert/referrals/{referral_id}/events": _divert_event,
    "POST /dtoa/tests": _drug_test,
    "POST /dtoa/tests/{test_id}/events": _drug_test_event,
    "POST /dtoa/tests/{test_id}/decision": _drug_test_decision,
    "POST /people/{person_id}/contact": _contact,
    "POST /people/{person_id}/merge": _merge,
    "POST /people/{person_id}/retention": _retention,
    "POST /reoffending/records": lambda app, world: ({}, {"records": [
        {"pnc_id": "2011/0004321K", "offence_date": (clock.today() - timedelta(days=60)).isoformat(),
         "disposal_date": (clock.today() - timedelta(days=20)).isoformat()}]}),
    "POST /contracts/{contract_id}/appointments": _on_contract(lambda v, w: {
        "starts_at": (clock.now() + timedelta(days=2)).replace(microsecond=0).isoformat(), "kind": "unpaid_work",
        "location": "Food bank, Gilesgate", "condition_id": w.ids["unpaid_work"]}),
    "POST /contracts/{contract_id}/appointments/{appointment_id}/attendance": _on_appointment(lambda v: {
        "attended": False, "note": "No answer at the door; phoned twice", "version": v}),
    "POST /contracts/{contract_id}/appointments/{appointment_id}/cancel": _on_appointment(lambda v: {
        "reason": "The hub is closed for a burst pipe", "version": v}),
    "POST /contracts/{contract_id}/breach-pack": _breach_pack,
    "PUT /contracts/{contract_id}/needs": _needs,
    "POST /contracts/{contract_id}/needs/review": _needs_review,
    "POST /contracts/{contract_id}/onward-referrals": _on_contract(lambda v, w: {
        "condition_id": w.ids["pathway"], "service": "alcohol_brief_intervention",
        "referred_on": clock.today().isoformat()}),
    "POST /onward-referrals/{onward_id}/start": _onward,
}


def request_for(operation: str, app, world: ApiWorld) -> tuple[str, dict]:
    """The URL and a valid body for an operation; an operation missing from BODIES fails here by name."""
    assert operation in BODIES, f"{operation} has no valid body in tests/security/api_world.py: add one to BODIES"
    params, body = BODIES[operation](app, world)
    path = operation.split(" ", 1)[1]
    for name, value in params.items():
        path = path.replace("{%s}" % name, str(value))
    assert "{" not in path, f"{operation}: a path parameter has no value"
    return "/api/v1" + path, body


def role_for(app, operation: str) -> str:
    """Admin where the route admits it, else the first role it admits (the view's own allowed_roles)."""
    path = "/api/v1" + operation.split(" ", 1)[1]
    for rule in app.url_map.iter_rules():
        converted = rule.rule
        for argument in rule.arguments:
            converted = converted.replace(f"<int:{argument}>", "{%s}" % argument)
        if converted == path and operation.split(" ", 1)[0] in rule.methods:
            allowed = app.view_functions[rule.endpoint].allowed_roles
            return "admin" if "admin" in allowed else next(r for r in ROLES if r in allowed)
    raise AssertionError(f"no route for {operation}")
