"""The dashboard and the Reports API give the same numbers (they call the same service)."""
import pytest

from diversion.extensions import db
from diversion.models import User
from diversion.services import tokens


@pytest.fixture
def app(demo_app):
    """The demo data set, as `flask demo` loads it."""
    return demo_app


def test_the_page_and_the_api_agree_on_the_demo_data(app, signed_in):
    client, manager = signed_in("manager")
    with app.app_context():
        _token, secret = tokens.issue(db.session.get(User, manager.id), {"name": "check", "purpose": "tests"}, actor=None)
        db.session.commit()
    api = client.get("/api/v1/reports/checkpoint", headers={"Authorization": f"Bearer {secret}"}).get_json()
    page = client.get_page("/reports/?period=last_12_months")
    headline = {p.get_text(" ", strip=True).split(" ", 1)[1]: int(p.find("span").get_text())
                for p in page.select(".app-headlines p")}
    together = client.get("/api/v1/reports/partnership", headers={"Authorization": f"Bearer {secret}"}).get_json()
    assert headline == {"Referrals": api["referrals"], "Eligible": api["eligible"],
                        "Contracts started": api["contracts_started"], "Active now": api["active_now"],
                        "Overdue now": api["overdue_now"], "People diverted": together["people_diverted"],
                        "Seen more than once": together["people_seen_more_than_once"]}
    suites = {row["data-suite"]: int(row.select("td")[0].get_text()) for row in page.select("#custody-suite-table tbody tr")}
    assert suites == {suite["code"]: suite["referrals"] for suite in together["custody_suites"]}
    rate = f"{api['completion_rate'] * 100:.1f}%"
    assert rate in page.get_text()
    divert = client.get("/api/v1/reports/divert", headers={"Authorization": f"Bearer {secret}"}).get_json()
    funnel = {row["data-stage"]: int(row["data-value"]) for row in page.select("#funnel-table tbody tr")}
    assert funnel == {"Referred": divert["referrals"], "Contacted": divert["contacted"],
                      "Assessed": divert["assessed"], "Completed": divert["completed"]}
