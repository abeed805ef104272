"""Production's two database roles: the role the app connects as cannot erase or rewrite the audit trail.

On PostgreSQL the module makes a throwaway migration owner, a throwaway runtime role (LOGIN NOINHERIT) and a
throwaway database, set up as the README's "Production database roles" says; runs the migrations as the
owner with DATABASE_RUNTIME_ROLE set; then connects as the runtime role. All three are dropped at the end,
even on failure. On SQLite only the "changes nothing there" test runs.
"""
from __future__ import annotations

import os
import secrets
import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from diversion import clock, database_roles
from diversion.extensions import db
from tests.conftest import _postgres_server_url, make_app

on_postgresql = pytest.mark.skipif(_postgres_server_url() is None,
                                   reason="the database roles are PostgreSQL's (set DATABASE_URL to run)")
APPEND_ONLY = ["audit_events", "contract_notes", "divert_events", "contract_navigator_changes", "dtoa_events"]


@pytest.fixture(autouse=True)
def _fresh_state():
    """Overrides conftest's reset: these tests use their own database and leave the shared one untouched."""
    yield
    clock.freeze(None)


def _migrate(url: str, runtime_role: str | None) -> None:
    with pytest.MonkeyPatch.context() as patch:
        if runtime_role:
            patch.setenv(database_roles.ENV_VAR, runtime_role)
        else:
            patch.delenv(database_roles.ENV_VAR, raising=False)
        app = make_app(url)
        with app.app_context():
            try:
                upgrade()
            finally:
                db.session.remove()
                db.engine.dispose()


def _setup_sql(name: str, owner: str, runtime: str, password: str) -> tuple[list[str], list[str]]:
    """The README's SQL: on the server, then in the new database."""
    server = [f"CREATE ROLE {owner} LOGIN PASSWORD '{password}'",
              f"CREATE ROLE {runtime} LOGIN NOINHERIT PASSWORD '{password}'",
              f'CREATE DATABASE "{name}" OWNER {owner}']
    database = [f"ALTER SCHEMA public OWNER TO {owner}", "REVOKE CREATE ON SCHEMA public FROM PUBLIC"]
    return server, database


@pytest.fixture(scope="module")
def roles():
    """{owner, runtime, owner_url, runtime_url}: a migrated throwaway database and its two roles."""
    from diversion.config import normalise_database_url

    admin_url = sa.make_url(normalise_database_url(_postgres_server_url()))
    suffix = uuid.uuid4().hex[:10]
    name, owner, runtime = f"diversion_roles_{suffix}", f"diversion_owner_{suffix}", f"diversion_app_{suffix}"
    password = secrets.token_hex(16)
    server_sql, database_sql = _setup_sql(name, owner, runtime, password)
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        try:
            with admin.connect() as connection:
                for statement in server_sql:
                    connection.execute(sa.text(statement))
        except sa.exc.DBAPIError as error:
            if os.environ.get("CI"):
                raise
            pytest.skip(f"cannot create roles and a database at {admin_url.render_as_string()}: {error.orig}")
        in_database = sa.create_engine(admin_url.set(database=name), isolation_level="AUTOCOMMIT")
        with in_database.connect() as connection:
            for statement in database_sql:
                connection.execute(sa.text(statement))
        in_database.dispose()
        url = admin_url.set(database=name, password=password)
        found = {"owner": owner, "runtime": runtime,
                 "owner_url": url.set(username=owner).render_as_string(hide_password=False),
                 "runtime_url": url.set(username=runtime).render_as_string(hide_password=False)}
        _migrate(found["owner_url"], runtime)
        yield found
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                       "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(sa.text(f"DROP ROLE IF EXISTS {runtime}"))
            connection.execute(sa.text(f"DROP ROLE IF EXISTS {owner}"))
        admin.dispose()


