"""The breach evidence pack pages: the navigator chooses notes (none by default), checks the whole pack, confirms
it is an accurate account and signs; the signed pack is fixed, printable and downloadable; others get 404."""
from __future__ import annotations

from sqlalchemy import select

from diversion.extensions import db
from diversion.models import AuditEvent, BreachPack, Person
from tests.breach_pack_world import SECRET_NOTE, breached_contract


def _navigator(client, make_user, app, world):
    from diversion.models import User

    with app.app_context():
        user = db.session.get(User, world.navigator_id)
        db.session.expunge(user)
    client.sign_in_as(user)
    return user


def _url(world, suffix=""):
    return f"/contracts/{world.contract_id}/breach-pack{suffix}"


def test_the_contract_page_links_a_breached_contract_to_its_pack(app, client, make_user):
    world = breached_contract(app)
    _navigator(client, make_user, app, world)
    page = client.get_page(f"/contracts/{world.contract_id}")
    assert page.select_one("#breach-pack")["href"] == _url(world)


def test_no_note_is_chosen_at_first_and_the_disclosure_is_to_the_officer_and_cps(app, client, make_user):
    world = breached_contract(app)
    _navigator(client, make_user, app, world)
    page = client.get_page(_url(world))
    assert page.h1.get_text(strip=True) == "Prepare the breach evidence pack"
    boxes = page.select("input[name=note_ids]")
    assert len(boxes) == 3 and not any(box.has_attr("checked") for box in boxes)
    assert page.select_one("#disclosed_to")["value"] == "Officer in the case and CPS"


def test_check_then_confirm_signs_the_pack_with_the_chosen_notes_only(app, client, make_user):
    world = breached_contract(app)
    navigator = _navigator(client, make_user, app, world)
    check = client.post_page(_url(world), {"note_ids": [str(world.missed_note_id)],
                                           "disclosed_to": "Officer in the case and CPS", "version": "0"},
                             form_page=_url(world))
    assert check.h1.get_text(strip=True) == "Check the breach evidence pack before you sign it"
    assert "Did not come to the hub" in check.get_text() and SECRET_NOTE not in check.get_text()
    with app.app_context():
        assert db.session.scalar(select(BreachPack.id)) is None  # nothing signed by the check
    hidden = {i["name"]: i.get("value") for i in check.select("form input[type=hidden]") if i["name"] != "csrf_token"}
    signed = client.post_form(_url(world), {**hidden, "accurate": "yes"}, form_page=_url(world))
    assert signed.status_code == 302 and signed.location.endswith(_url(world))
    page = client.get_page(_url(world))
    assert page.h1.get_text(strip=True) == "Breach evidence pack"
    sign_off = page.select_one("#pack-sign-off").get_text(" ", strip=True)
    assert "I confirm this is an accurate account" in sign_off and navigator.name in sign_off
    assert "Did not come to the hub" in page.get_text() and SECRET_NOTE not in page.get_text()
    assert page.select_one("#pack-reason").get_text(strip=True) == "Failed a condition"
    assert "Attended 1, missed 1" in page.select_one("#pack-appointment-counts").get_text()


def test_signing_needs_the_confirmation_ticked(app, client, make_user):
    world = breached_contract(app)
    _navigator(client, make_user, app, world)
    page = client.post_page(_url(world), {"disclosed_to": "CPS", "version": "0", "confirm": "yes"},
                            form_page=_url(world), expected_status=422)
    assert page.select_one(".govuk-error-summary a")["href"] == "#accurate"
    with app.app_context():
        assert db.session.scalar(select(BreachPack.id)) is None


def test_a_missing_disclosure_is_a_form_error(app, client, make_user):
    world = breached_contract(app)
    _navigator(client, make_user, app, world)
    page = client.post_page(_url(world), {"disclosed_to": "", "version": "0"}, form_page=_url(world),
                            expected_status=422)
    assert page.select_one(".govuk-error-summary a")["href"] == "#disclosed_to"


def _sign(client, world):
    client.post_form(_url(world), {"disclosed_to": "CPS", "version": "0", "confirm": "yes", "accurate": "yes"},
                     form_page=_url(world), expected_status=302)


def test_the_signed_pack_shows_what_was_signed_after_the_record_changes(app, client, make_user):
    world = breached_contract(app)
    _navigator(client, make_user, app, world)
    _sign(client, world)
    with app.app_context():
        db.session.get(Person, world.person_id).family_name = "Renamed"
        db.session.commit()
    page = client.get_page(_url(world))
    assert "O'Sullivan-Nkemelu" in page.get_text() and "Renamed" not in page.select_one(".app-pack-facts").get_text()


def test_a_second_signing_from_a_stale_reading_is_already_signed(app, client, make_user):
    world = breached_contract(app)
    _navigator(client, make_user, app, world)
    _sign(client, world)
    page = client.post_page(_url(world), {"disclosed_to": "CPS", "version": "0", "confirm": "yes", "accurate": "yes"},
                            form_page=_url(world, "?new=1"), expected_status=409)
    assert "already been signed" in page.select_one("#conflict").get_text()
    with app.app_context():
        assert db.session.scalar(select(BreachPack.version).order_by(BreachPack.version.desc())) == 1


def test_the_download_is_a_standalone_page_and_is_audited(app, client, make_user):
    world = breached_contract(app)
    _navigator(client, make_user, app, world)
    _sign(client, world)
    response = client.get(_url(world, "/download"))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment; filename=\"breach-pack-CP-")
    body = response.get_data(as_text=True)
    assert body.startswith("<!DOCTYPE html>") and "<style>" in body and "I confirm this is an accurate account" in body
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contract.breach_pack.download"))
        assert event.person_id == world.person_id


def test_the_printed_page_hides_the_controls(app, client, make_user):
    world = breached_contract(app)
    _navigator(client, make_user, app, world)
    _sign(client, world)
    page = client.get_page(_url(world))
    assert page.select_one("#download").find_parent(class_="app-no-print") is not None
    assert page.select_one("link[media=print]") is not None


def test_a_contract_that_is_not_breached_says_there_is_no_pack(app, client, make_user):
    world = breached_contract(app, breach=False)
    _navigator(client, make_user, app, world)
    page = client.get_page(_url(world))
    assert "not breached" in page.select_one("#not-breached").get_text()


def test_another_navigator_and_the_referring_officer_get_404_or_403(app, client, make_user):
    world = breached_contract(app)
    client.sign_in_as(make_user("navigator"))
    assert client.get(_url(world)).status_code == 404
    assert client.get(_url(world, "/download")).status_code == 404
    assert client.post_form(_url(world), {"disclosed_to": "CPS", "version": "0"}, form_page="/").status_code == 404
    officer = app.test_client()
    officer.sign_in_as(make_user("custody_officer"))
    assert officer.get(_url(world)).status_code == 403


def test_a_manager_may_sign(app, client, make_user):
    world = breached_contract(app)
    client.sign_in_as(make_user("manager"))
    _sign(client, world)
    with app.app_context():
        assert db.session.scalar(select(BreachPack.version)) == 1
