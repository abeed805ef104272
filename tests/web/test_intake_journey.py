"""The custody officer's Checkpoint referral journey: one topic per page, check answers, submit."""
from datetime import timedelta

from sqlalchemy import func, select

from diversion import clock
from diversion.extensions import db
from diversion.models import CheckpointReferral, ReferralDraft
from diversion.services import drafts
from tests.web.test_intake_support import (answer_every_page, date_fields, eligible_answers,  # noqa: F401
                                           start_draft)


def _referral_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(CheckpointReferral))


def _draft_data(app, draft_id) -> dict | None:
    with app.app_context():
        draft = db.session.get(ReferralDraft, draft_id)
        return None if draft is None else dict(draft.data)


def test_the_start_page_explains_what_is_needed_and_starts_a_draft(signed_in):
    client, _ = signed_in("custody_officer")
    page = client.get_page("/referrals/new")
    assert page.h1.get_text(strip=True) == "Refer someone to Checkpoint"
    assert page.select_one("form[action='/referrals/new'] button").get_text(strip=True) == "Start referral"
    draft_id = start_draft(client)
    person = client.get_page(f"/referrals/new/{draft_id}/person")
    assert person.h1.get_text(strip=True) == "Person’s details"
    assert len(person.find_all("h1")) == 1
    assert person.select_one("label[for=person-given_name]") is not None


def test_the_whole_journey_creates_an_eligible_referral(signed_in, app):
    client, officer = signed_in("custody_officer")
    draft_id = start_draft(client)
    assert answer_every_page(client, draft_id, eligible_answers()) == f"/referrals/new/{draft_id}/check"

    check = client.get_page(f"/referrals/new/{draft_id}/check")
    assert check.h1.get_text(strip=True) == "Check your answers before sending the referral"
    answers = {row.select_one(".govuk-summary-list__key").get_text(strip=True):
               row.select_one(".govuk-summary-list__value").get_text(strip=True)
               for row in check.select(".govuk-summary-list__row")}
    assert answers["First name"] == "Chloé"
    assert answers["Date of birth"] == "12 March 1994"
    assert answers["Offence category"] == "Theft (including shoplifting)"
    assert answers["Ethnic group"] == "Mixed or multiple: White and Black African"
    assert answers["What they said in interview"] == "Admitted the offence"
    assert answers["Victim wants a restorative approach"] == "Yes"

    response = client.post_form(f"/referrals/new/{draft_id}/check")
    assert response.status_code == 302
    result = client.get_page(response.location)
    assert result.h1.get_text(strip=True) == "Eligible for Checkpoint"
    assert "Awaiting a navigator" in result.select_one("#status").get_text()
    with app.app_context():
        referral = db.session.scalars(select(CheckpointReferral)).one()
        assert (referral.status, referral.created_by_id) == ("awaiting_navigator", officer.id)
        assert referral.person.postcode == "DH1 3HP" and referral.victim_wishes_restorative is True
        assert referral.referral_date == clock.today() and referral.previous_convictions == 1
    assert _draft_data(app, draft_id) == {}  # what was typed leaves the draft once the referral is made
    again = client.post_form(f"/referrals/new/{draft_id}/check", form_page=f"/referrals/{referral.id}")
    assert again.status_code == 302 and again.location == f"/referrals/{referral.id}"  # sent twice: one referral
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CheckpointReferral)) == 1


def test_each_page_goes_to_the_next_and_answers_are_shown_again(signed_in):
    client, _ = signed_in("custody_officer")
    draft_id = start_draft(client)
    answers = eligible_answers()
    response = client.post_form(f"/referrals/new/{draft_id}/person", answers["person"])
    assert response.location == f"/referrals/new/{draft_id}/offence"
    page = client.get_page(f"/referrals/new/{draft_id}/person")
    assert page.select_one("#person-given_name")["value"] == "Chloé"
    assert page.select_one("#person-date_of_birth-day")["value"] == "12"
    assert page.select_one("input[name=person-gender][value=female]").has_attr("checked")
    assert page.select_one("#person-ethnicity option[selected]")["value"] == "mixed_white_black_african"


def test_the_referral_date_defaults_to_today(signed_in):
    client, _ = signed_in("custody_officer")
    draft_id = start_draft(client)
    page = client.get_page(f"/referrals/new/{draft_id}/offence")
    today = clock.today()
    assert page.select_one("#referral_date-day")["value"] == str(today.day)
    assert page.select_one("input[name=referral_date-year]")["value"] == str(today.year)
    assert page.select_one("#offence-category option[value=theft]") is not None


