"""The current-password check on "change password" is throttled like a sign-in and every failure is audited;
a throttled sign-in is audited too (issue 9, findings 1 and 10)."""
from sqlalchemy import select

from diversion.extensions import db
from diversion.models import AuditEvent
from tests.web.test_throttling import _fail


def _wrong_current(client):
    return client.post_form("/account/password", {"current_password": "not-my-password-1",
                                                  "new_password": "Amber-quartz-window-93",
                                                  "confirm_password": "Amber-quartz-window-93"})


def test_guessing_the_current_password_is_throttled_after_five_tries_and_each_try_is_audited(signed_in, app):
    """Counted before it is judged: see tests/security/test_throttling_shared.py for guesses sent at once."""
    client, user = signed_in("navigator")
    assert [_wrong_current(client).status_code for _ in range(6)] == [200] * 5 + [429]
    with app.app_context():
        failures = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.password_check_failed"))
        assert [event.actor_id for event in failures] == [user.id] * 5


def test_a_throttled_sign_in_is_audited_once_per_window_against_the_account_tried_not_as_its_actor(client,
                                                                                                   make_user, app):
    user = make_user("navigator")
    for _ in range(40):
        _fail(client, user.email)
    with app.app_context():
        throttled = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.throttled")))
        assert len(throttled) == 1  # 35 refusals, one row: an anonymous flood does not fill the audit trail
        assert (throttled[0].actor_id, throttled[0].object_id, throttled[0].details) == (
            None, str(user.id), {"scope": "signin-account"})


def test_someone_an_administrator_created_chooses_their_own_password_at_first_sign_in(signed_in, app):
    admin, _ = signed_in("admin")
    admin.post_form("/admin/users/new", {"name": "Priya Shah", "email": "priya.shah@police.example",
                                          "role": "navigator", "password": "Copper-lantern-meadow-42"})
    newcomer = app.test_client()
    response = newcomer.sign_in_with_password("priya.shah@police.example", "Copper-lantern-meadow-42")
    assert response.status_code == 302 and response.location.endswith("/account/password")
    assert newcomer.get("/contracts").location.endswith("/account/password")
