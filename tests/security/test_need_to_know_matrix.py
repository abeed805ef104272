"""Need to know, proven mechanically: every route of `app.url_map` that names a record is requested by every
role, for records each role may and may not read, and the answer must be what domain/need_to_know.py says:
403 when the role may not use the route at all, 404 when the record is outside the user's work (its existence
is not revealed), and an ordinary answer otherwise (never a 5xx). A new route that names a record fails here
until it is classified below, so it cannot skip the rule. The expected answers come from the pure predicates
over plain facts read from the database, not from the SQL filters the app uses.
"""
from __future__ import annotations

import re
from datetime import timedelta
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from diversion.domain import need_to_know as rules
from diversion.extensions import db
from diversion import clock
from diversion.domain.appointments import local_start
from diversion.models import (ApiToken, Appointment, CheckpointReferral, Contract, ContractAlert, DivertReferral, DrugTest,
                              ExportJob, Person, ReferralDraft, User)
from diversion.services import allocation, appointments, contracts, divert, drafts, dtoa, referrals, tokens
from tests import factories
from tests.conftest import _postgres_server_url, make_app

DRAFT, TOKEN, EXPORT_JOB, ROLE_ONLY = "draft", "token", "export_job", "role_only"
# Route arguments that are not records: each route using one is guarded by its role alone (tests/test_meta.py).
ROLE_ONLY_ARGUMENTS = {"user_id", "code", "key", "what", "action"}
ANYONES_TOKENS = {"tokens.revoke_any"}  # administrators manage anyone's tokens; everyone else only their own
VIEWERS = ("officer_a", "nav_a", "provider", "manager", "admin")
CONTACT_EDIT = {"people.contact", "api.update_contact"}
MERGE = {"people.merge", "api.merge_people"}


def kind_of(rule) -> str:
    """The kind of record a route names, from its arguments; a route this cannot classify fails the test."""
    arguments = set(rule.arguments)
    if "onward_id" in arguments and "/divert/" in rule.rule:  # a DIVERT onward referral answers as its referral
        return rules.DIVERT_REFERRAL
    if "contract_id" in arguments or "onward_id" in arguments:  # an onward referral answers as its contract
        return rules.CONTRACT
    if "person_id" in arguments:
        return rules.PERSON
    if "draft_id" in arguments:
        return DRAFT
    if "token_id" in arguments:
        return TOKEN
    if "job_id" in arguments:
        return EXPORT_JOB
    if "test_id" in arguments:
        return rules.DRUG_TEST
    if "referral_id" in arguments:
        return rules.DIVERT_REFERRAL if "/divert/" in rule.rule else rules.CHECKPOINT_REFERRAL
    if arguments and arguments <= ROLE_ONLY_ARGUMENTS:
        return ROLE_ONLY
    raise AssertionError(f"{rule.endpoint} ({rule.rule}) names a record this matrix does not know: classify it")


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    records: dict[str, list[int]] = field(default_factory=dict)  # kind -> ids


@pytest.fixture
def matrix_app(database_url, _migrated):
    app = make_app(database_url, WTF_CSRF_ENABLED=False)
    yield app
    with app.app_context():
        db.engine.dispose()


