"""The contract page's one timeline and its filter, the progress form's date, the breach-risk tag and the page that
explains it, and the DIVERT referral page's events: read as a user reads them (parsed pages)."""
from datetime import datetime, timedelta, timezone

import pytest

from diversion import clock
from diversion.domain import risk as risk_rules
from diversion.extensions import db
from diversion.models import Appointment, Contract, DivertEvent, NavigatorChange, ProgressEntry, User
from diversion.services import contracts, divert
from tests import factories

START = datetime(2026, 3, 2, 10, tzinfo=timezone.utc)


def at(days: int, hour: int = 10) -> datetime:
    return START + timedelta(days=days, hours=hour - 10)


def date_fields(prefix: str, day) -> dict:
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month), f"{prefix}-year": str(day.year)}


@pytest.fixture
def contract_of(app, make_contract):
    """contract_of(navigator) → (contract id, [condition ids]) started on START."""
    def _make(navigator):
        clock.freeze(START)
        contract_id = make_contract(navigator=navigator)
        with app.app_context():
            return contract_id, [c.id for c in db.session.get(Contract, contract_id).conditions]
    return _make


def items(page) -> list[dict]:
    return [{"kind": item["data-kind"], "title": item.select_one(".moj-timeline__title").get_text(" ", strip=True),
             "by": (item.select_one(".moj-timeline__byline") or page.new_tag("p")).get_text(strip=True),
             "when": item.select_one("time")["datetime"],
             "text": item.select_one(".moj-timeline__description").get_text(" ", strip=True)}
            for item in page.select(".moj-timeline .moj-timeline__item")]


def test_the_contract_page_shows_one_timeline_newest_first(app, signed_in, contract_of):
    client, navigator = signed_in("navigator")
    contract_id, conditions = contract_of(navigator)
    url = f"/contracts/{contract_id}"
    clock.freeze(at(1))
    client.post_form(f"{url}/notes", {"kind": "phone", "body": "Called about the first session"}, form_page=url)
    with app.app_context():
        db.session.add(Appointment(contract_id=contract_id, starts_at=at(2), kind="pathway_session",
                                   location="Recovery hub", status="missed", booked_by_id=navigator.id))
        manager = factories.user("manager")
        db.session.add(NavigatorChange(contract_id=contract_id, from_navigator_id=navigator.id,
                                       to_navigator_id=navigator.id, reason="Covering a leave", changed_by_id=manager.id,
                                       created_at=at(3)))
        db.session.commit()
        manager_name = manager.name
    clock.freeze(at(4))
    field = f"progress-{conditions[2]}"
    client.post_form(f"{url}/conditions/{conditions[2]}/progress",
                     {f"{field}-hours": "3", f"{field}-note": "Food bank shift",
                      **date_fields(f"{field}-occurred_on", at(3, 9).date())}, form_page=url)
    shown = items(client.get_page(url))
    assert [i["kind"] for i in shown] == ["progress", "navigator_change", "appointment", "note"]
    progress, change, appointment, note = shown
    assert progress["title"] == "Progress on condition 3 (unpaid work): 3 hours"
    assert progress["when"] == "2026-03-05" and progress["text"] == "Food bank shift"
    assert progress["by"] == f"by {navigator.name}"
    assert change["title"] == f"Navigator changed from {navigator.name} to {navigator.name}"
    assert change["by"] == f"by {manager_name}" and change["text"] == "Covering a leave"
    assert appointment["title"] == "Pathway session: missed" and appointment["text"] == "At Recovery hub."
    assert note["title"] == "Phone call" and note["text"] == "Called about the first session"
    assert datetime.fromisoformat(note["when"]) == at(1)


