"""Two-step sign-in (TOTP) through the pages: setting it up, codes after the password, recovery codes,
throttling, an administrator's reset; and a password an administrator chose must be changed."""
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from diversion import clock
from diversion.extensions import db
from diversion.models import AuditEvent, RecoveryCode, User, UserSession
from diversion.services import two_step
from tests.factories import PASSWORD

# The start of a 30-second step, so that "the next code" is always 30 seconds on.
T0 = datetime(2026, 11, 26, 9, 0, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen():
    clock.freeze(T0)


def _at(seconds: float) -> None:
    clock.freeze(T0 + timedelta(seconds=seconds))


def _code(secret: str) -> str:
    return pyotp.TOTP(secret).at(clock.now())


def _actions(app, action_prefix: str = "") -> list[str]:
    with app.app_context():
        return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
                if e.action.startswith(action_prefix)]


def _events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _fresh(app, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


@pytest.fixture
def enrolled(app, make_user):
    """enrolled(role) → (user, secret, recovery codes): two-step set up with the code of the step before T0."""
    def _make(role: str = "navigator", **fields):
        user = make_user(role, **fields)
        with app.app_context():
            record = db.session.get(User, user.id)
            secret = two_step.begin_enrolment(record)
            codes = two_step.confirm_enrolment(record, pyotp.TOTP(secret).at(T0 - timedelta(seconds=30)))
            assert isinstance(codes, list), codes
            db.session.commit()
        return _fresh(app, user.id), secret, codes
    return _make


@pytest.fixture
def required(app, monkeypatch):
    monkeypatch.setitem(app.config, "TOTP_REQUIRED", True)


def _signed_in(client) -> bool:
    return client.get("/").status_code == 200


# --- Signing in with a code -------------------------------------------------------------------------


def test_after_the_password_an_enrolled_user_is_asked_for_a_code_and_is_not_yet_signed_in(client, enrolled, app):
    user, _secret, _codes = enrolled()
    response = client.sign_in_with_password(user.email, PASSWORD, next_url="/people")
    assert response.status_code == 302 and response.location == "/sign-in/code"
    assert not _signed_in(client)
    with app.app_context():
        assert db.session.scalar(select(func.count(UserSession.id)).where(UserSession.user_id == user.id)) == 0
    with client.session_transaction() as session:
        assert set(session["pending_sign_in"]) == {"user", "at", "next"} and "_user_id" not in session
    assert "auth.sign_in" not in _actions(app)


def test_a_correct_code_completes_the_sign_in_and_goes_where_the_user_was_going(client, enrolled, app):
    user, secret, _codes = enrolled("admin")
    client.sign_in_with_password(user.email, PASSWORD, next_url="/admin/users")
    response = client.post_form("/sign-in/code", {"code": _code(secret)})
    assert response.status_code == 302 and response.location == "/admin/users"
    assert _signed_in(client)
    [event] = _events(app, "auth.sign_in")
    assert event.actor_id == user.id and event.details == {"two_step": "code"}
    with client.session_transaction() as session:
        assert "pending_sign_in" not in session


def test_the_code_page_follows_the_gov_uk_pattern(client, enrolled):
    user, _secret, _codes = enrolled()
    client.sign_in_with_password(user.email, PASSWORD)
    page = client.get_page("/sign-in/code")
    field = page.select_one("input#code")
    assert field["autocomplete"] == "one-time-code" and field["inputmode"] == "numeric"
    label = page.select_one("label[for=code]")
    assert label.find_parent("h1") is not None and "authenticator app" in label.get_text()
    assert page.select_one("a[href='/sign-in/code?method=recovery']") is not None


def test_a_wrong_code_is_an_error_linked_to_the_field_and_is_audited(client, enrolled, app):
    user, secret, _codes = enrolled()
    client.sign_in_with_password(user.email, PASSWORD)
    wrong = "000000" if _code(secret) != "000000" else "111111"
    page = client.post_page("/sign-in/code", {"code": wrong})
    assert page.title.get_text().startswith("Error: ")
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#code"]
    assert "not correct" in page.select_one("#code-error").get_text()
    assert page.select_one("input#code")["value"] == ""  # the next try is a fresh code
    assert not _signed_in(client)
    [event] = _events(app, "auth.two_step_failed")
    assert event.object_id == str(user.id) and event.details == {"reason": "wrong", "during": "sign_in"}


@pytest.mark.parametrize("typed, message", [("", "Enter the 6-digit code"), ("12ab56", "numbers only"),
                                            ("1234567", "numbers only")])
def test_a_missing_or_malformed_code_says_what_to_do(client, enrolled, typed, message):
    user, _secret, _codes = enrolled()
    client.sign_in_with_password(user.email, PASSWORD)
    page = client.post_page("/sign-in/code", {"code": typed})
    assert message in page.select_one("#code-error").get_text()


def test_a_code_with_spaces_is_accepted(client, enrolled):
    user, secret, _codes = enrolled()
    client.sign_in_with_password(user.email, PASSWORD)
    code = _code(secret)
    assert client.post_form("/sign-in/code", {"code": f" {code[:3]} {code[3:]} "}).status_code == 302


def test_a_code_from_the_step_before_or_after_is_accepted_but_not_two_steps_away(app, enrolled):
    user, secret, _codes = enrolled()
    for offset, accepted in ((-60, False), (60, False), (-30, True), (30, True)):
        _at(120 * (1 + abs(offset)))  # each try a fresh, later step
        browser = app.test_client()
        browser.sign_in_with_password(user.email, PASSWORD)
        code = pyotp.TOTP(secret).at(clock.now() + timedelta(seconds=offset))
        response = browser.post_form("/sign-in/code", {"code": code})
        assert (response.status_code == 302) is accepted, offset


def test_a_code_is_good_once(app, enrolled):
    user, secret, _codes = enrolled()
    first = app.test_client()
    first.sign_in_with_password(user.email, PASSWORD)
    code = _code(secret)
    assert first.post_form("/sign-in/code", {"code": code}).status_code == 302
    _at(10)  # same 30-second step: the same code is still what the app shows
    second = app.test_client()
    second.sign_in_with_password(user.email, PASSWORD)
    page = second.post_page("/sign-in/code", {"code": code})
    assert "already been used" in page.select_one("#code-error").get_text()
    assert [e.details["reason"] for e in _events(app, "auth.two_step_failed")] == ["reused"]
    _at(30)  # the next step's code works
    assert second.post_form("/sign-in/code", {"code": _code(secret)}).status_code == 302


def test_an_earlier_code_is_refused_after_a_later_one_was_used(app, enrolled):
    user, secret, _codes = enrolled()
    earlier = _code(secret)
    _at(30)
    first = app.test_client()
    first.sign_in_with_password(user.email, PASSWORD)
    assert first.post_form("/sign-in/code", {"code": _code(secret)}).status_code == 302
    second = app.test_client()
    second.sign_in_with_password(user.email, PASSWORD)
    page = second.post_page("/sign-in/code", {"code": earlier})  # still inside the window, but older
    assert "already been used" in page.select_one("#code-error").get_text()


def test_a_pending_sign_in_expires_after_five_minutes(client, enrolled):
    user, secret, _codes = enrolled()
    client.sign_in_with_password(user.email, PASSWORD)
    _at(4 * 60 + 50)
    assert client.get("/sign-in/code").status_code == 200
    token = client.csrf_token("/sign-in/code")
    _at(5 * 60 + 1)
    response = client.post("/sign-in/code", data={"csrf_token": token, "code": _code(secret)})
    assert response.status_code == 302 and response.location == "/sign-in"
    assert not _signed_in(client)
    page = client.get_page("/sign-in")
    assert "timed out" in page.select_one(".govuk-notification-banner").get_text()
    with client.session_transaction() as session:
        assert "pending_sign_in" not in session


def test_the_second_step_pages_answer_only_to_a_pending_sign_in(client):
    for url in ("/sign-in/code", "/sign-in/set-up"):
        response = client.get(url)
        assert response.status_code == 302 and response.location == "/sign-in", url


def test_a_forged_or_foreign_pending_state_is_refused(client, enrolled, app):
    user, _secret, _codes = enrolled()
    with client.session_transaction() as session:  # a signed cookie: only the app can write this
        session["pending_sign_in"] = {"user": str(user.id), "at": clock.now().timestamp(), "next": "/"}
    assert client.get("/sign-in/code").location == "/sign-in"
    forged = app.test_client()
    forged.set_cookie("diversion_session", "eyJwZW5kaW5nX3NpZ25faW4iOnsidXNlciI6MX19.bad.signature")
    assert forged.get("/sign-in/code").location == "/sign-in"


def test_a_deactivated_user_cannot_finish_a_pending_sign_in(client, enrolled, app):
    user, secret, _codes = enrolled()
    client.sign_in_with_password(user.email, PASSWORD)
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert client.get("/sign-in/code").location == "/sign-in"


# --- Recovery codes ---------------------------------------------------------------------------------


def test_a_recovery_code_works_once(app, enrolled):
    user, _secret, codes = enrolled()
    assert len(codes) == 10 and len(set(codes)) == 10
    first = app.test_client()
    first.sign_in_with_password(user.email, PASSWORD)
    page = first.get_page("/sign-in/code?method=recovery")
    assert page.select_one("input#recovery_code")["autocomplete"] == "off"
    response = first.post_form("/sign-in/code?method=recovery", {"recovery_code": codes[3].upper()})
    assert response.status_code == 302 and response.location == "/"
    assert "You have 9 left" in first.get_page("/").select_one(".govuk-notification-banner").get_text()
    [event] = _events(app, "auth.sign_in")
    assert event.details == {"two_step": "recovery_code"}
    second = app.test_client()
    second.sign_in_with_password(user.email, PASSWORD)
    page = second.post_page("/sign-in/code?method=recovery", {"recovery_code": codes[3]})
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#recovery_code"]
    assert not _signed_in(second)
    assert _events(app, "auth.two_step_failed")[0].details["reason"] == "recovery_wrong"


def test_recovery_codes_are_stored_only_as_digests(app, enrolled):
    user, _secret, codes = enrolled()
    with app.app_context():
        stored = list(db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)))
    assert len(stored) == 10
    assert not {c.replace("-", "") for c in codes} & set(stored)
    assert all(len(h) == 64 for h in stored)


