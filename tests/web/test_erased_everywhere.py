"""After an erasure the person and their cases are 404 on every page and API that would show them, and no list or
search shows them, for every role (administrators included)."""
from datetime import date

import pytest
import sqlalchemy as sa

from diversion.extensions import db
from diversion.models import Contract, Person, User
from diversion.services import contracts, erasure
from tests.api.conftest import bearer, issue_token  # noqa: F401  (fixture)


@pytest.fixture
def erased(app, make_contract, make_user):
    admin = make_user("admin")
    contract_id = make_contract(referral_overrides={"person.family_name": "Vanishingly"})
    with app.app_context():
        contract = db.session.get(Contract, contract_id)
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
