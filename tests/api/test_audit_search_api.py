"""GET /api/v1/audit/events searches the trail by person, user, action and UK days, each event with its person and
a plain-English description; a bad filter is a 422 naming every bad field."""
from datetime import timedelta

from diversion import audit, clock
from diversion.extensions import db
from diversion.models import User
from tests.api.conftest import bearer


def _contract(app, make_user, name="Tomasz Nowak"):
    from tests import factories

    officer, navigator = make_user("custody_officer"), make_user("navigator", name=name)
    with app.app_context():
        referral = factories.referral(db.session.get(User, officer.id))
        contract = factories.contract(referral, db.session.get(User, navigator.id))
        db.session.commit()
        return contract.id, contract.person_id, contract.person.full_name, referral.reference, navigator


def _search(client, token, **query):
    response = client.get("/api/v1/audit/events", query_string=query, headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_events_about_one_person_each_with_a_description(client, app, make_user, issue_token):
    contract_id, person_id, name, reference, navigator = _contract(app, make_user)
    _contract(app, make_user)  # someone else's case
    token, _ = issue_token("admin")
    navigator_token, _ = issue_token("navigator")
    with app.app_context():
        audit.record("contract.view", actor=db.session.get(User, navigator.id), object_type="contract",
                     object_id=contract_id, person_id=person_id)
        db.session.commit()
    body = _search(client, token, person_id=person_id)
    assert body["items"] and {item["person_id"] for item in body["items"]} == {person_id}
    assert f"Tomasz Nowak viewed contract {reference} of {name}" in [item["description"] for item in body["items"]]
    assert [item["id"] for item in body["items"]] == sorted(item["id"] for item in body["items"])  # oldest first


def test_filters_combine_and_page_with_the_cursor(client, app, make_user, issue_token):
    contract_id, person_id, *_rest, navigator = _contract(app, make_user)
    token, admin = issue_token("admin")
    with app.app_context():
        for _ in range(3):
            audit.record("contract.view", actor=db.session.get(User, navigator.id), object_type="contract",
                         object_id=contract_id, person_id=person_id)
        db.session.commit()
    today = clock.today().isoformat()
    seen, cursor = [], None
    while True:
        query = {"actor_id": navigator.id, "action": "contract.view", "from": today, "to": today, "limit": 2}
        body = _search(client, token, **query, **({"cursor": cursor} if cursor else {}))
        seen += body["items"]
        cursor = body["next"]
        if not cursor:
            break
    assert len(seen) == 3 and {(e["actor_id"], e["action"]) for e in seen} == {(navigator.id, "contract.view")}
    yesterday = (clock.today() - timedelta(days=1)).isoformat()
    assert _search(client, token, actor_id=navigator.id, action="contract.view", to=yesterday)["items"] == []
    # "contract" is every contract action: the agreement as well as the views
    assert {e["action"] for e in _search(client, token, person_id=person_id, action="contract")["items"]} == {
        "contract.create", "contract.view"}


def test_reading_the_trail_is_recorded_with_the_filters(client, app, make_user, issue_token):
    token, admin = issue_token("admin")
    _search(client, token, action="contract", **{"from": "2026-01-01"})
    body = _search(client, token, action="audit.export", actor_id=admin.id)
    assert body["items"][0]["details"]["filters"]["action"] == "contract"
    assert body["items"][0]["description"].endswith("exported the audit trail")


def test_every_bad_filter_is_named_in_one_422(client, issue_token):
    token, _ = issue_token("admin")
    response = client.get("/api/v1/audit/events?person_id=abc&actor_id=0&action=DROP%20TABLE&from=2026-02-30"
                          "&to=yesterday&limit=0", headers=bearer(token))
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"person_id", "actor_id", "action", "from", "to", "limit"}
    backwards = client.get("/api/v1/audit/events?from=2026-03-02&to=2026-03-01", headers=bearer(token))
    assert backwards.status_code == 422 and set(backwards.get_json()["error"]["fields"]) == {"to"}
    huge = client.get("/api/v1/audit/events?person_id=99999999999999999999", headers=bearer(token))
    assert huge.status_code == 422 and set(huge.get_json()["error"]["fields"]) == {"person_id"}


def test_only_administrators_search_the_trail(client, issue_token):
    for role in ("manager", "navigator", "custody_officer", "provider"):
        token, _ = issue_token(role)
        assert client.get("/api/v1/audit/events", headers=bearer(token)).status_code == 403


def test_an_erased_person_is_described_but_never_named(client, app, make_user, issue_token):
    import sqlalchemy as sa

    from diversion.models import Person

    contract_id, person_id, name, reference, navigator = _contract(app, make_user)
    with app.app_context():
        db.session.execute(sa.update(Person).where(Person.id == person_id).values(erased_at=clock.now()))
        db.session.commit()
    token, _ = issue_token("admin")
    body = _search(client, token, person_id=person_id)
    descriptions = [item["description"] for item in body["items"]]
    assert any(d.endswith(f"contract {reference} with an erased person") for d in descriptions)
    assert not any(name in d for d in descriptions)
