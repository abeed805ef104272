"""The breach evidence pack API: GET the latest signed pack (404 no_breach_pack when none), POST to sign one
(409 unless breached, 409 already_signed from a stale reading, 422 naming every bad field), need to know (404 for
contracts outside the caller's work), and twenty at once on PostgreSQL: one signs, nineteen 409s."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import func, select

from diversion.extensions import db
from diversion.models import BreachPack
from tests.api.conftest import bearer
from tests.api.test_concurrent_writes import race
from tests.breach_pack_world import SECRET_NOTE, breached_contract

on_postgresql = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                   reason="races need PostgreSQL's concurrent transactions")


def _token_for_navigator(app, world):
    from diversion.models import User
    from diversion.services import tokens

    with app.app_context():
        _record, secret = tokens.issue(db.session.get(User, world.navigator_id), {"name": "t", "purpose": "t"},
                                       actor=None)
        db.session.commit()
    return secret


def _url(world):
    return f"/api/v1/contracts/{world.contract_id}/breach-pack"


BODY = {"note_ids": [], "disclosed_to": "Officer in the case and CPS", "version": 0}


def test_no_pack_yet_is_404_with_its_own_code(app, client):
    world = breached_contract(app)
    response = client.get(_url(world), headers=bearer(_token_for_navigator(app, world)))
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "no_breach_pack"


def test_signing_returns_the_pack_and_get_returns_it_as_signed(app, client):
    world = breached_contract(app)
    headers = bearer(_token_for_navigator(app, world))
    signed = client.post(_url(world), json={**BODY, "note_ids": [world.warning_note_id]}, headers=headers)
    assert signed.status_code == 201, signed.get_json()
    pack = signed.get_json()
    assert pack["version"] == 1 and pack["note_ids"] == [world.warning_note_id]
    assert pack["signed_by"]["id"] == world.navigator_id and pack["confirmation"].startswith("I confirm")
    assert [n["id"] for n in pack["pack"]["notes"]] == [world.warning_note_id]
    assert SECRET_NOTE not in str(pack)
    read = client.get(_url(world), headers=headers)
    assert read.status_code == 200 and read.get_json() == pack


def test_a_contract_that_is_not_breached_is_409(app, client):
    world = breached_contract(app, breach=False)
    response = client.post(_url(world), json=BODY, headers=bearer(_token_for_navigator(app, world)))
    assert response.status_code == 409


def test_a_stale_version_is_409_already_signed_and_changes_nothing(app, client):
    world = breached_contract(app)
    headers = bearer(_token_for_navigator(app, world))
    assert client.post(_url(world), json=BODY, headers=headers).status_code == 201
    again = client.post(_url(world), json=BODY, headers=headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_signed"
    assert client.post(_url(world), json={**BODY, "version": 1}, headers=headers).get_json()["version"] == 2


def test_bad_fields_are_422_naming_each(app, client):
    world = breached_contract(app)
    response = client.post(_url(world), json={"note_ids": [999999], "disclosed_to": "a\u0000b", "version": "x"},
                           headers=bearer(_token_for_navigator(app, world)))
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"note_ids", "disclosed_to", "version"}


def test_a_body_that_is_not_an_object_is_400(app, client):
    world = breached_contract(app)
    response = client.post(_url(world), data="[1]", content_type="application/json",
                           headers=bearer(_token_for_navigator(app, world)))
    assert response.status_code == 400


@pytest.mark.parametrize("role, status", [("navigator", 404), ("custody_officer", 403), ("provider", 403),
                                          ("manager", 201), ("admin", 201)])
def test_only_the_contracts_navigator_managers_and_admins_may_sign(app, client, issue_token, role, status):
    world = breached_contract(app)
    token, _user = issue_token(role)  # a navigator here is another navigator, not the contract's
    assert client.post(_url(world), json=BODY, headers=bearer(token)).status_code == status
    expected_read = {201: 200}.get(status, status)
    assert client.get(_url(world), headers=bearer(token)).status_code == expected_read


def test_the_openapi_document_describes_both_operations(app, client, issue_token):
    token, _ = issue_token("navigator")
    document = client.get("/api/v1/openapi.json", headers=bearer(token)).get_json()
    operations = document["paths"]["/contracts/{contract_id}/breach-pack"]
    assert {"get", "post"} <= set(operations)
    schema = document["components"]["schemas"]["BreachPackInput"]
    assert set(schema["required"]) == {"disclosed_to", "version"}


@on_postgresql
def test_twenty_navigators_signing_at_once_give_one_pack_and_nineteen_409s(app):
    world = breached_contract(app)
    headers = bearer(_token_for_navigator(app, world))
    results = race(app, [lambda c: c.post(_url(world), json=BODY, headers=headers)] * 20)
    statuses = sorted(status for status, _ in results)
    assert statuses.count(201) == 1 and statuses.count(409) == 19, statuses
    assert {answer["error"]["code"] for status, answer in results if status == 409} == {"already_signed"}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(BreachPack)) == 1
