from tests.api.conftest import bearer


def test_the_openapi_document_lists_every_api_endpoint(client, issue_token, app):
    token, _ = issue_token("navigator")
    spec = client.get("/api/v1/openapi.json", headers=bearer(token)).get_json()
    assert spec["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    routed = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = rule.rule.removeprefix("/api/v1")
            for arg in rule.arguments:
                path = path.replace(f"<int:{arg}>", "{%s}" % arg).replace(f"<{arg}>", "{%s}" % arg)
            routed |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routed == documented


def test_every_operation_documents_its_responses_and_bearer_security(client, issue_token):
    token, _ = issue_token("navigator")
    spec = client.get("/api/v1/openapi.json", headers=bearer(token)).get_json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert "401" in operation["responses"], (path, method)
            assert operation["security"] == [{"bearer": []}]
    assert set(spec["components"]["schemas"]["Error"]["properties"]["error"]["required"]) == {
        "code", "message", "fields"}
