"""Administrators keep the reference data: offence categories' eligibility and the offence age limit."""
import pytest
from sqlalchemy import select

from diversion import reference as reference_pages
from diversion.domain.roles import ADMIN
from diversion.extensions import db
from diversion.models import AuditEvent, OffenceCategory, PolicySetting
from tests.conftest import make_app
from tests.factories import referral_payload


@pytest.fixture
def ref_app(database_url, _migrated):
    """The app with the reference blueprint registered (until the app factory registers it itself)."""
    app = make_app(database_url)
    if "reference" not in app.blueprints:
        app.register_blueprint(reference.bp)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def admin_client(ref_app, make_user):
    client = ref_app.test_client()
    client.sign_in_as(make_user("admin"))
    return client


def _category(app, code) -> OffenceCategory:
    with app.app_context():
        return db.session.get(OffenceCategory, code)


def test_every_reference_page_admits_admins_only(ref_app):
    endpoints = [rule.endpoint for rule in ref_app.url_map.iter_rules() if rule.endpoint.startswith("reference.")]
    assert set(endpoints) == {"reference.index", "reference.category", "reference.policy",
                              "reference.custody_suite", "reference.new_custody_suite",
                              "reference.treatment_service", "reference.new_treatment_service"}
    for endpoint in endpoints:
        assert ref_app.view_functions[endpoint].allowed_roles == {ADMIN}


@pytest.mark.parametrize("role", ["custody_officer", "navigator", "provider", "manager"])
def test_other_roles_get_403(ref_app, make_user, role):
    client = ref_app.test_client()
    client.sign_in_as(make_user(role))
    for url in ["/admin/reference", "/admin/reference/categories/theft",
                "/admin/reference/policies/offence_age_limit_months"]:
        client.get_page(url, expected_status=403)


def test_the_index_lists_every_category_with_its_eligibility_and_the_policy_value(admin_client):
    page = admin_client.get_page("/admin/reference")
    assert page.h1.get_text(strip=True) == "Reference data"
    theft = page.select_one("#category-theft")
    assert "Theft (including shoplifting)" in theft.get_text() and "Eligible" in theft.get_text()
    assert "Specific terms" in page.select_one("#category-burglary_residential").get_text()
    assert "Excluded" in page.select_one("#category-robbery").get_text()
    assert theft.select_one("a")["href"] == "/admin/reference/categories/theft"
    rows = {row.select_one("a")["href"]: row.get_text(" ", strip=True) for row in page.select(".govuk-summary-list__row")}
    assert "3 months" in rows["/admin/reference/policies/offence_age_limit_months"]
    assert "18 years" in rows["/admin/reference/policies/divert_minimum_age"]


def test_an_admin_excludes_a_category_and_new_referrals_follow_it(admin_client, ref_app, make_user):
    url = "/admin/reference/categories/theft"
    page = admin_client.get_page(url)
    assert page.h1.get_text(strip=True) == "Can Theft (including shoplifting) be referred to Checkpoint?"
    assert page.select_one("input[name=eligibility][value=eligible]").has_attr("checked")
    version = page.select_one("input[name=version]")["value"]
    response = admin_client.post_form(url, {"eligibility": "excluded", "version": version})
    assert response.status_code == 302 and response.location == "/admin/reference"
    assert "Theft (including shoplifting): excluded." in admin_client.get_page("/admin/reference").get_text()
    assert _category(ref_app, "theft").eligibility == "excluded"
    with ref_app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reference.offence_category"))
        assert (event.object_id, event.details, event.source) == ("theft", {"from": "eligible", "to": "excluded"},
                                                                  "page")
        from diversion.models import User
        from diversion.services import referrals

        officer = make_user("custody_officer")
        referral = referrals.create(referral_payload(), actor=db.session.get(User, officer.id))
        assert referral.reasons == ["excluded_offence"]


def test_no_choice_is_an_error_in_the_gov_uk_pattern(admin_client, ref_app):
    page = admin_client.post_page("/admin/reference/categories/theft", {"version": "1"}, expected_status=422)
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#eligibility"]
    assert page.select_one("#eligibility-error") is not None
    assert page.title.get_text(strip=True).startswith("Error: ")
    assert _category(ref_app, "theft").eligibility == "eligible"


def test_a_change_from_a_stale_page_changes_nothing_and_says_why(admin_client, ref_app):
    url = "/admin/reference/categories/theft"
    stale = admin_client.get_page(url).select_one("input[name=version]")["value"]
    admin_client.post_form(url, {"eligibility": "specific_terms", "version": stale})
    page = admin_client.post_page(url, {"eligibility": "excluded", "version": stale}, expected_status=409)
    assert "Someone else changed this category" in page.select_one("#eligibility-error").get_text()
    assert page.select_one("input[name=eligibility][value=excluded]").has_attr("checked")  # the choice is kept
    assert "It is now: Specific terms" in page.get_text()
    assert _category(ref_app, "theft").eligibility == "specific_terms"
    fresh = page.select_one("input[name=version]")["value"]
    assert admin_client.post_form(url, {"eligibility": "excluded", "version": fresh}).status_code == 302


def test_an_unknown_category_is_a_404(admin_client):
    admin_client.get_page("/admin/reference/categories/no_such_thing", expected_status=404)


def test_an_admin_changes_the_offence_age_limit(admin_client, ref_app):
    url = "/admin/reference/policies/offence_age_limit_months"
    page = admin_client.get_page(url)
    assert page.select_one("#value")["value"] == "3"
    assert page.h1.get_text(strip=True).startswith("How many months old an offence may be")
    version = page.select_one("input[name=version]")["value"]
    assert admin_client.post_form(url, {"value": "6", "version": version}).status_code == 302
    with ref_app.app_context():
        assert db.session.get(PolicySetting, "offence_age_limit_months").value == 6
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reference.policy"))
        assert event.details == {"from": 3, "to": 6}


@pytest.mark.parametrize("typed", ["six", "0", "25", ""])
def test_a_bad_policy_value_is_refused_and_kept(admin_client, ref_app, typed):
    url = "/admin/reference/policies/offence_age_limit_months"
    page = admin_client.post_page(url, {"value": typed, "version": "1"}, expected_status=422)
    assert page.select_one("#value-error").get_text(strip=True).endswith("Enter a whole number of months from 1 to 24")
    assert page.select_one("#value")["value"] == typed
    with ref_app.app_context():
        assert db.session.get(PolicySetting, "offence_age_limit_months").value == 3


def test_reference_pages_have_one_h1_and_distinct_titles(admin_client):
    titles = set()
    urls = ["/admin/reference", "/admin/reference/categories/theft",
            "/admin/reference/policies/offence_age_limit_months"]
    for url in urls:
        page = admin_client.get_page(url)
        assert len(page.find_all("h1")) == 1, url
        titles.add(page.title.get_text(strip=True))
    assert len(titles) == len(urls)
