"""Security headers on every response, and request size limits."""
import re

import pytest
from bs4 import BeautifulSoup


def test_csp_forbids_inline_script_and_framing(client):
    csp = client.get("/sign-in").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert "'unsafe-inline'" not in directives["script-src"]
    assert re.search(r"'nonce-[A-Za-z0-9_\-]+'", directives["script-src"])
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


def test_every_script_on_the_page_carries_the_responses_nonce(client):
    response = client.get("/sign-in")
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    scripts = BeautifulSoup(response.get_data(as_text=True), "html.parser").find_all("script")
    assert len(scripts) >= 2  # GOV.UK's js-enabled snippet and our module
    assert all(script.get("nonce") == nonce for script in scripts)


def test_nonces_differ_between_responses(client):
    first = client.get("/sign-in").headers["Content-Security-Policy"]
    second = client.get("/sign-in").headers["Content-Security-Policy"]
    assert first != second


@pytest.mark.parametrize("url", ["/sign-in", "/health", "/api/v1/me", "/no-such-page"])
def test_standard_headers_are_on_every_response(client, url):
    headers = client.get(url).headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Cache-Control"] == "no-store"


def test_signed_in_pages_are_not_stored_by_browsers(signed_in):
    client, _ = signed_in("admin")
    for url in ["/", "/admin/users", "/admin/tokens", "/account/password"]:
        assert client.get(url).headers["Cache-Control"] == "no-store", url


def test_hsts_is_sent_over_https_only(client):
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers
    hsts = client.get("/sign-in", base_url="https://localhost").headers["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts


def test_an_oversized_form_is_refused_with_413(signed_in):
    client, _ = signed_in("admin")
    response = client.post("/admin/users/new", data={"name": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
