"""Signing in and out, and sessions that end on the server."""
from datetime import timedelta

from sqlalchemy import select

from diversion import clock
from diversion.extensions import db
from diversion.models import AuditEvent
from tests.factories import PASSWORD


def _audit_actions(app):
    with app.app_context():
        return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_sign_in_with_the_right_password_goes_to_the_home_page(client, make_user, app):
    user = make_user("navigator")
    response = client.sign_in_with_password(user.email, PASSWORD)
    assert response.status_code == 302 and response.location == "/"
    page = client.get_page("/")
    assert page.h1.get_text(strip=True) == "Today"
    assert "auth.sign_in" in _audit_actions(app)


def test_email_is_matched_without_regard_to_case_or_spaces(client, make_user):
    user = make_user("manager")
    response = client.sign_in_with_password("  " + user.email.upper() + " ", PASSWORD)
    assert response.status_code == 302


def test_a_wrong_password_shows_one_error_and_keeps_the_email(client, make_user, app):
    user = make_user("navigator")
    page = client.post_page("/sign-in", {"email": user.email, "password": "not-the-password"})
    summary = page.select_one(".govuk-error-summary")
    assert summary is not None
    assert summary.select_one("a")["href"] == "#email"
    assert "Enter a correct email address and password" in summary.get_text()
    assert page.select_one("#email")["value"] == user.email
    assert page.title.get_text().startswith("Error: ")
    assert _audit_actions(app) == ["auth.sign_in_failed"]


def test_an_unknown_email_gets_the_same_message_as_a_wrong_password(client):
    page = client.post_page("/sign-in", {"email": "nobody@police.example", "password": "whatever-it-is"})
    assert "Enter a correct email address and password" in page.select_one(".govuk-error-summary").get_text()


def test_empty_fields_are_each_named_in_the_error_summary(client):
    page = client.post_page("/sign-in", {"email": "", "password": ""})
    links = [a["href"] for a in page.select(".govuk-error-summary a")]
    assert links == ["#email", "#password"]


def test_a_deactivated_user_cannot_sign_in(client, make_user):
    user = make_user("navigator", active=False)
    page = client.post_page("/sign-in", {"email": user.email, "password": PASSWORD})
    assert page.select_one(".govuk-error-summary") is not None
    assert client.get("/").status_code == 302


def test_a_safe_next_is_followed_after_sign_in(client, make_user):
    user = make_user("admin")
    response = client.sign_in_with_password(user.email, PASSWORD, next_url="/admin/users")
    assert response.location == "/admin/users"


def test_an_offsite_next_is_ignored_after_sign_in(client, make_user):
    user = make_user("admin")
    response = client.sign_in_with_password(user.email, PASSWORD, next_url="//evil.example")
    assert response.location == "/"


def test_a_signed_out_visitor_is_sent_to_sign_in_with_next(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.location.startswith("/sign-in?next=")


def test_sign_in_without_the_csrf_token_is_refused(client, make_user):
    user = make_user("navigator")
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_session_cookie_is_httponly_and_samesite(client, make_user):
    user = make_user("navigator")
    response = client.sign_in_with_password(user.email, PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_sign_out_is_a_post(signed_in):
    client, _user = signed_in("navigator")
    assert client.get("/sign-out").status_code == 405


def test_a_cookie_copied_before_sign_out_stops_working(signed_in, app):
    client, _user = signed_in("navigator")
    copied = client.get_cookie("diversion_session").value
    response = client.post_form("/sign-out", form_page="/")
    assert response.status_code == 302 and response.location == "/sign-in"
    thief = app.test_client()
    thief.set_cookie("diversion_session", copied)
    assert thief.get("/").status_code == 302


def test_a_session_idle_for_thirty_minutes_ends(signed_in):
    client, _user = signed_in("navigator")
    start = clock.now()
    clock.freeze(start + timedelta(minutes=29))
    assert client.get("/").status_code == 200
    clock.freeze(start + timedelta(minutes=29 + 31))
    assert client.get("/").status_code == 302


def test_activity_keeps_a_session_alive(signed_in):
    client, _user = signed_in("navigator")
    start = clock.now()
    for minutes in (20, 40, 60, 80):
        clock.freeze(start + timedelta(minutes=minutes))
        assert client.get("/").status_code == 200


def test_changing_password_ends_other_sessions_but_not_this_one(signed_in, app, make_user):
    client, user = signed_in("navigator")
    other = app.test_client()
    other.sign_in_as(user)
    assert other.get("/").status_code == 200
    response = client.post_form("/account/password", {
        "current_password": PASSWORD, "new_password": "Violet-harbour-lantern-93",
        "confirm_password": "Violet-harbour-lantern-93"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302
    assert app.test_client().sign_in_with_password(user.email, "Violet-harbour-lantern-93").status_code == 302


def test_password_change_errors_are_shown_in_the_gov_uk_pattern(signed_in):
    client, _user = signed_in("navigator")
    page = client.post_page("/account/password", {
        "current_password": "wrong-password-here", "new_password": "password1234",
        "confirm_password": "password1234"})
    links = [a["href"] for a in page.select(".govuk-error-summary a")]
    assert links == ["#current_password", "#new_password"]
    assert page.select_one("#new_password-error") is not None