# --- Throttling -------------------------------------------------------------------------------------


def test_after_five_wrong_codes_the_account_answers_429_even_to_the_right_code(client, enrolled, app):
    user, secret, _codes = enrolled()
    other, other_secret, _ = enrolled("manager")
    client.sign_in_with_password(user.email, PASSWORD)
    for _ in range(5):
        assert client.post_form("/sign-in/code", {"code": "000001"}).status_code == 200
    response = client.post_form("/sign-in/code", {"code": _code(secret)})
    assert response.status_code == 429
    # A fresh password step does not reset the count; recovery codes count with the rest.
    again = app.test_client()
    again.sign_in_with_password(user.email, PASSWORD)
    assert again.post_form("/sign-in/code?method=recovery", {"recovery_code": "x"}).status_code == 429
    assert len(_events(app, "auth.two_step_failed")) == 5
    # Another account is not held back.
    colleague = app.test_client()
    colleague.sign_in_with_password(other.email, PASSWORD)
    assert colleague.post_form("/sign-in/code", {"code": _code(other_secret)}).status_code == 302


def test_wrong_codes_when_asking_for_new_recovery_codes_are_throttled_too(app, enrolled):
    user, secret, _codes = enrolled()
    client = app.test_client()
    client.sign_in_as(user)
    for _ in range(5):
        assert client.post_form("/account/two-step/recovery-codes", {"code": "000001"},
                                form_page="/account/two-step").status_code == 200
    assert client.post_form("/account/two-step/recovery-codes", {"code": _code(secret)},
                            form_page="/account/two-step").status_code == 429
    [event, *_] = _events(app, "auth.two_step_failed")
    assert event.details == {"reason": "wrong", "during": "recovery_codes"}
    # The same count as the sign-in page's.
    browser = app.test_client()
    browser.sign_in_with_password(user.email, PASSWORD)
    assert browser.post_form("/sign-in/code", {"code": _code(secret)}).status_code == 429


