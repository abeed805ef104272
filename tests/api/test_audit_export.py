from tests.api.conftest import bearer


def test_the_audit_trail_pages_through_every_event_with_an_opaque_cursor(client, issue_token):
    issue_token("navigator")
    token, admin = issue_token("admin")
    seen, cursor = [], None
    for _ in range(3):
        url = "/api/v1/audit/events?limit=1" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url, headers=bearer(token)).get_json()
        seen += body["items"]
        cursor = body["next"]
    assert [e["action"] for e in seen] == ["token.create", "token.create", "audit.export"]
    # each export is itself audited, as a disclosure by the token's user through the API
    assert seen[2]["actor_id"] == admin.id and seen[2]["source"] == "api"
    assert len({e["id"] for e in seen}) == 3


def test_bad_paging_arguments_are_all_named_in_one_422(client, issue_token):
    token, _ = issue_token("admin")
    response = client.get("/api/v1/audit/events?limit=501&cursor=%%%", headers=bearer(token))
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"limit", "cursor"}
