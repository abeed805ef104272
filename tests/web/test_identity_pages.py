"""One person, one record, on the officer's pages: before a Checkpoint or DIVERT referral is sent the officer
learns who it is about as far as the records say (a PNC clash, someone already known, or a question when the
name is only similar), and is shown a known person's name and date of birth only. Also the referral page's
decision and reference, and lists that sort by what they say."""
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from diversion import clock
from diversion.extensions import db
from diversion.models import AuditEvent, CheckpointReferral, DivertReferral, Person, User
from tests import factories
from tests.web.test_intake_support import (answer_every_page, date_fields, eligible_answers,  # noqa: F401
                                           start_draft, stored_referral)

# Someone already known: stored with accents, a PNC ID and a postcode the officer must never be shown.
KNOWN = {"person.given_name": "Łukasz", "person.family_name": "Wiśniewski",
         "person.date_of_birth": "1990-05-17", "person.pnc_id": "2008/0012345Q", "person.postcode": "SR1 1AA"}
SECRETS = ("Łukasz", "Wiśniewski", "17 May 1990", "1990", "SR1 1AA")


def _typed(given: str, family: str = "wisniewski", born: date = date(1990, 5, 17), pnc: str = "") -> dict:
    """What the officer types on the person page of the Checkpoint journey."""
    return {"person-given_name": given, "person-family_name": family, "person-pnc_id": pnc,
            "person-postcode": "", **date_fields("person-date_of_birth", born)}


def _draft_at_check(client, person: dict) -> int:
    draft_id = start_draft(client)
    answer_every_page(client, draft_id, eligible_answers(person=person))
    return draft_id


def _counts(app) -> tuple[int, int, int]:
    """(people, Checkpoint referrals, DIVERT referrals)"""
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (Person, CheckpointReferral, DivertReferral))


def _last_referral(app, model=CheckpointReferral):
    with app.app_context():
        record = db.session.scalars(select(model).order_by(model.id.desc())).first()
        return record.id, record.person_id, dict(record.person_as_recorded)


def _parsed(response) -> BeautifulSoup:
    assert response.status_code < 500, response.status_code
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _error_links(page) -> list[str]:
    return [a["href"] for a in page.select(".govuk-error-summary a")]


def _identity_radios(page) -> dict[str, str]:
    """value → label of each answer to "Is this one of these people already known?"."""
    return {radio["value"]: page.select_one(f"label[for='{radio['id']}']").get_text(" ", strip=True)
            for radio in page.select("input[type=radio][name=identity]")}


def _audit(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                       .order_by(AuditEvent.id)))


# --- Checkpoint: the check answers page ---------------------------------------------------------------------

def test_a_pnc_id_held_by_someone_else_is_stopped_without_saying_who_holds_it(signed_in, stored_referral,
                                                                             app):
    stored_referral(**KNOWN)
    client, _ = signed_in("custody_officer")
    draft_id = _draft_at_check(client, _typed("John", "Smith", date(1980, 1, 1), pnc="2008/0012345Q"))
    check = client.get_page(f"/referrals/new/{draft_id}/check")
    assert "recorded for someone with a different name or date of birth" in \
        check.select_one(".govuk-warning-text").get_text()
    before = _counts(app)
    response = client.post_form(f"/referrals/new/{draft_id}/check")
    assert response.status_code == 409
    page = _parsed(response)
    assert _error_links(page) == [f"/referrals/new/{draft_id}/person#person-pnc_id"]
    assert _counts(app) == before
    for shown in (check, page):
        assert not any(secret in shown.get_text() for secret in SECRETS)


