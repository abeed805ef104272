"""The monthly return's page, read as a manager reads it: the numbers in its tables, the month picker, the funnel's
chart and table, and the download (asked for a purpose, recorded, the same figures as the API)."""
from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from diversion import clock
from diversion.extensions import db
from diversion.models import AuditEvent
from tests import dtoa_rows
from tests.api.conftest import bearer, issue_token  # noqa: F401  (a fixture)

PAGE = "/reports/dtoa"


@pytest.fixture
def months(app):
    """Read on 10 January 2027: tests in November and December 2026 and one this month."""
    clock.freeze(datetime(2027, 1, 10, 10, tzinfo=UTC))
    with app.app_context():
        recorder = dtoa_rows.recorder()

        def add(day, result, events=()):
            dtoa_rows.test(dtoa_rows.person(), date.fromisoformat(day), result, recorded_by=recorder,
                           events=[(e, date.fromisoformat(d)) for e, d in events])
        add("2026-11-03", "cocaine", [("initial_assessment_attended", "2026-11-10")])
        add("2026-11-04", "negative")
        add("2026-12-01", "cocaine", [("initial_assessment_attended", "2026-12-08"),
                                      ("referred_to_treatment", "2026-12-08"), ("entered_treatment", "2027-01-05")])
        add("2026-12-15", "both", [("initial_assessment_missed", "2027-01-04")])
        add("2026-12-20", "negative")
        add("2026-12-31", "refused")
        add("2027-01-02", "opiates")
        db.session.commit()


def table(page, selector: str) -> dict:
    """{data-key: [cell texts]} of a table's body rows."""
    return {row["data-key"]: [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
            for row in page.select(f"{selector} tbody tr")}


def test_the_page_shows_last_complete_month_beside_the_month_before_and_the_year(signed_in, months):
    client, _ = signed_in("manager")
    page = client.get_page(PAGE)
    assert page.h1.get_text(strip=True) == "Monthly return for December 2026"
    assert page.select_one("#month option[selected]")["value"] == "2026-12"
    figures = table(page, "#return-table")
    # December, November, and the year to date (January to December 2026)
    assert figures["tested"] == ["3", "2", "5"]
    assert figures["refused"] == ["1", "0", "1"]
    assert figures["positive.cocaine"] == ["1", "1", "2"] and figures["positive.both"] == ["1", "0", "1"]
    assert figures["assessments_required"] == ["2", "1", "3"]
    assert figures["initial_attended"] == ["1", "1", "2"] and figures["initial_missed"] == ["1", "0", "1"]
    assert figures["entered_treatment"] == ["1", "0", "1"]  # recorded in January, counted for December's test
    rates = table(page, "#rates-table")
    assert rates["attendance_rate"][:2] == ["1 of 2", "50.0%"] and "%" in rates["attendance_rate"][2]
    funnel = {row["data-key"]: int(row["data-value"]) for row in page.select("#funnel-table tbody tr")}
    assert funnel["tested"] == 3 and funnel["assessments_required"] == 2 and funnel["failed_to_attend"] == 1
    assert page.select_one("#funnel-chart")["aria-describedby"] == "funnel-table-caption"
    trend = page.select("#trend-months tbody tr")
    assert len(trend) == 12 and trend[-1]["data-month"] == "2026-12" and trend[0]["data-month"] == "2026-01"
    assert [td.get_text() for td in trend[-2].find_all("td")][:2] == ["2", "0"]  # November: tested, refused


def test_another_month_and_this_month_so_far(signed_in, months):
    client, _ = signed_in("admin")
    page = client.get_page(f"{PAGE}?month=2027-01")
    assert page.h1.get_text(strip=True) == "Monthly return for January 2027"
    figures = table(page, "#return-table")
    assert figures["tested"] == ["1", "3", "1"]  # the year to date starts again in January
    assert figures["awaiting_initial_assessment"][0] == "1"


@pytest.mark.parametrize("month", ["2027-02", "2026-13", "next", ""])
def test_a_bad_or_future_month_is_an_error_on_the_picker(signed_in, months, month):
    client, _ = signed_in("manager")
    page = client.get_page(f"{PAGE}?month={month}")
    assert page.select_one(".govuk-error-summary a")["href"] == "#month"
    assert page.select_one("#month-error") is not None
    assert page.h1.get_text(strip=True) == "Monthly return for December 2026"


@pytest.mark.parametrize("role", ["custody_officer", "navigator", "provider"])
def test_only_managers_and_admins_see_the_return(signed_in, role):
    client, _ = signed_in(role)
    client.get_page(PAGE, expected_status=403)
    client.get_page("/reports/export/dtoa-monthly?period=custom&from=2026-12-01&to=2026-12-31", expected_status=403)


def test_the_dashboard_and_the_managers_home_link_to_it(signed_in):
    client, _ = signed_in("manager")
    for url in ("/reports/", "/"):
        assert client.get_page(url).select_one(f'a[href="{PAGE}"]') is not None, url


def _download(client, page_url: str, purpose: str):
    """Follow the page's Download CSV link, then send the form as a browser would (its hidden fields too)."""
    link = client.get_page(page_url).select_one('a[href^="/reports/export/dtoa-monthly"]')
    assert link.get_text(" ", strip=True).startswith("Download CSV")
    form_page = client.get_page(link["href"])
    fields = {i["name"]: i.get("value", "") for i in form_page.select("form input[type=hidden]")}
    return client.post(link["href"], data={**fields, "purpose": purpose}), form_page


def test_the_download_asks_why_is_recorded_and_matches_the_api(signed_in, months, app, issue_token):
    client, manager = signed_in("manager")
    response, form_page = _download(client, f"{PAGE}?month=2026-12", "")
    assert response.status_code == 200 and b"purpose-error" in response.data  # a purpose is asked for
    assert form_page.select_one(".govuk-back-link")["href"] == f"{PAGE}?month=2026-12"
    response, _ = _download(client, f"{PAGE}?month=2026-12", "Home Office monthly return, December")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    page_csv = response.get_data(as_text=True)
    token, _ = issue_token("manager")
    api_csv = client.get("/api/v1/reports/dtoa/monthly?month=2026-12&format=csv", headers=bearer(token))
    assert page_csv == api_csv.get_data(as_text=True)
    rows = {r[1]: r[2] for r in csv.reader(io.StringIO(page_csv))}
    assert (rows["month"], rows["tested"], rows["entered_treatment"]) == ("2026-12", "3", "1")
    with app.app_context():
        event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "report.export")
                                   .order_by(AuditEvent.id)).first()
    assert (event.actor_id, event.object_id, event.justification) == (
        manager.id, "dtoa-monthly", "Home Office monthly return, December")
    assert event.details["from"] == "2026-12-01" and event.details["to"] == "2026-12-31"


def test_a_download_for_a_future_month_is_refused(signed_in, months):
    client, _ = signed_in("manager")
    response = client.get("/reports/export/dtoa-monthly?period=custom&from=2027-02-01&to=2027-02-28")
    assert response.status_code == 422
