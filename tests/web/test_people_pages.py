"""People and their cases, seen only by those who need to know: the contract page's conditions, live cases
(a new referral during a contract is put before the contract's navigator), what a navigator may list and
open, and the people pages (search, contact details with their history, an administrator's merge)."""
from datetime import timedelta

from bs4 import BeautifulSoup
from sqlalchemy import select

from diversion import clock
from diversion.extensions import db
from diversion.models import CheckpointReferral, Contract, ContractAlert, Person, User
from diversion.services import contracts
from tests import factories
from tests.web.test_intake_support import stored_referral  # noqa: F401  (fixture)

KNOWN = {"person.given_name": "Łukasz", "person.family_name": "Wiśniewski",
         "person.date_of_birth": "1990-05-17", "person.pnc_id": "2008/0012345Q"}
CHLOE = {"person.given_name": "Chloé", "person.family_name": "O'Sullivan-Nkemelu",
         "person.date_of_birth": "1994-03-12"}  # the factories' person, as a DIVERT referral


def _parsed(response) -> BeautifulSoup:
    assert response.status_code < 500, response.status_code
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _contract(app, contract_id) -> Contract:
    with app.app_context():
        record = db.session.get(Contract, contract_id)
        db.session.expunge(record)
        return record


def _condition(app, contract_id, kind: str) -> int:
    with app.app_context():
        return next(c.id for c in db.session.get(Contract, contract_id).conditions if c.type == kind)


def _condition_status(app, condition_id) -> str:
    from diversion.models import Condition

    with app.app_context():
        return db.session.get(Condition, condition_id).status


def _version(page, action_ending: str) -> str:
    return page.select_one(f"form[action$='{action_ending}'] input[name=version]")["value"]


def _today_fields(prefix: str) -> dict:
    today = clock.today()
    return {f"{prefix}-{part}": str(getattr(today, part)) for part in ("day", "month", "year")}


def _log_progress(client, contract_url: str, condition_id: int, hours: str, note: str):
    field = f"progress-{condition_id}"
    return client.post_form(f"{contract_url}/conditions/{condition_id}/progress",
                            {f"{field}-hours": hours, f"{field}-note": note, **_today_fields(f"{field}-occurred_on")},
                            form_page=contract_url)


def _mark(client, contract_url: str, condition_id: int, status: str):
    action = f"{contract_url}/conditions/{condition_id}/status"
    version = _version(client.get_page(contract_url), action)
    return client.post_form(action, {"status": status, "version": version}, form_page=contract_url)


# --- The contract page --------------------------------------------------------------------------------------