def test_right_codes_do_not_count_towards_the_limit(app, enrolled):
    user, secret, _codes = enrolled()
    for n in range(7):
        _at(30 * (n + 1))
        browser = app.test_client()
        browser.sign_in_with_password(user.email, PASSWORD)
        assert browser.post_form("/sign-in/code", {"code": _code(secret)}).status_code == 302


# --- Setting it up ----------------------------------------------------------------------------------


def _set_up_page_secret(page) -> str:
    return page.select_one("[data-testid=totp-secret]").get_text().replace(" ", "")


def test_when_required_a_user_without_two_step_must_set_it_up_before_getting_in(client, make_user, app, required):
    user = make_user("navigator")
    response = client.sign_in_with_password(user.email, PASSWORD, next_url="/people")
    assert response.status_code == 302 and response.location == "/sign-in/set-up"
    assert not _signed_in(client)
    page = client.get_page("/sign-in/set-up")
    svg = page.select_one("[data-testid=qr-code] svg")
    assert svg is not None and svg["role"] == "img" and "QR code" in svg.title.get_text()
    assert page.select_one("img") is None  # inline SVG: nothing for the CSP to allow
    shown = page.select_one("[data-testid=totp-secret]").get_text()
    groups = shown.split(" ")
    assert len(groups) == 8 and all(len(g) == 4 for g in groups)
    secret = _set_up_page_secret(page)
    field = page.select_one("input#code")
    assert field["autocomplete"] == "one-time-code" and field["inputmode"] == "numeric"
    assert page.select_one("label[for=code]") is not None

    page = client.post_page("/sign-in/set-up", {"code": "12"})
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#code"]
    assert not _signed_in(client)

    response = client.post_form("/sign-in/set-up", {"code": _code(secret)})
    assert response.status_code == 200
    codes_page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    codes = [li.get_text(strip=True) for li in codes_page.select("[data-testid=recovery-codes] li")]
    assert len(codes) == 10
    assert codes_page.select_one("a.govuk-button")["href"] == "/people"
    assert _signed_in(client)
    assert [e.details for e in _events(app, "auth.sign_in")] == [{"two_step": "set_up"}]
    assert _actions(app, "user.two_step") == ["user.two_step_enrolled"]
    # The codes page is not shown again: the same POST now finds the user signed in.
    assert client.post_form("/sign-in/set-up", {"code": _code(secret)}, form_page="/").location == "/"


