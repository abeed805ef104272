"""Fixtures shared by every test.

The schema is built once per run by running the migrations (so every run tests them), then each test
starts from that migrated state: on SQLite the migrated file is copied back; on PostgreSQL the rows the
test left are deleted (append-only tables truncated) and the migrated rows and sequences put back. Tests
run on SQLite by default; with DATABASE_URL pointing at a PostgreSQL server they run in a fresh database
created (and dropped) on that server. Under pytest-xdist (`-n 2`) each worker process has its own database.

Passwords are hashed with argon2id at its cheapest cost here (see _cheap_password_hashing); the tests that
need production's cost ask for the `production_password_hashing` fixture.
"""
from __future__ import annotations

import itertools
import os
import secrets
import shutil
import uuid
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

os.environ["DIVERSION_ENV"] = "testing"
os.environ.pop("SECRET_KEY", None)

from argon2 import PasswordHasher  # noqa: E402

from diversion import clock, create_app, hashing  # noqa: E402
from diversion.extensions import db, limiter  # noqa: E402
from tests.client import PageClient  # noqa: E402
from tests import factories  # noqa: E402


# argon2id as production runs it (about half a second a hash on a busy 2-core machine) and at the cheapest
# cost argon2 allows. diversion.hashing keeps one hasher and a dummy hash for unknown accounts; every hash and
# check goes through them, so the tests swap both for cheap ones. Production's are kept for the tests that
# need them.
PRODUCTION_PASSWORD_HASHER, PRODUCTION_DUMMY_HASH = hashing._hasher, hashing._DUMMY_HASH
CHEAP_PASSWORD_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # argon2id, as production's
CHEAP_DUMMY_HASH = CHEAP_PASSWORD_HASHER.hash(secrets.token_hex(16))


def _cheap_password_hashing() -> None:
    hashing._hasher, hashing._DUMMY_HASH = CHEAP_PASSWORD_HASHER, CHEAP_DUMMY_HASH


_cheap_password_hashing()


@pytest.fixture
def production_password_hashing(monkeypatch):
    """argon2id at production's cost for this test (for races whose window is the slow hash): users made
    after this fixture get production-cost hashes; unknown accounts are checked against production's dummy."""
    monkeypatch.setattr(hashing, "_hasher", PRODUCTION_PASSWORD_HASHER)
    monkeypatch.setattr(hashing, "_DUMMY_HASH", PRODUCTION_DUMMY_HASH)


def pytest_configure(config):
    """A run that may include the browser tests starts without the last run's screenshots (test-artifacts/).
    Cleared here, once, in the main process: not by each pytest-xdist worker, which would remove another
    worker's fresh ones."""
    from pathlib import Path

    if hasattr(config, "workerinput"):
        return
    root = Path(__file__).resolve().parents[1]
    e2e, artifacts = root / "tests" / "e2e", root / "test-artifacts"
    paths = [Path(arg.split("::")[0]).resolve() for arg in config.args] or [root / "tests"]
    covers_e2e = any(path == e2e or e2e in path.parents or path in e2e.parents for path in paths)
    if covers_e2e and artifacts.exists():
        shutil.rmtree(artifacts)


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
            postgres = None if database_url.startswith("sqlite") else _PostgresReset(connection, snapshot)
        db.engine.dispose()
    template = None
    if database_url.startswith("sqlite"):
        path = database_url.removeprefix("sqlite:///")
        template = path + ".migrated"
        shutil.copyfile(path, template)
    return {"snapshot": snapshot, "sqlite_template": template, "postgres": postgres}


@pytest.fixture(scope="session")
def app(database_url, _migrated):
    return make_app(database_url)