def build_world(app) -> World:
    """Two officers' referrals in every state that matters, two navigators' contracts, DIVERT referrals, alerts."""
    world = World()
    with app.app_context():
        for name, role in (("officer_a", "custody_officer"), ("officer_b", "custody_officer"), ("nav_a", "navigator"),
                           ("nav_b", "navigator"), ("provider", "provider"), ("manager", "manager"),
                           ("admin", "admin")):
            world.users[name] = factories.user(role=role)
        officer_a, officer_b = world.users["officer_a"], world.users["officer_b"]
        person = {"person.new_person": True}
        queued = factories.referral(officer_a, **person, **{"person.given_name": "Ada"})
        factories.referral(officer_a, **person, **{"person.given_name": "Bea", "person.date_of_birth": "2010-01-01"})
        factories.referral(officer_b, **person, **{"person.given_name": "Cal", "offence.category": "burglary_residential"})
        mine = factories.contract(factories.referral(officer_b, **person, **{"person.given_name": "Dee"}),
                                  world.users["nav_a"])
        theirs = factories.contract(factories.referral(officer_a, **person, **{"person.given_name": "Eve"}),
                                    world.users["nav_b"])
        for held in (mine, theirs):  # an appointment on each contract, started at midnight today (UK)
            appointments.book(held, {"starts_at": local_start(clock.today(), 0, 0).isoformat(), "kind": "other",
                                     "location": "Durham Community Hub"}, actor=held.navigator)
        # Referrals a manager reserved for one navigator (allocation): only that navigator sees and agrees them.
        for given, holder in (("Hal", "nav_a"), ("Ida", "nav_b")):
            reserved = factories.referral(officer_a, **person, **{"person.given_name": given})
            allocation.allocate(reserved, {"navigator_id": world.users[holder].id, "version": reserved.version},
                                actor=world.users["manager"])
        for officer, given in ((officer_a, "Fay"), (officer_b, "Gus")):
            divert.create(factories.divert_payload(**{"person.given_name": given}), actor=officer)
        for held in (mine, theirs):  # a DIVERT referral during each contract: an alert on it
            known = held.person
            divert.create({**factories.divert_payload(), "person": {
                "id": known.id, "given_name": known.given_name, "family_name": known.family_name,
                "date_of_birth": known.date_of_birth.isoformat()}}, actor=officer_b)
        # Drug tests: one of a person on nav_a's caseload (a missed assessment awaiting custody), one of nobody's.
        known = mine.person
        held_test = dtoa.record(factories.drug_test_payload(person={
            "id": known.id, "given_name": known.given_name, "family_name": known.family_name,
            "date_of_birth": known.date_of_birth.isoformat()}), actor=officer_a)
        dtoa.record_event(held_test, {"event": "initial_assessment_missed", "date": clock.today().isoformat()},
                          actor=world.users["provider"])
        dtoa.record(factories.drug_test_payload(**{"person.given_name": "Jon"}), actor=officer_b)
        world.records[DRAFT] = [drafts.start(officer_a).id]
        db.session.commit()
        world.records[EXPORT_JOB] = _export_jobs(world)
        world.records[TOKEN] = []
        for name, user in world.users.items():
            token, world.tokens[name] = tokens.issue(user, {"name": "matrix", "purpose": "matrix"}, actor=None)
            world.records[TOKEN].append(token.id)
        db.session.commit()
        world.records[rules.CHECKPOINT_REFERRAL] = list(db.session.scalars(sa.select(CheckpointReferral.id)))
        world.records[rules.DIVERT_REFERRAL] = list(db.session.scalars(sa.select(DivertReferral.id)))
        world.records[rules.CONTRACT] = list(db.session.scalars(sa.select(Contract.id)))
        world.records[rules.PERSON] = list(db.session.scalars(sa.select(Person.id)))
        world.records[rules.DRUG_TEST] = list(db.session.scalars(sa.select(DrugTest.id)))
        assert queued.status == "awaiting_navigator" and len(world.records[rules.CONTRACT]) == 2
        for user in world.users.values():
            db.session.refresh(user)
            db.session.expunge(user)
    return world