def test_each_password_step_makes_a_new_secret_until_one_is_confirmed(app, make_user, required):
    user = make_user("navigator")
    secrets_shown = set()
    for _ in range(2):
        browser = app.test_client()
        browser.sign_in_with_password(user.email, PASSWORD)
        secrets_shown.add(_set_up_page_secret(browser.get_page("/sign-in/set-up")))
    assert len(secrets_shown) == 2
    assert not _fresh(app, user.id).totp_confirmed_at


def test_when_not_required_a_user_without_two_step_signs_in_with_the_password_alone(client, make_user):
    user = make_user("navigator")
    assert client.sign_in_with_password(user.email, PASSWORD).location == "/"
    assert _signed_in(client)


def test_when_optional_a_signed_in_user_can_set_it_up_from_their_account(signed_in, app):
    client, user = signed_in("provider")
    page = client.get_page("/account/password")
    assert page.select_one("a[href='/account/two-step']") is not None
    page = client.get_page("/account/two-step")
    assert "off for your account" in page.get_text()
    response = client.post_form("/account/two-step")
    assert response.status_code == 302 and response.location == "/account/two-step"
    page = client.get_page("/account/two-step")
    assert page.select_one("form[action='/account/two-step/set-up'] input#code") is not None
    secret = _set_up_page_secret(page)
    page = client.post_page("/account/two-step/set-up", {"code": "000000" if _code(secret) != "000000" else "1"},
                            form_page="/account/two-step")
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#code"]
    assert _set_up_page_secret(page) == secret
    response = client.post_form("/account/two-step/set-up", {"code": _code(secret)}, form_page="/account/two-step")
    assert response.status_code == 200 and "Save your recovery codes" in response.get_data(as_text=True)
    assert _fresh(app, user.id).totp_confirmed_at is not None
    page = client.get_page("/account/two-step")
    assert "10 of 10" in page.get_text()
    # And the next sign-in asks for a code.
    _at(30)
    other = app.test_client()
    assert other.sign_in_with_password(user.email, PASSWORD).location == "/sign-in/code"
    assert other.post_form("/sign-in/code", {"code": _code(secret)}).status_code == 302