def test_the_filter_shows_only_the_kinds_ticked_and_keeps_them_ticked(app, signed_in, contract_of):
    client, navigator = signed_in("navigator")
    contract_id, conditions = contract_of(navigator)
    url = f"/contracts/{contract_id}"
    clock.freeze(at(1))
    client.post_form(f"{url}/notes", {"kind": "meeting", "body": "Met at the hub"}, form_page=url)
    with app.app_context():
        db.session.add(Appointment(contract_id=contract_id, starts_at=at(2), kind="other", location="Office",
                                   status="attended", booked_by_id=navigator.id))
        db.session.commit()
    page = client.get_page(url)
    form = page.select_one("form.app-timeline-filter")
    assert form["method"] == "get" and form.select_one("legend").get_text(strip=True) == "Show only"
    assert [box["value"] for box in form.select("input[type=checkbox][name=kind]")] == [
        "note", "progress", "condition_status", "appointment", "alert", "outcome", "navigator_change"]
    assert [i["kind"] for i in items(page)] == ["appointment", "note"]
    filtered = client.get_page(f"{url}?kind=note")
    assert [i["kind"] for i in items(filtered)] == ["note"]
    assert [b["value"] for b in filtered.select("form.app-timeline-filter input:checked")] == ["note"]
    assert page.select_one("#timeline + details").get("open") is None  # the filter folds away until used
    assert filtered.select_one("#timeline + details").has_attr("open")
    assert "(showing 1 of 7 kinds)" in filtered.select_one("#timeline + details summary").get_text()
    assert filtered.select_one("form.app-timeline-filter a")["href"].endswith(f"/contracts/{contract_id}#timeline")
    nothing = client.get_page(f"{url}?kind=outcome&kind=nonsense")
    assert items(nothing) == [] and "Nothing of these kinds yet." in nothing.select_one("main").get_text()


def test_conditions_marked_and_the_outcome_are_on_the_timeline(signed_in, contract_of, app):
    client, navigator = signed_in("navigator")
    contract_id, conditions = contract_of(navigator)
    clock.freeze(at(5))
    with app.app_context():
        record = db.session.get(Contract, contract_id)
        user = db.session.get(User, navigator.id)
        contracts.set_condition_status(record, conditions[1], {"status": "failed", "version": record.version}, actor=user)
        contracts.record_outcome(record, {"outcome": "breached", "reason": "condition_failed", "date": "2026-03-07",
                                          "details": "Stopped going", "version": record.version}, actor=user)
        db.session.commit()
    shown = items(client.get_page(f"/contracts/{contract_id}"))
    assert [(i["kind"], i["title"]) for i in shown] == [
        ("outcome", "Contract breached: referred for prosecution"),
        ("condition_status", "Condition 2 (pathway: alcohol) failed")]
    assert shown[0]["text"] == "7 March 2026: Failed a condition. Stopped going"
    assert shown[1]["text"] == "Attend four sessions with the alcohol service"


def test_another_navigators_contract_timeline_is_not_found(signed_in, contract_of, make_user):
    contract_id, _ = contract_of(make_user("navigator"))
    client, _ = signed_in("navigator")
    client.get_page(f"/contracts/{contract_id}?kind=note", expected_status=404)


# --- the progress form asks the day it happened ------------------------------------------------------------------------
def test_the_progress_form_asks_when_it_happened(signed_in, contract_of):
    client, navigator = signed_in("navigator")
    contract_id, conditions = contract_of(navigator)
    form = client.get_page(f"/contracts/{contract_id}").select_one(
        f"form[action='/contracts/{contract_id}/conditions/{conditions[1]}/progress']")
    fieldset = form.select_one("fieldset.govuk-fieldset")
    assert fieldset.select_one("legend").get_text(strip=True) == "When did it happen?"
    assert [i["name"] for i in fieldset.select("input")] == [
        f"progress-{conditions[1]}-occurred_on-{part}" for part in ("day", "month", "year")]


