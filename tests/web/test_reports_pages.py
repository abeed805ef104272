"""The managers' dashboard and CSV exports."""
import csv
import io

import sqlalchemy as sa

from diversion.extensions import db
from diversion.models import AuditEvent


def test_the_dashboard_shows_real_figures_with_the_chart_data_in_tables(signed_in, make_contract):
    make_contract()
    client, _ = signed_in("manager")
    page = client.get_page("/reports/?period=last_12_months")
    assert page.h1.get_text(strip=True) == "Reports"
    headline = {p.get_text(" ", strip=True).split(" ", 1)[1]: int(p.find("span").get_text())
                for p in page.select(".app-headlines p")}
    assert headline["Referrals"] == 1 and headline["Contracts started"] == 1 and headline["Active now"] == 1
    assert page.select_one("#trend-table tbody tr") is not None
    assert page.select_one("#funnel-table") is not None


def test_a_bad_custom_period_is_a_field_error_not_a_500(signed_in):
    client, _ = signed_in("manager")
    page = client.get_page("/reports/?period=custom&from-day=30&from-month=2&from-year=2026&to-day=1&to-month=1&to-year=2026")
    assert page.select_one(".govuk-error-summary") is not None


def test_an_export_asks_for_a_purpose_records_the_disclosure_and_streams_csv(signed_in, make_contract, app):
    make_contract()
    client, manager = signed_in("manager")
    url = "/reports/export/checkpoint-cases?period=last_12_months"
    page = client.post_page(url, {"purpose": ""})
    assert page.select_one("#purpose-error") is not None
    response = client.post_form(url, {"purpose": "Quarterly board figures for the PCC"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["contract_id", "referral_id", "person_id"] and len(rows) == 2
    assert "Chloé" not in response.get_data(as_text=True)  # no names in the case export
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "report.export"))
    assert (event.actor_id, event.object_id, event.justification) == (
        manager.id, "checkpoint-cases", "Quarterly board figures for the PCC")


def test_navigators_cannot_see_reports(signed_in):
    client, _ = signed_in("navigator")
    client.get_page("/reports/", expected_status=403)
