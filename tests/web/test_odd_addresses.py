"""Whatever is typed or pasted into an address, a page answers without a server error: every page (and every API
list) without a path argument, for every role it admits, with every query parameter any page reads set at once to a
value holding a NUL character (which PostgreSQL refuses in a query) and then to an over-long one. Run on SQLite and on
PostgreSQL."""
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest

from diversion.domain.roles import ALL_ROLES
from tests.api.conftest import bearer, issue_token  # noqa: F401  (the fixture)

SOURCE = Path(__file__).resolve().parents[2] / "diversion"
# The names pages read from the address (request.args), found in the code; and the parts of the dates a form of
# filters sends (pages.date_parts: from-day, from-month, ...).
PARAMETERS = sorted(
    {name for path in SOURCE.rglob("*.py")
     for name in re.findall(r'args(?:\.get|\.getlist)\(\s*"([A-Za-z_-]+)"', path.read_text(encoding="utf-8"))}
    | {f"{end}-{part}" for end in ("from", "to") for part in ("day", "month", "year")})
ODD_VALUES = {"nul": "a\x00b", "long": "x" * 5_000}


def _pages(app, role, api=False):
    for rule in app.url_map.iter_rules():
        roles = getattr(app.view_functions[rule.endpoint], "allowed_roles", None)
        if rule.arguments or "GET" not in rule.methods or rule.rule.startswith("/api/") != api or not roles:
            continue
        if role in roles:
            yield rule.rule


def test_the_parameters_are_found():
    assert {"q", "status", "after", "navigator_name", "sort", "period"} <= set(PARAMETERS)


@pytest.mark.parametrize("odd", sorted(ODD_VALUES))
@pytest.mark.parametrize("role", sorted(ALL_ROLES))
def test_every_page_answers_odd_values_in_its_address_without_a_server_error(app, signed_in, role, odd):
    client, _ = signed_in(role)
    query = urlencode({name: ODD_VALUES[odd] for name in PARAMETERS})
    pages = list(_pages(app, role))
    assert pages
    failures = {}
    for page in pages:
        status = client.get(f"{page}?{query}").status_code
        if status >= 500:
            failures[page] = status
    assert failures == {}


@pytest.mark.parametrize("odd", sorted(ODD_VALUES))
@pytest.mark.parametrize("role", sorted(ALL_ROLES))
def test_every_api_list_answers_odd_values_in_its_address_without_a_server_error(app, issue_token, role, odd):
    token, _ = issue_token(role)
    client = app.test_client()
    query = urlencode({name: ODD_VALUES[odd] for name in PARAMETERS})
    lists = list(_pages(app, role, api=True))
    assert lists
    failures = {}
    for path in lists:
        status = client.get(f"{path}?{query}", headers=bearer(token)).status_code
        if status >= 500:
            failures[path] = status
    assert failures == {}
