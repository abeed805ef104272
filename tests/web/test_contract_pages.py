"""The navigator's pages: queue, agreeing a contract, the contract page and its forms, the caseload."""
from datetime import timedelta

import sqlalchemy as sa

from diversion import clock
from diversion.extensions import db
from diversion.models import AuditEvent, Contract


def _contract(app, contract_id):
    with app.app_context():
        return db.session.get(Contract, contract_id)


def test_the_queue_lists_referrals_awaiting_a_navigator(signed_in, make_referral):
    make_referral()
    make_referral(**{"offence.category": "robbery"})  # ineligible: not in the queue
    client, _ = signed_in("navigator")
    rows = client.get_page("/queue").select("tbody tr")
    assert len(rows) == 1 and "Chloé O'Sullivan-Nkemelu" in rows[0].get_text()


def _agree_form(**overrides):
    today = clock.today()
    form = {"start_date-day": str(today.day), "start_date-month": str(today.month), "start_date-year": str(today.year),
            "pathway1-pathway": "alcohol", "pathway1-description": "Attend the alcohol service",
            "community-community_kind": "unpaid_work", "community-target_hours": "20",
            "community-description": "Food bank", "participant_consent": "yes", "warning_given": "yes",
            "action": "check", "asked": "hours"}  # the hours are asked on a page of their own (see below)
    form.update(overrides)
    return form


def test_the_deadline_is_shown_before_the_contract_is_saved(signed_in, make_referral, app):
    referral_id = make_referral()
    client, _ = signed_in("navigator")
    url = f"/referrals/{referral_id}/contract"
    page = client.post_page(url, _agree_form())
    assert page.h1.get_text(strip=True) == "Check the contract before you agree it"
    deadline = clock.today()
    from diversion.domain.deadlines import contract_deadline
    expected = contract_deadline(deadline)
    assert f"{expected.day} {expected:%B %Y}" in page.select_one(".govuk-summary-list").get_text()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Contract)) == 0
    hidden = {i["name"]: i["value"] for i in page.select("form input[type=hidden]") if i["name"] != "csrf_token"}
    response = client.post_form(url, dict(hidden, action="agree"))  # noqa: the check page carries every answer
    assert response.status_code == 302 and "/contracts/" in response.location
    page = client.get_page(response.location)
    assert "Contract agreed" in page.get_text()
    assert [h.get_text(strip=True) for h in page.select(".govuk-summary-card__title")] == [
        "Condition 1: No further offending", "Condition 2: Pathway: Alcohol", "Condition 3: Unpaid work"]


def test_bad_contract_input_is_reported_on_each_field_and_kept(signed_in, make_referral):
    referral_id = make_referral(victim_wishes_restorative=True)
    client, _ = signed_in("navigator")
    page = client.post_page(f"/referrals/{referral_id}/contract", _agree_form(**{
        "start_date-day": "30", "start_date-month": "2", "start_date-year": "2026",
        "community-target_hours": "-2", "participant_consent": "", "victim-description": ""}), expected_status=422)
    # The hours are asked again on their own page first, with the service's error on them.
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#community-target_hours"]
    assert page.select_one("#community-target_hours")["value"] == "-2"
    page = client.post_page(f"/referrals/{referral_id}/contract", _agree_form(**{
        "start_date-day": "30", "start_date-month": "2", "start_date-year": "2026",
        "community-target_hours": "20", "participant_consent": "", "victim-description": ""}))
    links = [a["href"] for a in page.select(".govuk-error-summary a")]
    assert links[:1] == ["#start_date-day"]
    assert {"#victim-description", "#participant_consent"} <= set(links)
    assert page.select_one("#pathway1-description").get_text() == "Attend the alcohol service"
    assert page.title.get_text().startswith("Error: ")


def test_another_navigators_contract_is_not_found(signed_in, make_contract):
    contract_id = make_contract()
    client, _ = signed_in("navigator")
    client.get_page(f"/contracts/{contract_id}", expected_status=404)


def test_the_contract_page_shows_days_left_and_audits_the_view(signed_in, make_contract, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    page = client.get_page(f"/contracts/{contract_id}")
    deadline_row = [r for r in page.select(".govuk-summary-list__row") if "Deadline" in r.get_text()][0]
    assert "days left" in deadline_row.get_text()
    assert page.select_one("h1 .govuk-tag").get_text(strip=True) == "Active"
    with app.app_context():
        views = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "contract.view")).all()
    assert [(v.actor_id, v.object_id) for v in views] == [(navigator.id, str(contract_id))]


