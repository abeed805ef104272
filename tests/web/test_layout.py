"""Every page in the house style: GOV.UK layout, one h1, a distinct title, role navigation."""
import pytest

from diversion.domain.roles import ROLES

HOME_HEADINGS = {
    "custody_officer": "Refer people to diversion",
    "navigator": "Today",
    "provider": "DIVERT referrals",
    "manager": "Oversee the schemes",
    "admin": "Administer the service",
}

ADMIN_PAGES = ["/", "/admin/users", "/admin/users/new", "/admin/tokens", "/account/tokens/new", "/admin/audit",
               "/account/password"]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_has_a_home_page_saying_what_to_do_next(signed_in, role):
    client, user = signed_in(role)
    page = client.get_page("/")
    assert page.h1.get_text(strip=True) == HOME_HEADINGS[role]
    assert page.select_one(".app-header__user-name").get_text(strip=True) == user.name
    assert page.select_one(".app-header__user-role").get_text(strip=True)
    assert page.select(".app-task-links a")


def test_every_admin_page_has_one_h1_a_distinct_title_and_the_gov_uk_frame(signed_in):
    client, _ = signed_in("admin")
    titles = set()
    for url in ADMIN_PAGES:
        page = client.get_page(url)
        assert page.html["lang"] == "en", url
        assert len(page.find_all("h1")) == 1, url
        assert page.select_one("a.govuk-skip-link")["href"] == "#main-content", url
        assert page.select_one("main#main-content") is not None, url
        titles.add(page.title.get_text(strip=True))
    assert len(titles) == len(ADMIN_PAGES)


@pytest.mark.parametrize("role, sees, does_not_see", [
    ("admin", {"Home", "Users", "API tokens", "Audit trail"}, set()),
    ("manager", {"Home", "Audit trail"}, {"Users", "API tokens"}),
    ("navigator", {"Home"}, {"Users", "API tokens", "Audit trail"}),
    ("custody_officer", {"Home", "Record a drug test", "Missed drug assessments"},
     {"Users", "API tokens", "Audit trail", "Drug test assessments"}),
    ("provider", {"Home", "Drug test assessments"}, {"Users", "API tokens", "Audit trail", "Record a drug test"}),
])
def test_navigation_shows_what_the_role_can_use(signed_in, role, sees, does_not_see):
    client, _ = signed_in(role)
    items = {a.get_text(strip=True) for a in client.get_page("/").select(".govuk-service-navigation__link")}
    assert sees <= items and not (does_not_see & items)


def test_the_current_section_is_marked_in_the_navigation(signed_in):
    client, _ = signed_in("admin")
    current = client.get_page("/admin/tokens").select_one(".govuk-service-navigation__item--active")
    assert current.get_text(strip=True) == "API tokens"


def test_sign_out_is_a_form_with_a_csrf_token(signed_in):
    client, _ = signed_in("navigator")
    form = client.get_page("/").select_one("form[action='/sign-out']")
    assert form["method"] == "post" and form.select_one("input[name=csrf_token]")["value"]


def test_the_sign_in_page_shows_no_account_navigation(client):
    page = client.get_page("/sign-in")
    assert page.select_one(".govuk-service-navigation") is None
    assert page.select_one("form[action='/sign-out']") is None


@pytest.mark.parametrize("role", ["custody_officer", "navigator", "provider", "manager"])
def test_other_roles_get_403_in_the_house_style_on_admin_pages(signed_in, role):
    client, _ = signed_in(role)
    for url in ["/admin/users", "/admin/users/new", "/admin/tokens"]:
        page = client.get_page(url, expected_status=403)
        assert page.h1.get_text(strip=True) == "You do not have permission to see this page"


def test_managers_may_read_the_audit_trail(signed_in):
    client, _ = signed_in("manager")
    assert client.get_page("/admin/audit").h1.get_text(strip=True) == "Audit trail"


def test_a_missing_page_is_a_404_in_the_house_style(signed_in):
    client, _ = signed_in("navigator")
    page = client.get_page("/no-such-page", expected_status=404)
    assert page.h1.get_text(strip=True) == "Page not found"