def _errors(page) -> dict[str, str]:
    """Error summary links → their text, and each must point at a field with an inline error."""
    links = {a["href"]: a.get_text(strip=True) for a in page.select(".govuk-error-summary a")}
    for href in links:
        assert page.select_one(href) is not None, href  # the link goes to a field on the page
        field = href.removesuffix("-day")  # a date links to its Day box; its error is the group's
        assert page.select_one(f"{field}-error") is not None, href
    return {href.removesuffix("-day"): text for href, text in links.items()}


def test_missing_answers_are_each_reported_and_what_was_typed_is_kept(signed_in, app):
    client, _ = signed_in("custody_officer")
    draft_id = start_draft(client)
    page = client.post_page(f"/referrals/new/{draft_id}/person", {"person-given_name": "Chloé"},
                            expected_status=422)
    assert page.title.get_text(strip=True).startswith("Error: ")
    errors = _errors(page)
    assert list(errors) == ["#person-family_name", "#person-date_of_birth"]
    assert errors["#person-family_name"] == "Enter their last name"
    assert page.select_one("#person-given_name")["value"] == "Chloé"
    assert page.select_one("#person-family_name").get("class").count("govuk-input--error") == 1
    assert _draft_data(app, draft_id) == {}  # a page with errors saves nothing


def test_only_the_current_pages_problems_are_shown(signed_in):
    client, _ = signed_in("custody_officer")
    draft_id = start_draft(client)
    response = client.post_form(f"/referrals/new/{draft_id}/flags", {
        "flags-court_order": "no", "flags-on_bail": "no", "flags-co_accused": "no", "flags-detained_mental_health": "no"})
    assert response.status_code == 302  # the other pages are not answered yet, but that is not this page's problem
    assert response.location == f"/referrals/new/{draft_id}/victim"
    page = client.post_page(f"/referrals/new/{draft_id}/interview", {"previous_convictions": "lots"},
                            expected_status=422)
    assert list(_errors(page)) == ["#interview", "#evidential_test_met", "#previous_convictions"]
    assert page.select_one("#previous_convictions")["value"] == "lots"


def test_an_impossible_date_is_refused_and_kept(signed_in):
    client, _ = signed_in("custody_officer")
    draft_id = start_draft(client)
    fields = dict(eligible_answers()["person"], **date_fields("person-date_of_birth", "30 2 1994"))
    page = client.post_page(f"/referrals/new/{draft_id}/person", fields, expected_status=422)
    assert _errors(page) == {"#person-date_of_birth": "Their date of birth must be a real date"}
    assert "must be a real date" in page.select_one("#person-date_of_birth-error").get_text()
    assert page.select_one("#person-date_of_birth-day")["value"] == "30"
    assert page.select_one("input[name=person-date_of_birth-month]")["value"] == "2"
    assert "govuk-input--error" in page.select_one("#person-date_of_birth-day")["class"]


def test_a_date_with_a_missing_part_says_which(signed_in):
    client, _ = signed_in("custody_officer")
    draft_id = start_draft(client)
    fields = dict(eligible_answers()["person"], **{"person-date_of_birth-month": ""})
    page = client.post_page(f"/referrals/new/{draft_id}/person", fields, expected_status=422)
    assert _errors(page) == {"#person-date_of_birth": "Date of birth must include a month"}


def test_a_future_date_is_refused(signed_in):
    client, _ = signed_in("custody_officer")
    draft_id = start_draft(client)
    tomorrow = clock.today() + timedelta(days=1)
    fields = dict(eligible_answers()["offence"], **date_fields("referral_date", tomorrow))
    page = client.post_page(f"/referrals/new/{draft_id}/offence", fields, expected_status=422)
    assert _errors(page) == {"#referral_date": "The referral date cannot be in the future"}
    assert page.select_one("#referral_date-day")["value"] == str(tomorrow.day)
    assert page.select_one("#offence-description").get_text() == "Took two bottles of gin from a shop"


def test_an_offence_after_the_referral_date_is_refused_on_the_offence_page(signed_in):
    client, _ = signed_in("custody_officer")
    draft_id = start_draft(client)
    today = clock.today()
    fields = dict(eligible_answers()["offence"], **date_fields("referral_date", today - timedelta(days=5)),
                  **date_fields("offence-offence_date", today - timedelta(days=3)),
                  **{"offence-arrest_date-day": "", "offence-arrest_date-month": "", "offence-arrest_date-year": ""})
    page = client.post_page(f"/referrals/new/{draft_id}/offence", fields, expected_status=422)
    assert _errors(page) == {"#offence-offence_date": "The offence cannot be after the referral date"}


