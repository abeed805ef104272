"""Typed errors raised by services, and the handlers that turn every failure into a page or JSON.

Pages get the house-style error templates; anything under /api/ gets the contract's error shape
`{"error": {"code", "message", "fields"}}`. No debugger is ever shown and no input produces a 5xx
other than a genuine fault, which is logged without request data.
"""
from __future__ import annotations

import logging

from flask import Flask, g, has_app_context, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class ServiceError(Exception):
    status = 400
    code = "bad_request"
    default_message = "The request could not be processed."

    def __init__(self, message: str | None = None, fields: dict[str, list[str]] | None = None,
                 code: str | None = None):
        super().__init__(message or self.default_message)
        if has_app_context():
            # Whatever the failed use case changed before it failed must not be committed, even when
            # the view catches the error to show a form again (see _commit in the app factory).
            g.service_failed = True
        self.message = message or self.default_message
        self.fields = fields or {}
        if code:
            self.code = code


class ValidationFailed(ServiceError):
    status = 422
    code = "validation_failed"
    default_message = "Some fields are missing or not valid."


class Conflict(ServiceError):
    status = 409
    code = "conflict"
    default_message = "The record has changed or is not in a state that allows this."


class NotFound(ServiceError):
    status = 404
    code = "not_found"
    default_message = "Not found."


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"
    default_message = "You do not have permission to do this."


class BadRequest(ServiceError):
    status = 400
    code = "bad_request"


HTTP_CODES = {
    400: ("bad_request", "The request could not be understood."),
    401: ("unauthorized", "A valid bearer token is required."),
    403: ("forbidden", "You do not have permission to do this."),
    404: ("not_found", "Not found."),
    405: ("method_not_allowed", "That method is not allowed here."),
    409: ("conflict", "The record has changed or is not in a state that allows this."),
    413: ("payload_too_large", "The request is too large."),
    415: ("unsupported_media_type", "Send JSON with Content-Type: application/json."),
    422: ("validation_failed", "Some fields are missing or not valid."),
    429: ("too_many_requests", "Too many requests. Wait a few minutes and try again."),
    500: ("server_error", "Something went wrong on our side. The problem has been logged."),
    503: ("service_unavailable", "The service is temporarily unavailable."),
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, code: str | None = None, message: str | None = None,
               fields: dict | None = None):
    default_code, default_message = HTTP_CODES.get(status, ("error", "Error."))
    body = {"error": {"code": code or default_code, "message": message or default_message,
                      "fields": fields or {}}}
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="diversion"'
    return response


def _page(status: int):
    template = {403: "errors/403.html", 404: "errors/404.html", 413: "errors/413.html",
                429: "errors/429.html", 500: "errors/500.html"}.get(status, "errors/generic.html")
    if status == 503:  # the database is not answering: the page must not need it (no user, no navigation)
        return HTTP_CODES[503][1] + " Try again in a minute.", 503, {"Content-Type": "text/plain; charset=utf-8"}
    _code, message = HTTP_CODES.get(status, ("error", "Something went wrong."))
    try:
        return render_template(template, status=status, message=message), status
    except Exception:  # the error page itself failed: answer plainly rather than not at all
        log.exception("error page %s failed to render", status)
        return message, status, {"Content-Type": "text/plain; charset=utf-8"}


def _refused_input(error: Exception) -> bool:
    """A database "data exception" (SQLSTATE class 22: a value too long, a NUL, bad text for its type)."""
    from sqlalchemy.exc import DataError

    return isinstance(error, DataError) or str(getattr(getattr(error, "orig", None), "sqlstate", "")).startswith("22")


def _roll_back() -> None:
    """A failed flush leaves the session unusable; the page that reports the failure needs it (the signed-in
    user, the navigation). The request ends in a rollback anyway."""
    from diversion.extensions import db

    try:
        db.session.rollback()
    except Exception:  # the connection itself is gone: the page will say so as best it can
        pass


def register(app: Flask) -> None:
    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError):
        _roll_back()  # whatever the failed use case left in the session: the error page reads afresh
        if wants_json():
            return json_error(error.status, error.code, error.message, error.fields)
        return _page(error.status)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        if wants_json():
            return json_error(400, "bad_request", "The request could not be understood.")
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        if wants_json():
            return json_error(status)
        return _page(status)

    @app.errorhandler(OperationalError)
    def database_trouble(error: OperationalError):
        """Two transactions collided (a deadlock, a serialisation failure): 409, try again. Any other
        operational error means the database cannot answer now: 503, with when to try again."""
        from diversion.extensions import db

        db.session.rollback()
        if getattr(error.orig, "sqlstate", None) in ("40P01", "40001"):
            if wants_json():
                return json_error(409, "conflict", "Someone else changed this record at the same time. Try again.")
            return _page(409)
        log.warning("database unavailable (%s) on %s %s", type(error.orig).__name__, request.method,
                    request.url_rule.rule if request.url_rule else "unrouted")
        response = json_error(503) if wants_json() else _page(503)
        response = app.make_response(response)
        response.headers["Retry-After"] = "30"
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        _roll_back()
        # Logged with the exception type and the route only: request data may hold personal data, and the
        # traceback is redacted (diversion.logging). Input the database refused (too long, not valid text) is
        # the input's fault, not the code path's: one line, no traceback.
        route = request.url_rule.rule if request.url_rule else "unrouted"
        if _refused_input(error):
            from diversion.logging import safe_message

            log.warning("database refused the input on %s %s: %s", request.method, route, safe_message(error))
        else:
            log.error("unhandled %s on %s %s", type(error).__name__, request.method, route, exc_info=error)
        if wants_json():
            return json_error(500)
        return _page(500)
