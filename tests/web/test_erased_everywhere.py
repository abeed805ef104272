"""After an erasure the person and their cases are 404 on every page and API that would show them, and no list or
search shows them, for every role (administrators included)."""
from datetime import date

import pytest
import sqlalchemy as sa

from diversion import clock
from diversion.extensions import db
from diversion.models import Appointment, Contract, Person, User
from diversion.services import appointments, contracts, erasure
from tests.api.conftest import bearer, issue_token  # noqa: F401  (fixture)


@pytest.fixture
def erased(app, make_contract, make_user):
    admin = make_user("admin")
    contract_id = make_contract(referral_overrides={"person.family_name": "Vanishingly"})
    with app.app_context():
        contract = db.session.get(Contract, contract_id)
        navigator = db.session.get(User, contract.navigator_id)
        later_today = clock.now().replace(hour=23, minute=0, second=0, microsecond=0)  # (UTC: still today in London)
        appointments.book(contract, {"starts_at": later_today.isoformat(), "kind": "navigator_meeting",
                                     "location": "Custody suite"}, actor=navigator)
        db.session.commit()
        contracts.record_outcome(contract, {"outcome": "discontinued", "date": date.today().isoformat(),
                                            "reason": "moved_away", "version": contract.version},
                                 actor=db.session.get(User, contract.navigator_id))
        db.session.commit()
        ids = {"person": contract.person_id, "contract": contract_id, "referral": contract.referral_id}
        erasure.erase(db.session.get(Person, contract.person_id), actor=db.session.get(User, admin.id),
                      reason="Retention review")
        db.session.commit()
    return ids, admin


def test_the_erased_person_and_their_cases_are_404_on_every_page(client, erased):
    ids, admin = erased
    client.sign_in_as(admin)
    for url in (f"/people/{ids['person']}", f"/people/{ids['person']}/contact", f"/contracts/{ids['contract']}",
                f"/contracts/{ids['contract']}/timeline", f"/referrals/{ids['referral']}"):
        assert client.get(url).status_code == 404, url


def test_no_list_or_search_shows_them(client, erased):
    ids, admin = erased
    client.sign_in_as(admin)
    for url in ("/people?q=Vanishingly", "/contracts?status=all", "/contracts?q=Vanishingly&status=all"):
        page = client.get_page(url)
        shown = " ".join(table.get_text() for table in page.find_all("table"))
        links = [a["href"] for a in page.find_all("a", href=True)]
        assert "Vanishingly" not in shown, url
        assert f"/contracts/{ids['contract']}" not in links and f"/people/{ids['person']}" not in links, url


def test_the_api_answers_404_for_them_and_lists_leave_them_out(app, client, erased, issue_token):
    ids, _admin = erased
    token, _user = issue_token("admin")
    for url in (f"/api/v1/people/{ids['person']}", f"/api/v1/contracts/{ids['contract']}",
                f"/api/v1/checkpoint/referrals/{ids['referral']}", f"/api/v1/contracts/{ids['contract']}/timeline"):
        response = client.get(url, headers=bearer(token))
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found", url
    listed = client.get("/api/v1/contracts?limit=500", headers=bearer(token)).get_json()["items"]
    assert ids["contract"] not in [item["id"] for item in listed]
    assert client.get("/api/v1/people?q=Vanishingly", headers=bearer(token)).get_json()["items"] == []


def test_the_days_appointments_leave_them_out_for_their_navigator_and_managers(app, erased, make_user):
    ids, _admin = erased
    manager = make_user("manager")
    with app.app_context():
        kept = db.session.scalars(sa.select(Appointment).where(Appointment.contract_id == ids["contract"])
                                  .execution_options(include_erased=True)).all()
        navigator = db.session.scalar(sa.select(User).join(Contract, Contract.navigator_id == User.id)
                                      .where(Contract.id == ids["contract"]).execution_options(include_erased=True))
        assert kept  # the appointment is still held (for the figures), so the lists must leave it out
        for who, navigator_id in ((navigator, None), (db.session.get(User, manager.id), navigator.id),
                                  (db.session.get(User, manager.id), None)):
            listed = appointments.day(who, clock.today(), navigator_id=navigator_id)
            assert ids["contract"] not in [a.contract_id for a in listed], (who.role, navigator_id)


def test_an_alert_on_an_erased_persons_contract_is_on_no_home_page(app, client, make_contract, make_user):
    # Not a state the services make (an open contract's person is not erased), but the rule holds at each level of
    # the alerts' statement (the page of alerts, then their contracts and people): set directly, it hides them.
    from diversion.models import ContractAlert

    navigator = make_user("navigator")
    shown, hidden = (make_contract(navigator=navigator, referral_overrides={"person.family_name": name})
                     for name in ("Stillhere", "Vanishingly"))
    with app.app_context():
        for contract_id in (hidden, shown):  # the erased person's alert is the older
            db.session.add(ContractAlert(contract_id=contract_id, kind="new_referral", scheme="divert",
                                         date=clock.today()))
            db.session.flush()
        person_id = db.session.get(Contract, hidden).person_id
        db.session.execute(sa.update(Person).where(Person.id == person_id).values(erased_at=clock.now()))
        db.session.commit()
    for user in (navigator, make_user("manager")):
        client.sign_in_as(user)
        home = client.get_page("/").get_text(" ", strip=True)
        assert "Stillhere" in home and "Vanishingly" not in home, user.role
