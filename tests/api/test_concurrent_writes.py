"""Simultaneous writes (revision 2, "Concurrency"): one success and 409s for the rest, never a 5xx, never a
half-merged person. Real threads against real transactions, so this runs on PostgreSQL (SQLite takes one
writer at a time by design)."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from sqlalchemy import func, select

from diversion.extensions import db
from diversion.models import CheckpointReferral, DivertReferral, Person
from tests.api.conftest import bearer
from tests.factories import contract_payload, divert_payload, referral_payload

pytestmark = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                reason="races need PostgreSQL's concurrent transactions")
THREADS = 20


def race(app, calls):
    """Run the calls at the same moment, each with a client of its own; their (status, json)."""
    barrier = Barrier(len(calls))

    def run(call):
        client = app.test_client()
        barrier.wait()
        response = call(client)
        return response.status_code, response.get_json()
    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_twenty_referrals_with_the_same_new_pnc_id_make_one_person(app, issue_token):
    token, _ = issue_token("custody_officer")
    body = referral_payload(**{"person.pnc_id": "2020/0099999X"})
    results = race(app, [lambda c: c.post("/api/v1/checkpoint/referrals", json=body, headers=bearer(token))] * THREADS)
    statuses = [status for status, _ in results]
    assert all(status in (201, 409) for status in statuses), statuses
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Person).where(Person.pnc_id == "2020/0099999X")) == 1
        people = set(db.session.scalars(select(CheckpointReferral.person_id)))
        assert len(people) == 1
        references = list(db.session.scalars(select(CheckpointReferral.reference)))
        assert len(references) == len(set(references)) == statuses.count(201)


def test_twenty_edits_with_the_same_version_give_one_success(app, issue_token):
    officer, _ = issue_token("custody_officer")
    navigator, _ = issue_token("navigator")
    client = app.test_client()
    referral = client.post("/api/v1/checkpoint/referrals", json=referral_payload(), headers=bearer(officer)).get_json()
    contract = client.post(f"/api/v1/checkpoint/referrals/{referral['id']}/contract", json=contract_payload(),
                           headers=bearer(navigator)).get_json()
    pathway = contract["conditions"][1]["id"]
    url = f"/api/v1/contracts/{contract['id']}/conditions/{pathway}/status"
    body = {"status": "met", "version": contract["version"]}
    statuses = sorted(s for s, _ in race(app, [lambda c: c.post(url, json=body, headers=bearer(navigator))] * THREADS))
    assert statuses == [200] + [409] * (THREADS - 1)


def test_a_merge_and_a_referral_at_the_same_moment_leave_no_half_merged_person(app, issue_token):
    officer, _ = issue_token("custody_officer")
    admin, _ = issue_token("admin")
    client = app.test_client()
    kept = client.post("/api/v1/divert/referrals", json=divert_payload(**{"person.pnc_id": "2019/0000077K"}),
                       headers=bearer(officer)).get_json()["person"]["id"]
    other_body = divert_payload(**{"person.given_name": "Kye"})
    merged = client.post("/api/v1/divert/referrals", json=other_body, headers=bearer(officer)).get_json()["person"]["id"]
    versions = [client.get(f"/api/v1/people/{pid}", headers=bearer(admin)).get_json()["version"]
                for pid in (kept, merged)]
    merge = {"other_id": merged, "reason": "Same person", "version": versions[0], "other_version": versions[1]}
    calls = [lambda c: c.post(f"/api/v1/people/{kept}/merge", json=merge, headers=bearer(admin))]
    calls += [lambda c: c.post("/api/v1/divert/referrals", json=other_body, headers=bearer(officer))] * 5
    results = race(app, calls)
    assert all(status < 500 for status, _ in results), results
    assert results[0][0] == 200
    with app.app_context():
        owners = set(db.session.scalars(select(DivertReferral.person_id)))
        assert owners == {kept}  # every referral, however it raced, is on the record kept
        assert db.session.get(Person, merged).merged_into_id == kept


def test_a_merge_and_a_contract_agreed_at_the_same_moment_keep_the_contract_with_its_referral(app, issue_token):
    officer, _ = issue_token("custody_officer")
    navigator, _ = issue_token("navigator")
    admin, _ = issue_token("admin")
    client = app.test_client()
    kept = client.post("/api/v1/divert/referrals", json=divert_payload(**{"person.given_name": "Kai"}),
                       headers=bearer(officer)).get_json()["person"]["id"]
    referral = client.post("/api/v1/checkpoint/referrals", json=referral_payload(**{
        "person.given_name": "Kye", "person.family_name": "Brennan", "person.date_of_birth": "2002-07-04"}),
        headers=bearer(officer)).get_json()
    merged = referral["person"]["id"]
    versions = [client.get(f"/api/v1/people/{pid}", headers=bearer(admin)).get_json()["version"]
                for pid in (kept, merged)]
    merge = {"other_id": merged, "reason": "Same person", "version": versions[0], "other_version": versions[1]}
    results = race(app, [
        lambda c: c.post(f"/api/v1/people/{kept}/merge", json=merge, headers=bearer(admin)),
        lambda c: c.post(f"/api/v1/checkpoint/referrals/{referral['id']}/contract", json=contract_payload(),
                         headers=bearer(navigator))])
    assert all(status < 500 for status, _ in results), results
    with app.app_context():
        from diversion.models import Contract

        for contract in db.session.scalars(select(Contract)):
            assert contract.person_id == db.session.get(CheckpointReferral, contract.referral_id).person_id == kept


def test_approvals_and_refusals_racing_give_one_decision_and_409s(app, issue_token):
    officer, _ = issue_token("custody_officer")
    manager, _ = issue_token("manager")
    referral = app.test_client().post("/api/v1/checkpoint/referrals", json=referral_payload(**{
        "offence.category": "burglary_residential"}), headers=bearer(officer)).get_json()
    calls = [lambda c, act=act: c.post(f"/api/v1/checkpoint/referrals/{referral['id']}/{act}",
                                       json={"reason": "Decided", "version": referral["version"]},
                                       headers=bearer(manager))
             for act in ("approve", "refuse") * (THREADS // 2)]
    statuses = sorted(status for status, _ in race(app, calls))
    assert statuses == [200] + [409] * (THREADS - 1)


def test_the_same_divert_event_recorded_twenty_times_at_once_is_recorded_once(app, issue_token):
    officer, _ = issue_token("custody_officer")
    provider, _ = issue_token("provider")
    referral = app.test_client().post("/api/v1/divert/referrals", json=divert_payload(),
                                      headers=bearer(officer)).get_json()
    body = {"event": "contacted", "date": referral["referral_date"], "version": referral["version"]}
    url = f"/api/v1/divert/referrals/{referral['id']}/events"
    statuses = sorted(s for s, _ in race(app, [lambda c: c.post(url, json=body, headers=bearer(provider))] * THREADS))
    assert statuses == [201] + [409] * (THREADS - 1)
    with app.app_context():
        from diversion.models import DivertEvent

        assert db.session.scalar(select(func.count()).select_from(DivertEvent)) == 1


def test_twenty_administrators_adding_the_same_email_at_once_make_one_user(app, make_user):
    from diversion.models import User

    clients = []
    for _ in range(THREADS):
        client = app.test_client()
        client.sign_in_as(make_user("admin"))
        clients.append((client, client.csrf_token("/admin/users/new")))
    form = {"name": "Priya Shah", "email": "priya.shah@police.example", "role": "navigator",
            "password": "Copper-lantern-meadow-42"}
    barrier = Barrier(THREADS)

    def add(pair):
        client, token = pair
        barrier.wait()
        return client.post("/admin/users/new", data={**form, "csrf_token": token}).status_code
    with ThreadPoolExecutor(THREADS) as pool:
        statuses = list(pool.map(add, clients))
    assert all(status < 500 for status in statuses), statuses
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)
                                 .where(User.email == "priya.shah@police.example")) == 1


def test_one_referral_sent_twenty_times_at_once_with_one_idempotency_key_is_made_once(app, issue_token):
    token, _ = issue_token("custody_officer")
    headers = {**bearer(token), "Idempotency-Key": "retry-after-timeout-7"}
    results = race(app, [lambda c: c.post("/api/v1/checkpoint/referrals", json=referral_payload(),
                                           headers=headers)] * THREADS)
    assert {status for status, _ in results} == {201}
    assert len({body["id"] for _, body in results}) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CheckpointReferral)) == 1
