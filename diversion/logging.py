"""Logging to stdout, one line per request, without personal data.

Only the route pattern (e.g. /admin/users/<int:user_id>), never the concrete path or query string,
is logged: paths and searches can carry names or PNC ids. Werkzeug's own request log, which prints
the full URL, is turned down to warnings.

Whatever logs (our code, Flask, SQLAlchemy, gunicorn), every record is made safe as it is created
(`install_redaction`), before any handler sees it:
- a database error is reduced to its type, SQLSTATE and constraint/table/column names: the server's
  message and its DETAIL (`Key (pnc_id)=(2019/0123456A) already exists`, `Failing row contains (...)`)
  can quote the very values that failed;
- any other exception's message is withheld unless it is a programming error whose message speaks of
  code (AttributeError, TypeError, NameError, KeyError, ...); tracebacks keep their frames and source lines;
- emails, PNC ids, postcodes, long hex digests (a hashed email is still personal), DETAIL lines and SQL
  parameters are masked in messages and arguments.
A name cannot be recognised by its shape: the rule for names is that code never puts request data in a
log call or an exception message, and the exception rule above backs that up.
"""
from __future__ import annotations

import logging
import numbers
import re
import sys
import time
import traceback

from flask import Flask, g, request

WITHHELD = "[message withheld: it may hold personal data]"
_MASKS = (
    (re.compile(r"^[ \t]*(DETAIL|HINT|CONTEXT|WHERE):.*$", re.MULTILINE), r"\1: [removed]"),
    (re.compile(r"Key \(([^\n]*?)\)=\([^\n]*"), r"Key (\1)=([removed])"),
    (re.compile(r"Failing row contains \([^\n]*"), "Failing row contains ([removed])"),
    (re.compile(r"\[parameters: [^\n]*\]"), "[parameters: removed]"),
    (re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"), "[email]"),
    (re.compile(r"(?<![\w/])(?:\d{2}|\d{4})/\d{1,7}[A-Za-z](?!\w)"), "[pnc]"),
    (re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b"), "[postcode]"),
    # A long hex digest: an unsalted hash of an email (a throttling key) can be reversed by guessing emails.
    (re.compile(r"\b[0-9a-fA-F]{40,}\b"), "[hash]"),
)
# Exceptions whose messages describe the code, not the data it was handling.
_CODE_ERRORS = (AttributeError, TypeError, NameError, ImportError, AssertionError, NotImplementedError,
                RecursionError, ZeroDivisionError, LookupError)


def scrub(text: str) -> str:
    """`text` with anything that looks like personal data or a database's quoted values masked."""
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    return text


def _database_error(error: BaseException) -> str | None:
    """'sqlstate 23505, constraint uq_people_pnc_id, table people' for a database error; None otherwise."""
    from sqlalchemy.exc import StatementError

    if isinstance(error, StatementError):  # DBAPIError and the errors SQLAlchemy raises around a statement
        candidate = error.orig if error.orig is not None else error
    elif type(error).__module__.startswith(("psycopg", "sqlite3")):
        candidate = error
    else:
        return None
    parts = []
    sqlstate = getattr(candidate, "sqlstate", None)
    if sqlstate:
        parts.append(f"sqlstate {sqlstate}")
    diag = getattr(candidate, "diag", None)
    for label in ("constraint", "table", "column"):
        name = getattr(diag, f"{label}_name", None) if diag is not None else None
        if name:
            parts.append(f"{label} {name}")
    return ", ".join(parts) or type(candidate).__name__


def safe_message(error: BaseException) -> str:
    """What an exception may say in a log: a database error's codes, a programming error's message (masked),
    and nothing of any other's."""
    database = _database_error(error)
    if database is not None:
        return f"{database} (database message withheld: it may quote values)"
    from sqlalchemy.exc import SQLAlchemyError

    if isinstance(error, (*_CODE_ERRORS, SQLAlchemyError)):  # SQLAlchemy's own (not the server's) speak of code
        try:
            return scrub(str(error))
        except Exception:  # a broken __str__ must not break logging
            return WITHHELD
    return WITHHELD


def safe_traceback(error: BaseException) -> str:
    """A traceback with every frame and source line, and each exception in the chain as its type and
    `safe_message` (notes and local values are never included)."""
    chain, seen, current = [], set(), error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    parts = []
    for index, exception in enumerate(reversed(chain)):
        if index:
            parts.append("\nDuring handling of the above exception, another exception occurred:\n\n")
        if exception.__traceback__ is not None:
            parts.append("Traceback (most recent call last):\n")
            parts.extend(traceback.format_tb(exception.__traceback__))
        kind = type(exception)
        name = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
        parts.append(f"{name}: {safe_message(exception)}\n")
    return scrub("".join(parts).rstrip("\n"))  # source lines are masked like any other text


def _safe_argument(value):
    if value is None or isinstance(value, (numbers.Number, bool)):
        return value
    if isinstance(value, BaseException):
        return f"{type(value).__name__}: {safe_message(value)}"
    try:
        return scrub(value if isinstance(value, str) else str(value))
    except Exception:
        return "[unprintable]"


def redact(record: logging.LogRecord) -> logging.LogRecord:
    """Make one record safe in place: its message, its arguments and its exception."""
    if isinstance(record.msg, BaseException):
        record.msg = f"{type(record.msg).__name__}: {safe_message(record.msg)}"
    if isinstance(record.args, tuple):
        record.args = tuple(_safe_argument(value) for value in record.args)
    elif isinstance(record.args, dict):
        record.args = {key: _safe_argument(value) for key, value in record.args.items()}
    # The finished message is masked (masking the format string could eat its placeholders); its arguments
    # are then spent, so no handler formats the originals again.
    try:
        message = record.getMessage()
    except Exception:  # arguments that do not fit the format: show both, masked, rather than fail
        message = f"{record.msg} {record.args!r}"
    record.msg, record.args = scrub(message), ()
    if record.exc_info and record.exc_info[1] is not None:
        record.exc_text = safe_traceback(record.exc_info[1])
        record.exc_info = None  # no handler can format the raw exception again
    elif record.exc_text:
        record.exc_text = scrub(record.exc_text)
    return record


def install_redaction() -> None:
    """Redact every log record the process makes, whichever logger and handler (idempotent)."""
    current = logging.getLogRecordFactory()
    if getattr(current, "redacting", False):
        return

    def factory(*args, **kwargs):
        return redact(current(*args, **kwargs))

    factory.redacting = True
    logging.setLogRecordFactory(factory)


def configure(app: Flask) -> None:
    install_redaction()
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger("diversion")
    root.handlers[:] = [handler]
    root.setLevel(app.config["LOG_LEVEL"])
    root.propagate = True  # reaches pytest's capture; the root logger has no handler of its own in production
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    # The throttle says when its shared store stops answering and it counts in the process meanwhile.
    logging.getLogger("flask-limiter").handlers[:] = [handler]  # its own level: the root's (warnings and up)
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
