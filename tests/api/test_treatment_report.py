"""The treatment engagement figures on constructed onward referrals: per service, per pathway, per scheme and
overall; started within three weeks as the rule says; the rate of the decided ones with its Wilson interval;
the same figures on the API and the reports dashboard."""
from datetime import timedelta

import pytest

from diversion import clock
from diversion.domain import kpis
from diversion.extensions import db
from diversion.models import Condition, OnwardReferral
from diversion.services import divert, treatment_report
from tests import factories
from tests.api.conftest import bearer


def _build(officer, navigator, provider):
    """Five Checkpoint referrals to the alcohol brief intervention (one in time, one late, one did not start,
    one unanswered past three weeks, one still waiting), one DIVERT to talking therapies started in time, and
    one made before the period."""
    today = clock.today()
    contract = factories.contract(factories.referral(officer), navigator)
    condition = next(c for c in contract.conditions if c.type == "pathway")
    referral = divert.create(factories.divert_payload(), actor=officer)
    rows = [(60, 50, False), (60, 30, False), (60, None, True), (40, None, False), (5, None, False)]
    for referred, started, said_no in rows:
        db.session.add(OnwardReferral(
            scheme="checkpoint", contract_id=contract.id, condition_id=condition.id,
            service_code="alcohol_brief_intervention", pathway="alcohol",
            referred_on=today - timedelta(days=referred),
            started_on=today - timedelta(days=started) if started is not None else None,
            did_not_start=said_no, recorded_by_id=navigator.id))
    for referred, started in ((10, 3), (400, 390)):
        db.session.add(OnwardReferral(
            scheme="divert", divert_referral_id=referral.id, service_code="talking_therapies",
            pathway="mental_health", referred_on=today - timedelta(days=referred),
            started_on=today - timedelta(days=started), did_not_start=False, recorded_by_id=provider.id))
    db.session.commit()


@pytest.fixture
def built(app, make_user):
    from diversion.models import User

    officer, navigator, provider = (make_user(role) for role in ("custody_officer", "navigator", "provider"))
    with app.app_context():
        _build(*(db.session.get(User, u.id) for u in (officer, navigator, provider)))


def _period():
    today = clock.today()
    return today - timedelta(days=90), today


def test_each_service_counts_referred_started_and_started_within_three_weeks(app, built):
    with app.app_context():
        report = treatment_report.report(*_period())
    by_service = {s["service"]: s for s in report["services"]}
    alcohol = by_service["alcohol_brief_intervention"]
    assert (alcohol["referred"], alcohol["started"], alcohol["started_within_three_weeks"], alcohol["waiting"],
            alcohol["not_started_within_three_weeks"]) == (5, 2, 1, 1, 3)
    assert alcohol["rate"]["rate"] == 0.25  # 1 of the 4 whose three weeks are decided
    assert alcohol["rate"]["ci95"] == [round(x, 4) for x in kpis.wilson_interval(1, 4)]
    therapies = by_service["talking_therapies"]
    assert (therapies["referred"], therapies["started_within_three_weeks"], therapies["rate"]["rate"]) == (1, 1, 1.0)


def test_pathways_schemes_and_the_whole_add_up(app, built):
    with app.app_context():
        report = treatment_report.report(*_period())
    by_pathway = {p["pathway"]: p for p in report["pathways"]}
    assert by_pathway["alcohol"]["referred"] == 5 and by_pathway["mental_health"]["referred"] == 1
    assert by_pathway["drugs"]["referred"] == 0 and by_pathway["drugs"]["rate"]["rate"] is None
    assert (report["by_scheme"]["checkpoint"]["referred"], report["by_scheme"]["divert"]["referred"]) == (5, 1)
    overall = report["overall"]
    assert (overall["referred"], overall["started"], overall["started_within_three_weeks"], overall["waiting"]) == (
        6, 3, 2, 1)
    assert overall["rate"]["rate"] == 0.4


def test_the_api_and_the_dashboard_show_the_same_figures(app, built, client, issue_token, signed_in):
    start, end = _period()
    token, _ = issue_token("manager")
    answer = client.get(f"/api/v1/reports/treatment?from={start}&to={end}", headers=bearer(token)).get_json()
    assert answer["overall"]["referred"] == 6
    page_client, _ = signed_in("manager")
    page = page_client.get_page(f"/reports/?period=custom&from={start}&to={end}")
    row = page.select_one('#treatment-service-table tr[data-service="alcohol_brief_intervention"]')
    cells = [td.get_text(strip=True) for td in row.select("td")]
    assert cells[:3] == ["5", "2", "1"] and cells[3].startswith("25.0%")
    assert page.select_one('#treatment-pathway-table tr[data-pathway="mental_health"]') is not None