def test_someone_already_known_by_name_and_birthday_is_named_and_the_referral_joins_their_record(
        signed_in, stored_referral, app):
    known = stored_referral(**KNOWN)
    client, _ = signed_in("custody_officer")
    draft_id = _draft_at_check(client, _typed("lukasz", "WIS-NIEWSKI"))
    check = client.get_page(f"/referrals/new/{draft_id}/check")
    notice = check.select_one(".govuk-inset-text").get_text(" ", strip=True)
    assert "already known" in notice and "Łukasz Wiśniewski" in notice and "17 May 1990" in notice
    assert "2008/0012345Q" not in notice and "SR1 1AA" not in notice
    response = client.post_form(f"/referrals/new/{draft_id}/check")
    assert response.status_code == 302
    _, person_id, typed = _last_referral(app)
    assert person_id == known.person_id and typed["family_name"] == "WIS-NIEWSKI"


def test_a_similar_name_born_the_same_day_asks_which_person_showing_only_name_and_birthday(
        signed_in, stored_referral, app):
    known = stored_referral(**KNOWN)
    client, _ = signed_in("custody_officer")
    draft_id = _draft_at_check(client, _typed("Lukas"))
    page = client.get_page(f"/referrals/new/{draft_id}/check")
    question = page.select_one("form[action$='/check'] fieldset")
    assert question.legend.get_text(strip=True) == "Is this one of these people already known?"
    assert _identity_radios(page) == {f"person-{known.person_id}": "Łukasz Wiśniewski, born 17 May 1990",
                                      "new": "No, this is someone else"}
    assert "2008/0012345Q" not in page.get_text() and "CP-" not in question.get_text()
    assert "Theft" not in question.get_text()  # nothing of their history


def test_sending_without_answering_who_it_is_asks_again_and_saves_nothing(signed_in, stored_referral, app):
    stored_referral(**KNOWN)
    client, _ = signed_in("custody_officer")
    draft_id = _draft_at_check(client, _typed("Lukas"))
    before = _counts(app)
    page = client.post_page(f"/referrals/new/{draft_id}/check", expected_status=422)
    assert _error_links(page) == ["#identity"]
    assert page.select_one("#identity")["name"] == "identity"  # the link lands on the first answer
    assert page.select_one("#identity-error") is not None
    assert _counts(app) == before


def test_choosing_a_known_person_links_the_referral_to_them_and_keeps_what_was_typed(
        signed_in, stored_referral, app):
    known = stored_referral(**KNOWN)
    client, _ = signed_in("custody_officer")
    draft_id = _draft_at_check(client, _typed("Lukas"))
    response = client.post_form(f"/referrals/new/{draft_id}/check", {"identity": f"person-{known.person_id}"})
    assert response.status_code == 302
    referral_id, person_id, typed = _last_referral(app)
    assert person_id == known.person_id and typed["given_name"] == "Lukas"
    assert response.location == f"/referrals/{referral_id}"


def test_saying_it_is_someone_else_makes_a_new_record(signed_in, stored_referral, app):
    known = stored_referral(**KNOWN)
    client, _ = signed_in("custody_officer")
    draft_id = _draft_at_check(client, _typed("Lukas"))
    people_before = _counts(app)[0]
    response = client.post_form(f"/referrals/new/{draft_id}/check", {"identity": "new"})
    assert response.status_code == 302
    _, person_id, _ = _last_referral(app)
    assert person_id != known.person_id and _counts(app)[0] == people_before + 1


@pytest.mark.parametrize("answer, linked", [("person", "chosen"), ("new", "new_person")])
def test_who_was_shown_and_what_the_officer_chose_are_audited(signed_in, stored_referral, app, answer,
                                                               linked):
    known = stored_referral(**KNOWN)
    client, officer = signed_in("custody_officer")
    draft_id = _draft_at_check(client, _typed("Lukas"))
    client.get_page(f"/referrals/new/{draft_id}/check")
    shown = [e for e in _audit(app, "person.identity_check") if e.actor_id == officer.id]
    assert shown and shown[0].details["ids"] == [known.person_id]
    chosen = f"person-{known.person_id}" if answer == "person" else "new"
    client.post_form(f"/referrals/new/{draft_id}/check", {"identity": chosen})
    created = [e for e in _audit(app, "checkpoint_referral.create") if e.actor_id == officer.id]
    assert [e.details["identity"] for e in created] == [linked]