@pytest.fixture(scope="module")
def runtime_engine(roles):
    engine = sa.create_engine(roles["runtime_url"])
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def owner_engine(roles):
    engine = sa.create_engine(roles["owner_url"])
    yield engine
    engine.dispose()


def _refused(engine, statement: str, message: str) -> None:
    """The statement fails with PostgreSQL's insufficient_privilege (SQLSTATE 42501) and this message."""
    import psycopg

    with engine.connect() as connection:
        with pytest.raises(sa.exc.ProgrammingError) as caught:
            connection.execute(sa.text(statement))
        connection.rollback()
    error = caught.value.orig
    assert isinstance(error, psycopg.errors.InsufficientPrivilege), (statement, error)
    assert error.sqlstate == "42501"
    assert message in str(error), (statement, str(error))


def _denied(what: str) -> str:
    return f"permission denied for {what}"


def _not_owner(what: str) -> str:
    return f"must be owner of {what}"


REFUSED = [
    # Erasing the trail wholesale, or switching off what protects it
    *[(f"TRUNCATE {table}", _denied(f"table {table}")) for table in APPEND_ONLY],
    ("TRUNCATE users", _denied("table users")),
    ("TRUNCATE audit_events, users RESTART IDENTITY CASCADE", _denied("table")),
    ("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change", _not_owner("table audit_events")),
    ("ALTER TABLE audit_events DISABLE TRIGGER ALL", _not_owner("table audit_events")),
    ("ALTER TABLE contract_notes DISABLE TRIGGER USER", _not_owner("table contract_notes")),
    ("ALTER TABLE divert_events DISABLE TRIGGER divert_events_no_change", _not_owner("table divert_events")),
    ("DROP TRIGGER audit_events_no_change ON audit_events", _not_owner("relation audit_events")),
    ("DROP TRIGGER contract_notes_no_change ON contract_notes", _not_owner("relation contract_notes")),
    ("DROP FUNCTION audit_events_append_only() CASCADE", _not_owner("function audit_events_append_only")),
    ("CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
     "$$ BEGIN RETURN OLD; END $$", _denied("schema public")),
    # Rewriting or removing rows of the append-only tables (refused before the triggers are reached)
    *[(f"UPDATE {table} SET id = id", _denied(f"table {table}")) for table in APPEND_ONLY],
    *[(f"DELETE FROM {table}", _denied(f"table {table}")) for table in APPEND_ONLY],
    # Any other DDL, or the schema's revision
    ("CREATE TABLE scratch (id integer)", _denied("schema public")),
    ("CREATE FUNCTION scratch() RETURNS integer LANGUAGE sql AS 'SELECT 1'", _denied("schema public")),
    ("DROP TABLE audit_events", _not_owner("table audit_events")),
    ("DROP TABLE users CASCADE", _not_owner("table users")),
    ("ALTER TABLE audit_events RENAME TO audit_events_old", _not_owner("table audit_events")),
    ("ALTER TABLE users ADD COLUMN scratch integer", _not_owner("table users")),
    ("CREATE TRIGGER scratch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
     _denied("table users")),
    ("UPDATE alembic_version SET version_num = version_num", _denied("table alembic_version")),
    ("SELECT setval('audit_events_id_seq', 1)", _denied("sequence audit_events_id_seq")),
]


@on_postgresql
@pytest.mark.parametrize(("statement", "message"), REFUSED, ids=[s for s, _m in REFUSED])
def test_the_runtime_role_cannot_erase_or_rewrite_the_trail_nor_change_the_schema(runtime_engine, statement,
                                                                                  message):
    _refused(runtime_engine, statement, message)


@on_postgresql
def test_the_runtime_role_cannot_become_the_owner(roles, runtime_engine):
    _refused(runtime_engine, f"SET ROLE {roles['owner']}", "permission denied to set role")


