"""Twenty simultaneous edits with the same `version`, for each kind of versioned write in the API (issue 9, "a
concurrency test for each kind of write"; revision 2, "Concurrency"): exactly one success and nineteen 409s,
never a 5xx. The writes are the document's: every POST operation whose request schema has a `version` property,
each sent twenty times at once with one valid body (tests/security/api_world.BODIES) on a fresh world.

Real threads against real transactions, so this runs on PostgreSQL (SQLite takes one writer at a time by design);
`make test` runs it in its PostgreSQL pass (under CI=true that pass never skips). Token renewal is versioned too,
but it is no API operation (pages only), so it is not here.
"""
from __future__ import annotations

import os

import pytest

from tests.api.test_concurrent_writes import race
from tests.security.api_world import (BODIES, build_world, collection_document, json_writes, request_for, resolve,
                                      role_for)

THREADS = 20
DOCUMENT = collection_document()
VERSIONED = sorted(operation for operation, schema in json_writes(DOCUMENT).items()
                   if "version" in resolve(schema, DOCUMENT).get("properties", {}))

on_postgresql = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                   reason="races need PostgreSQL's concurrent transactions")


def test_the_document_has_versioned_writes_and_each_has_a_scenario():
    print(f"concurrent edits: {len(VERSIONED)} versioned writes: {VERSIONED}")
    assert len(VERSIONED) >= 10, VERSIONED  # 10 when written
    assert sorted(set(VERSIONED) - set(BODIES)) == [], "add a valid body to tests/security/api_world.BODIES"


# Found when written: twenty merges of the same pair gave one 200 and nineteen 422s ("merged already"), since fixed
# to 409s.
@on_postgresql
@pytest.mark.parametrize("operation", VERSIONED)
def test_twenty_edits_with_the_same_version_give_one_success_and_nineteen_409s(app, operation):
    world = build_world(app)
    url, body = request_for(operation, app, world)
    assert "version" in body, f"{operation}: the body must send the version it read"
    headers = {"Authorization": f"Bearer {world.tokens[role_for(app, operation)]}"}
    results = race(app, [lambda client: client.open(url, method=operation.split(" ", 1)[0], json=body, headers=headers)] * THREADS)
    statuses = sorted(status for status, _ in results)
    print(f"concurrent edits: {operation}: {THREADS} at once: "
          f"{ {s: statuses.count(s) for s in sorted(set(statuses))} }")
    assert all(status < 500 for status in statuses), (operation, statuses)
    assert len([s for s in statuses if s < 300]) == 1 and statuses.count(409) == THREADS - 1, (
        operation, statuses, [answer.get("error", {}).get("code") for status, answer in results if status != 409
                              and status >= 300])