def facts_may_read(kind: str, record_id: int, viewer: User) -> bool:
    """What the domain's predicates say, from plain facts read here (not through the app's SQL filters)."""
    who = rules.Viewer(viewer.id, viewer.role)
    if kind == rules.CHECKPOINT_REFERRAL:
        r = db.session.get(CheckpointReferral, record_id)
        return rules.may_read_checkpoint_referral(who, created_by_id=r.created_by_id, status=r.status,
                                                  contract_navigator_id=r.contract.navigator_id if r.contract else None,
                                                  allocated_navigator_id=r.allocated_navigator_id)
    if kind == rules.DIVERT_REFERRAL:
        return rules.may_read_divert_referral(who, created_by_id=db.session.get(DivertReferral, record_id).created_by_id)
    if kind == rules.CONTRACT:
        return rules.may_read_contract(who, navigator_id=db.session.get(Contract, record_id).navigator_id)
    if kind == rules.PERSON:
        queued = db.session.execute(sa.select(CheckpointReferral.status, CheckpointReferral.allocated_navigator_id)
                                    .where(CheckpointReferral.person_id == record_id)).all()
        statuses, reserved_for = [row[0] for row in queued], [row[1] for row in queued]
        holders = list(db.session.scalars(sa.select(Contract.navigator_id).where(Contract.person_id == record_id)))
        in_divert = db.session.scalar(sa.select(sa.func.count()).select_from(DivertReferral)
                                      .where(DivertReferral.person_id == record_id))
        return rules.may_read_person(who, referral_statuses=statuses, contract_navigator_ids=holders,
                                     divert_referrals=in_divert, reserved_for=reserved_for)
    if kind == rules.DRUG_TEST:
        test = db.session.get(DrugTest, record_id)
        holders = list(db.session.scalars(sa.select(Contract.navigator_id).where(Contract.person_id == test.person_id)))
        return rules.may_read_drug_test(who, contract_navigator_ids=holders, result=test.result)
    if kind == DRAFT:  # a draft is its owner's alone (and none once discarded)
        draft = db.session.get(ReferralDraft, record_id)
        return draft is not None and draft.owner_id == viewer.id
    if kind == TOKEN:  # a token is its owner's to manage
        return db.session.get(ApiToken, record_id).user_id == viewer.id
    if kind == EXPORT_JOB:  # an export is its requester's alone (administrators included)
        return db.session.get(ExportJob, record_id).requested_by_id == viewer.id
    raise AssertionError(kind)


def may_edit_contact(person_id: int, viewer: User) -> bool:
    granted = rules.CONTACT_EDITS.get(viewer.role)
    if granted == rules.ALL:
        return True
    if granted == rules.HOLDS_CONTRACT:
        return viewer.id in db.session.scalars(sa.select(Contract.navigator_id).where(Contract.person_id == person_id))
    if granted == rules.IN_DIVERT:
        return facts_may_read(rules.PERSON, person_id, viewer)
    return False


def url_for_record(rule, kind: str, record_id: int, world: World) -> str:
    values = {}
    for argument in rule.arguments:
        if argument in ("referral_id", "contract_id", "person_id", "draft_id", "token_id", "test_id", "job_id"):
            values[argument] = record_id
        elif argument == "condition_id":
            values[argument] = db.session.get(Contract, record_id).conditions[1].id
        elif argument == "alert_id":
            values[argument] = db.session.scalar(sa.select(ContractAlert.id).where(ContractAlert.contract_id == record_id))
        elif argument == "appointment_id":
            values[argument] = db.session.scalar(sa.select(Appointment.id).where(Appointment.contract_id == record_id))
        elif argument == "step":
            values[argument] = "person"
        elif argument == "request_id":
            values[argument] = _subject_access_request(record_id, world)
        elif argument == "onward_id":
            values[argument] = (_divert_onward_referral(record_id, world) if kind == rules.DIVERT_REFERRAL
                                else _onward_referral(record_id, world))
    url = rule.build(values, append_unknown=False)[1]
    if rule.endpoint in MERGE:
        other = next(p for p in world.records[rules.PERSON] if p != record_id)
        url += f"?other={other}"
    return url


