"""API tokens: shown once, stored as a hash, revocable."""
from sqlalchemy import select

from diversion.extensions import db
from diversion.models import ApiToken
from tests.api.conftest import bearer


def test_a_token_is_shown_once_and_works_until_revoked(signed_in, make_user, app):
    client, _ = signed_in("admin")
    navigator = make_user("navigator")
    page = client.post_page("/admin/tokens/new", {"user_id": navigator.id, "name": "Custody system"})
    secret = page.select_one("[data-testid=token-secret]").get_text(strip=True)
    assert secret.startswith("dvt_")
    api = app.test_client()
    assert api.get("/api/v1/me", headers=bearer(secret)).get_json()["id"] == navigator.id

    listing = client.get_page("/admin/tokens")
    assert secret not in str(listing)
    assert "Custody system" in listing.get_text()

    with app.app_context():
        token = db.session.scalars(select(ApiToken)).one()
    client.post_form(f"/admin/tokens/{token.id}/revoke", form_page="/admin/tokens")
    assert api.get("/api/v1/me", headers=bearer(secret)).status_code == 401
    assert "Revoked" in client.get_page("/admin/tokens").get_text()


def test_a_token_needs_a_user_and_a_name(signed_in):
    client, _ = signed_in("admin")
    page = client.post_page("/admin/tokens/new", {"user_id": "0", "name": ""})
    links = {a["href"] for a in page.select(".govuk-error-summary a")}
    assert links == {"#user_id", "#name"}
