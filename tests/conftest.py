"""Fixtures shared by every test.

The schema is built once per run by running the migrations (so every run tests them), then each test
starts from that migrated state: on SQLite the migrated file is copied back; on PostgreSQL the tables
are truncated. Tests run on SQLite by default; with DATABASE_URL pointing at a PostgreSQL server they
run in a fresh database created (and dropped) on that server.
"""
from __future__ import annotations

import os
import shutil
import uuid

import pytest
import sqlalchemy as sa

os.environ["DIVERSION_ENV"] = "testing"
os.environ.pop("SECRET_KEY", None)

from diversion import clock, create_app  # noqa: E402
from diversion.extensions import db, limiter  # noqa: E402
from tests.client import PageClient  # noqa: E402
from tests import factories  # noqa: E402


def _postgres_server_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql")) else None


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    server = _postgres_server_url()
    if server is None:
        path = tmp_path_factory.mktemp("db") / "test.sqlite3"
        yield f"sqlite:///{path}"
        return
    from diversion.config import normalise_database_url

    admin_url = sa.make_url(normalise_database_url(server))
    name = f"diversion_test_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        engine.dispose()
        message = f"PostgreSQL at {admin_url.render_as_string()} is unreachable ({type(error).__name__})"
        if os.environ.get("CI"):
            pytest.exit(message + ": under CI this is a failure", returncode=3)
        pytest.skip(message + ": skipping the PostgreSQL run")
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            connection.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()"),
                {"name": name})
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        engine.dispose()


def make_app(database_url: str, **overrides):
    settings = {"ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url}
    settings.update(overrides)
    app = create_app(settings)
    app.test_client_class = PageClient
    return app


@pytest.fixture(scope="session")
def _migrated(database_url):
    """Run every migration once; remember the state each test starts from."""
    from flask_migrate import upgrade

    app = make_app(database_url)
    with app.app_context():
        upgrade()
        snapshot = {}
        with db.engine.connect() as connection:
            for table in db.metadata.sorted_tables:
                snapshot[table.name] = [dict(row._mapping) for row in connection.execute(table.select())]
        db.engine.dispose()
    template = None
    if database_url.startswith("sqlite"):
        path = database_url.removeprefix("sqlite:///")
        template = path + ".migrated"
        shutil.copyfile(path, template)
    return {"snapshot": snapshot, "sqlite_template": template}


@pytest.fixture(scope="session")
def app(database_url, _migrated):
    return make_app(database_url)


def _reset_database(app, migrated) -> None:
    with app.app_context():
        db.session.remove()
        if migrated["sqlite_template"]:
            db.engine.dispose()
            shutil.copyfile(migrated["sqlite_template"], app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
            return
        names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        with db.engine.begin() as connection:
            connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            for table in db.metadata.sorted_tables:
                rows = migrated["snapshot"].get(table.name)
                if rows:
                    connection.execute(table.insert(), rows)


@pytest.fixture(autouse=True)
def _fresh_state(request, app, _migrated):
    """Each test starts from the migrated database, an unfrozen clock and empty throttling counters."""
    yield
    clock.freeze(None)
    with app.app_context():
        limiter.init_app(app)  # a test may have pointed the shared limiter at another store
        limiter.reset()
    if "e2e" not in request.keywords:
        _reset_database(app, _migrated)


@pytest.fixture
def app_context(app):
    with app.app_context():
        yield


@pytest.fixture
def client(app) -> PageClient:
    # Not `with app.test_client()`: a preserved request context would share `g` (and the signed-in
    # user) with the next client's request, which real browsers never do.
    return app.test_client()


@pytest.fixture
def make_user(app):
    """make_user(role="navigator", **fields) → a committed user whose password is factories.PASSWORD."""
    def _make(role: str = "navigator", **fields):
        with app.app_context():
            user = factories.user(role=role, **fields)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user
    return _make


@pytest.fixture
def signed_in(client, make_user):
    """signed_in(role) → (client, user): a client with a live session for a new user of that role."""
    def _sign_in(role: str = "navigator", **fields):
        user = make_user(role, **fields)
        client.sign_in_as(user)
        return client, user
    return _sign_in