def _export_jobs(world: World) -> list[int]:
    """A finished case-level export for the manager and one for the administrator (made as the worker would)."""
    from diversion import export_runner
    from diversion.services import export_jobs

    made = []
    for name in ("manager", "admin"):
        job = export_jobs.request("checkpoint-cases", clock.today() - timedelta(days=365), clock.today(),
                                  "The matrix", actor=db.session.get(User, world.users[name].id))
        db.session.commit()
        export_runner.run_inline(job.id)
        made.append(job.id)
    return made


def _subject_access_request(person_id: int, world: World) -> int:
    """A subject access request answered for the person (made once): the routes that show it name it."""
    from diversion.models import SubjectAccessRequest

    found = db.session.scalar(sa.select(SubjectAccessRequest.id).where(SubjectAccessRequest.person_id == person_id))
    if found is None:
        request = SubjectAccessRequest(person_id=person_id, received_on=clock.today(), purpose="The data subject",
                                       answered_by_id=world.users["admin"].id)
        db.session.add(request)
        db.session.commit()
        found = request.id
    return found


def _onward_referral(contract_id: int, world: World) -> int:
    """An onward referral on the contract's pathway condition (made once), for the routes that name one."""
    from diversion.models import OnwardReferral
    from diversion.services import treatment

    found = db.session.scalar(sa.select(OnwardReferral.id).where(OnwardReferral.contract_id == contract_id))
    if found is None:
        contract = db.session.get(Contract, contract_id)
        condition = next(c for c in contract.conditions if c.type == "pathway")
        found = treatment.refer(contract, {"condition_id": condition.id, "service": "other_support",
                                           "referred_on": contract.start_date.isoformat()},
                                actor=db.session.get(User, world.users["admin"].id)).id
        db.session.commit()
    return found


def _divert_onward_referral(referral_id: int, world: World) -> int:
    """An onward referral on the DIVERT referral (contacted, then referred on; made once), for the routes that
    name one."""
    from diversion.models import OnwardReferral

    found = db.session.scalar(sa.select(OnwardReferral.id).where(OnwardReferral.divert_referral_id == referral_id))
    if found is None:
        referral = db.session.get(DivertReferral, referral_id)
        provider = db.session.get(User, world.users["provider"].id)
        on = referral.referral_date.isoformat()
        if referral.status == "referred":
            divert.record_event(referral, {"event": "contacted", "date": on}, actor=provider)
        divert.record_event(referral, {"event": "onward_referral", "date": on, "onward_to": "housing"},
                            actor=provider)
        db.session.commit()
        found = db.session.scalar(sa.select(OnwardReferral.id).where(OnwardReferral.divert_referral_id == referral_id))
    return found


def record_routes(app):
    return sorted((rule for rule in app.url_map.iter_rules() if set(rule.arguments) - {"filename"}),
                  key=lambda rule: rule.endpoint)


def _endpoints():
    # Built at collection, before any database exists; creating the app connects to nothing. The URL is the run's
    # own kind of database, so that the engine options (taken from DATABASE_URL) suit it.
    app = make_app(_postgres_server_url() or "sqlite://")
    return [rule.endpoint for rule in record_routes(app)]


def request_as(client, world: World, viewer: str, method: str, url: str):
    if url.startswith("/api/"):
        headers = {"Authorization": f"Bearer {world.tokens[viewer]}"}
        return client.open(url, method=method, json={} if method in ("POST", "PUT") else None, headers=headers)
    return client.open(url, method=method, data={} if method == "POST" else None)


