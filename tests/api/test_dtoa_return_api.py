"""GET /api/v1/reports/dtoa/monthly: the contract's keys, the CSV holding the same figures, who may read it, 422s."""
from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest

from diversion import clock
from diversion.extensions import db
from diversion.models import AuditEvent
from tests import dtoa_rows
from tests.api.conftest import bearer

URL = "/api/v1/reports/dtoa/monthly"
CONTRACT_KEYS = {"month", "tested", "positive", "refused", "trigger_offences", "assessments_required",
                 "initial_attended", "initial_missed", "follow_up_required", "follow_up_attended",
                 "referred_to_treatment", "entered_treatment", "prosecuted_for_non_attendance"}


@pytest.fixture
def october(app):
    """October 2026, read on 26 November 2026: four tests and what followed them."""
    clock.freeze(datetime(2026, 11, 26, 10, tzinfo=UTC))
    with app.app_context():
        recorder = dtoa_rows.recorder()

        def add(day, result, events=(), trigger=True):
            dtoa_rows.test(dtoa_rows.person(), day, result, trigger=trigger, recorded_by=recorder, events=events)
        add(date(2026, 10, 1), "cocaine", [("initial_assessment_attended", date(2026, 10, 8)),
                                           ("referred_to_treatment", date(2026, 10, 8)),
                                           ("entered_treatment", date(2026, 11, 2))])
        add(date(2026, 10, 31), "both", [("initial_assessment_missed", date(2026, 11, 4)),
                                         ("prosecuted_for_non_attendance", date(2026, 11, 20))])
        add(date(2026, 10, 15), "negative", trigger=False)
        add(date(2026, 10, 16), "refused")
        add(date(2026, 11, 1), "opiates")
        db.session.commit()


def test_the_return_has_the_contracts_keys_and_figures(client, issue_token, october):
    token, _ = issue_token("manager")
    body = client.get(f"{URL}?month=2026-10", headers=bearer(token)).get_json()
    assert CONTRACT_KEYS <= set(body)
    assert {key: body[key] for key in CONTRACT_KEYS} == {
        "month": "2026-10", "tested": 3, "positive": {"cocaine": 1, "opiates": 0, "both": 1}, "refused": 1,
        "trigger_offences": 2, "assessments_required": 2, "initial_attended": 1, "initial_missed": 1,
        "follow_up_required": 0, "follow_up_attended": 0, "referred_to_treatment": 1, "entered_treatment": 1,
        "prosecuted_for_non_attendance": 1}
    assert set(body["positive"]) == {"cocaine", "opiates", "both"}
    assert body["rates"]["attendance_rate"]["rate"] == 0.5 and len(body["rates"]["attendance_rate"]["ci95"]) == 2
    assert body["as_of"] == "2026-11-26" and body["counting"] == "cohort"


def test_this_month_so_far_is_allowed(client, issue_token, october):
    token, _ = issue_token("admin")
    body = client.get(f"{URL}?month=2026-11", headers=bearer(token)).get_json()
    assert (body["tested"], body["positive"]["opiates"], body["awaiting_initial_assessment"]) == (1, 1, 1)


def _csv_figures(text: str) -> dict:
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Figure", "Code", "Value", "95% interval low", "95% interval high"]
    return {code: (value, low, high) for _label, code, value, low, high in rows[1:]}


def _as_csv_text(value) -> str:
    return "" if value is None else str(value)