@on_postgresql
def test_the_runtime_role_reads_writes_and_deletes_rows_and_appends_to_the_trail(roles, runtime_engine):
    from diversion.models import AuditEvent, User
    from diversion.services import users

    app = make_app(roles["runtime_url"])
    with app.app_context():
        try:
            user = users.create(email=f"roles-{uuid.uuid4().hex[:8]}@example.org", name="Runtime Role",
                                role="navigator", password="a long and unusual passphrase 7", actor=None)
            db.session.commit()  # an INSERT into users and one into audit_events
            user.name = "Runtime Role Renamed"
            db.session.commit()  # an UPDATE, with its version check
            user_id = user.id
            assert db.session.get(User, user_id).name == "Runtime Role Renamed"
            actions = db.session.scalars(sa.select(AuditEvent.action).where(
                AuditEvent.object_type == "user", AuditEvent.object_id == str(user_id))).all()
            assert actions == ["user.create"]
        finally:
            db.session.remove()
            db.engine.dispose()
    with runtime_engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM user_sessions WHERE user_id = :id"), {"id": user_id})
    _refused(runtime_engine, f"DELETE FROM audit_events WHERE object_id = '{user_id}'",
             _denied("table audit_events"))


@on_postgresql
def test_the_app_does_its_normal_work_as_the_runtime_role(roles, owner_engine):
    """The demo data set (referrals, contracts, notes, DIVERT events, reference counters), a merge that moves
    records and contact details, a draft saved and discarded, and a page session started, used and ended."""
    from diversion.demo import DEMO_PASSWORD, load_demo
    from diversion.models import Person, User
    from diversion.services import drafts, merges

    app = make_app(roles["runtime_url"])
    with app.app_context():
        load_demo()
        db.session.commit()
        admin = db.session.scalar(sa.select(User).where(User.role == "admin"))
        kept, merged = db.session.scalars(sa.select(Person).where(Person.family_name == "Wetherell")
                                          .order_by(Person.id)).all()
        merges.merge(kept.id, merged.id, {"reason": "Same birthday, a typo in her first name",
                                          "version": kept.version, "other_version": merged.version},
                     actor=admin)
        db.session.commit()
        draft = drafts.start(admin)
        drafts.merge(draft, None, {"referral_date": "2026-01-01"})
        drafts.discard(draft, admin)
        db.session.commit()
        kept_id, admin_email = kept.id, admin.email
        db.session.expunge(admin)
        db.session.remove()
    # Outside any app context, as a browser's requests are (an outer context would share `g` between them).
    response = app.test_client().sign_in_with_password(admin_email, DEMO_PASSWORD)
    assert response.status_code in (302, 303), response.status_code  # accepted, whatever step comes next
    client = app.test_client()
    client.sign_in_as(admin)
    client.get_page(f"/people/{kept_id}")
    assert client.post_form("/sign-out", form_page="/").status_code in (302, 303)
    with app.app_context():
        db.engine.dispose()
    with owner_engine.connect() as connection:  # what the runtime role wrote, as the owner sees it
        counts = {table: connection.scalar(sa.text(f"SELECT count(*) FROM {table}"))
                  for table in ["checkpoint_referrals", "contracts", "person_merges", *APPEND_ONLY]}
        ended = connection.scalar(sa.text("SELECT count(*) FROM user_sessions WHERE ended_at IS NOT NULL"))
    assert all(counts.values()), counts
    assert ended >= 1


@on_postgresql
def test_health_says_which_kind_of_role_the_app_is_connected_as(roles):
    """A deployment that points gunicorn at the owner still works, but /health says so for whoever watches."""
    answers = {}
    for who in ("runtime", "owner"):
        app = make_app(roles[f"{who}_url"])
        answers[who] = app.test_client().get("/health").get_json()["database_role"]
        with app.app_context():
            db.engine.dispose()
    assert answers == {"runtime": "runtime", "owner": "owner_or_superuser"}


