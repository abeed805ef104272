"""Shared helpers for the intake page tests (no tests here): referrals made through the service, the
journey's answers as a browser posts them, and a SQL statement counter."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import event

from diversion import clock
from diversion.extensions import db
from diversion.models import User
from diversion.services import referrals
from tests.factories import referral_payload


def date_fields(prefix: str, value: date | str) -> dict:
    if isinstance(value, str):
        day, month, year = value.split()
        return {f"{prefix}-day": day, f"{prefix}-month": month, f"{prefix}-year": year}
    return {f"{prefix}-day": str(value.day), f"{prefix}-month": str(value.month), f"{prefix}-year": str(value.year)}


def eligible_answers(**changes) -> dict[str, dict]:
    """What an officer types on each page for an eligible referral (dates relative to today)."""
    today = clock.today()
    answers = {
        "person": {"person-given_name": "Chloé", "person-family_name": "O'Sullivan-Nkemelu",
                   **date_fields("person-date_of_birth", date(1994, 3, 12)), "person-gender": "female",
                   "person-ethnicity": "mixed_white_black_african", "person-pnc_id": "2019/0123456A",
                   "person-custody_number": "DU/1234/26", "person-postcode": "dh1 3hp", "person-phone": "",
                   "person-email": ""},
        "offence": {"offence-category": "theft", "offence-description": "Took two bottles of gin from a shop",
                    **date_fields("offence-offence_date", today - timedelta(days=2)),
                    **date_fields("offence-arrest_date", today - timedelta(days=1)),
                    "offence-hate_crime": "no", **date_fields("referral_date", today),
                    "custody_suite": "Durham", "referring_officer": "PS 1234 Rahman"},
        "interview": {"interview": "admitted", "evidential_test_met": "yes", "previous_convictions": "1"},
        "flags": {"flags-court_order": "no", "flags-on_bail": "no", "flags-co_accused": "no",
                  "flags-detained_mental_health": "no"},
        "victim": {"has_victim": "yes", "victim_wishes_restorative": "yes"},
        "suitability": {"suitability-decision": "suitable", "suitability-reasons": "low_propensity",
                        "suitability-note": ""},
    }
    for step, fields in changes.items():
        answers[step] = {**answers[step], **fields}
    return answers


def start_draft(client) -> int:
    response = client.post_form("/referrals/new")
    assert response.status_code == 302, response.status_code
    draft_id = int(response.location.split("/")[3])
    assert response.location == f"/referrals/new/{draft_id}/person"
    return draft_id


def answer_every_page(client, draft_id: int, answers: dict[str, dict]) -> str:
    """Post each page in turn; returns where the last page sends the officer."""
    location = None
    for step, fields in answers.items():
        url = f"/referrals/new/{draft_id}/{step}"
        response = client.post_form(url, fields)
        assert response.status_code == 302, (step, response.status_code, response.get_data(as_text=True)[:3000])
        location = response.location
    return location


@pytest.fixture
def stored_referral(app, make_user):
    """stored_referral(officer=None, **payload overrides) → a committed referral's id, version, status."""
    def _make(officer=None, **overrides):
        officer = officer or make_user("custody_officer")
        with app.app_context():
            referral = referrals.create(referral_payload(**overrides), actor=db.session.get(User, officer.id))
            db.session.commit()
            return SimpleNamespace(id=referral.id, version=referral.version, status=referral.status,
                                   person_id=referral.person_id, created_by_id=officer.id)
    return _make


@contextmanager
def counting_statements(app):
    """Every SQL statement the app sends while inside the block."""
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def _count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", _count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", _count)
