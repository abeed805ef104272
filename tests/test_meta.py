"""Deny by default: every route names the roles it admits (Notify-style meta-test over the url_map)."""
from diversion.domain.roles import ADMIN, ALL_ROLES

# The only routes anyone may reach without signing in. The two second-step pages of signing in (a code, or
# setting up the authenticator app) come after the password and before any session exists, so no role can
# guard them: `auth.pending.required` does, admitting only a pending sign-in under five minutes old.
SECOND_STEP_ENDPOINTS = {"auth.sign_in_code", "auth.sign_in_set_up"}
PUBLIC_ENDPOINTS = {"auth.sign_in", "main.health", "static"} | SECOND_STEP_ENDPOINTS


def _view(app, endpoint):
    return app.view_functions[endpoint]


def test_every_route_is_guarded_by_role_or_deliberately_public(app):
    unguarded = []
    for rule in app.url_map.iter_rules():
        view = _view(app, rule.endpoint)
        roles = getattr(view, "allowed_roles", None)
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        if not roles or not set(roles) <= ALL_ROLES:
            unguarded.append(f"{rule.rule} ({rule.endpoint})")
    assert unguarded == []


def test_public_routes_are_exactly_sign_in_health_and_static(app):
    marked_public = {rule.endpoint for rule in app.url_map.iter_rules()
                     if getattr(_view(app, rule.endpoint), "public", False)}
    assert marked_public == {"auth.sign_in", "main.health"} | SECOND_STEP_ENDPOINTS


def test_the_second_step_pages_are_guarded_by_a_pending_sign_in(app):
    for endpoint in SECOND_STEP_ENDPOINTS:
        assert getattr(_view(app, endpoint), "pending_sign_in", False), endpoint


def test_the_meta_test_sees_the_routes_it_guards(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert {"admin.users", "tokens.everyone", "api.me", "main.home", "auth.sign_out"} <= endpoints


def test_admin_area_admits_only_admins_except_the_audit_trail(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin.") and rule.endpoint != "admin.audit":
            assert _view(app, rule.endpoint).allowed_roles == {ADMIN}, rule.rule


def test_every_api_route_is_under_api_v1(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            assert rule.rule.startswith("/api/v1/"), rule.rule
