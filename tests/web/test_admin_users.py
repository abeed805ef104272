"""Administrators manage who can sign in."""
from sqlalchemy import select

from diversion.extensions import db
from diversion.models import AuditEvent, User
from tests.factories import PASSWORD

GOOD = {"name": "Priya Shah", "email": "priya.shah@police.example", "role": "navigator",
        "password": "Saffron-lighthouse-88"}


def _user(app, email):
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


def test_an_admin_adds_a_user_who_can_then_sign_in(signed_in, app):
    client, admin = signed_in("admin")
    response = client.post_form("/admin/users/new", GOOD)
    assert response.status_code == 302
    created = _user(app, GOOD["email"])
    assert created.role == "navigator" and created.password_hash.startswith("$argon2id$")
    page = client.get_page(response.location)
    assert page.h1.get_text(strip=True) == "Priya Shah"
    assert app.test_client().sign_in_with_password(GOOD["email"], GOOD["password"]).status_code == 302
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.create"))
        assert (event.actor_id, event.object_id, event.source) == (admin.id, str(created.id), "page")


def test_every_bad_field_is_reported_and_what_was_typed_is_kept(signed_in, make_user):
    client, _ = signed_in("admin")
    existing = make_user("navigator")
    page = client.post_page("/admin/users/new", {"name": "", "email": existing.email, "role": "",
                                                 "password": "password1234"})
    links = [a["href"] for a in page.select(".govuk-error-summary a")]
    assert links == ["#name", "#email", "#role", "#password"]
    assert page.select_one("#email")["value"] == existing.email


def test_service_rules_are_shown_on_the_fields_they_concern(signed_in, make_user):
    client, _ = signed_in("admin")
    existing = make_user("navigator")
    page = client.post_page("/admin/users/new", dict(GOOD, email=existing.email, password="password1234"))
    assert "already exists" in page.select_one("#email-error").get_text()
    assert "harder to guess" in page.select_one("#password-error").get_text()
    assert page.select_one("#name")["value"] == GOOD["name"]


def test_an_admin_changes_a_users_role(signed_in, make_user, app):
    client, _ = signed_in("admin")
    user = make_user("navigator")
    response = client.post_form(f"/admin/users/{user.id}/role", {"role": "manager", "version": user.version},
                                form_page=f"/admin/users/{user.id}")
    assert response.status_code == 302
    assert _user(app, user.email).role == "manager"


def test_a_role_change_from_a_stale_page_changes_nothing(signed_in, make_user, app):
    client, _ = signed_in("admin")
    user = make_user("navigator")
    stale_version = user.version
    client.post_form(f"/admin/users/{user.id}/role", {"role": "manager", "version": stale_version},
                     form_page=f"/admin/users/{user.id}")
    response = client.post_form(f"/admin/users/{user.id}/role", {"role": "provider", "version": stale_version},
                                form_page=f"/admin/users/{user.id}")
    assert response.status_code == 302
    assert _user(app, user.email).role == "manager"
    assert "Someone else changed this user" in client.get_page(response.location).get_text()


def test_deactivating_a_user_ends_their_sessions_and_sign_in(signed_in, make_user, app):
    client, _ = signed_in("admin")
    user = make_user("navigator")
    their_browser = app.test_client()
    their_browser.sign_in_as(user)
    assert their_browser.get("/").status_code == 200
    asked = client.post_page(f"/admin/users/{user.id}/deactivate", {"version": user.version},
                             form_page=f"/admin/users/{user.id}")
    assert asked.h1.get_text(strip=True) == f"Are you sure you want to deactivate {user.name}?"
    assert _user(app, user.email).active is True  # nothing changes until it is confirmed
    client.post_form(f"/admin/users/{user.id}/deactivate", {"version": user.version, "confirm": "yes"},
                     form_page=f"/admin/users/{user.id}")
    assert _user(app, user.email).active is False
    assert their_browser.get("/").status_code == 302
    page = app.test_client().post_page("/sign-in", {"email": user.email, "password": PASSWORD})
    assert page.select_one(".govuk-error-summary") is not None


def test_an_admin_cannot_deactivate_themselves(signed_in, app):
    client, admin = signed_in("admin")
    response = client.post_form(f"/admin/users/{admin.id}/deactivate", {"version": admin.version, "confirm": "yes"},
                                form_page="/admin/users")
    assert response.status_code == 302
    assert _user(app, admin.email).active is True


def test_a_reactivated_user_can_sign_in_again(signed_in, make_user, app):
    client, _ = signed_in("admin")
    user = make_user("navigator", active=False)
    client.post_form(f"/admin/users/{user.id}/reactivate", {"version": user.version},
                     form_page=f"/admin/users/{user.id}")
    assert app.test_client().sign_in_with_password(user.email, PASSWORD).status_code == 302


def test_an_unknown_user_is_a_404(signed_in):
    client, _ = signed_in("admin")
    client.get_page("/admin/users/99999", expected_status=404)