@pytest.mark.parametrize("day, message", [
    (None, "Enter the date it happened"),
    ({"day": "3", "month": "", "year": "2026"}, "The date it happened must include a month"),
    ({"day": "30", "month": "2", "year": "2026"}, "The date it happened must be a real date"),
    (START.date() + timedelta(days=20), "The date it happened cannot be in the future"),
    (START.date() - timedelta(days=1), "The date it happened cannot be before the contract started (2 March 2026)"),
])
def test_a_missing_impossible_future_or_early_date_is_shown_on_the_field_and_nothing_is_saved(
        app, signed_in, contract_of, day, message):
    client, navigator = signed_in("navigator")
    contract_id, conditions = contract_of(navigator)
    clock.freeze(at(10))
    field = f"progress-{conditions[1]}"
    if day is None:
        when = {}
    elif isinstance(day, dict):
        when = {f"{field}-occurred_on-{part}": value for part, value in day.items()}
    else:
        when = date_fields(f"{field}-occurred_on", day)
    page = client.post_page(f"/contracts/{contract_id}/conditions/{conditions[1]}/progress",
                            {f"{field}-note": "Went to the session", **when}, form_page=f"/contracts/{contract_id}")
    summary = page.select(".govuk-error-summary a")
    assert [(a["href"], a.get_text(strip=True)) for a in summary] == [(f"#{field}-occurred_on-day", message)]
    assert message in page.select_one(f"#{field}-occurred_on-error").get_text()
    assert page.select_one(f"#{field}-note").get_text() == "Went to the session"  # kept
    with app.app_context():
        assert db.session.query(ProgressEntry).count() == 0


def test_progress_is_listed_under_its_condition_on_the_day_it_happened(app, signed_in, contract_of):
    client, navigator = signed_in("navigator")
    contract_id, conditions = contract_of(navigator)
    clock.freeze(at(10))
    field = f"progress-{conditions[1]}"
    response = client.post_form(f"/contracts/{contract_id}/conditions/{conditions[1]}/progress",
                                {f"{field}-note": "First session", **date_fields(f"{field}-occurred_on", at(4).date())},
                                form_page=f"/contracts/{contract_id}")
    assert response.status_code == 302
    entry = client.get_page(f"/contracts/{contract_id}").select_one(f"#condition-{conditions[1]} .app-progress li")
    assert entry.get_text(" ", strip=True).startswith("6 March 2026, ")
    with app.app_context():
        assert db.session.query(ProgressEntry.occurred_on).scalar() == at(4).date()


# --- breach risk -------------------------------------------------------------------------------------------------------
def test_the_contract_page_shows_the_risk_with_its_reasons_and_links_to_the_rules(app, signed_in, contract_of):
    client, navigator = signed_in("navigator")
    contract_id, _ = contract_of(navigator)
    page = client.get_page(f"/contracts/{contract_id}")
    assert page.select_one("#risk .govuk-tag").get_text(strip=True) == "Low risk"
    assert page.select("#risk li") == []
    with app.app_context():
        for day in (1, 2):
            db.session.add(Appointment(contract_id=contract_id, starts_at=at(day), kind="other", location="Office",
                                       status="missed", booked_by_id=navigator.id))
        db.session.commit()
    clock.freeze(at(15))  # 15 days without contact; unpaid work not yet behind (2.95 of 24 hours expected)
    risk = client.get_page(f"/contracts/{contract_id}").select_one("#risk")
    assert risk.select_one(".govuk-tag").get_text(strip=True) == "High risk"
    assert "govuk-tag--red" in risk.select_one(".govuk-tag")["class"]
    assert [li["data-reason"] for li in risk.select("li")] == ["missed_appointments", "no_contact"]
    assert [li.get_text(strip=True) for li in risk.select("li")] == ["Missed appointments", "No contact for 14 days"]
    link = risk.select_one("a")
    assert link.get_text(strip=True) == "How breach risk is worked out" and link["href"] == "/contracts/risk"


def test_an_ended_contract_shows_no_risk(app, signed_in, contract_of):
    client, navigator = signed_in("navigator")
    contract_id, _ = contract_of(navigator)
    with app.app_context():
        record = db.session.get(Contract, contract_id)
        contracts.record_outcome(record, {"outcome": "discontinued", "reason": "died", "date": START.date().isoformat(),
                                          "version": record.version}, actor=db.session.get(User, navigator.id))
        db.session.commit()
    assert client.get_page(f"/contracts/{contract_id}").select_one("#risk") is None