@pytest.mark.parametrize("how", [{"query": "&format=csv"}, {"headers": {"Accept": "text/csv"}}])
def test_the_csv_holds_the_same_figures_as_the_json(client, issue_token, october, app, how):
    token, user = issue_token("manager")
    body = client.get(f"{URL}?month=2026-10", headers=bearer(token)).get_json()
    response = client.get(f"{URL}?month=2026-10{how.get('query', '')}",
                          headers={**bearer(token), **how.get("headers", {})})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="dtoa-monthly-2026-10.csv"' in response.headers["Content-Disposition"]
    figures = _csv_figures(response.get_data(as_text=True))
    expected = {key: body[key] for key in CONTRACT_KEYS - {"positive"}}
    expected |= {f"positive.{k}": v for k, v in body["positive"].items()}
    expected |= {key: body[key] for key in ("tests_requested", "inspector_authority", "awaiting_initial_assessment",
                                            "follow_up_missed", "failed_to_attend", "as_of")}
    assert {key: figures[key][0] for key in expected} == {key: _as_csv_text(v) for key, v in expected.items()}
    assert len(figures) == len(expected) + len(body["rates"])
    for name, rate in body["rates"].items():
        low, high = rate["ci95"] or (None, None)
        assert figures[f"rates.{name}"] == tuple(_as_csv_text(x) for x in (rate["rate"], low, high))
    with app.app_context():
        exports = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "report.export")).all()
        assert [(e.actor_id, e.object_id, e.details["via"]) for e in exports] == [(user.id, "dtoa-monthly", "api")]


def test_json_is_the_default_whatever_else_is_accepted(client, issue_token):
    token, _ = issue_token("manager")
    for accept in ("*/*", "application/json", "text/csv;q=0.5, application/json", "text/html"):
        response = client.get(f"{URL}?month=2026-10", headers={**bearer(token), "Accept": accept})
        assert response.status_code == 200 and response.is_json, accept


def test_only_managers_and_admins_read_the_return(client, issue_token):
    assert client.get(f"{URL}?month=2026-10").status_code == 401
    assert client.get(f"{URL}?month=2026-10", headers=bearer("not-a-token")).status_code == 401
    for role in ("custody_officer", "navigator", "provider"):
        token, _ = issue_token(role)
        response = client.get(f"{URL}?month=2026-10", headers=bearer(token))
        assert response.status_code == 403 and response.get_json()["error"]["code"], role
    for role in ("manager", "admin"):
        token, _ = issue_token(role)
        assert client.get(f"{URL}?month=2026-10", headers=bearer(token)).status_code == 200, role


@pytest.mark.parametrize("query, fields", [
    ("", {"month"}), ("?month=", {"month"}), ("?month=2026-13", {"month"}), ("?month=2026-1", {"month"}),
    ("?month=october", {"month"}), ("?month=2026-10-01", {"month"}), ("?month=2026-12", {"month"}),
    ("?month=2027-01", {"month"}), ("?month=1999-12", {"month"}), ("?month=%00", {"month"}),
    ("?month=" + "9" * 5000, {"month"}), ("?month=2026-10&format=xml", {"format"}),
    ("?month=nope&format=pdf", {"month", "format"}),
])
def test_a_bad_missing_or_future_month_is_a_422_naming_it(client, issue_token, query, fields):
    clock.freeze(datetime(2026, 11, 26, 10, tzinfo=UTC))
    token, _ = issue_token("manager")
    response = client.get(URL + query, headers=bearer(token))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert set(error["fields"]) == fields and error["code"] == "validation_failed" and error["message"]


def test_any_query_is_an_answer_or_a_422_never_a_5xx(client, issue_token):
    from urllib.parse import urlencode

    from hypothesis import HealthCheck, given, settings, strategies as st

    token, _ = issue_token("manager")
    text = st.one_of(st.text(max_size=12), st.from_regex(r"-?[0-9]{1,5}-[0-9]{1,3}", fullmatch=True))

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(month=text, chosen=st.one_of(st.none(), st.sampled_from(["csv", "json", ""]), st.text(max_size=5)))
    def check(month, chosen):
        query = {"month": month, **({} if chosen is None else {"format": chosen})}
        response = client.get(f"{URL}?{urlencode(query)}", headers=bearer(token))
        assert response.status_code in (200, 422), (query, response.status_code)
    check()