def test_an_enrolled_user_gets_new_recovery_codes_only_with_a_current_code(signed_in, app, enrolled):
    user, secret, old_codes = enrolled()
    client = app.test_client()
    client.sign_in_as(user)
    page = client.post_page("/account/two-step/recovery-codes", {"code": "999999"}, form_page="/account/two-step")
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#code"]
    response = client.post_form("/account/two-step/recovery-codes", {"code": _code(secret)},
                                form_page="/account/two-step")
    assert response.status_code == 200 and "Save your recovery codes" in response.get_data(as_text=True)
    assert _actions(app, "user.recovery_codes") == ["user.recovery_codes_renewed"]
    browser = app.test_client()
    browser.sign_in_with_password(user.email, PASSWORD)
    page = browser.post_page("/sign-in/code?method=recovery", {"recovery_code": old_codes[0]})
    assert page.select_one("#recovery_code-error") is not None


def test_someone_with_two_step_cannot_start_setting_it_up_again(signed_in, app, enrolled):
    user, _secret, _codes = enrolled()
    client = app.test_client()
    client.sign_in_as(user)
    assert client.post_form("/account/two-step").status_code == 409
    assert client.post_form("/account/two-step/set-up", {"code": "123456"},
                            form_page="/account/two-step").location == "/account/two-step"


# --- An administrator's reset -----------------------------------------------------------------------


def test_an_admin_resets_two_step_sign_in_and_the_user_sets_it_up_again(signed_in, enrolled, app, required):
    admin_client, admin = signed_in("admin")
    user, secret, codes = enrolled()
    victim_browser = app.test_client()
    victim_browser.sign_in_as(user)
    page = admin_client.get_page(f"/admin/users/{user.id}")
    form = page.select_one(f"form[action='/admin/users/{user.id}/two-step/reset']")
    assert form is not None and "Reset two-step sign-in" in form.get_text()
    response = admin_client.post_form(f"/admin/users/{user.id}/two-step/reset",
                                      {"version": form.select_one("input[name=version]")["value"]},
                                      form_page=f"/admin/users/{user.id}")
    assert response.status_code == 302
    after = _fresh(app, user.id)
    assert (after.totp_secret, after.totp_confirmed_at, after.totp_last_step) == (None, None, None)
    with app.app_context():
        assert db.session.scalar(select(func.count(RecoveryCode.id)).where(RecoveryCode.user_id == user.id)) == 0
    assert not _signed_in(victim_browser)
    [event] = _events(app, "user.two_step_reset")
    assert (event.actor_id, event.object_id) == (admin.id, str(user.id))
    browser = app.test_client()
    assert browser.sign_in_with_password(user.email, PASSWORD).location == "/sign-in/set-up"


def test_a_reset_from_a_stale_page_is_a_conflict(signed_in, enrolled, app):
    admin_client, _admin = signed_in("admin")
    user, _secret, _codes = enrolled()
    admin_client.post_form(f"/admin/users/{user.id}/two-step/reset", {"version": str(user.version - 1)},
                           form_page=f"/admin/users/{user.id}")
    assert _fresh(app, user.id).totp_confirmed_at is not None
    assert _events(app, "user.two_step_reset") == []


@pytest.mark.parametrize("role", ["manager", "navigator", "custody_officer", "provider"])
def test_only_admins_may_reset_two_step_sign_in(signed_in, enrolled, app, role):
    client, _someone = signed_in(role)
    user, _secret, _codes = enrolled()
    response = client.post_form(f"/admin/users/{user.id}/two-step/reset", {"version": str(user.version)},
                                form_page="/")
    assert response.status_code == 403
    assert _fresh(app, user.id).totp_confirmed_at is not None