@pytest.mark.parametrize("endpoint", _endpoints())
def test_every_route_that_names_a_record_answers_as_need_to_know_says(matrix_app, endpoint):
    rule = next(r for r in matrix_app.url_map.iter_rules() if r.endpoint == endpoint)
    kind = kind_of(rule)
    world = build_world(matrix_app)
    allowed = matrix_app.view_functions[endpoint].allowed_roles
    mismatches, checked = [], 0
    clients = {}
    for viewer in VIEWERS:
        client = clients[viewer] = matrix_app.test_client()
        client.sign_in_as(world.users[viewer])
    for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
        for viewer in VIEWERS:
            user = world.users[viewer]
            if kind == ROLE_ONLY:
                if user.role in allowed:
                    continue  # acting on users, tokens or reference data is each route's own business
                with matrix_app.app_context():
                    url = rule.build({a: _role_only_value(a, world) for a in rule.arguments},
                                     append_unknown=False)[1]
                status = request_as(clients[viewer], world, viewer, method, url).status_code
                checked += 1
                if status != 403:
                    mismatches.append((method, viewer, url, status, 403))
                continue
            for record_id in world.records[kind]:
                with matrix_app.app_context():
                    url = url_for_record(rule, kind, record_id, world)
                    if user.role not in allowed:
                        expected = 403
                    elif endpoint in CONTACT_EDIT:
                        expected = 200 if may_edit_contact(record_id, user) else 404
                    elif endpoint in MERGE:
                        expected = 200 if user.role == "admin" else 403
                    elif endpoint in ANYONES_TOKENS:
                        expected = 200  # the role guard already limits it to administrators
                    else:
                        expected = 200 if facts_may_read(kind, record_id, user) else 404
                response = request_as(clients[viewer], world, viewer, method, url)
                status = response.status_code
                checked += 1
                answered = status if status in (403, 404) or status >= 500 else 200
                if status == 404 and _absent_but_readable(response):
                    answered = 200
                if answered != expected:
                    mismatches.append((method, viewer, url, status, expected))
    print(f"need-to-know matrix: {endpoint}: {checked} answers, {len(mismatches)} mismatches")
    assert checked > 0
    assert mismatches == [], f"{len(mismatches)} of {checked} answers differ from need to know"


# A 404 that says the record is readable but has nothing of this kind yet (no breach evidence pack signed): the
# caller may read the contract; only a plain not_found hides a record.
ABSENT_CODES = {"no_breach_pack", "no_needs_assessment"}


def _absent_but_readable(response) -> bool:
    answer = response.get_json(silent=True) or {}
    return answer.get("error", {}).get("code") in ABSENT_CODES


def _role_only_value(argument: str, world: World):
    return {"user_id": world.users["officer_a"].id, "code": "theft", "key": "offence_age_limit_months",
            "what": "cases", "action": "deactivate"}[argument]


def test_the_matrix_covers_every_route_that_names_a_record(app):
    """Its size, for the record: routes × roles × records."""
    routes = record_routes(app)
    kinds = {rule.endpoint: kind_of(rule) for rule in routes}
    assert {rules.CHECKPOINT_REFERRAL, rules.DIVERT_REFERRAL, rules.CONTRACT, rules.PERSON, rules.DRUG_TEST, DRAFT,
            TOKEN, EXPORT_JOB} <= \
        set(kinds.values())


# --- Lists, search and every link on every page ----------------------------------------------------------------

# The API lists of records, by the kind of record they hold (with the query a search needs); every other API
# route without a record in its path answers with no records (reference data, reports' figures, the caller).
API_LISTS = {"api.list_referrals": (rules.CHECKPOINT_REFERRAL, ""), "api.list_divert_referrals":
             (rules.DIVERT_REFERRAL, ""), "api.list_contracts": (rules.CONTRACT, ""),
             "api.search_people": (rules.PERSON, "?q=nkemelu"), "api.day_appointments": (rules.CONTRACT, "")}
ITEM_RECORD = {"api.day_appointments": "contract_id"}  # a list of appointments holds what their contracts allow
NO_RECORDS = {"api.me", "api.openapi", "api.offence_categories", "api.checkpoint_report", "api.divert_report",
              "api.audit_events", "api.reoffending_report_view", "api.partnership_report", "api.needs_by_pathway",
              "api.retention_due", "api.treatment_services", "api.treatment_engagement",
              "api.dtoa_monthly_return"}  # figures; and the retention list: administrators only, people due by a date
