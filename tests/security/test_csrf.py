"""CSRF refusal on every state-changing form, generated from `app.url_map` (issue 9, "a security test suite").

Every non-API route that accepts POST is requested, without a `csrf_token`, by a signed-in user of each role the
route admits (the public sign-in routes: unsigned), against the real app with CSRF on (as tests/conftest.py builds
it). The body is what a browser would send from the route's own form (found on the route's page, or on a page above
it for a POST-only action, with the page's default and first choices, and a real user's email and password for
signing in), so that without the check the request would reach the view. The answer must be 400 with the house's
"Your form has expired" page, and no row of any table may differ afterwards. A route added later is covered by
being in the url_map.

The JSON API is exempt from CSRF because it authenticates by bearer token alone: the last test proves a browser's
session cookie opens no API write.
"""
from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from diversion import clock
from diversion.domain import need_to_know as rules
from diversion.extensions import db, limiter
from tests.conftest import _postgres_server_url, _reset_database, make_app
from tests.factories import PASSWORD
from tests.security.test_need_to_know_matrix import (MERGE, ROLE_ONLY, VIEWERS, _role_only_value, build_world,
                                                     facts_may_read, kind_of, may_edit_contact, url_for_record)

CSRF_PAGE = "Your form has expired"


def _collection_app():
    # Built at collection, before any database exists (creating the app connects to nothing).
    return make_app(_postgres_server_url() or "sqlite://")


def form_routes(app) -> list:
    return sorted((rule for rule in app.url_map.iter_rules()
                   if "POST" in rule.methods and not rule.endpoint.startswith("api.") and rule.endpoint != "static"),
                  key=lambda rule: rule.rule)


FORM_ENDPOINTS = [rule.endpoint for rule in form_routes(_collection_app())]


def test_the_url_map_has_state_changing_forms_to_check():
    assert len(FORM_ENDPOINTS) >= 30, FORM_ENDPOINTS  # 37 when written; none found means the walk is broken
    assert {"auth.sign_in", "auth.sign_out", "casework.add_note", "admin.user_new"} <= set(FORM_ENDPOINTS)


# --- One world for the module (the requests must change nothing, and each one checks that it did not) -----------

@pytest.fixture(autouse=True)
def _fresh_state():
    """Overrides conftest's per-test reset: the module shares one world and resets the database at its end."""
    yield
    clock.freeze(None)


@pytest.fixture(scope="module")
def world(app, _migrated):
    built = build_world(app)
    yield built
    clock.freeze(None)
    with app.app_context():
        limiter.reset()
    _reset_database(app, _migrated)


def snapshot(app) -> dict[str, list]:
    """Every row of every table, as sorted text: two snapshots are equal only if nothing was written."""
    with app.app_context():
        with db.engine.connect() as connection:
            return {table.name: sorted(repr(tuple(row)) for row in connection.execute(table.select()))
                    for table in db.metadata.sorted_tables}


def differences(before: dict, after: dict) -> dict[str, str]:
    changed = {}
    for name in before:
        if before[name] != after[name]:
            added = len(set(after[name]) - set(before[name]))
            removed = len(set(before[name]) - set(after[name]))
            changed[name] = f"{added} rows added or changed, {removed} removed or changed"
    return changed


# --- The request a browser would send, less its token ----------------------------------------------------------

def records_for(kind: str, endpoint: str, user, world) -> list[int]:
    """The records of that kind the user may act on first, then the rest: the request must be refused for want
    of a token, not for want of access."""
    def may_act(record_id: int) -> bool:
        if endpoint in MERGE:
            return True
        if endpoint == "people.contact":
            return may_edit_contact(record_id, user)
        return facts_may_read(kind, record_id, user)
    ids = world.records[kind]
    return [i for i in ids if may_act(i)] + [i for i in ids if not may_act(i)]


def role_only_value(argument: str, world):
    if argument == "what":
        from diversion.services import reports
        return next(iter(reports.EXPORTS))
    return _role_only_value(argument, world)


def candidate_urls(app, rule, user, world) -> list[str]:
    with app.app_context():
        if not rule.arguments:
            return [rule.rule]
        kind = kind_of(rule)
        if kind == ROLE_ONLY:
            return [rule.build({a: role_only_value(a, world) for a in rule.arguments}, append_unknown=False)[1]]
        if kind == "token":  # one of the user's own tokens (administrators' revoke_any: someone else's)
            tokens = dict(zip(world.users, world.records["token"]))
            owner = "officer_a" if rule.endpoint == "tokens.revoke_any" else \
                next(name for name, u in world.users.items() if u.id == user.id)
            return [url_for_record(rule, kind, tokens[owner], world)]
        if kind == "draft":
            return [url_for_record(rule, kind, world.records["draft"][0], world)]
        return [url_for_record(rule, kind, record_id, world)
                for record_id in records_for(kind, rule.endpoint, user, world)]


def pages_above(url: str) -> list[str]:
    """The URL itself, then each shorter path: a POST-only action's form is on its record's page or a list."""
    path = urlsplit(url).path.rstrip("/")
    pages = [url]
    while path.count("/") > 1:
        path = path.rsplit("/", 1)[0]
        pages.append(path)
    return pages + ["/"]  # the home page: the header's forms (signing out)


