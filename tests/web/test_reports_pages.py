"""The managers' dashboard and CSV exports."""
import csv
import io

import pytest
import sqlalchemy as sa

from diversion.extensions import db
from diversion.domain.exports import JOB_KINDS
from diversion.models import AuditEvent
from tests.export_files import ask_and_download, without_trailer


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
    response, rows = ask_and_download(client, url, {"purpose": "Quarterly board figures for the PCC"})
    rows = without_trailer(rows)
    assert rows[0][:2] == ["Reference", "Person number"] and len(rows) == 2
    assert "Chloé" not in response.get_data(as_text=True)  # no names in the case export
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "report.export"))
    assert (event.actor_id, event.object_id, event.justification) == (
        manager.id, "checkpoint-cases", "Quarterly board figures for the PCC")


def test_navigators_cannot_see_reports(signed_in):
    client, _ = signed_in("navigator")
    client.get_page("/reports/", expected_status=403)


def _export_rows(client, what, group=None):
    if what in JOB_KINDS:
        return without_trailer(ask_and_download(client, f"/reports/export/{what}?period=last_12_months",
                                                {"purpose": "Board figures"})[1])
    response = client.post_form(f"/reports/export/{what}?period=last_12_months",
                                {"purpose": "Board figures", **({"group": group} if group else {})})
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_the_case_export_gives_names_and_titles_not_ids_and_codes(signed_in, make_contract, make_user, app):
    """Issue 10, item 7: references, the navigator's name, the offence category's title, statuses and groups in
    words; the person's number stays (no names of people)."""
    from diversion.models import Contract
    navigator = make_user("navigator", name="Priya Navigator")
    contract_id = make_contract(navigator=navigator)
    with app.app_context():
        contract = db.session.get(Contract, contract_id)
        contract.status, contract.outcome_reason = "breached", "withdrew_consent"
        contract.outcome_date = contract.start_date
        db.session.commit()
        reference = contract.referral.reference
    client, _ = signed_in("manager")
    header, row = _export_rows(client, "checkpoint-cases")
    record = dict(zip(header, row))
    assert record["Reference"] == reference
    assert record["Navigator"] == "Priya Navigator"
    assert record["Offence category"] == "Theft (including shoplifting)"
    assert record["Status"] == "Breached" and record["Outcome reason"] == "Withdrew consent"
    assert record["Gender"] == "Female" and record["Ethnic group"] == "Mixed or multiple: White and Black African"
    assert "Chloé" not in ",".join(row)


def test_group_and_monthly_exports_use_the_dashboards_words(signed_in, make_contract, make_user):
    make_contract(navigator=make_user("navigator", name="Priya Navigator"))
    client, _ = signed_in("manager")
    rows = _export_rows(client, "checkpoint-groups", "navigator")
    assert rows[0][0] == "Navigator" and rows[1][0] == "Priya Navigator"
    rows = _export_rows(client, "checkpoint-groups", "ethnicity")
    assert rows[1][0] == "Mixed or multiple: White and Black African"
    page = client.get_page("/reports/?period=last_12_months")
    months = [th.get_text(strip=True) for th in page.select("#trend-table tbody th")]
    assert [r[0] for r in _export_rows(client, "checkpoint-monthly")[1:]] == months


def test_each_chart_is_named_and_points_to_its_table_whose_month_labels_it_uses(signed_in, make_contract):
    make_contract()
    client, _ = signed_in("manager")
    page = client.get_page("/reports/?period=last_12_months")
    for chart, table in (("trend-chart", "trend-table"), ("funnel-chart", "funnel-table")):
        canvas = page.select_one(f"canvas#{chart}")
        assert canvas["role"] == "img" and canvas["aria-label"]
        assert canvas.find_parent(attrs={"aria-hidden": "true"}) is None
        caption = page.select_one(f"#{canvas['aria-describedby']}")
        assert caption.find_parent("table")["id"] == table
    for row in page.select("#trend-table tbody tr"):
        assert row["data-label"] == row.th.get_text(strip=True)  # the chart's axis labels (static/reports.js)


@pytest.mark.parametrize("group", ["\x00", "x" * 5000, "ethnicity\x00"])
def test_an_unknown_grouping_on_an_export_is_left_out_never_a_500(signed_in, app, group):
    from diversion.models import AuditEvent

    client, _ = signed_in("manager")
    response = client.post_form(f"/reports/export/checkpoint-groups?period=last_12_months&group={group}",
                                {"purpose": "Board figures", "group": group},
                                form_page="/reports/export/checkpoint-groups?period=last_12_months")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    with app.app_context():
        event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "report.export")).one()
        assert event.details["group_by"] is None