def test_a_note_is_added_to_the_timeline(signed_in, make_contract):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    url = f"/contracts/{contract_id}"
    response = client.post_form(f"{url}/notes", {"kind": "meeting", "body": "Met at the hub.\nAgreed plan."},
                                form_page=url)
    assert response.status_code == 302
    item = client.get_page(url).select_one(".moj-timeline__item")
    assert item.select_one(".moj-timeline__title").get_text(strip=True) == "Meeting"
    assert "Agreed plan." in item.select_one(".moj-timeline__description").get_text()
    assert navigator.name in item.select_one(".moj-timeline__byline").get_text()


def test_a_note_of_20001_characters_is_refused_and_kept(signed_in, make_contract):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    url = f"/contracts/{contract_id}"
    body = "x" * 20_001
    page = client.post_page(f"{url}/notes", {"kind": "general", "body": body}, form_page=url)
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#note_body"]
    assert page.select_one("#note_body").get_text() == body
    assert page.select(".moj-timeline__item") == []


def test_progress_hours_add_up_and_negative_hours_are_refused(signed_in, make_contract, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    work = [c for c in _contract_conditions(app, contract_id) if c[1] == "community"][0][0]
    url = f"/contracts/{contract_id}"
    field = f"progress-{work}"
    today = clock.today()
    when = {f"{field}-occurred_on-day": str(today.day), f"{field}-occurred_on-month": str(today.month),
            f"{field}-occurred_on-year": str(today.year)}
    client.post_form(f"{url}/conditions/{work}/progress", {f"{field}-hours": "2.5", f"{field}-note": "Food bank",
                                                           **when}, form_page=url)
    page = client.post_page(f"{url}/conditions/{work}/progress", {f"{field}-hours": "-2", f"{field}-note": "Oops",
                                                                  **when}, form_page=url)
    assert page.select_one(f"#progress-{work}-hours-error") is not None
    assert page.select_one(f"#progress-{work}-hours")["value"] == "-2"
    assert "2.5 of 24 hours done" in page.select_one(f"#condition-{work}").get_text()


def _contract_conditions(app, contract_id):
    with app.app_context():
        return [(c.id, c.type, c.status) for c in db.session.get(Contract, contract_id).conditions]


def test_completion_before_the_deadline_explains_why_and_changes_nothing(signed_in, make_contract, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    url = f"/contracts/{contract_id}"
    today = clock.today()
    page = client.post_page(f"{url}/outcome", {"outcome": "completed", "outcome_date-day": str(today.day),
                                               "outcome_date-month": str(today.month),
                                               "outcome_date-year": str(today.year),
                                               "version": str(_contract(app, contract_id).version)}, form_page=url)
    assert "only on or after its deadline" in page.select_one("#outcome_conflict").get_text()
    assert _contract(app, contract_id).status == "active"


def test_a_breach_is_recorded_with_its_reason(signed_in, make_contract, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    url = f"/contracts/{contract_id}"
    today = clock.today()
    answers = {
        "outcome": "breached", "breach_reason": "withdrew_consent", "outcome_date-day": str(today.day),
        "outcome_date-month": str(today.month), "outcome_date-year": str(today.year),
        "details": "Said they would rather go to court", "version": str(_contract(app, contract_id).version)}
    asked = client.post_page(f"{url}/outcome", answers, form_page=url)
    assert asked.h1.get_text(strip=True) == "Are you sure the contract is breached?"  # nothing recorded yet
    assert _contract(app, contract_id).status == "active"
    response = client.post_form(f"{url}/outcome", {**answers, "confirm": "yes"}, form_page=url)
    assert response.status_code == 302
    record = _contract(app, contract_id)
    assert (record.status, record.outcome_reason, record.prosecution_referred) == ("breached", "withdrew_consent", True)
    page = client.get_page(url)
    assert page.select_one("h1 .govuk-tag").get_text(strip=True) == "Breached"
    assert page.select_one("form[action$='/outcome']") is None


def test_a_stale_outcome_form_says_someone_else_changed_the_case_and_keeps_the_input(signed_in, make_contract, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    url = f"/contracts/{contract_id}"
    today = clock.today()
    page = client.post_page(f"{url}/outcome", {
        "outcome": "breached", "breach_reason": "other", "outcome_date-day": str(today.day),
        "outcome_date-month": str(today.month), "outcome_date-year": str(today.year),
        "details": "My careful explanation", "version": "999"}, form_page=url)
    assert "Someone else changed this contract" in page.select_one("#outcome_conflict").get_text()
    assert page.select_one("#details").get_text() == "My careful explanation"
    assert _contract(app, contract_id).status == "active"


def test_the_printable_contract_lists_conditions_deadline_and_the_breach_warning(signed_in, make_contract):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    page = client.get_page(f"/contracts/{contract_id}/print")
    text = page.get_text()
    assert "referred for prosecution" in text and "Complete 24 hours of unpaid work" in text
    assert len(page.select("ol li")) == 3


def test_the_caseload_is_the_navigators_own_sorted_by_deadline(signed_in, make_contract, make_user):
    client, navigator = signed_in("navigator")
    today = clock.today()
    later = make_contract(navigator=navigator)
    sooner = make_contract(navigator=navigator, referral_overrides={
        "referral_date": (today - timedelta(days=20)).isoformat(),
        "offence.offence_date": (today - timedelta(days=21)).isoformat()},
        start_date=(today - timedelta(days=20)).isoformat())
    make_contract()  # someone else's
    links = [a["href"] for a in client.get_page("/contracts").select("tbody a")]
    assert links == [f"/contracts/{sooner}", f"/contracts/{later}"]


def test_managers_filter_the_caseload_by_navigator_and_search_by_name(signed_in, make_contract, make_user):
    first, second = make_user("navigator"), make_user("navigator")
    one = make_contract(navigator=first)
    make_contract(navigator=second, referral_overrides={"person.family_name": "Abara", "person.given_name": "Tunde"})
    client, _ = signed_in("manager")
    assert [a["href"] for a in client.get_page(f"/contracts?navigator={first.id}").select("tbody a")] == [
        f"/contracts/{one}"]
    rows = client.get_page("/contracts?q=abara").select("tbody tr")
    assert len(rows) == 1 and "Tunde Abara" in rows[0].get_text()


def test_the_caseload_uses_a_fixed_number_of_queries(signed_in, make_contract, app):
    client, navigator = signed_in("navigator")

    def count_statements():
        statements = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: statements.append(1)  # noqa: E731
        sa.event.listen(engine, "before_cursor_execute", listener)
        try:
            client.get_page("/contracts")
        finally:
            sa.event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    make_contract(navigator=navigator)
    few = count_statements()
    for _ in range(4):
        make_contract(navigator=navigator)
    assert count_statements() == few


def test_the_caseload_shows_open_contracts_unless_asked_for_every_status(signed_in, make_contract, app):
    client, navigator = signed_in("navigator")
    open_one = make_contract(navigator=navigator)
    ended = make_contract(navigator=navigator)
    with app.app_context():
        from diversion.services import contracts

        record = db.session.get(Contract, ended)
        contracts.record_outcome(record, {"outcome": "discontinued", "reason": "died", "version": record.version,
                                          "date": clock.today().isoformat()}, actor=record.navigator)
        db.session.commit()
    assert [a["href"] for a in client.get_page("/contracts").select("tbody a")] == [f"/contracts/{open_one}"]
    every = {a["href"] for a in client.get_page("/contracts?status=all").select("tbody a")}
    assert every == {f"/contracts/{open_one}", f"/contracts/{ended}"}


def test_a_page_shown_again_after_a_failed_change_still_records_the_view(signed_in, make_contract, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    url = f"/contracts/{contract_id}"
    today = clock.today()
    page = client.post_page(f"{url}/outcome", {"outcome": "breached", "breach_reason": "other", "version": "999",
                                               "outcome_date-day": str(today.day),
                                               "outcome_date-month": str(today.month),
                                               "outcome_date-year": str(today.year)}, form_page=url)
    assert page.select_one("#outcome_conflict") is not None
    with app.app_context():
        views = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "contract.view")).all()
        changes = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "contract.breached")).all()
    assert len(views) == 2 and changes == []  # the form's page, and the page shown again with the error
