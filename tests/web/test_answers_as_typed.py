"""What officers type, read the way they mean it (issue 10, item 7): month names in a date of birth,
postcodes written the UK way, a blank "previous convictions" that is not known, and the victim step that
refuses "no victim" with "wants a restorative approach"."""
from sqlalchemy import select

from diversion.extensions import db
from diversion.models import CheckpointReferral
from tests.web.test_divert_pages import _form as divert_form
from tests.web.test_intake_support import answer_every_page, eligible_answers, start_draft


def _referral(app) -> CheckpointReferral:
    with app.app_context():
        referral = db.session.scalars(select(CheckpointReferral)).one()
        db.session.expunge(referral)
        return referral


def _send(client, draft_id):
    response = client.post_form(f"/referrals/new/{draft_id}/check")
    assert response.status_code == 302, response.status_code
    return response.location


def test_a_date_of_birth_may_name_its_month(signed_in):
    client, _ = signed_in("custody_officer")
    draft_id = start_draft(client)
    answers = eligible_answers(person={"person-date_of_birth-month": "Mar"})
    answer_every_page(client, draft_id, answers)
    check = client.get_page(f"/referrals/new/{draft_id}/check")
    assert "12 March 1994" in check.get_text()


def test_a_divert_date_of_birth_may_name_its_month(signed_in):
    client, _ = signed_in("custody_officer")
    response = client.post_form("/divert/referrals/new", divert_form(**{"person-date_of_birth-month": "july"}))
    assert response.status_code == 302


def test_a_blank_previous_convictions_is_not_known(signed_in, app):
    client, _ = signed_in("custody_officer")
    draft_id = start_draft(client)
    answer_every_page(client, draft_id, eligible_answers(interview={"previous_convictions": ""}))
    check = client.get_page(f"/referrals/new/{draft_id}/check")
    rows = {row.dt.get_text(strip=True): row.dd.get_text(strip=True) for row in check.select(".govuk-summary-list__row")}
    assert rows["Previous convictions"] == "Not known"
    page = client.get_page(_send(client, draft_id))
    rows = {row.dt.get_text(strip=True): row.dd.get_text(strip=True) for row in page.select(".govuk-summary-list__row")}
    assert rows["Previous convictions"] == "Not known"
    assert _referral(app).previous_convictions is None


def test_no_previous_convictions_is_zero(signed_in, app):
    client, _ = signed_in("custody_officer")
    draft_id = start_draft(client)
    answer_every_page(client, draft_id, eligible_answers(interview={"previous_convictions": "0"}))
    _send(client, draft_id)
    assert _referral(app).previous_convictions == 0


def test_no_victim_with_a_restorative_approach_is_an_error_on_that_question(signed_in):
    client, _ = signed_in("custody_officer")
    draft_id = start_draft(client)
    answers = eligible_answers()
    del answers["victim"]
    answer_every_page(client, draft_id, answers)
    page = client.post_page(f"/referrals/new/{draft_id}/victim",
                            {"has_victim": "no", "victim_wishes_restorative": "yes"}, expected_status=422)
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#victim_wishes_restorative"]
    group = page.select_one("#victim_wishes_restorative").find_parent(class_="govuk-form-group")
    assert "govuk-form-group--error" in group["class"]
    assert group.select_one(".govuk-error-message") is not None


def test_a_postcode_typed_any_way_is_kept_the_uk_way_and_a_bad_one_is_refused(signed_in, app):
    client, _ = signed_in("custody_officer")
    draft_id = start_draft(client)
    page = client.post_page(f"/referrals/new/{draft_id}/person",
                            {**eligible_answers()["person"], "person-postcode": "not a postcode"}, expected_status=422)
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#person-postcode"]
    response = client.post_form(f"/divert/referrals/new", divert_form(**{"person-postcode": "dh13hp"}))
    assert response.status_code == 302
    from diversion.models import DivertReferral
    with app.app_context():
        assert db.session.scalars(select(DivertReferral)).one().person.postcode == "DH1 3HP"
