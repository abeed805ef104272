"""A cursor in the address that was tampered with (a value of the wrong type for its sort column: a string for a
date, a float, a list, an integer past 2^63, a datetime for a date, a NUL) is the first page of a list, and a
bad request naming `cursor` in the API: never a 5xx, on SQLite as on PostgreSQL."""
import base64
import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diversion import keyset
from diversion.services import divert_lists
from tests.api.conftest import bearer, issue_token  # noqa: F401  (the fixture)


def _cursor(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


# Cursors a list's own encode never gives: each well formed as far as its tags go.
TAMPERED = [
    _cursor([["v", "yesterday"], ["v", 1]]),                 # a string where a date is
    _cursor([["v", 1.5], ["v", 1]]),                         # a float
    _cursor([["v", [1, 2]], ["v", 1]]),                      # a list
    _cursor([["d", "2026-01-01"], ["v", 2 ** 64]]),          # an id past a bigint
    _cursor([["d", "2026-01-01"], ["v", -(2 ** 63) - 1]]),
    _cursor([["d", "2026-01-01"], ["v", "7"]]),              # a string where an id is
    _cursor([["t", "2026-01-01T00:00:00+00:00"], ["v", 1]]),  # a moment where a day is
    _cursor([["d", "2026-01-01"], ["d", "2026-01-01"]]),     # a day where an id is
    _cursor([["v", 20260101], ["v", 1]]),                    # a number where a date is
    _cursor([["v", "a\x00b"], ["v", "c"], ["v", 1]]),        # a NUL in a name
    _cursor([["v", "x" * 300], ["v", "c"], ["v", 1]]),       # longer than any name
    _cursor([["t", "0001-01-01T00:00:00+01:00"], ["v", 1]]),  # before the first moment there is, in UTC
    _cursor([["t", "9999-12-31T23:59:59-01:00"], ["v", 1]]),  # after the last
    _cursor([["v", None], ["v", 1]]),
    _cursor([["d", "2026-01-01"], ["v", True]]),
]

PAGES = ["/divert/referrals?after={}", "/divert/referrals?sort=name&after={}", "/divert/referrals?sort=waited&after={}",
         "/divert/worklist?new_after={}", "/divert/worklist?booked_after={}", "/divert/worklist?follow_up_after={}",
         "/divert/upcoming?after={}"]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("cursor", TAMPERED)
def test_a_tampered_cursor_is_the_first_page_of_the_providers_lists(signed_in, url, cursor):
    client, _ = signed_in("provider")
    response = client.get(url.format(cursor))
    assert response.status_code == 200, response.status_code


DTOA_PAGES = {"provider": ["/dtoa/worklist?overdue_after={}", "/dtoa/worklist?today_after={}",
                            "/dtoa/worklist?coming_after={}", "/dtoa/worklist?not_booked_after={}"],
              "custody_officer": ["/dtoa/missed?after={}"]}


@pytest.mark.parametrize("role, url", [(role, url) for role, urls in DTOA_PAGES.items() for url in urls])
@pytest.mark.parametrize("cursor", TAMPERED)
def test_a_tampered_cursor_is_the_first_page_of_the_drug_test_lists(signed_in, role, url, cursor):
    client, _ = signed_in(role)
    response = client.get(url.format(cursor))
    assert response.status_code == 200, response.status_code


@pytest.mark.parametrize("url", ["/contracts?after={}", "/contracts?sort=name&after={}",
                                 "/contracts?sort=start&after={}", "/queue?after={}",
                                 "/queue?sort=newest&after={}", "/approvals?after={}", "/team?after={}"])
@pytest.mark.parametrize("cursor", TAMPERED + ["2026-01-01T00:00:00+00:00~1", "2026-01-01~1",
                                               "0001-01-01T00:00:00+01:00~1"])
def test_a_tampered_cursor_is_the_first_page_of_the_caseload_and_queue(signed_in, url, cursor):
    client, _ = signed_in("manager")
    assert client.get(url.format(cursor)).status_code == 200


@pytest.mark.parametrize("url", ["/admin/audit?after={}", "/admin/audit?sort=oldest&after={}",
                                 "/admin/retention?after={}", "/admin/erasures?after={}"])
@pytest.mark.parametrize("cursor", TAMPERED)
def test_a_tampered_cursor_is_the_first_page_of_the_admin_lists(signed_in, url, cursor):
    client, _ = signed_in("admin")
    assert client.get(url.format(cursor)).status_code == 200


@pytest.mark.parametrize("cursor", TAMPERED)
def test_a_tampered_api_cursor_is_a_bad_request_naming_it(client, issue_token, cursor):
    token, _ = issue_token("admin")
    response = client.get(f"/api/v1/retention/due?cursor={cursor}", headers=bearer(token))
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"cursor"}


def test_decode_checks_each_value_against_its_column():
    date_sort = divert_lists.SORTS["oldest"]
    assert keyset.decode(keyset.encode((date(2026, 1, 2), 5)), 2, date_sort.columns) == (date(2026, 1, 2), 5)
    for cursor in TAMPERED:
        assert keyset.decode(cursor, 2, date_sort.columns) is None


_cursors = st.one_of(
    st.text(max_size=60),
    st.lists(st.lists(st.one_of(st.sampled_from(["d", "t", "v"]), st.text(max_size=30), st.integers(),
                                st.floats(allow_nan=False), st.none(), st.booleans(), st.lists(st.integers(), max_size=2),
                                st.dates().map(lambda d: d.isoformat()),
                                st.datetimes().map(lambda d: d.isoformat() + "+05:00")),
                      min_size=2, max_size=2), max_size=3).map(_cursor))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cursor=_cursors)
def test_no_cursor_at_all_is_a_5xx(signed_in, client, issue_token, cursor):
    from urllib.parse import quote
    provider, _ = signed_in("provider")
    for url in ("/divert/worklist?new_after={}", "/divert/referrals?sort=name&after={}", "/divert/upcoming?after={}"):
        assert provider.get(url.format(quote(cursor))).status_code == 200
    token, _ = issue_token("admin")
    response = client.get(f"/api/v1/retention/due?cursor={quote(cursor)}", headers=bearer(token))
    assert response.status_code in (200, 422)