def form_fields(form) -> dict:
    """What a browser sends from the form untouched: each field's value, checked boxes, the first radio of a
    group unless one is checked, a select's selected (or first) option, a textarea's text."""
    data: dict[str, str] = {}
    for field in form.select("input[name], select[name], textarea[name]"):
        name, kind = field["name"], (field.get("type") or "text").lower()
        if field.name == "select":
            option = field.select_one("option[selected]") or field.select_one("option")
            data[name] = option.get("value", option.get_text()) if option else ""
        elif field.name == "textarea":
            data[name] = field.get_text()
        elif kind == "checkbox":
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        elif kind == "radio":
            if name not in data or field.has_attr("checked"):
                data[name] = field.get("value", "on")
        elif kind not in ("submit", "button", "file", "image", "reset"):
            data[name] = field.get("value", "")
    data.pop("csrf_token", None)
    return data


def browser_body(client, url: str) -> dict | None:
    """The fields of the form that posts to `url`, from the first page above it that has one (None: no form)."""
    target = urlsplit(url).path
    for page_url in pages_above(url):
        response = client.get(page_url)
        if response.status_code != 200 or not response.mimetype == "text/html":
            continue
        page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        for form in page.select("form"):
            if (form.get("method") or "get").lower() != "post":
                continue
            action = urlsplit(urljoin("http://localhost" + page_url, form.get("action") or page_url)).path
            if action == target:
                return form_fields(form)
    return None


# --- The test ----------------------------------------------------------------------------------------------------

def requesters(app, rule, world) -> list[str]:
    """Each role the route admits, as a world user; the public routes: nobody (unsigned)."""
    view = app.view_functions[rule.endpoint]
    if getattr(view, "public", False):
        return [None]
    allowed = getattr(view, "allowed_roles", None)
    assert allowed, f"{rule.endpoint} names no roles and is not public (tests/test_meta.py should have said so)"
    return [name for name in VIEWERS if world.users[name].role in allowed]


@pytest.mark.parametrize("endpoint", FORM_ENDPOINTS)
def test_a_form_posted_without_its_csrf_token_is_refused_and_writes_nothing(app, world, endpoint):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint and "POST" in r.methods)
    problems, filled = [], 0
    for viewer in requesters(app, rule, world):
        client = app.test_client()
        user = world.users[viewer] if viewer else world.users["nav_a"]
        if viewer:
            client.sign_in_as(user)
        urls = candidate_urls(app, rule, user, world)
        url, body = urls[0], None
        for candidate in urls:  # the first record whose page offers this form (approve: one awaiting approval)
            body = browser_body(client, candidate)
            if body is not None:
                url = candidate
                break
        filled += body is not None
        body = body or {}
        if endpoint == "auth.sign_in":  # the right password: only the missing token stands in the way
            body.update(email=world.users["nav_a"].email, password=PASSWORD)
        before = snapshot(app)
        response = client.post(url, data=body)
        after = snapshot(app)
        page = response.get_data(as_text=True)
        if response.status_code != 400 or CSRF_PAGE not in page:
            problems.append(f"{viewer or 'unsigned'} POST {url}: {response.status_code}, not the CSRF page")
        if differences(before, after):
            problems.append(f"{viewer or 'unsigned'} POST {url} wrote: {differences(before, after)}")
    print(f"csrf: {endpoint}: {len(requesters(app, rule, world))} requesters, {filled} with the page's form")
    assert problems == []


def test_the_snapshot_sees_a_write_made_with_the_token(app, world):
    """The check above is not vacuous: the same kind of request with its token does write."""
    client = app.test_client()
    client.sign_in_as(world.users["nav_a"])
    with app.app_context():
        contract_id = next(i for i in world.records[rules.CONTRACT] if facts_may_read(rules.CONTRACT, i,
                                                                                    world.users["nav_a"]))
    before = snapshot(app)
    response = client.post_form(f"/contracts/{contract_id}/notes", {"kind": "general", "body": "Spoke on the phone"},
                                form_page=f"/contracts/{contract_id}")
    assert response.status_code in (302, 303), response.status_code
    assert "contract_notes" in differences(before, snapshot(app))


def api_writes(app) -> list:
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")
            and rule.methods & {"POST", "PUT"}]


def test_a_browser_session_opens_no_api_write(app, world):
    """The API skips CSRF because only a bearer token authenticates it: a signed-in browser's cookie gets 401."""
    client = app.test_client()
    client.sign_in_as(world.users["admin"])
    routes, problems = api_writes(app), []
    assert routes, "no API write found in the url_map"
    before = snapshot(app)
    for rule in routes:
        with app.app_context():
            url = rule.build({a: 1 for a in rule.arguments}, append_unknown=False)[1]
        method = "POST" if "POST" in rule.methods else "PUT"
        response = client.open(url, method=method, json={})
        if response.status_code != 401:
            problems.append(f"{method} {url}: {response.status_code}")
    assert problems == []
    assert differences(before, snapshot(app)) == {}
