"""API tokens (issue 9, finding 3): a token belongs to the user who asked for it, says what it is for, names
itself on every audit row it makes, expires after 90 days unless renewed, and ends for good when its user's
password changes or they are deactivated."""
from datetime import timedelta

from sqlalchemy import select

from diversion import clock
from diversion.extensions import db
from diversion.models import ApiToken, AuditEvent, User
from diversion.services import tokens, users
from tests.api.conftest import bearer
from tests.factories import PASSWORD


def _issue(client, name="Custody system", purpose="Send DIVERT referrals from custody"):
    page = client.post_page("/account/tokens/new", {"name": name, "purpose": purpose, "password": PASSWORD})
    return page.select_one("[data-testid=token-secret]").get_text(strip=True)


def _token(app) -> ApiToken:
    with app.app_context():
        token = db.session.scalars(select(ApiToken)).one()
        db.session.expunge(token)
        return token


def test_a_user_issues_their_own_token_which_acts_as_them_and_names_itself_in_the_audit(signed_in, app):
    client, navigator = signed_in("navigator")
    secret = _issue(client)
    assert secret.startswith("dvt_")
    api = app.test_client()
    assert api.get("/api/v1/me", headers=bearer(secret)).get_json()["id"] == navigator.id
    listing = client.get_page("/account/tokens")
    assert secret not in str(listing) and "Send DIVERT referrals from custody" in listing.get_text()
    api.get("/api/v1/contracts", headers=bearer(secret))
    token = _token(app)
    with app.app_context():
        listed = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contract.list"))
        assert (listed.actor_id, listed.token_id) == (navigator.id, token.id)


def test_a_token_needs_a_name_and_a_purpose(signed_in):
    client, _ = signed_in("admin")
    page = client.post_page("/account/tokens/new", {"name": "", "purpose": "", "password": "not-it"},
                            expected_status=422)
    assert {a["href"] for a in page.select(".govuk-error-summary a")} == {"#name", "#purpose", "#password"}


def test_nobody_issues_a_token_that_acts_as_someone_else(app, make_user):
    admin, navigator = make_user("admin"), make_user("navigator")
    with app.app_context():
        from diversion.errors import Forbidden

        try:
            tokens.issue(db.session.get(User, navigator.id), {"name": "x", "purpose": "y", "password": PASSWORD},
                         actor=db.session.get(User, admin.id))
        except Forbidden:
            pass
        else:
            raise AssertionError("an administrator issued a token acting as a navigator")


def test_a_token_expires_after_ninety_days_unless_renewed(signed_in, app):
    client, _ = signed_in("provider")
    secret = _issue(client)
    api = app.test_client()
    clock.freeze(clock.now() + timedelta(days=89))
    client.sign_in_as(db_user(app, "provider"))
    token = _token(app)
    client.post_form(f"/account/tokens/{token.id}/renew", {"version": token.version}, form_page="/account/tokens")
    clock.freeze(clock.now() + timedelta(days=89))
    assert api.get("/api/v1/me", headers=bearer(secret)).status_code == 200  # 178 days: renewed on day 89
    clock.freeze(clock.now() + timedelta(days=2))
    assert api.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def db_user(app, role):
    with app.app_context():
        user = db.session.scalars(select(User).where(User.role == role)).one()
        db.session.expunge(user)
        return user


def test_a_password_change_or_a_deactivation_ends_every_token_for_good(app, make_user):
    navigator, admin = make_user("navigator"), make_user("admin")
    with app.app_context():
        first = tokens.issue(db.session.get(User, navigator.id), {"name": "a", "purpose": "b"}, actor=None)[1]
        db.session.commit()
        target = db.session.get(User, navigator.id)
        users.reset_password(target, "Violet-harbour-stone-88", actor=db.session.get(User, admin.id),
                             version=target.version)
        second = tokens.issue(db.session.get(User, navigator.id), {"name": "c", "purpose": "d"}, actor=None)[1]
        db.session.commit()
        target = db.session.get(User, navigator.id)
        users.set_active(target, False, actor=db.session.get(User, admin.id), version=target.version)
        db.session.commit()
        target = db.session.get(User, navigator.id)
        users.set_active(target, True, actor=db.session.get(User, admin.id), version=target.version)
        db.session.commit()
        reasons = sorted(t.revoked_reason for t in db.session.scalars(select(ApiToken)))
    api = app.test_client()
    assert [api.get("/api/v1/me", headers=bearer(s)).status_code for s in (first, second)] == [401, 401]
    assert reasons == ["deactivated", "password_changed"]


def test_an_administrator_sees_and_revokes_anyones_token_and_others_cannot(signed_in, app, make_user):
    owner, _ = signed_in("navigator")
    secret = _issue(owner)
    token = _token(app)
    other = app.test_client()
    other.sign_in_as(make_user("navigator"))
    assert other.post_form(f"/account/tokens/{token.id}/revoke", {"version": token.version},
                           form_page="/account/tokens").status_code == 404
    admin = app.test_client()
    admin.sign_in_as(make_user("admin"))
    assert "Custody system" in admin.get_page("/admin/tokens").get_text()
    asked = admin.post_page(f"/admin/tokens/{token.id}/revoke", {"version": token.version}, form_page="/admin/tokens")
    assert asked.h1.get_text(strip=True) == "Are you sure you want to revoke the token “Custody system”?"
    assert app.test_client().get("/api/v1/me", headers=bearer(secret)).status_code == 200  # not yet
    admin.post_form(f"/admin/tokens/{token.id}/revoke", {"version": token.version, "confirm": "yes"},
                    form_page="/admin/tokens")
    assert app.test_client().get("/api/v1/me", headers=bearer(secret)).status_code == 401
    assert "Revoked" in admin.get_page("/admin/tokens").get_text()


def test_an_expired_or_ended_token_cannot_be_renewed_back_to_life(signed_in, app):
    client, _ = signed_in("provider")
    _issue(client)
    token = _token(app)
    clock.freeze(clock.now() + timedelta(days=91))
    client.sign_in_as(db_user(app, "provider"))
    client.post_form(f"/account/tokens/{token.id}/renew", {"version": token.version}, form_page="/account/tokens")
    assert _token(app).expires_at == token.expires_at


def test_a_two_step_reset_ends_the_users_tokens(app, make_user):
    from diversion.services import two_step

    navigator = make_user("navigator")
    with app.app_context():
        secret = tokens.issue(db.session.get(User, navigator.id), {"name": "a", "purpose": "b"}, actor=None)[1]
        two_step.clear(db.session.get(User, navigator.id), actor=None)
        db.session.commit()
    assert app.test_client().get("/api/v1/me", headers=bearer(secret)).status_code == 401