def test_an_admin_cannot_reset_their_own_two_step_sign_in(app, enrolled):
    admin, _secret, _codes = enrolled("admin")
    client = app.test_client()
    client.sign_in_as(admin)
    page = client.get_page(f"/admin/users/{admin.id}")
    assert page.select_one(f"form[action='/admin/users/{admin.id}/two-step/reset']") is None
    client.post_form(f"/admin/users/{admin.id}/two-step/reset", {"version": str(admin.version)},
                     form_page=f"/admin/users/{admin.id}")
    assert _fresh(app, admin.id).totp_confirmed_at is not None


def test_a_reset_during_a_pending_sign_in_sends_the_user_back_to_the_password(client, enrolled, app, make_user):
    user, secret, _codes = enrolled()
    client.sign_in_with_password(user.email, PASSWORD)
    with app.app_context():
        target = db.session.get(User, user.id)
        two_step.reset(target, actor=db.session.get(User, make_user("admin").id), version=target.version)
        db.session.commit()
    assert client.get("/sign-in/code").location == "/sign-in"


# --- A password an administrator chose --------------------------------------------------------------


def _admin_sets_password(app, signed_in, user, password="Marigold-quarry-ferry-42"):
    admin_client, _admin = signed_in("admin")
    response = admin_client.post_form(f"/admin/users/{user.id}/password",
                                      {"password": password, "version": str(_fresh(app, user.id).version)},
                                      form_page=f"/admin/users/{user.id}")
    assert response.status_code == 302
    return password


def test_after_an_admin_sets_a_password_the_user_must_choose_a_new_one(signed_in, make_user, app):
    user = make_user("navigator")
    password = _admin_sets_password(app, signed_in, user)
    assert _fresh(app, user.id).must_change_password
    client = app.test_client()
    response = client.sign_in_with_password(user.email, password, next_url="/people")
    assert response.status_code == 302 and response.location == "/account/password"
    for url in ("/", "/people", "/account/two-step", f"/admin/users/{user.id}"):
        response = client.get(url)
        assert response.status_code == 302 and response.location == "/account/password", url
    page = client.get_page("/account/password")
    assert page.select_one("[data-testid=must-change-password]") is not None
    new = "Cobalt-meadow-tinder-57"
    response = client.post_form("/account/password", {"current_password": password, "new_password": new,
                                                      "confirm_password": new})
    assert response.status_code == 302
    assert not _fresh(app, user.id).must_change_password
    assert client.get("/").status_code == 200


def test_while_the_password_must_change_the_user_can_still_sign_out(signed_in, make_user, app):
    user = make_user("navigator")
    password = _admin_sets_password(app, signed_in, user)
    client = app.test_client()
    client.sign_in_with_password(user.email, password)
    response = client.post_form("/sign-out", form_page="/account/password")
    assert response.status_code == 302 and response.location == "/sign-in"


def test_the_api_is_not_sent_to_the_password_page(signed_in, make_user, app):
    user = make_user("navigator")
    password = _admin_sets_password(app, signed_in, user)
    client = app.test_client()
    client.sign_in_with_password(user.email, password)
    response = client.get("/api/v1/me")
    assert response.status_code == 401 and response.is_json  # the API answers to tokens, not to this cookie


def test_with_two_step_the_code_comes_before_the_new_password(signed_in, enrolled, app):
    user, secret, _codes = enrolled()
    password = _admin_sets_password(app, signed_in, user)
    client = app.test_client()
    assert client.sign_in_with_password(user.email, password).location == "/sign-in/code"
    assert client.post_form("/sign-in/code", {"code": _code(secret)}).location == "/account/password"
    assert client.get("/").location == "/account/password"


def test_the_admin_page_says_when_a_password_must_change_and_whether_two_step_is_set_up(signed_in, make_user, app):
    user = make_user("navigator")
    _admin_sets_password(app, signed_in, user)
    admin_client, _admin = signed_in("admin")
    text = admin_client.get_page(f"/admin/users/{user.id}").get_text()
    assert "must change it when they next sign in" in text
    assert "has not set up two-step sign-in" in text