def test_progress_entries_are_shown_with_their_text_hours_and_author(signed_in, make_contract, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    work, url = _condition(app, contract_id, "community"), f"/contracts/{contract_id}"
    _log_progress(client, url, work, "2.5", "Sorted tins at the food bank")
    entries = client.get_page(url).select(f"#condition-{work} .app-progress li")
    assert len(entries) == 1
    entry = entries[0].get_text(" ", strip=True)
    assert "Sorted tins at the food bank" in entry and "2.5 hours" in entry and navigator.name in entry


def test_on_a_breached_contract_a_condition_left_open_reads_not_met(signed_in, make_contract, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    with app.app_context():
        record = db.session.get(Contract, contract_id)
        contracts.record_outcome(record, {"outcome": "breached", "reason": "condition_failed",
                                          "date": clock.today().isoformat(), "version": record.version},
                                 actor=record.navigator)
        db.session.commit()
    pathway = _condition(app, contract_id, "pathway")
    tag = client.get_page(f"/contracts/{contract_id}").select_one(f"#condition-{pathway} .govuk-tag")
    assert tag.get_text(strip=True) == "Not met"


def test_unpaid_work_is_met_only_once_every_hour_is_logged(signed_in, make_contract, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    work, url = _condition(app, contract_id, "community"), f"/contracts/{contract_id}"
    page = _parsed(_mark(client, url, work, "met"))
    assert "0 of 24 hours" in page.select_one("#conditions_conflict").get_text()
    assert _condition_status(app, work) == "open"
    _log_progress(client, url, work, "24", "Every shift done")
    assert _mark(client, url, work, "met").status_code == 302
    assert _condition_status(app, work) == "met"


# --- Live cases: a new referral during a contract -----------------------------------------------------------

LIVE_CONTRACT = ("They had a Checkpoint contract in progress on the referral date. A new offence during a "
                 "contract is dealt with by prosecution; the contract's navigator has been told.")


def _alert_ids(app, contract_id) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(ContractAlert.id)
                                       .where(ContractAlert.contract_id == contract_id)))


def _refer_through_the_api(app, officer, **overrides) -> dict:
    from diversion.services import tokens

    with app.app_context():
        _record, secret = tokens.issue(db.session.get(User, officer.id), {"name": "custody system", "purpose": "tests"},
                                      actor=None)
        db.session.commit()
    response = app.test_client().post("/api/v1/checkpoint/referrals",
                                      json=factories.referral_payload(**overrides),
                                      headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_new_checkpoint_referral_during_a_contract_is_ineligible_and_says_why(signed_in, make_contract,
                                                                              stored_referral, app):
    contract_id = make_contract()
    client, officer = signed_in("custody_officer")
    referral = stored_referral(officer)  # the same name and date of birth: the same person
    assert referral.person_id == _contract(app, contract_id).person_id
    page = client.get_page(f"/referrals/{referral.id}")
    assert page.h1.get_text(strip=True) == "Not eligible for Checkpoint"
    assert [li.get_text(strip=True) for li in page.select(".app-reasons li")] == [LIVE_CONTRACT]


def test_the_navigator_is_told_on_their_home_page_and_caseload(signed_in, make_contract, make_user, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    made = _refer_through_the_api(app, make_user("custody_officer"))
    assert made["status"] == "ineligible" and made["eligibility"]["reasons"] == ["live_contract"]
    [alert_id] = _alert_ids(app, contract_id)
    alerts = client.get_page("/").select(".app-alerts li")
    assert len(alerts) == 1
    assert alerts[0].a["href"] == f"/contracts/{contract_id}#alert-{alert_id}"
    said = alerts[0].get_text()
    assert "Chloé O'Sullivan-Nkemelu" in said and "referred to Checkpoint" in said
    [row] = client.get_page("/contracts").select("tbody tr")
    assert row.select_one(".app-alert-tag").get_text(" ", strip=True).startswith("New referral")


def test_the_contract_page_offers_a_breach_already_filled_in_for_reoffending(signed_in, make_contract,
                                                                            stored_referral, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    new_referral = stored_referral()
    url = f"/contracts/{contract_id}"
    banner = client.get_page(url).select_one(".govuk-notification-banner.app-alert")
    assert banner.select_one(".govuk-notification-banner__title").get_text(strip=True) == "New referral"
    with app.app_context():
        reference = db.session.get(CheckpointReferral, new_referral.id).reference
    assert reference in banner.get_text()
    breach = banner.find("a", string=lambda s: s and "Record a breach" in s)
    assert breach["href"] == f"{url}?breach=reoffended#outcome"
    form = client.get_page(breach["href"]).select_one("form[action$='/outcome']")
    assert form.select_one("input[name=outcome][value=breached]").has_attr("checked")
    # Why is asked on the next page (issue 10, item 7), with reoffending already chosen there.
    carried = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]") if i["name"] != "csrf_token"}
    today = clock.today()
    reason_page = client.post_page(f"{url}/outcome", {**carried, "outcome": "breached", "outcome_date-day": str(today.day),
                                                      "outcome_date-month": str(today.month),
                                                      "outcome_date-year": str(today.year)}, form_page=url)
    chosen = reason_page.select_one("input[name=breach_reason][checked]")
    label = reason_page.select_one(f"label[for='{chosen['id']}']").get_text(strip=True)
    assert label == "Reoffended during the contract"


def test_saying_it_is_not_a_breach_with_a_reason_clears_the_alert(signed_in, make_contract, stored_referral,
                                                                   app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    stored_referral()
    [alert_id] = _alert_ids(app, contract_id)
    url = f"/contracts/{contract_id}"
    dismiss = f"{url}/alerts/{alert_id}/dismiss"
    reason = "The offence was before the contract started"
    response = client.post_form(dismiss, {f"alert-{alert_id}-reason": reason,
                                          "version": _version(client.get_page(url), dismiss)}, form_page=url)
    assert response.status_code == 302
    assert client.get_page(url).select(".app-alert") == []
    assert client.get_page("/").select(".app-alerts li") == []
    assert client.get_page("/contracts").select(".app-alert-tag") == []


def _past_its_deadline_with_every_condition_met(app, make_contract, navigator) -> int:
    today = clock.today()
    contract_id = make_contract(navigator=navigator, referral_overrides={
        "referral_date": (today - timedelta(days=200)).isoformat(),
        "offence.offence_date": (today - timedelta(days=201)).isoformat()},
        start_date=(today - timedelta(days=190)).isoformat())
    with app.app_context():
        record = db.session.get(Contract, contract_id)
        work = next(c for c in record.conditions if c.type == "community")
        contracts.record_progress(record, work.id, {"hours": 24, "note": "All done"},
                                  actor=record.navigator)
        for condition in [c for c in record.conditions if c.type != "offending"]:
            contracts.set_condition_status(record, condition.id, {"status": "met", "version": record.version},
                                           actor=record.navigator)
        db.session.commit()
    return contract_id


def test_a_contract_is_not_completed_while_a_new_referral_is_undecided(signed_in, make_contract,
                                                                       stored_referral, app):
    client, navigator = signed_in("navigator")
    contract_id = _past_its_deadline_with_every_condition_met(app, make_contract, navigator)
    stored_referral()
    url = f"/contracts/{contract_id}"
    form = {"outcome": "completed", **_today_fields("outcome_date"),
            "version": _version(client.get_page(url), "/outcome")}
    page = _parsed(client.post_form(f"{url}/outcome", form, form_page=url))
    assert "There is a new referral for this person" in page.select_one("#outcome_conflict").get_text()
    assert _contract(app, contract_id).status == "active"


def test_another_navigator_is_told_nothing_about_someone_elses_contract(signed_in, make_contract,
                                                                        stored_referral, make_user, app):
    contract_id = make_contract(navigator=make_user("navigator"))
    stored_referral()
    assert _alert_ids(app, contract_id)  # there is an alert, for its own navigator
    client, _ = signed_in("navigator")
    assert client.get_page("/").select(".app-alerts") == []
    assert client.get_page("/contracts").select("tbody tr") == []
    client.get_page(f"/contracts/{contract_id}", expected_status=404)


# --- Need to know on lists and pages ------------------------------------------------------------------------

def test_a_second_navigator_sees_only_referrals_awaiting_a_navigator(signed_in, make_contract, make_referral,
                                                                   make_user, app):
    contracted = _contract(app, make_contract(navigator=make_user("navigator"))).referral_id
    ineligible = make_referral(**{"offence.category": "robbery"})
    waiting = make_referral(**{"person.given_name": "Amara"})
    client, _ = signed_in("navigator")
    queued = [a["href"] for a in client.get_page("/queue").select("tbody td:first-child a")]
    assert queued == [f"/referrals/{waiting}"]
    client.get_page(f"/referrals/{contracted}", expected_status=404)
    client.get_page(f"/referrals/{ineligible}", expected_status=404)


def test_navigators_do_not_read_divert_referrals(signed_in, make_user, app):
    with app.app_context():
        from diversion.services import divert

        referral_id = divert.create(factories.divert_payload(),
                                    actor=db.session.get(User, make_user("custody_officer").id)).id
        db.session.commit()
    client, _ = signed_in("navigator")
    client.get_page(f"/divert/referrals/{referral_id}", expected_status=404)
    client.get_page("/divert/worklist", expected_status=403)


def test_a_navigators_person_page_shows_only_what_they_may_read(signed_in, make_contract, make_user,
                                                                 stored_referral, app):
    client, navigator = signed_in("navigator")
    contract = _contract(app, make_contract(navigator=navigator))
    later = stored_referral()  # during the contract: ineligible, not the navigator's to read
    with app.app_context():
        from diversion.services import divert

        officer = db.session.get(User, make_user("custody_officer").id)
        divert.create(factories.divert_payload(**CHLOE), actor=officer)
        db.session.commit()
    page = client.get_page(f"/people/{contract.person_id}")
    readable = [a["href"] for a in page.select("table a[href^='/referrals/']")]
    assert readable == [f"/referrals/{contract.referral_id}"]
    assert "DIVERT" not in [h.get_text(strip=True) for h in page.select("h2")]
    manager = app.test_client()
    manager.sign_in_as(make_user("manager"))
    seen = manager.get_page(f"/people/{contract.person_id}")  # the history is there for those who may read it
    assert {a["href"] for a in seen.select("table a[href^='/referrals/']")} == {
        f"/referrals/{contract.referral_id}", f"/referrals/{later.id}"}
    assert len(seen.select("table a[href^='/divert/referrals/']")) == 1


# --- Finding a person ---------------------------------------------------------------------------------------

def _names_found(client, q: str) -> list[str]:
    page = client.get_page("/people", query_string={"q": q})
    return [a.get_text(strip=True) for a in page.select("tbody td a")]


def test_search_finds_a_person_by_their_name_in_any_order_without_accents_by_pnc_id_or_by_reference(
        signed_in, stored_referral, app):
    known = stored_referral(**KNOWN)
    stored_referral()  # somebody else
    with app.app_context():
        reference = db.session.get(CheckpointReferral, known.id).reference
    client, _ = signed_in("manager")
    for q in ("wisniewski lukasz", "WIŚNIEWSKI", "2008/0012345Q", reference):
        assert _names_found(client, q) == ["Łukasz Wiśniewski"], q


def test_a_navigators_search_lists_only_people_in_their_work(signed_in, stored_referral):
    stored_referral(**KNOWN, **{"offence.category": "robbery"})  # ineligible: no navigator's business
    stored_referral()  # awaiting a navigator: any navigator may take it
    client, _ = signed_in("navigator")
    assert _names_found(client, "wisniewski") == []
    assert "Nobody you can see matches" in client.get_page("/people?q=wisniewski").get_text()
    assert _names_found(client, "chloe") == ["Chloé O'Sullivan-Nkemelu"]


# --- Contact details ----------------------------------------------------------------------------------------

def _with_contact(app, make_contract, navigator) -> int:
    contact = {"person.phone": "07700 900123", "person.postcode": "DH1 3HP"}
    contract_id = make_contract(navigator=navigator, referral_overrides=contact)
    return _contract(app, contract_id).person_id


def _contact_form(client, person_id, **changes) -> dict:
    page = client.get_page(f"/people/{person_id}/contact")
    form = {name: page.select_one(f"#{name}").get("value") or page.select_one(f"#{name}").get_text()
            for name in ("phone", "email", "postcode", "address")}
    form["version"] = page.select_one("input[name=version]")["value"]
    return {**form, **changes}


def _contact_rows(page) -> dict[str, str]:
    rows = page.select_one("#contact").find_next("dl").select(".govuk-summary-list__row")
    return {r.select_one("dt").get_text(strip=True): r.select_one("dd").get_text(strip=True) for r in rows}


def test_the_navigator_holding_the_contract_changes_contact_details_and_the_old_ones_are_kept(
        signed_in, make_contract, app):
    client, navigator = signed_in("navigator")
    person_id = _with_contact(app, make_contract, navigator)
    url = f"/people/{person_id}/contact"
    changed = _contact_form(client, person_id, phone="07700 900999", postcode="sr1 1aa")
    response = client.post_form(url, changed)
    assert response.status_code == 302 and response.location == f"/people/{person_id}#contact"
    page = client.get_page(f"/people/{person_id}")
    rows = _contact_rows(page)
    assert (rows["Phone number"], rows["Postcode"]) == ("07700 900999", "SR1 1AA")
    earlier = page.select_one("details.govuk-details")
    assert earlier.summary.get_text(strip=True) == "Earlier contact details"
    over_time = [[td.get_text(strip=True) for td in row.select("td")][2:5]  # phone, email, postcode
                 for row in earlier.select("tbody tr")]
    assert over_time == [["07700 900999", "–", "SR1 1AA"], ["07700 900123", "–", "DH1 3HP"]]  # newest first


def test_a_stale_contact_form_shows_a_conflict_and_changes_nothing(signed_in, make_contract, app):
    client, navigator = signed_in("navigator")
    person_id = _with_contact(app, make_contract, navigator)
    url = f"/people/{person_id}/contact"
    read = _contact_form(client, person_id)
    assert client.post_form(url, {**read, "phone": "07700 900111"}).status_code == 302
    page = _parsed(client.post_form(url, {**read, "phone": "07700 900222"}))  # the version read earlier
    assert "Someone else changed" in page.select_one(".govuk-error-summary").get_text()
    assert page.select_one("#phone")["value"] == "07700 900222"  # what was typed is kept
    assert _contact_rows(client.get_page(f"/people/{person_id}"))["Phone number"] == "07700 900111"


def test_a_nul_character_or_an_overlong_address_is_a_form_error_not_a_server_error(signed_in, make_contract,
                                                                                   app):
    client, navigator = signed_in("navigator")
    person_id = _with_contact(app, make_contract, navigator)
    url = f"/people/{person_id}/contact"
    bad = (("phone", "07700\x00900999"), ("address", "1 High Street\x00"), ("address", "x" * 600))
    for field, value in bad:
        response = client.post_form(url, _contact_form(client, person_id, **{field: value}))
        assert response.status_code == 422, (field, response.status_code)
        assert [a["href"] for a in _parsed(response).select(".govuk-error-summary a")] == [f"#{field}"]
    assert _contact_rows(client.get_page(f"/people/{person_id}"))["Phone number"] == "07700 900123"


def test_another_navigator_cannot_open_someones_contact_details(signed_in, make_contract, make_user, app):
    person_id = _with_contact(app, make_contract, make_user("navigator"))
    client, _ = signed_in("navigator")
    client.get_page(f"/people/{person_id}/contact", expected_status=404)
    client.get_page(f"/people/{person_id}", expected_status=404)


# --- Merging two records of one person ----------------------------------------------------------------------

def test_an_admin_merges_two_records_of_one_person_with_a_reason(signed_in, stored_referral, app):
    kept = stored_referral(**KNOWN)
    other = stored_referral(**{"person.given_name": "Lukas", "person.family_name": "Wisniewski",
                               "person.date_of_birth": "1990-05-17"})
    assert other.person_id != kept.person_id
    client, _ = signed_in("admin")
    url = f"/people/{kept.person_id}/merge?other={other.person_id}"
    page = client.get_page(url)
    columns = [[dd.get_text(strip=True) for dd in dl.select("dd")][:3]
               for dl in page.select("dl.govuk-summary-list")]
    assert columns == [["Łukasz Wiśniewski", "17 May 1990", "2008/0012345Q"],
                       ["Lukas Wisniewski", "17 May 1990", "Not recorded"]]

    versions = {name: page.select_one(f"input[name={name}]")["value"]
                for name in ("version", "other_version")}
    refused = client.post_form(url, {"reason": "", **versions})
    assert refused.status_code == 422
    assert [a["href"] for a in _parsed(refused).select(".govuk-error-summary a")] == ["#reason"]
    with app.app_context():
        assert db.session.get(Person, other.person_id).merged_into_id is None

    response = client.post_form(url, {"reason": "Same custody photograph and PNC record", **versions})
    assert response.status_code == 302 and response.location == f"/people/{kept.person_id}"
    history = client.get_page(f"/people/{kept.person_id}")
    assert {a["href"] for a in history.select("table a[href^='/referrals/']")} == {
        f"/referrals/{kept.id}", f"/referrals/{other.id}"}
    moved = client.get(f"/people/{other.person_id}")
    assert moved.status_code == 302 and moved.location == f"/people/{kept.person_id}"
    assert _names_found(client, "wisniewski") == ["Łukasz Wiśniewski"]