# --- DIVERT: the officer's one-page form --------------------------------------------------------------------

def _divert_form(**overrides) -> dict:
    today = clock.today()
    form = {"person-given_name": "lukasz", "person-family_name": "wisniewski",
            "person-date_of_birth-day": "17", "person-date_of_birth-month": "5",
            "person-date_of_birth-year": "1990", "substance": "cannabis",
            "suspected_supply": "no", "source": "street", "referral_date-day": str(today.day),
            "referral_date-month": str(today.month), "referral_date-year": str(today.year),
            "referring_officer": "PC 2231 Hughes"}
    form.update(overrides)
    return form


def _refer_to_divert(client, **overrides):
    response = client.post_form("/divert/referrals/new", _divert_form(**overrides))
    return response, _parsed(response)


def test_divert_stops_a_pnc_id_held_by_someone_else_without_saying_who(signed_in, stored_referral, app):
    stored_referral(**KNOWN)
    client, _ = signed_in("custody_officer")
    before = _counts(app)
    response, page = _refer_to_divert(client, **{"person-given_name": "John", "person-family_name": "Smith",
                                                 "person-date_of_birth-year": "1980",
                                                 "person-pnc_id": "2008/0012345Q"})
    assert response.status_code == 409
    assert _error_links(page) == ["#person-pnc_id"]
    assert page.select_one(".govuk-warning-text") is not None
    assert not any(secret in page.get_text() for secret in ("Łukasz", "Wiśniewski", "17 May 1990", "SR1 1AA"))
    assert _counts(app) == before


def test_divert_adds_someone_already_known_to_their_record(signed_in, stored_referral, app):
    known = stored_referral(**KNOWN)
    client, _ = signed_in("custody_officer")
    response, _ = _refer_to_divert(client)
    assert response.status_code == 302
    _, person_id, typed = _last_referral(app, DivertReferral)
    assert person_id == known.person_id and typed["given_name"] == "lukasz"


def test_divert_asks_who_a_similar_name_is_and_saves_nothing_until_answered(signed_in, stored_referral, app):
    known = stored_referral(**KNOWN)
    client, _ = signed_in("custody_officer")
    before = _counts(app)
    response, page = _refer_to_divert(client, **{"person-given_name": "Lukas"})
    assert response.status_code == 200 and _counts(app) == before  # asked: a new question, not yet an error
    assert _identity_radios(page) == {f"person-{known.person_id}": "Łukasz Wiśniewski, born 17 May 1990",
                                      "new": "No, this is someone else"}
    assert _error_links(page) == []
    assert "2008/0012345Q" not in page.get_text()
    assert page.select_one("#person-given_name")["value"] == "Lukas"  # what was typed is kept
    response, page = _refer_to_divert(client, **{"person-given_name": "Lukas", "identity_asked": "1"})
    assert response.status_code == 422 and _counts(app) == before  # sent again without an answer
    assert _error_links(page)[:1] == ["#identity"]


def test_divert_links_the_chosen_person_or_makes_a_new_one(signed_in, stored_referral, app):
    known = stored_referral(**KNOWN)
    client, _ = signed_in("custody_officer")
    chosen = {"person-given_name": "Lukas", "identity": f"person-{known.person_id}"}
    response, _ = _refer_to_divert(client, **chosen)
    assert response.status_code == 302
    _, person_id, typed = _last_referral(app, DivertReferral)
    assert person_id == known.person_id and typed["given_name"] == "Lukas"
    response, _ = _refer_to_divert(client, **{"person-given_name": "Lucas", "identity": "new"})
    assert response.status_code == 302
    assert _last_referral(app, DivertReferral)[1] not in (known.person_id, None)