@pytest.mark.parametrize("role", ["navigator", "manager", "admin"])
def test_the_rules_page_states_every_reason_and_level_from_the_rules(signed_in, role):
    client, _ = signed_in(role)
    page = client.get_page("/contracts/risk")
    assert page.h1.get_text(strip=True) == "How breach risk is worked out"
    reasons = page.select("#reasons .govuk-summary-list__row")
    assert [row["id"] for row in reasons] == [f"reason-{code}" for code in risk_rules.REASONS]
    assert [row.dt.get_text(strip=True) for row in reasons] == list(risk_rules.REASONS.values())
    assert f"for {risk_rules.NO_CONTACT_DAYS} days" in page.select_one("#reason-no_contact dd").get_text()
    assert f"more than {risk_rules.HOURS_SLACK:g} hours" in page.select_one("#reason-hours_behind dd").get_text()
    assert page.select_one("#reason-conditions_open_near_deadline dd").get_text(" ", strip=True).startswith(
        f"{risk_rules.NEAR_DEADLINE_DAYS} days or fewer")
    high = page.select_one("#level-high").get_text(" ", strip=True)
    assert f"{risk_rules.MISSED_FOR_HIGH} or more missed" in high and f"any {risk_rules.REASONS_FOR_HIGH} reasons" in high
    assert [row.dt.get_text(strip=True) for row in page.select("#levels .govuk-summary-list__row")] == [
        "High risk", "Medium risk", "Low risk"]


def test_the_rules_page_follows_the_rules_when_they_change(signed_in, monkeypatch):
    monkeypatch.setattr(risk_rules, "NO_CONTACT_DAYS", 21)
    monkeypatch.setattr(risk_rules, "MISSED_FOR_HIGH", 3)
    client, _ = signed_in("manager")
    page = client.get_page("/contracts/risk")
    assert "for 21 days" in page.select_one("#reason-no_contact dd").get_text()
    assert "3 or more missed" in page.select_one("#level-high").get_text()


@pytest.mark.parametrize("role", ["custody_officer", "provider"])
def test_the_rules_page_is_for_casework_roles(signed_in, role):
    client, _ = signed_in(role)
    client.get_page("/contracts/risk", expected_status=403)


# --- DIVERT ------------------------------------------------------------------------------------------------------------
def test_the_divert_referral_page_shows_its_events_newest_first_with_the_booked_assessment(app, signed_in, make_user):
    officer = make_user("custody_officer")
    client, provider = signed_in("provider")
    clock.freeze(START)
    with app.app_context():
        referral = divert.create(factories.divert_payload(referral_date=START.date().isoformat()),
                                 actor=db.session.get(User, officer.id))
        clock.freeze(at(1))
        divert.record_event(referral, {"event": "contacted", "date": at(1).date().isoformat(), "note": "Spoke to Kai",
                                       "version": referral.version}, actor=db.session.get(User, provider.id))
        db.session.add(DivertEvent(referral_id=referral.id, event="assessment_booked", date=at(2).date(),
                                   appointment_at=at(9, 14), recorded_by_id=provider.id))
        db.session.commit()
        referral_id = referral.id
    clock.freeze(at(3))
    page = client.get_page(f"/divert/referrals/{referral_id}")
    shown = page.select(".moj-timeline .moj-timeline__item")
    assert [i.select_one(".moj-timeline__title").get_text(strip=True) for i in shown] == [
        "Assessment booked", "Contacted", "Referred"]
    assert shown[0].select_one(".app-appointment").get_text(" ", strip=True) == "Assessment on 11 March 2026 at 2:00pm"
    assert shown[1].select_one(".app-note-body").get_text(strip=True) == "Spoke to Kai"
    assert shown[1].select_one(".moj-timeline__byline").get_text(strip=True) == f"by {provider.name}"
    assert shown[1].select_one("time")["datetime"] == "2026-03-03"
