"""Browser tests: the real app served on a local port, driven by Playwright in Debian's chromium.

Playwright never downloads a browser here: it launches /usr/bin/chromium (installed by `make test`).
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from diversion.extensions import db
from tests.conftest import make_app

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"  # cleared at the start of a run: tests/conftest.py
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            # A module's tests share one server and its data, in order: under `-n 2 --dist loadgroup`
            # (make test) they all run on one worker.
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


def _require(path: Path | str, what: str) -> None:
    if not Path(path).exists():
        message = f"{what} is missing ({path}); `make test` installs it"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def live_server(demo_template):
    """The app on a fresh copy of the demo data set (loaded once per run), one per test module."""
    _require(ROOT / "static" / "dist" / "app.css", "the built front-end assets")
    with demo_template.copy() as url:
        app = make_app(url)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.server_port}"
        server.shutdown()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    _require(CHROMIUM, "Debian's chromium")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield instance
    instance.close()
    playwright.stop()


class Watched:
    """A page whose CSP violations and script errors are collected, with axe-core at hand."""

    def __init__(self, page, base_url):
        self.page, self.base_url, self.problems = page, base_url, []
        page.on("console", lambda m: self.problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: self.problems.append(str(error)))
        # which address a "Failed to load resource" message is about (the console does not say)
        page.on("response", lambda r: self.problems.append(f"{r.status} {r.request.method} {r.url}")
                if r.status == 404 else None)

    def goto(self, path: str):
        response = self.page.goto(self.base_url + path)
        return response

    def axe_violations(self) -> list[dict]:
        """Serious and critical axe-core violations on the current page."""
        _require(AXE, "axe-core (npm)")
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE.read_text())
        results = self.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
                 "nodes": [n["target"] for n in v["nodes"]][:3]}
                for v in results["violations"] if v["impact"] in ("serious", "critical")]

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def watched(browser, live_server):
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield Watched(page, live_server)
    context.close()