def test_someone_who_never_engaged_with_divert_is_not_offered_it_again_even_without_a_pnc_id(signed_in, app,
                                                                                            make_user):
    with app.app_context():
        from diversion.services import divert

        officer = db.session.get(User, make_user("custody_officer").id)
        first = divert.create(factories.divert_payload(), actor=officer)
        divert.record_event(first, {"event": "declined", "date": clock.today().isoformat()}, actor=officer)
        db.session.commit()
    client, _ = signed_in("custody_officer")
    response, page = _refer_to_divert(client, **{
        "person-given_name": "Kai", "person-family_name": "Brennan", "person-date_of_birth-day": "4",
        "person-date_of_birth-month": "7", "person-date_of_birth-year": "2002"})
    assert response.status_code == 409
    summary = page.select_one(".govuk-error-summary").get_text()
    assert "did not engage with an earlier DIVERT referral" in summary
    assert _counts(app)[2] == 1


def _born_years_ago(years: int) -> dict:
    today = clock.today()
    born = today.replace(year=today.year - years) - timedelta(days=1)  # a day past the birthday
    return {"person-date_of_birth-day": str(born.day), "person-date_of_birth-month": str(born.month),
            "person-date_of_birth-year": str(born.year)}


def test_a_child_is_not_referred_to_divert(signed_in, app):
    client, _ = signed_in("custody_officer")
    response, page = _refer_to_divert(client, **{"person-given_name": "Alfie"}, **_born_years_ago(4))
    assert response.status_code == 422
    assert _error_links(page) == ["#person-date_of_birth-day"]
    assert "aged 18 or over" in page.select_one("#person-date_of_birth-error").get_text()
    assert _counts(app)[2] == 0


def test_an_admin_may_lower_the_divert_age_but_never_below_ten(signed_in, app, make_user):
    officer = app.test_client()
    officer.sign_in_as(make_user("custody_officer"))
    seventeen = {"person-given_name": "Alfie", **_born_years_ago(17)}
    assert _refer_to_divert(officer, **seventeen)[0].status_code == 422  # 18 until an admin says otherwise
    admin, _ = signed_in("admin")
    url = "/admin/reference/policies/divert_minimum_age"
    version = admin.get_page(url).select_one("input[name=version]")["value"]
    assert admin.post_form(url, {"value": "16", "version": version}).status_code == 302
    assert _refer_to_divert(officer, **seventeen)[0].status_code == 302
    version = admin.get_page(url).select_one("input[name=version]")["value"]
    page = admin.post_page(url, {"value": "9", "version": version}, expected_status=422)
    assert _error_links(page) == ["#value"] and page.select_one("#value-error") is not None
    assert "It is now 16" in admin.get_page(url).select_one("#value-hint").get_text()


def test_the_confirmation_shows_the_reference_in_bold_not_as_markup(signed_in, app):
    client, _ = signed_in("custody_officer")
    response, _ = _refer_to_divert(client)
    panel = client.get_page(response.location).select_one(".govuk-panel__body")
    reference = panel.select_one("strong").get_text(strip=True)
    assert re.fullmatch(rf"DV-{clock.today().year}-\d{{5}}", reference)
    assert "<br>" not in panel.get_text() and "<strong>" not in panel.get_text()
    assert panel.get_text(" ", strip=True) == f"Reference for lukasz wisniewski {reference}"


# --- The referral page --------------------------------------------------------------------------------------

def _summary(page) -> dict[str, str]:
    return {row.select_one(".govuk-summary-list__key").get_text(strip=True):
            row.select_one(".govuk-summary-list__value").get_text(" ", strip=True)
            for row in page.select(".govuk-summary-list__row")}


def test_an_approved_referral_says_a_manager_approved_it(signed_in, stored_referral):
    referral = stored_referral(**{"offence.category": "burglary_residential"})
    client, _ = signed_in("manager")
    url = f"/referrals/{referral.id}"
    response = client.post_form(f"{url}/approve", {"reason": "Standard risk; the victim agrees",
                                                   "version": str(referral.version)}, form_page=url)
    assert response.status_code == 302
    rows = _summary(client.get_page(url))
    assert rows["Decision"] == "Approved by a manager"
    assert rows["Reason"] == "Standard risk; the victim agrees"