RECORD_LINK = re.compile(r"^/(referrals|divert/referrals|contracts|people|dtoa/tests)/(\d+)(?:[/?#]|$)")
LINK_KINDS = {"referrals": rules.CHECKPOINT_REFERRAL, "divert/referrals": rules.DIVERT_REFERRAL,
              "contracts": rules.CONTRACT, "people": rules.PERSON, "dtoa/tests": rules.DRUG_TEST}
PAGE_QUERIES = {"people.search": "?q=nkemelu", "casework.caseload": "?status=all"}


def list_routes(app):
    return [rule for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"]


def test_every_api_list_holds_exactly_what_need_to_know_allows(matrix_app):
    world = build_world(matrix_app)
    api_routes = {rule.endpoint for rule in list_routes(matrix_app) if rule.endpoint.startswith("api.")}
    assert api_routes == set(API_LISTS) | NO_RECORDS, "classify the new API list here"
    client, mismatches = matrix_app.test_client(), []
    for endpoint, (kind, query) in API_LISTS.items():
        rule = next(r for r in matrix_app.url_map.iter_rules() if r.endpoint == endpoint)
        for viewer in VIEWERS:
            user = world.users[viewer]
            response = request_as(client, world, viewer, "GET", rule.rule + query + ("&" if query else "?") + "limit=500")
            if user.role not in matrix_app.view_functions[endpoint].allowed_roles or \
                    (kind != rules.PERSON and not rules.reads_any(kind, user.role)):
                if response.status_code != 403:
                    mismatches.append((endpoint, viewer, response.status_code, 403))
                continue
            if kind == rules.PERSON and user.role in rules.LOOKS_UP_BY_IDENTITY:
                if response.status_code != 422:  # a look-up needs a full name and a date of birth, not a fragment
                    mismatches.append((endpoint, viewer, response.status_code, 422))
                continue
            assert response.status_code == 200, (endpoint, viewer, response.get_json())
            got = {item[ITEM_RECORD.get(endpoint, "id")] for item in response.get_json()["items"]}
            with matrix_app.app_context():
                expected = {i for i in world.records[kind] if facts_may_read(kind, i, user)}
                if kind == rules.PERSON:  # the search's own filter: the name has "nkemelu" in it
                    expected = {i for i in expected if "nkemelu" in db.session.get(Person, i).name_key}
            if got != expected:
                mismatches.append((endpoint, viewer, sorted(got), sorted(expected)))
    assert mismatches == []


def test_no_page_links_anyone_to_a_record_outside_their_work(matrix_app):
    world = build_world(matrix_app)
    pages = [rule for rule in list_routes(matrix_app) if not rule.endpoint.startswith("api.")
             and not getattr(matrix_app.view_functions[rule.endpoint], "public", False)]
    links_checked, mismatches = 0, []
    for viewer in VIEWERS:
        client = matrix_app.test_client()
        client.sign_in_as(world.users[viewer])
        user = world.users[viewer]
        for rule in pages:
            if user.role not in matrix_app.view_functions[rule.endpoint].allowed_roles:
                continue
            response = client.get(rule.rule + PAGE_QUERIES.get(rule.endpoint, ""))
            assert response.status_code == 200, (rule.rule, viewer, response.status_code)
            page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
            for link in page.select("a[href]"):
                found = RECORD_LINK.match(link["href"])
                if not found or found.group(1) == "referrals" and found.group(2) == "new":
                    continue
                kind, record_id = LINK_KINDS[found.group(1)], int(found.group(2))
                links_checked += 1
                with matrix_app.app_context():
                    if not facts_may_read(kind, record_id, user):
                        mismatches.append((viewer, rule.rule, link["href"]))
    print(f"need-to-know links: {links_checked} links on {len(pages)} pages, {len(mismatches)} mismatches")
    assert links_checked > 0
    assert mismatches == []