class _PostgresReset:
    """Puts a PostgreSQL test database back to its migrated state, as `TRUNCATE <every table> RESTART
    IDENTITY` and re-inserting the migrated rows would, in a fraction of the time: TRUNCATE makes new files for every
    table and index (about half a second a test for 23 tables on a busy 2-core machine), while most tests
    leave rows in a handful of tables. So: one query finds the tables holding rows; those are emptied with
    DELETE (children first; the append-only tables' triggers, which refuse DELETE, switched off inside that
    one transaction, which the tables' owner may do); every sequence owned by a column of these tables goes
    back to its start, as RESTART IDENTITY does; the migrated rows go back in."""

    def __init__(self, connection, snapshot: dict[str, list[dict]]):
        tables = db.metadata.sorted_tables
        names = [table.name for table in tables]
        self.snapshot = snapshot
        self.tables = {table.name: table for table in tables}
        self.delete_order = list(reversed(names))  # children before the rows they point at
        self.guarded = set(connection.execute(sa.text(
            "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND t.tgtype & 8 <> 0 AND c.relname = ANY(:names)"),  # 8: ON DELETE
            {"names": names}).scalars())
        sequences = connection.execute(sa.text(
            "SELECT s.oid::regclass::text, q.seqstart FROM pg_class s "
            "JOIN pg_sequence q ON q.seqrelid = s.oid "
            "JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid "
            "AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') "
            "JOIN pg_class t ON t.oid = d.refobjid WHERE s.relkind = 'S' AND t.relname = ANY(:names)"),
            {"names": names}).all()
        self.restart_sequences = ("SELECT " + ", ".join(f"setval('{name}', {start}, false)"
                                                        for name, start in sequences)) if sequences else None
        self.holding_rows = " UNION ALL ".join(f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM \"{name}\")"
                                               for name in names)

    def __call__(self, connection) -> None:
        dirty = set(connection.execute(sa.text(self.holding_rows)).scalars())
        dirty |= {name for name, rows in self.snapshot.items() if rows}  # a test may have changed them
        for name in self.delete_order:
            if name not in dirty:
                continue
            if name in self.guarded:
                connection.execute(sa.text(f'ALTER TABLE "{name}" DISABLE TRIGGER USER'))
            connection.execute(sa.text(f'DELETE FROM "{name}"'))
            if name in self.guarded:
                connection.execute(sa.text(f'ALTER TABLE "{name}" ENABLE TRIGGER USER'))
        if self.restart_sequences:
            connection.execute(sa.text(self.restart_sequences))
        for name, table in self.tables.items():
            if self.snapshot.get(name):
                connection.execute(table.insert(), self.snapshot[name])


def _reset_database(app, migrated) -> None:
    with app.app_context():
        db.session.remove()
        if migrated["sqlite_template"]:
            db.engine.dispose()
            shutil.copyfile(migrated["sqlite_template"], app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
            return
        with db.engine.begin() as connection:
            migrated["postgres"](connection)


class _DemoTemplate:
    """A database `flask demo` loaded once in this run (on the migrated schema), and fresh copies of it:
    a copied SQLite file, or on PostgreSQL CREATE DATABASE ... TEMPLATE. Loading the demo data set takes
    ten seconds or more; a copy takes a fraction of one."""

    def __init__(self, database_url: str, migrated: dict, args: tuple[str, ...] = ("demo",), name: str = "demo"):
        from flask_migrate import upgrade

        self.database_url, self.copies, self.name = database_url, itertools.count(1), name
        self.url = self._new_url(name)
        if migrated["sqlite_template"]:
            shutil.copyfile(migrated["sqlite_template"], self.url.removeprefix("sqlite:///"))
        else:
            self._admin(f'CREATE DATABASE "{sa.make_url(self.url).database}"')
        app = make_app(self.url)
        if not migrated["sqlite_template"]:
            with app.app_context():
                upgrade()  # the migrations again: the test database cannot be a template while in use
        result = app.test_cli_runner().invoke(args=list(args))
        assert result.exit_code == 0, result.output
        self.output = result.output
        with app.app_context():
            db.session.remove()
            db.engine.dispose()  # PostgreSQL copies a template only while nobody is connected to it

    def _new_url(self, suffix: str) -> str:
        if self.database_url.startswith("sqlite"):
            return self.database_url.removesuffix(".sqlite3") + f"-{suffix}.sqlite3"
        url = sa.make_url(self.database_url)
        return url.set(database=f"{url.database}_{suffix}").render_as_string(hide_password=False)

    def _admin(self, *statements: str) -> None:
        from diversion.config import normalise_database_url

        server = normalise_database_url(_postgres_server_url())
        engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                for statement in statements:
                    connection.execute(sa.text(statement))
        finally:
            engine.dispose()

    def _drop(self, url: str) -> None:
        if url.startswith("sqlite"):
            os.remove(url.removeprefix("sqlite:///"))
            return
        name = sa.make_url(url).database
        self._admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' "
                    "AND pid <> pg_backend_pid()", f'DROP DATABASE IF EXISTS "{name}"')

    @contextmanager
    def copy(self):
        """The URL of a new database holding the demo data set; dropped afterwards."""
        url = self._new_url(f"{self.name}{next(self.copies)}")
        if url.startswith("sqlite"):
            shutil.copyfile(self.url.removeprefix("sqlite:///"), url.removeprefix("sqlite:///"))
        else:
            name, template = sa.make_url(url).database, sa.make_url(self.url).database
            self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        try:
            yield url
        finally:
            self._drop(url)

    def close(self) -> None:
        self._drop(self.url)


@pytest.fixture(scope="session")
def demo_template(database_url, _migrated):
    """Copies of a database holding the demo data set: `with demo_template.copy() as url: ...`."""
    template = _DemoTemplate(database_url, _migrated)
    yield template
    template.close()


@pytest.fixture
def demo_app(demo_template):
    """An app on a fresh copy of the demo data set, as `flask demo` loads it into the migrated schema."""
    with demo_template.copy() as url:
        app = make_app(url)
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


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