def test_a_problem_left_at_submission_links_to_the_page_that_asks_it_and_keeps_the_draft(signed_in, app):
    client, officer = signed_in("custody_officer")
    draft_id = start_draft(client)
    answer_every_page(client, draft_id, eligible_answers())
    # the draft changed under the page (a day passed, or another tab): the offence is now after the referral
    with app.app_context():
        draft = db.session.get(ReferralDraft, draft_id)
        drafts.merge(draft, "offence", {"offence_date": clock.today().isoformat()})
        drafts.merge(draft, None, {"referral_date": (clock.today() - timedelta(days=1)).isoformat()})
        db.session.commit()
    page = client.post_page(f"/referrals/new/{draft_id}/check", expected_status=422)
    links = {a["href"]: a.get_text(strip=True) for a in page.select(".govuk-error-summary a")}
    assert links[f"/referrals/new/{draft_id}/offence#offence-offence_date-day"] == \
        "The offence cannot be after the referral date"
    assert f"/referrals/new/{draft_id}/offence#offence-arrest_date-day" in links
    assert page.h1.get_text(strip=True) == "Check your answers before sending the referral"
    assert page.title.get_text(strip=True).startswith("Error: ")
    assert _referral_count(app) == 0
    assert _draft_data(app, draft_id)["person"]["given_name"] == "Chloé"  # nothing lost

    offence = client.get_page(f"/referrals/new/{draft_id}/offence")
    fixed = dict(eligible_answers()["offence"])
    assert offence.select_one("#offence-description").get_text() == fixed["offence-description"]
    response = client.post_form(f"/referrals/new/{draft_id}/offence", fixed)
    assert response.location == f"/referrals/new/{draft_id}/check"  # a change returns to check answers
    assert client.post_form(f"/referrals/new/{draft_id}/check").status_code == 302
    assert _referral_count(app) == 1


def test_sending_an_unanswered_draft_lists_what_is_missing_page_by_page(signed_in, app):
    client, _ = signed_in("custody_officer")
    draft_id = start_draft(client)
    page = client.post_page(f"/referrals/new/{draft_id}/check", expected_status=422)
    links = [(a["href"], a.get_text(strip=True)) for a in page.select(".govuk-error-summary a")]
    assert links == [(f"/referrals/new/{draft_id}/{step}#{field}", text) for step, field, text in [
        ("person", "person-given_name", "Enter their first name"),
        ("person", "person-family_name", "Enter their last name"),
        ("person", "person-date_of_birth-day", "Enter their date of birth"),
        ("offence", "offence-category", "Choose the offence category"),
        ("offence", "offence-description", "Enter a description of the offence"),
        ("offence", "offence-offence_date-day", "Enter the date of the offence"),
        ("offence", "offence-hate_crime", "Answer whether it is a hate crime"),
        ("interview", "interview", "Choose what they said in interview"),
        ("interview", "evidential_test_met", "Answer whether there is enough evidence to charge"),
        ("flags", "flags-court_order",
         "Answer whether they are subject to a court order, suspended sentence or conditional discharge"),
        ("flags", "flags-on_bail", "Answer whether they are on police or court bail"),
        ("flags", "flags-co_accused", "Answer whether there is a co-accused"),
        ("flags", "flags-detained_mental_health",
         "Answer whether they are detained for court or under the Mental Health Act"),
        ("victim", "has_victim", "Answer whether there is a victim"),
    ]]
    assert _referral_count(app) == 0


def test_change_links_go_back_to_the_page_and_return_to_check_answers(signed_in):
    client, _ = signed_in("custody_officer")
    draft_id = start_draft(client)
    answer_every_page(client, draft_id, eligible_answers())
    check = client.get_page(f"/referrals/new/{draft_id}/check")
    change = [a for a in check.select(".govuk-summary-list__actions a")
              if "on police or court bail" in a.get_text()][0]
    assert change["href"] == f"/referrals/new/{draft_id}/flags#flags-on_bail"
    response = client.post_form(f"/referrals/new/{draft_id}/flags",
                                dict(eligible_answers()["flags"], **{"flags-on_bail": "yes"}))
    assert response.location == f"/referrals/new/{draft_id}/check"


def test_no_victim_with_a_restorative_approach_is_refused_not_dropped(signed_in, app):
    # Issue 10, item 7: the combination is an error on the restorative question (tests/web/test_answers_as_typed.py).
    client, _ = signed_in("custody_officer")
    draft_id = start_draft(client)
    answers = eligible_answers(victim={"has_victim": "no", "victim_wishes_restorative": "no"})
    answer_every_page(client, draft_id, answers)
    check = client.get_page(f"/referrals/new/{draft_id}/check")
    assert "Victim wants a restorative approach" not in check.get_text()
    client.post_page(f"/referrals/new/{draft_id}/victim", {"has_victim": "no", "victim_wishes_restorative": "yes"},
                     expected_status=422)


