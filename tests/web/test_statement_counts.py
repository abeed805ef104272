"""Issue 14: a page reads in a fixed number of SQL statements, at most 12 for the whole request (the session or
token, need to know, the page's reads, the audit row), whatever the records on it hold. Counted as the scale
report counts them (tests/bench/bench_scale.py): every statement sent to the database while the request runs."""
from datetime import timedelta

import pytest

from diversion import clock
from diversion.extensions import db
from diversion.models import Appointment, Contract, ContractAlert, NavigatorChange, User
from diversion.services import contracts, live_cases, needs, tokens
from tests.web.test_intake_support import counting_statements

GOAL = 12


def statements_for(app, client, path: str, headers: dict | None = None) -> int:
    client.get(path, headers=headers)  # once first: what a process reads once (reference data) is not counted
    with counting_statements(app) as statements:
        response = client.get(path, headers=headers)
    assert response.status_code == 200, path
    return len(statements)


def fill(app, contract_id: int, navigator_id: int, other_id: int, rounds: int) -> None:
    """Give the contract some of everything its page shows, written by two users: notes, progress on each
    condition, appointments missed, attended and booked (one for a condition), new-referral alerts (one decided),
    navigator changes and a needs assessment."""
    with app.app_context():
        contract = db.session.get(Contract, contract_id)
        navigator, other = db.session.get(User, navigator_id), db.session.get(User, other_id)
        now = clock.now()
        for i in range(rounds):
            by = (navigator, other)[i % 2]
            contracts.add_note(contract, {"kind": "meeting", "body": f"Meeting {i}"}, actor=by)
            for condition in contract.conditions[1:]:
                contracts.record_progress(contract, condition.id, {
                    "hours": 1 if condition.community_kind == "unpaid_work" else None, "note": f"Step {i}"}, actor=by)
            db.session.add_all([
                Appointment(contract_id=contract.id, starts_at=now - timedelta(days=1 + i), kind="navigator_meeting",
                            location="Office", status="missed", booked_by_id=by.id, recorded_by_id=other.id,
                            recorded_at=now, condition_id=contract.conditions[1].id),
                Appointment(contract_id=contract.id, starts_at=now - timedelta(days=2 + i), kind="navigator_meeting",
                            location="Office", status="attended", booked_by_id=by.id, recorded_by_id=by.id,
                            recorded_at=now),
                Appointment(contract_id=contract.id, starts_at=now + timedelta(days=2 + i), kind="navigator_meeting",
                            location="Office", status="booked", booked_by_id=by.id),
                ContractAlert(contract_id=contract.id, kind="new_referral", scheme="checkpoint", date=now.date(),
                              summary={"reference": f"CP-2026-0090{i}", "offence_category": "theft",
                                       "offence_date": now.date().isoformat()}),
                NavigatorChange(contract_id=contract.id, from_navigator_id=other.id, to_navigator_id=navigator.id,
                                reason="Cover", changed_by_id=other.id)])
            db.session.flush()
        db.session.refresh(contract)
        undecided = next(a for a in contract.alerts if a.resolved_at is None)
        live_cases.dismiss(contract, undecided.id, {"reason": "Before the contract", "version": contract.version},
                           actor=other)
        assessment = needs.of(contract)
        needs.record(contract, {"version": assessment.version if assessment else None,
                                "needs": [{"pathway": "accommodation", "score": 3, "note": "Sofa surfing"},
                                          {"pathway": "drugs", "score": 2}]}, actor=navigator)
        db.session.commit()


@pytest.mark.parametrize("role", ["navigator", "manager"])
def test_the_contract_page_reads_in_a_fixed_few_statements_whatever_the_contract_holds(
        role, signed_in, make_user, make_contract, app):
    client, viewer = signed_in(role)
    navigator = viewer if role == "navigator" else make_user("navigator")
    other = make_user("navigator")
    bare, some, full = (make_contract(navigator=navigator) for _ in range(3))
    fill(app, some, navigator.id, other.id, rounds=1)
    fill(app, full, navigator.id, other.id, rounds=4)
    counted = [statements_for(app, client, f"/contracts/{contract}") for contract in (bare, some, full)]
    # Nothing on it: no other user to name (one statement fewer); then the same whatever it holds.
    assert counted[0] <= counted[1] == counted[2] <= GOAL
    page = client.get_page(f"/contracts/{full}")  # and everything is on it, with who did it
    with app.app_context():
        record = db.session.get(Contract, full)
        progress = sum(len(c.progress) for c in record.conditions)
        undecided = sum(1 for a in record.alerts if a.resolved_at is None)
    assert progress and len(page.select(".app-progress li")) == progress
    assert undecided and len(page.select(".app-alert")) == undecided
    assert f"by {other.name}" in page.select_one(".moj-timeline").get_text()


