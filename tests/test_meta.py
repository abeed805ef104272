"""Deny by default: every route names the roles it admits (Notify-style meta-test over the url_map)."""
from diversion.domain.roles import ADMIN, ALL_ROLES

# The only routes anyone may reach without signing in.
PUBLIC_ENDPOINTS = {"auth.sign_in", "main.health", "static"}


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
    assert marked_public == {"auth.sign_in", "main.health"}


def test_the_meta_test_sees_the_routes_it_guards(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert {"admin.users", "admin.tokens", "api.me", "main.home", "auth.sign_out"} <= endpoints


def test_admin_area_admits_only_admins_except_the_audit_trail(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin.") and rule.endpoint != "admin.audit":
            assert _view(app, rule.endpoint).allowed_roles == {ADMIN}, rule.rule


def test_every_api_route_is_under_api_v1(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            assert rule.rule.startswith("/api/v1/"), rule.rule