def test_the_referral_page_shows_its_reference_and_the_person_as_the_officer_typed_them(signed_in,
                                                                                       stored_referral):
    stored_referral(**KNOWN)
    client, officer = signed_in("custody_officer")
    referral = stored_referral(officer, **{"person.given_name": "lukasz", "person.family_name": "WISNIEWSKI",
                                           "person.date_of_birth": "1990-05-17"})
    page = client.get_page(f"/referrals/{referral.id}")
    rows = _summary(page)
    assert re.fullmatch(rf"CP-{clock.today().year}-\d{{5}}", rows["Reference"])
    assert rows["Reference"] in page.select_one(".govuk-caption-l").get_text()
    assert rows["Name"] == "lukasz WISNIEWSKI" and rows["PNC ID"] == "Not given"
    assert "Łukasz" not in page.get_text() and "SR1 1AA" not in page.get_text()


# --- Lists sort by what they say ----------------------------------------------------------------------------

def _referral_dated(days_ago: int, **overrides) -> dict:
    today = clock.today()
    late = {"late_entry_reason": "The custody record was entered late"} if days_ago > 7 else {}
    return {"referral_date": (today - timedelta(days=days_ago)).isoformat(),
            "offence.offence_date": (today - timedelta(days=days_ago + 1)).isoformat(), **late, **overrides}


def test_the_queue_shows_the_oldest_referral_date_first(signed_in, make_referral):
    today_one = make_referral(**_referral_dated(0))
    oldest = make_referral(**_referral_dated(20))
    middle = make_referral(**_referral_dated(5))
    client, _ = signed_in("navigator")
    page = client.get_page("/queue")
    assert [a["href"] for a in page.select("tbody td:first-child a")] == [
        f"/referrals/{oldest}", f"/referrals/{middle}", f"/referrals/{today_one}"]


def test_approvals_show_the_longest_waiting_first(signed_in, make_referral):
    morning = datetime.combine(clock.today(), datetime.min.time(), tzinfo=UTC) + timedelta(hours=8)
    made = {}
    for name, hours in (("noon", 4), ("early", 0), ("afternoon", 6)):  # recorded out of id order
        clock.freeze(morning + timedelta(hours=hours))
        made[name] = make_referral(**{"offence.category": "burglary_residential"})
    clock.freeze(None)
    client, _ = signed_in("manager")
    page = client.get_page("/approvals")
    assert "waiting longest first" in page.select_one("caption").get_text()
    assert [a["href"] for a in page.select("tbody a")] == [
        f"/referrals/{made['early']}", f"/referrals/{made['noon']}", f"/referrals/{made['afternoon']}"]


def test_every_referral_in_a_long_queue_can_be_reached_with_next(signed_in, make_user, app):
    officer = make_user("custody_officer")
    with app.app_context():
        actor = db.session.get(User, officer.id)
        made = {factories.referral(actor, **_referral_dated(i % 7)).id for i in range(30)}
        db.session.commit()
    client, _ = signed_in("navigator")
    seen, url, pages = [], "/queue", 0
    while url:
        page = client.get_page(url)
        seen += [a["href"] for a in page.select("tbody td:first-child a")]
        following = page.select_one(".govuk-pagination__next a")
        url, pages = (following["href"] if following else None), pages + 1
    assert pages == 2 and len(seen) == 30
    assert set(seen) == {f"/referrals/{i}" for i in made}


# --- Home page ----------------------------------------------------------------------------------------------

def test_the_managers_home_page_links_to_the_reports_and_promises_nothing_missing(signed_in):
    client, _ = signed_in("manager")
    page = client.get_page("/")
    assert "not available yet" not in page.get_text()
    assert page.select_one(".app-task-links a[href='/reports/']") is not None
