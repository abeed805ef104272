"""Administrators keep the treatment services list (issue 12): add, rename, change the pathway, stop offering one
(never deleted: onward referrals name it); audited; a stale version is a clear message, not a 500."""
import pytest
import sqlalchemy as sa

from diversion.extensions import db
from diversion.models import AuditEvent, TreatmentService


@pytest.fixture
def admin(signed_in):
    client, _ = signed_in("admin")
    return client


def _service(app, code) -> TreatmentService | None:
    with app.app_context():
        return db.session.get(TreatmentService, code)


def test_the_list_shows_each_service_with_its_pathway(admin):
    page = admin.get_page("/admin/reference")
    row = page.select_one("#service-housing_options").get_text(" ", strip=True)
    assert "Housing options" in row and "Accommodation" in row and "Yes" in row
    assert page.select_one("#service-housing_options a")["href"] == "/admin/reference/treatment-services/housing_options"
    assert page.select_one("a[href='/admin/reference/treatment-services/new']") is not None


def test_an_admin_adds_a_service_with_a_pathway_from_the_domain_list(admin, app):
    form = admin.get_page("/admin/reference/treatment-services/new")
    options = [o["value"] for o in form.select("#pathway option") if o["value"]]
    assert options[:3] == ["drugs", "alcohol", "mental_health"] and "exploitation" in options
    response = admin.post_form("/admin/reference/treatment-services/new",
                               {"name": "Recovery café", "pathway": "drugs"})
    assert response.status_code == 302 and response.location == "/admin/reference#treatment-services"
    record = _service(app, "recovery_cafe")
    assert (record.name, record.pathway, record.active) == ("Recovery café", "drugs", True)
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "reference.treatment_service"))
        assert (event.object_id, event.details) == ("recovery_cafe", {"added": {"name": "Recovery café",
                                                                               "pathway": "drugs"}})
    assert "Treatment service added: Recovery café." in admin.get_page("/admin/reference").get_text()


@pytest.mark.parametrize("form, links", [
    ({"name": "", "pathway": ""}, ["#name", "#pathway"]),
    ({"name": "Housing options", "pathway": "accommodation"}, ["#name"]),
    ({"name": "x" * 121, "pathway": "nonsense"}, ["#name", "#pathway"]),
])
def test_a_new_service_without_good_answers_shows_each_error_in_the_summary(admin, app, form, links):
    page = admin.post_page("/admin/reference/treatment-services/new", form, expected_status=422)
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == links
    assert page.title.get_text().startswith("Error:")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(TreatmentService)) == 10


def test_an_admin_renames_one_changes_its_pathway_and_stops_offering_it(admin, app, signed_in, make_contract):
    url = "/admin/reference/treatment-services/debt_advice"
    page = admin.get_page(url)
    assert page.select_one("#pathway option[selected]")["value"] == "finance"
    assert page.select_one("input[name=active][value=yes]").has_attr("checked")
    version = page.select_one("input[name=version]")["value"]
    response = admin.post_form(url, {"name": "Money and debt advice", "pathway": "finance", "active": "no",
                                     "version": version})
    assert response.status_code == 302
    record = _service(app, "debt_advice")
    assert (record.name, record.active) == ("Money and debt advice", False)
    with app.app_context():
        event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "reference.treatment_service")
                                   ).one()
        assert event.details["from"]["active"] is True and event.details["to"]["active"] is False
    row = admin.get_page("/admin/reference").select_one("#service-debt_advice").get_text(" ", strip=True)
    assert "Money and debt advice" in row and "No" in row
    # No longer offered: a navigator's form leaves it out.
    navigator_client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    offered = [o["value"] for o in navigator_client.get_page(f"/contracts/{contract_id}/onward-referrals")
               .select("#service option")]
    assert "debt_advice" not in offered and "housing_options" in offered


def test_a_change_without_answers_or_on_a_stale_version_is_refused_clearly(admin, app):
    url = "/admin/reference/treatment-services/gambling_support"
    version = admin.get_page(url).select_one("input[name=version]")["value"]
    page = admin.post_page(url, {"name": " ", "pathway": "", "version": version}, expected_status=422)
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#name", "#pathway", "#active"]
    admin.post_form(url, {"name": "Gambling harm support", "pathway": "gambling", "active": "yes",
                          "version": version}, expected_status=302)
    page = admin.post_page(url, {"name": "Gambling help", "pathway": "gambling", "active": "yes",
                                 "version": version}, expected_status=409)
    assert "Someone else changed this service" in page.select_one(".govuk-error-summary").get_text()
    assert page.select_one("input[name=version]")["value"] != version
    assert _service(app, "gambling_support").name == "Gambling harm support"


@pytest.mark.parametrize("role", ["custody_officer", "navigator", "provider", "manager"])
def test_other_roles_get_403(signed_in, role):
    client, _ = signed_in(role)
    for url in ["/admin/reference/treatment-services/new", "/admin/reference/treatment-services/debt_advice"]:
        client.get_page(url, expected_status=403)


def test_an_unknown_service_is_not_found(admin):
    admin.get_page("/admin/reference/treatment-services/no_such_service", expected_status=404)