def test_an_ineligible_referral_is_recorded_with_every_reason(signed_in, app):
    client, _ = signed_in("custody_officer")
    draft_id = start_draft(client)
    answers = eligible_answers(
        offence={"offence-hate_crime": "yes"},
        interview={"interview": "denied", "evidential_test_met": "no"},
        flags={"flags-on_bail": "yes", "flags-co_accused": "yes"})
    answer_every_page(client, draft_id, answers)
    response = client.post_form(f"/referrals/new/{draft_id}/check")
    page = client.get_page(response.location)
    assert page.h1.get_text(strip=True) == "Not eligible for Checkpoint"
    reasons = [li.get_text(strip=True) for li in page.select(".app-reasons li")]
    assert reasons == [
        "They denied the offence in interview. Checkpoint needs an admission or no comment.",
        "There is not enough evidence to charge. Checkpoint is an alternative to prosecution, so the "
        "evidential test must be met.",
        "Hate crimes are never eligible for Checkpoint.",
        "They are on police or court bail.",
        "There is a co-accused.",
    ]


def test_another_officers_draft_is_not_found(signed_in, app, make_user):
    client, _ = signed_in("custody_officer")
    draft_id = start_draft(client)
    other = app.test_client()
    other.sign_in_as(make_user("custody_officer"))
    for url in (f"/referrals/new/{draft_id}/person", f"/referrals/new/{draft_id}/check"):
        other.get_page(url, expected_status=404)
    response = other.post_form(f"/referrals/new/{draft_id}/person", eligible_answers()["person"],
                               form_page="/referrals/new")
    assert response.status_code == 404
    assert other.post_form(f"/referrals/new/{draft_id}/check", form_page="/referrals/new").status_code == 404
    assert _draft_data(app, draft_id) == {}


def test_an_unknown_page_of_the_journey_is_not_found(signed_in):
    client, _ = signed_in("custody_officer")
    draft_id = start_draft(client)
    client.get_page(f"/referrals/new/{draft_id}/nonsense", expected_status=404)
    client.get_page("/referrals/new/99999/person", expected_status=404)


def test_a_draft_can_be_deleted_without_sending_it(signed_in, app):
    client, _ = signed_in("custody_officer")
    draft_id = start_draft(client)
    answer_every_page(client, draft_id, {"person": eligible_answers()["person"]})
    asked = client.post_page(f"/referrals/new/{draft_id}/discard", form_page=f"/referrals/new/{draft_id}/check")
    assert asked.h1.get_text(strip=True) == "Are you sure you want to delete this referral without sending it?"
    assert _draft_data(app, draft_id) is not None  # nothing deleted until it is confirmed
    response = client.post_form(f"/referrals/new/{draft_id}/discard", {"confirm": "yes"},
                                form_page=f"/referrals/new/{draft_id}/check")
    assert response.location == "/referrals/new"
    assert _draft_data(app, draft_id) is None and _referral_count(app) == 0


def test_a_navigator_cannot_start_a_referral(signed_in):
    client, _ = signed_in("navigator")
    client.get_page("/referrals/new", expected_status=403)
    assert client.post("/referrals/new").status_code in (400, 403)


def test_an_admin_can_refer(signed_in):
    client, _ = signed_in("admin")
    draft_id = start_draft(client)
    assert client.get_page(f"/referrals/new/{draft_id}/person").h1 is not None


def test_every_journey_page_has_one_h1_and_a_distinct_title(signed_in):
    client, _ = signed_in("custody_officer")
    draft_id = start_draft(client)
    urls = ["/referrals/new"] + [f"/referrals/new/{draft_id}/{step}"
                                 for step in ("person", "offence", "interview", "flags", "victim", "check")]
    titles = set()
    for url in urls:
        page = client.get_page(url)
        assert len(page.find_all("h1")) == 1, url
        assert not page.select("[style]"), url
        ids = [element["id"] for element in page.select("[id]")]
        assert len(ids) == len(set(ids)), (url, sorted({i for i in ids if ids.count(i) > 1}))
        assert all(script.get("src") or script.get("nonce") for script in page.find_all("script")), url
        for field in page.select("input:not([type=hidden]), select, textarea"):
            assert page.select_one(f"label[for='{field['id']}']") is not None, (url, field["id"])
        titles.add(page.title.get_text(strip=True))
    assert len(titles) == len(urls)
