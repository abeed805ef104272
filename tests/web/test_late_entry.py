"""Late entry (issue 9, finding 11): a referral entered more than 7 days after its referral date needs a stated
reason, asked on the officer's journey, shown on the referral page and listed for managers."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from diversion import clock
from diversion.extensions import db
from diversion.checkpoint.intake.journey import long_date
from diversion.models import AuditEvent, CheckpointReferral
from tests.api.conftest import bearer, issue_token  # noqa: F401  (a fixture)
from tests.factories import referral_payload
from tests.web.test_intake_support import (answer_every_page, counting_statements, date_fields,  # noqa: F401
                                           eligible_answers, start_draft, stored_referral)

REASON = "The custody record reached the Checkpoint team on Monday after the suite's system was down"


def _days_ago(days: int):
    return clock.today() - timedelta(days=days)


def _body(days_ago: int, **overrides) -> dict:
    referral_date = _days_ago(days_ago)
    return referral_payload(**{"referral_date": referral_date.isoformat(),
                               "offence.offence_date": (referral_date - timedelta(days=2)).isoformat(),
                               "person.new_person": True, "late_entry_reason": None, **overrides})


def _post(client, token, body):
    return client.post("/api/v1/checkpoint/referrals", json=body, headers=bearer(token))


# --- the API ----------------------------------------------------------------------------------------------------

def test_a_referral_dated_more_than_a_week_ago_needs_a_reason(client, issue_token):
    token, _ = issue_token("custody_officer")
    refused = _post(client, token, _body(8))
    assert refused.status_code == 422
    assert list(refused.get_json()["error"]["fields"]) == ["late_entry_reason"]
    assert "more than 7 days after the referral date (8 days)" in refused.get_json()["error"]["fields"][
        "late_entry_reason"][0]
    made = _post(client, token, _body(8, late_entry_reason=REASON))
    assert made.status_code == 201 and made.get_json()["late_entry_reason"] == REASON


def test_a_referral_dated_a_week_ago_or_less_needs_none_and_keeps_none(client, issue_token):
    token, _ = issue_token("custody_officer")
    on_time = _post(client, token, _body(7))
    assert on_time.status_code == 201 and on_time.get_json()["late_entry_reason"] is None
    with_one = _post(client, token, _body(0, late_entry_reason="Not needed"))
    assert with_one.status_code == 201 and with_one.get_json()["late_entry_reason"] is None


@pytest.mark.parametrize("reason", ["", "   ", "x" * 2001, "Late\x00", 12, ["a"]])
def test_a_late_entry_reason_is_1_to_2000_characters_of_text(client, issue_token, reason):
    token, _ = issue_token("custody_officer")
    response = _post(client, token, _body(30, late_entry_reason=reason))
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == ["late_entry_reason"]


def test_2000_characters_is_the_longest_reason(client, issue_token):
    token, _ = issue_token("custody_officer")
    assert _post(client, token, _body(30, late_entry_reason="x" * 2000)).status_code == 201


def test_a_late_entry_is_audited_with_how_late_it_was(client, issue_token, app):
    token, _ = issue_token("custody_officer")
    referral_id = _post(client, token, _body(12, late_entry_reason=REASON)).get_json()["id"]
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "checkpoint_referral.create",
                                                              AuditEvent.object_id == str(referral_id)))
    assert event.details["late_entry_days"] == 12


def test_the_openapi_document_describes_the_reason(client, issue_token):
    token, _ = issue_token("custody_officer")
    schemas = client.get("/api/v1/openapi.json", headers=bearer(token)).get_json()["components"]["schemas"]
    assert schemas["ReferralInput"]["properties"]["late_entry_reason"]["maxLength"] == 2000
    assert "late_entry_reason" in schemas["Referral"]["properties"]


# --- the officer's journey ------------------------------------------------------------------------------------

def test_the_journey_asks_why_when_the_referral_date_is_more_than_a_week_ago(signed_in, app):
    client, _ = signed_in("custody_officer")
    draft_id = start_draft(client)
    answers = eligible_answers(offence={**date_fields("referral_date", _days_ago(12)),
                                        **date_fields("offence-offence_date", _days_ago(14)),
                                        **date_fields("offence-arrest_date", _days_ago(13))})
    client.post_form(f"/referrals/new/{draft_id}/person", answers["person"])
    response = client.post_form(f"/referrals/new/{draft_id}/offence", answers["offence"])
    assert response.location == f"/referrals/new/{draft_id}/late_entry"

    page = client.get_page(response.location)
    assert page.h1.get_text(strip=True) == "Late entry"
    assert f"{long_date(_days_ago(12))}, was 12 days ago" in page.select_one("#late-entry-explained").get_text()
    assert page.select_one(".govuk-back-link")["href"] == f"/referrals/new/{draft_id}/offence"
    empty = client.post_page(f"/referrals/new/{draft_id}/late_entry", {"late_entry_reason": " "}, expected_status=422)
    assert "more than 7 days after the referral date" in empty.select_one("#late_entry_reason-error").get_text()
    answered = client.post_form(f"/referrals/new/{draft_id}/late_entry", {"late_entry_reason": REASON})
    assert answered.location == f"/referrals/new/{draft_id}/interview"
    back = client.get_page(answered.location).select_one(".govuk-back-link")["href"]
    assert back == f"/referrals/new/{draft_id}/late_entry"

    for step in ("interview", "flags", "victim"):
        client.post_form(f"/referrals/new/{draft_id}/{step}", answers[step])
    check = client.get_page(f"/referrals/new/{draft_id}/check")
    assert "Late entry" in [h2.get_text(strip=True) for h2 in check.select("h2")]
    rows = {row.select_one(".govuk-summary-list__key").get_text(strip=True):
            row.select_one(".govuk-summary-list__value").get_text(strip=True)
            for row in check.select(".govuk-summary-list__row")}
    assert rows["Why it is entered late"] == REASON
    sent = client.post_form(f"/referrals/new/{draft_id}/check")
    assert sent.status_code == 302
    shown = client.get_page(sent.location).select_one("#late-entry").get_text(" ", strip=True)
    assert shown == f"Entered 12 days after the referral date: {REASON}"
    with app.app_context():
        assert db.session.scalars(sa.select(CheckpointReferral.late_entry_reason)).one() == REASON


def test_a_referral_on_time_is_not_asked_and_the_page_is_not_there(signed_in):
    client, _ = signed_in("custody_officer")
    draft_id = start_draft(client)
    answers = eligible_answers(offence={**date_fields("referral_date", _days_ago(7)),
                                        **date_fields("offence-offence_date", _days_ago(8)),
                                        **date_fields("offence-arrest_date", _days_ago(8))})
    client.post_form(f"/referrals/new/{draft_id}/person", answers["person"])
    response = client.post_form(f"/referrals/new/{draft_id}/offence", answers["offence"])
    assert response.location == f"/referrals/new/{draft_id}/interview"
    assert client.get(f"/referrals/new/{draft_id}/late_entry").location == f"/referrals/new/{draft_id}/check"
    for step in ("interview", "flags", "victim"):
        client.post_form(f"/referrals/new/{draft_id}/{step}", answers[step])
    check = client.get_page(f"/referrals/new/{draft_id}/check")
    assert "Late entry" not in check.get_text()
    referral = client.get_page(client.post_form(f"/referrals/new/{draft_id}/check").location)
    assert referral.select_one("#late-entry") is None


def test_changing_the_date_from_check_answers_to_an_old_one_asks_the_reason_before_sending(signed_in):
    client, _ = signed_in("custody_officer")
    draft_id = start_draft(client)
    answer_every_page(client, draft_id, eligible_answers())
    changed = eligible_answers(offence={**date_fields("referral_date", _days_ago(20)),
                                        **date_fields("offence-offence_date", _days_ago(21)),
                                        **date_fields("offence-arrest_date", _days_ago(21))})["offence"]
    response = client.post_form(f"/referrals/new/{draft_id}/offence", changed)
    assert response.location == f"/referrals/new/{draft_id}/late_entry"
    # Sent without an answer, check answers links the missing reason to the page that asks it.
    page = client.post_page(f"/referrals/new/{draft_id}/check", expected_status=422,
                            form_page=f"/referrals/new/{draft_id}/check")
    links = [a["href"] for a in page.select(".govuk-error-summary a")]
    assert f"/referrals/new/{draft_id}/late_entry#late_entry_reason" in links


# --- the referral page and the managers' list -----------------------------------------------------------------

def test_the_referral_page_says_how_late_and_why(signed_in, stored_referral, make_user):
    made = stored_referral(make_user("custody_officer"), **{
        "referral_date": _days_ago(12).isoformat(), "offence.offence_date": _days_ago(13).isoformat(),
        "late_entry_reason": REASON})
    on_time = stored_referral(make_user("custody_officer"))
    client, _ = signed_in("manager")
    page = client.get_page(f"/referrals/{made.id}")
    assert page.select_one("#late-entry").get_text(" ", strip=True) == \
        f"Entered 12 days after the referral date: {REASON}"
    assert client.get_page(f"/referrals/{on_time.id}").select_one("#late-entry") is None


def _late(stored_referral, officer, n: int, days: int = 10):
    return stored_referral(officer, **{"person.given_name": f"Late{n}", "referral_date": _days_ago(days).isoformat(),
                                       "offence.offence_date": _days_ago(days + 1).isoformat(),
                                       "late_entry_reason": REASON})


def _names(page) -> list[str]:
    return [row.select_one("td a").get_text(strip=True) for row in page.select("tbody tr")]


def test_managers_list_late_entries_only_with_how_late_each_was(signed_in, stored_referral, make_user):
    officer = make_user("custody_officer")
    _late(stored_referral, officer, 1, days=9)
    stored_referral(officer, **{"person.given_name": "OnTime"})
    _late(stored_referral, officer, 2, days=30)
    client, _ = signed_in("manager")
    everyone = client.get_page("/referrals")
    assert everyone.select_one("input[name=late][value='1']") is not None
    page = client.get_page("/referrals?late=1")
    assert _names(page) == ["Late1 O'Sullivan-Nkemelu", "Late2 O'Sullivan-Nkemelu"]  # newest referral date first
    assert page.select_one("input[name=late]").has_attr("checked")
    assert [row.select("td")[3].get_text(strip=True) for row in page.select("tbody tr")] == \
        ["9 days after", "30 days after"]
    assert _names(client.get_page("/referrals?late=1&status=ineligible")) == []


def test_the_late_list_is_keyset_paged_and_keeps_its_filter(signed_in, stored_referral, make_user):
    officer = make_user("custody_officer")
    for n in range(26):
        _late(stored_referral, officer, n)
    stored_referral(officer, **{"person.given_name": "OnTime"})
    client, _ = signed_in("manager")
    first = client.get_page("/referrals?late=1")
    assert len(first.select("tbody tr")) == 25
    following = first.select_one(".govuk-pagination__next a")["href"]
    assert "late=1" in following and "after=" in following
    second = client.get_page(following)
    assert _names(second) == ["Late0 O'Sullivan-Nkemelu"]


def test_the_late_list_costs_what_the_plain_list_costs(signed_in, stored_referral, make_user, app):
    officer = make_user("custody_officer")
    for n in range(5):
        _late(stored_referral, officer, n)
    client, _ = signed_in("manager")
    client.get_page("/referrals?late=1")  # warm up
    with counting_statements(app) as plain:
        client.get_page("/referrals")
    with counting_statements(app) as late:
        client.get_page("/referrals?late=1")
    assert len(late) == len(plain)


def test_officers_have_no_late_filter_and_see_only_their_own(signed_in, stored_referral, make_user):
    _late(stored_referral, make_user("custody_officer"), 1)
    client, officer = signed_in("custody_officer")
    page = client.get_page("/referrals?late=1")
    assert _names(page) == [] and page.select_one("input[name=late]") is None