@on_postgresql
def test_the_grants_are_exactly_the_runtime_set_and_each_upgrade_sets_them_again(roles, owner_engine,
                                                                                 runtime_engine):
    with owner_engine.begin() as connection:  # someone widens the runtime role by hand...
        connection.execute(sa.text(f"GRANT ALL ON audit_events, users TO {roles['runtime']}"))
    _migrate(roles["owner_url"], roles["runtime"])  # ...and the next upgrade (nothing to migrate) undoes it
    _refused(runtime_engine, "TRUNCATE audit_events", _denied("table audit_events"))
    with owner_engine.connect() as connection:
        granted = dict(connection.execute(sa.text(
            "SELECT table_name, string_agg(privilege_type, ',' ORDER BY privilege_type) "
            "FROM information_schema.role_table_grants WHERE grantee = :role GROUP BY table_name"),
            {"role": roles["runtime"]}).all())
        detected = database_roles.append_only_by_trigger(connection, "public")
    assert detected == set(APPEND_ONLY)  # the trigger convention finds every append-only table
    assert sorted(name for name, held in granted.items() if held == "INSERT,SELECT") == sorted(APPEND_ONLY)
    assert granted.pop("alembic_version") == "SELECT"
    assert set(granted.values()) == {"INSERT,SELECT", "DELETE,INSERT,SELECT,UPDATE"}
    assert len(granted) > 15


@on_postgresql
def test_an_upgrade_refuses_a_runtime_role_that_is_the_owner_or_missing(roles, owner_engine):
    with owner_engine.connect() as connection:
        with pytest.raises(database_roles.RuntimeRoleError, match="migration owner"):
            database_roles.grant_runtime_privileges(connection, roles["owner"])
        with pytest.raises(database_roles.RuntimeRoleError, match="no such role"):
            database_roles.grant_runtime_privileges(connection, "no_such_role_" + uuid.uuid4().hex[:8])
        connection.rollback()


def test_on_sqlite_the_runtime_role_setting_changes_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'roles.sqlite3'}"
    _migrate(url, "diversion_app")
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT count(*) FROM audit_events")) == 0
    engine.dispose()


@on_postgresql
def test_the_runtime_role_erases_a_person_through_the_erasure_function_and_nothing_else(roles, owner_engine):
    """The one change the append-only tables take: an erasure's, through `erase_append_only_text` (run as the
    owner). The runtime role still cannot UPDATE those tables itself, nor call the function's statements."""
    from datetime import date
    from diversion.models import User
    from diversion.services import contracts, erasure
    from tests import factories

    app = make_app(roles["runtime_url"])
    with app.app_context():
        try:
            officer, navigator, admin = (factories.user(r) for r in ("custody_officer", "navigator", "admin"))
            referral = factories.referral(officer, **{"person.family_name": "Runtimeerasure"})
            contract = factories.contract(referral, navigator)
            contracts.add_note(contract, {"kind": "phone", "body": "Rang about the Sandpiper group"}, actor=navigator)
            contracts.record_outcome(contract, {"outcome": "discontinued", "date": date.today().isoformat(),
                                                "reason": "moved_away", "details": "Gone to Skegness",
                                                "version": contract.version}, actor=navigator)
            db.session.commit()
            person_id, contract_id = referral.person_id, contract.id
            erasure.erase(referral.person, actor=db.session.get(User, admin.id), reason="Review: no purpose")
            db.session.commit()
        finally:
            db.session.remove()
            db.engine.dispose()
    with owner_engine.connect() as connection:
        bodies = connection.scalars(sa.text("SELECT body FROM contract_notes WHERE contract_id = :c"),
                                    {"c": contract_id}).all()
        name = connection.scalar(sa.text("SELECT family_name FROM people WHERE id = :p"), {"p": person_id})
    assert bodies == [""] and name == ""
    _refused(sa.create_engine(roles["runtime_url"]), "UPDATE contract_notes SET body = 'x'",
             _denied("table contract_notes"))
