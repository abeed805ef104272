"""The reports dashboard's proven reoffending section: a chart with its table (Wilson intervals), reoffending
during the contract, the follow-up chosen, and the CSV export."""
import csv
import io
from datetime import date, datetime, timezone

import pytest

from diversion import clock
from diversion.extensions import db
from diversion.services import contracts, reoffending_import
from tests import factories


@pytest.fixture
def reoffended(app):
    """Two completed contracts started in March 2024; one person reoffended in September 2024 (proven in January)."""
    clock.freeze(datetime(2026, 6, 30, 12, tzinfo=timezone.utc))
    with app.app_context():
        officer, navigator, manager = (factories.user(r) for r in ("custody_officer", "navigator", "manager"))
        for n, name in enumerate(("Ann", "Bob"), start=1):
            referral = factories.referral(officer, referral_date="2024-03-01",
                                          **{"offence.offence_date": "2024-02-20", "person.given_name": name,
                                             "person.pnc_id": f"2010/000000{n}A"})
            contract = factories.contract(referral, navigator, start_date="2024-03-01", conditions=[])
            contracts.record_outcome(contract, {"outcome": "completed", "date": "2024-07-01",
                                                "version": contract.version}, actor=navigator)
        reoffending_import.import_records({"records": [{"pnc_id": "2010/0000001A", "offence_date": "2024-09-01",
                                                        "disposal_date": "2025-01-10"}]}, actor=manager)
        db.session.commit()


def _table(page):
    return {row.th.get_text(strip=True): [td.get_text(" ", strip=True) for td in row.select("td")]
            for row in page.select("#reoffending-table tbody tr")}


def test_the_dashboard_shows_reoffending_by_outcome_with_intervals_and_the_chart_data(signed_in, reoffended):
    client, _ = signed_in("manager")
    page = client.get_page("/reports/")
    section = page.select_one("#reoffending")
    assert section.get_text(strip=True) == "Proven reoffending"
    table = _table(page)
    assert table["Checkpoint: completed"] == ["1 / 2", "50.0%", "9.4% to 90.5% Fewer than 10 cases: the rate could easily be very different"]
    assert table["DIVERT: assessed"][:2] == ["0 / 0", "No data"]
    row = page.select_one("#reoffending-table tbody tr")
    assert (row["data-rate"], row["data-low"], row["data-high"]) == ("0.5", "0.0945", "0.9055")
    canvas = page.select_one("#reoffending-chart")
    assert canvas["role"] == "img" and canvas["aria-describedby"] == "reoffending-table-caption"
    assert "From 1 January 2024" not in page.get_text()  # the section names its own months
    assert "1 January 2024 to 31 December 2024" in page.get_text(" ", strip=True)


def test_a_six_month_follow_up_can_be_chosen(signed_in, reoffended):
    client, _ = signed_in("manager")
    page = client.get_page("/reports/?reoffending_months=6")
    assert page.select_one("#reoffending_months option[selected]")["value"] == "6"
    assert "within 6 months" in page.select_one("#reoffending-table-caption").get_text()
    # the 12 months of starts whose 6 + 6 months have passed: March 2024 is before them
    assert "1 July 2024 to 30 June 2025" in page.get_text(" ", strip=True)
    assert _table(page)["Checkpoint: completed"][0] == "0 / 0"


def test_an_unknown_follow_up_falls_back_to_twelve_months(signed_in, reoffended):
    client, _ = signed_in("manager")
    page = client.get_page("/reports/?reoffending_months=36")
    assert page.select_one("#reoffending_months option[selected]")["value"] == "12"


def test_reoffending_during_the_contract_is_shown(signed_in, reoffended):
    client, _ = signed_in("manager")
    text = client.get_page("/reports/").get_text(" ", strip=True)
    assert "Of the 2 Checkpoint contracts that started in these months and are over, 0 had a proven offence" in text


def test_the_reoffending_figures_export_as_csv_after_a_stated_purpose(signed_in, reoffended):
    client, _ = signed_in("manager")
    response = client.post_form("/reports/export/reoffending?period=last_12_months",
                                {"purpose": "Board figures", "group": "12"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[1][:3] == ["Group", "Starts followed up", "Reoffended"]
    assert rows[2][:6] == ["Checkpoint: completed", "2", "1", "0.5", "0.0945", "0.9055"]
    assert ["All starts", "2", "1"] == rows[6][:3]
