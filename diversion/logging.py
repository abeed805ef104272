"""Logging to stdout, one line per request, without personal data.

Only the route pattern (e.g. /admin/users/<int:user_id>), never the concrete path or query string,
is logged: paths and searches can carry names or PNC ids. Werkzeug's own request log, which prints
the full URL, is turned down to warnings.
"""
from __future__ import annotations

import logging
import sys
import time

from flask import Flask, g, request


def configure(app: Flask) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger("diversion")
    root.handlers[:] = [handler]
    root.setLevel(app.config["LOG_LEVEL"])
    root.propagate = True  # reaches pytest's capture; the root logger has no handler of its own in production
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    access = logging.getLogger("diversion.request")

    @app.before_request
    def _start_timer():
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        if request.endpoint == "static":
            return response
        rule = request.url_rule.rule if request.url_rule else "unrouted"
        elapsed = (time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000
        access.info("%s %s %s %.0fms", request.method, rule, response.status_code, elapsed)
        return response