def test_the_printed_contract_reads_in_a_fixed_few_statements(signed_in, make_user, make_contract, app):
    client, navigator = signed_in("navigator")
    other = make_user("navigator")
    some, full = make_contract(navigator=navigator), make_contract(navigator=navigator)
    fill(app, some, navigator.id, other.id, rounds=1)
    fill(app, full, navigator.id, other.id, rounds=3)
    few = statements_for(app, client, f"/contracts/{some}/print")
    assert statements_for(app, client, f"/contracts/{full}/print") == few <= GOAL


def _token(app, user) -> dict:
    with app.app_context():
        _record, secret = tokens.issue(db.session.get(User, user.id), {"name": "tests", "purpose": "tests"},
                                       actor=None)
        db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_the_api_contract_list_reads_in_a_fixed_few_statements_whatever_its_length(
        client, make_user, make_contract, app):
    headers = _token(app, make_user("manager"))
    navigator, other = make_user("navigator"), make_user("navigator")
    first = make_contract(navigator=navigator)
    fill(app, first, navigator.id, other.id, rounds=2)
    few = statements_for(app, client, "/api/v1/contracts?status=active", headers)
    for _ in range(4):
        fill(app, make_contract(navigator=make_user("navigator")), navigator.id, other.id, rounds=2)
    many = statements_for(app, client, "/api/v1/contracts?status=active", headers)
    assert len(client.get("/api/v1/contracts?status=active", headers=headers).get_json()["items"]) == 5
    assert many == few and many <= GOAL
    assert statements_for(app, client, f"/api/v1/contracts/{first}", headers) <= GOAL


TEN_YEARS = "?period=custom&from-day=1&from-month=1&from-year=2016&to-day=31&to-month=12&to-year=2026"


@pytest.mark.parametrize("period", ["", TEN_YEARS])
def test_the_reports_dashboard_reads_in_a_fixed_few_statements_whatever_the_period_and_data(
        period, signed_in, make_user, make_contract, app):
    """Every section's counters in one round trip (services/counter_batch.py), whatever the period's length and
    however many cases (and navigators) there are."""
    client, _manager = signed_in("manager")
    navigator = make_user("navigator")
    first = make_contract(navigator=navigator)
    fill(app, first, navigator.id, make_user("navigator").id, rounds=1)
    few = statements_for(app, client, "/reports/" + period)
    for _ in range(3):
        make_contract(navigator=make_user("navigator"))
    assert statements_for(app, client, "/reports/" + period) == few <= GOAL
    # Exactly: the session, (PostgreSQL: parallel workers off), every counter in one, custody suites, the due and
    # overdue lists (3), the audit row, treatment services, the badges. A section whose statement was not prefetched
    # would add one.
    with app.app_context():
        postgresql = db.engine.dialect.name == "postgresql"
    assert few == (10 if postgresql else 9)


def test_every_counter_the_dashboard_prefetches_is_taken_by_its_section_and_none_left(signed_in, app, monkeypatch):
    """Each section finds its rows among those fetched in one round trip (a statement it did not find would run again
    on its own), on the first request too (when the statements are compiled for the first time); and none is left
    on the session for a later read of the same statement (which would give old figures)."""
    from flask import request_finished

    from diversion.services import counter_batch

    client, _manager = signed_in("manager")
    untaken, left = [], []
    forget = counter_batch.forget

    def counting_forget(session):
        untaken.append(len(session.info.get(counter_batch.KEY) or {}))
        forget(session)

    def look(_sender, response, **_extra):
        left.append(len(db.session.info.get(counter_batch.KEY) or {}))

    monkeypatch.setattr(counter_batch, "forget", counting_forget)
    with request_finished.connected_to(look, app):
        for period in ("", TEN_YEARS, "?period=this_month"):
            assert client.get("/reports/" + period).status_code == 200
    assert untaken == [0, 0, 0] and left == [0, 0, 0]