def test_an_admin_sets_a_new_password_for_someone_who_forgot_theirs(signed_in, make_user, app):
    client, _ = signed_in("admin")
    user = make_user("navigator")
    their_browser = app.test_client()
    their_browser.sign_in_as(user)
    page = client.post_page(f"/admin/users/{user.id}/password", {"password": "password1234", "version": user.version},
                            form_page=f"/admin/users/{user.id}", expected_status=422)
    assert "harder to guess" in page.select_one("#password-error").get_text()
    response = client.post_form(f"/admin/users/{user.id}/password",
                                {"password": "Harbour-kestrel-velvet-52", "version": user.version},
                                form_page=f"/admin/users/{user.id}")
    assert response.status_code == 302
    assert their_browser.get("/").status_code == 302  # signed out everywhere
    assert app.test_client().sign_in_with_password(user.email, "Harbour-kestrel-velvet-52").status_code == 302
    assert app.test_client().sign_in_with_password(user.email, PASSWORD).status_code == 200  # the old one fails


def test_an_admin_change_that_does_not_say_which_version_it_saw_changes_nothing(signed_in, make_user, app):
    client, _ = signed_in("admin")
    user = make_user("navigator")
    for path, fields in ((f"/admin/users/{user.id}/role", {"role": "manager"}),
                         (f"/admin/users/{user.id}/password", {"password": "Harbour-kestrel-velvet-52"}),
                         (f"/admin/users/{user.id}/deactivate", {"confirm": "yes"}),
                         (f"/admin/users/{user.id}/two-step/reset", {})):
        response = client.post_form(path, fields, form_page=f"/admin/users/{user.id}")
        assert response.status_code == 302, path
        page = client.get_page(response.location)
        assert "did not say which version" in page.select_one(".govuk-notification-banner, .govuk-error-summary") \
            .get_text(), path
    after = _user(app, user.email)
    assert (after.role, after.active, after.password_hash, after.version) == \
        ("navigator", True, user.password_hash, user.version)


def _names(page) -> list[str]:
    return [a.get_text(strip=True) for a in page.select("tbody tr td:first-child a")]


def _status(page) -> str:
    return page.select_one("p[role=status]").get_text(" ", strip=True)


def test_the_users_are_pages_of_50_by_name_that_reach_everyone_once(signed_in, app):
    # A national service has thousands of staff: the list is a page at a time, never all of them.
    from tests import factories

    client, admin = signed_in("admin", name="Aaron Admin")
    with app.app_context():
        made = [factories.user(name=f"Navigator {n:03d}").name for n in range(60)]
        db.session.commit()
    first = client.get_page("/admin/users")
    assert _status(first) == "61 active users, 50 on this page."
    assert _names(first) == sorted(_names(first)) and _names(first)[0] == "Aaron Admin"
    second = client.get_page(first.select_one(".govuk-pagination__next a")["href"])
    assert first.select_one("nav.govuk-pagination")["aria-label"] == "Pages of users"
    seen = _names(first) + _names(second)
    assert len(seen) == len(set(seen)) == 61 and set(made) <= set(seen)
    assert second.select_one(".govuk-pagination__next") is None
    from diversion import keyset  # a cursor past everyone (the last ones deactivated since): no rows, and a way back
    past = client.get_page("/admin/users?after=" + keyset.encode(("\uffff", 10 ** 6)))
    assert _names(past) == [] and _status(past).startswith("No more active users after the last page you saw.")
    assert past.select_one("p[role=status] a")["href"] == "/admin/users"


def test_users_are_found_by_name_or_email_in_any_case_by_role_and_by_status(signed_in, make_user):
    client, _admin = signed_in("admin")
    make_user("navigator", name="Siân O'Brien", email="sian.obrien@police.example")
    make_user("manager", name="Kwame Mensah", email="k.mensah@police.example")
    make_user("navigator", name="Former Colleague", email="left@police.example", active=False)
    assert _names(client.get_page("/admin/users?q=SIAN.O")) == ["Siân O'Brien"]  # (by email)
    assert _names(client.get_page("/admin/users?q=mensah")) == ["Kwame Mensah"]
    for wildcard in ("%25", "_", "%5C"):  # %, _ and \ are characters to find, not patterns: nobody's holds one
        nothing = client.get_page(f"/admin/users?q={wildcard}")
        assert _names(nothing) == [] and _status(nothing) == "No active users match these filters.", wildcard
    with_nul = client.get_page("/admin/users?q=mens%00ah")  # no name holds a NUL (PostgreSQL refuses one): nobody
    assert _names(with_nul) == [] and _status(with_nul) == "No active users match these filters."
    by_role = client.get_page("/admin/users?role=manager")
    assert _names(by_role) == ["Kwame Mensah"] and _status(by_role) == "1 active user that matches these filters."
    assert "Former Colleague" not in _names(client.get_page("/admin/users"))
    gone = client.get_page("/admin/users?status=deactivated")
    assert _names(gone) == ["Former Colleague"] and _status(gone) == "1 deactivated user."
    assert [a.get_text(" ", strip=True) for a in gone.select(".moj-filter__tag")] == [
        "Remove this filter: Deactivated"]
