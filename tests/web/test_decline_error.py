"""A navigator recording that the person declined Checkpoint, without a reason, sees the GOV.UK error pattern on
the reason field (issue 10, item 7): an error summary linking to it, its own message, the group marked in
error, what they typed kept, and nothing recorded."""
from diversion.extensions import db
from diversion.models import CheckpointReferral


def test_a_decline_without_a_reason_is_an_error_on_its_field(signed_in, make_referral, app):
    referral_id = make_referral()
    client, _ = signed_in("navigator")
    url = f"/referrals/{referral_id}"
    page = client.post_page(f"{url}/decline", {"reason": "   ", "version": "1"}, form_page=url, expected_status=422)
    summary = page.select_one(".govuk-error-summary")
    assert [a["href"] for a in summary.select("a")] == ["#decline-reason"]
    field = page.select_one("#decline-reason")
    group = field.find_parent(class_="govuk-form-group")
    assert "govuk-form-group--error" in group["class"]
    assert page.select_one("#decline-reason-error").get_text(strip=True).startswith("Error:")
    assert page.title.get_text().startswith("Error: ")
    with app.app_context():
        assert db.session.get(CheckpointReferral, referral_id).status == "awaiting_navigator"


def test_a_stale_decline_says_so_on_the_field(signed_in, make_referral, app):
    referral_id = make_referral()
    client, _ = signed_in("navigator")
    url = f"/referrals/{referral_id}"
    page = client.post_page(f"{url}/decline", {"reason": "Would rather go to court", "version": "99"},
                            form_page=url, expected_status=409)
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#decline-reason"]
    assert page.select_one("#decline-reason").get_text() == "Would rather go to court"
