"""Whatever is typed or pasted into an address, a page answers without a server error: every page (and every API
list) without a path argument, for every role it admits, with each query parameter it reads set, one at a time, to a
value holding a NUL character (which PostgreSQL refuses in a query) and to an over-long one. Run on SQLite and on
PostgreSQL.

The parameters are the ones the page is seen to read (every read of the address is recorded): first those a plain
visit reads, then any more that an odd value of one of them leads it to read. One at a time, so that a parameter
checked first (an API list's `limit`) cannot answer 422 for all the others. (A parameter read only behind another's
particular value, like a report's custom dates behind `period=custom`, is not reached.)"""
import pytest
from werkzeug.datastructures import ImmutableMultiDict

from diversion.domain.roles import ALL_ROLES
from tests.api.conftest import bearer, issue_token  # noqa: F401  (the fixture)

ODD_VALUES = {"nul": "a\x00b", "long": "x" * 5_000}
READ: set[str] = set()  # the names of the parameters read during the last request


class _Recording(ImmutableMultiDict):
    """The address's parameters, noting each name read."""

    def get(self, key, default=None, type=None):
        READ.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        READ.add(key)
        return super().getlist(key, type)

    def __getitem__(self, key):
        READ.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        READ.add(key)
        return super().__contains__(key)


@pytest.fixture
def recording(app):
    class Recording(app.request_class):
        parameter_storage_class = _Recording

    app.request_class = Recording
    return app


def _pages(app, role, api=False):
    for rule in app.url_map.iter_rules():
        roles = getattr(app.view_functions[rule.endpoint], "allowed_roles", None)
        if rule.arguments or "GET" not in rule.methods or rule.rule.startswith("/api/") != api or not roles:
            continue
        if role in roles:
            yield rule.rule


def _server_errors(get, pages, odd) -> tuple[dict, int]:
    """{(page, parameter): status} for every 5xx; and how many requests had an odd value."""
    failures, tried = {}, 0
    for page in pages:
        READ.clear()
        get(page, {})
        names, done = set(READ), set()
        while names - done:
            name = sorted(names - done)[0]
            done.add(name)
            READ.clear()
            status = get(page, {name: odd}).status_code
            tried += 1
            names |= READ
            if status >= 500:
                failures[(page, name)] = status
    return failures, tried


@pytest.mark.parametrize("odd", sorted(ODD_VALUES))
@pytest.mark.parametrize("role", sorted(ALL_ROLES))
def test_every_page_answers_odd_values_in_its_address_without_a_server_error(recording, signed_in, role, odd):
    client, _ = signed_in(role)
    pages = list(_pages(recording, role))
    failures, tried = _server_errors(lambda page, query: client.get(page, query_string=query), pages,
                                     ODD_VALUES[odd])
    assert pages and tried >= len(pages) // 2  # (most pages read some parameter)
    assert failures == {}


@pytest.mark.parametrize("odd", sorted(ODD_VALUES))
@pytest.mark.parametrize("role", sorted(ALL_ROLES))
def test_every_api_list_answers_odd_values_in_its_address_without_a_server_error(recording, issue_token, role, odd):
    token, _ = issue_token(role)
    client = recording.test_client()
    lists = list(_pages(recording, role, api=True))
    failures, tried = _server_errors(
        lambda path, query: client.get(path, query_string=query, headers=bearer(token)), lists, ODD_VALUES[odd])
    assert lists and tried >= len(lists) // 2
    assert failures == {}


def test_the_reads_are_recorded(recording, signed_in):
    client, _ = signed_in("manager")
    READ.clear()
    client.get("/contracts")
    assert {"q", "status", "navigator", "after", "sort"} <= READ
