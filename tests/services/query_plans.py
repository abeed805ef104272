"""PostgreSQL's plans for the statements a list runs: a database of its own, migrated and seeded for a test module;
a request on it as one of its users; the statements run inside a block, captured; and each one's EXPLAIN (as JSON,
its nodes walked, or as text for a reader)."""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone

import sqlalchemy as sa


@contextmanager
def seeded_database(prefix: str, seed):
    """An app on a new database named from `prefix`, migrated, `seed(connection)` run in one transaction and the
    whole database VACUUMed and ANALYZEd; dropped afterwards."""
    from flask_migrate import upgrade

    from diversion import create_app
    from diversion.config import normalise_database_url
    from diversion.extensions import db

    admin_url = sa.make_url(normalise_database_url(os.environ["DATABASE_URL"]))
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI":
                      admin_url.set(database=name).render_as_string(hide_password=False)})
    try:
        with app.app_context():
            upgrade()
            with db.engine.begin() as connection:
                seed(connection)
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                # The visibility map too, as a settled production database has it (autovacuum): without it the
                # planner prices every index-only scan as reading the table as well.
                connection.execute(sa.text("VACUUM ANALYZE"))
            db.session.remove()
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run_script(connection, script: str, parameters: dict) -> None:
    """Each of the script's statements (ended by a semicolon at the end of a line), with the parameters."""
    for statement in script.split(";\n"):
        if statement.strip():
            connection.execute(sa.text(statement), parameters)


@contextmanager
def signed_in(app, user_id):
    """A request context on the seeded database, the user's record, the clock at the seeds' today."""
    from diversion import clock
    from diversion.extensions import db
    from diversion.models import User

    clock.freeze(datetime(2026, 6, 30, 10, tzinfo=timezone.utc))
    try:
        with app.test_request_context():
            yield db.session.get(User, user_id)
            db.session.rollback()
    finally:
        clock.freeze(None)


@contextmanager
def captured():
    """Every statement run inside, with its parameters."""
    from diversion.extensions import db

    seen = []

    def remember(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", remember)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", remember)


def explain(statement, parameters) -> dict:
    from diversion.extensions import db

    connection = db.session.connection()
    return connection.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar()[0]["Plan"]


def explain_text(statement, parameters) -> str:
    from diversion.extensions import db

    rows = db.session.connection().exec_driver_sql("EXPLAIN " + statement, parameters).scalars()
    return "\n".join(rows)


def plan_nodes(plan: dict, *, counts: list | None = None):
    """The plan's nodes; with `counts` (a list), a bounded count riding on the list's statement (an InitPlan
    aggregating a LIMIT: services/caseload.py) is put there instead, to be checked on its own terms."""
    yield plan
    for child in plan.get("Plans", ()):
        if counts is not None and _bounded_count(child):
            counts.append(child)
            continue
        yield from plan_nodes(child, counts=counts)


def _bounded_count(node: dict) -> bool:
    return (node.get("Parent Relationship") == "InitPlan" and node["Node Type"] == "Aggregate"
            and [c["Node Type"] for c in node.get("Plans", ())] == ["Limit"])
