"""REPORTING_DATABASE_URL (issue 14): the dashboard's figures, the report API and the exports read a replica when
one is named and the primary otherwise; every write (a sign-in's session, an export's disclosure) goes to the
primary. The "replica" here is a second database holding different data, so that where each figure came from shows."""
from __future__ import annotations

import os
import shutil

import pytest
import sqlalchemy as sa

from diversion.extensions import db
from diversion.models import AuditEvent, User
from tests import export_files, factories
from tests.conftest import make_app


def _admin(statement: str) -> None:
    from diversion.config import normalise_database_url

    engine = sa.create_engine(normalise_database_url(os.environ["DATABASE_URL"]), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(statement))
    finally:
        engine.dispose()


@pytest.fixture
def replica_url(database_url, _migrated):
    """A second migrated database (a copy of the migrated SQLite file, or a new PostgreSQL database migrated)."""
    if _migrated["sqlite_template"]:
        path = database_url.removeprefix("sqlite:///").removesuffix(".sqlite3") + "-replica.sqlite3"
        shutil.copyfile(_migrated["sqlite_template"], path)
        yield f"sqlite:///{path}"
        os.remove(path)
        return
    from flask_migrate import upgrade

    url = sa.make_url(database_url)
    name = f"{url.database}_replica"
    _admin(f'CREATE DATABASE "{name}"')
    replica = url.set(database=name).render_as_string(hide_password=False)
    try:
        app = make_app(replica)
        with app.app_context():
            upgrade()
            db.engine.dispose()
        yield replica
    finally:
        _admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' "
               "AND pid <> pg_backend_pid()")
        _admin(f'DROP DATABASE IF EXISTS "{name}"')


def _contracts(app, how_many: int) -> None:
    with app.app_context():
        officer, navigator = factories.user("custody_officer"), factories.user("navigator")
        db.session.flush()
        for _ in range(how_many):
            factories.contract(factories.referral(officer), navigator)
        db.session.commit()


def _headlines(client) -> dict:
    page = client.get_page("/reports/?period=last_12_months")
    return {p.get_text(" ", strip=True).split(" ", 1)[1]: int(p.find("span").get_text())
            for p in page.select(".app-headlines p")}


def _audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.fixture
def reporting_app(database_url, replica_url):
    """The app on the primary, with the replica named for report reads; and an app on the replica itself."""
    on_replica = make_app(replica_url)
    app = make_app(database_url, REPORTING_DATABASE_URL=replica_url)
    yield app, on_replica
    for each in (app, on_replica):
        with each.app_context():
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()


def test_the_dashboard_reads_the_replica_when_one_is_named_and_the_primary_otherwise(
        reporting_app, app, make_contract, make_user):
    with_replica, on_replica = reporting_app
    make_contract()                  # the primary: one contract
    _contracts(on_replica, 3)        # the replica: three
    manager = make_user("manager")   # on the primary: sessions are read and written there
    client = with_replica.test_client()
    client.sign_in_as(manager)
    assert _headlines(client)["Contracts started"] == 3
    plain = app.test_client()
    plain.sign_in_as(manager)
    assert _headlines(plain)["Contracts started"] == 1
    # The same through the report API, which calls the same services.
    with with_replica.app_context():
        from diversion.services import tokens

        _record, token = tokens.issue(db.session.get(User, manager.id), {"name": "reports", "purpose": "tests"},
                                      actor=None)
        db.session.commit()
    from diversion import clock

    today = clock.today().isoformat()
    answer = with_replica.test_client().get(f"/api/v1/reports/checkpoint?from={today}&to={today}",
                                            headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and answer.get_json()["contracts_started"] == 3


def test_an_export_reads_the_replicas_rows_and_records_its_disclosure_on_the_primary(reporting_app, make_user):
    with_replica, on_replica = reporting_app
    _contracts(on_replica, 2)
    manager = make_user("manager")
    client = with_replica.test_client()
    client.sign_in_as(manager)
    before = _audit_actions(on_replica)
    # The case-level export is a job (run inline here): its rows come from the replica, its file and its
    # disclosure are written to the primary.
    _, rows = export_files.ask_and_download(client, "/reports/export/checkpoint-cases?period=last_12_months",
                                            {"purpose": "Quarterly board figures"})
    assert len(export_files.without_trailer(rows)) == 1 + 2  # the header and the replica's two contracts
    assert "report.export" in _audit_actions(with_replica)  # the disclosure: on the primary
    assert _audit_actions(on_replica) == before             # nothing written to the replica


def test_a_replica_of_another_kind_is_asked_in_its_own_dialect(database_url, tmp_path):
    # (a PostgreSQL primary with a SQLite file for reports, as a developer may run it: the report grouped by navigator
    # names each navigator with the replica's SQL, not the primary's)
    from datetime import date

    from flask_migrate import upgrade

    from diversion.services import reports

    replica_url = f"sqlite:///{tmp_path / 'replica.sqlite3'}"
    on_replica = make_app(replica_url)
    with on_replica.app_context():
        upgrade()
    _contracts(on_replica, 2)
    app = make_app(database_url, REPORTING_DATABASE_URL=replica_url)
    try:
        with app.app_context():
            today = date.today()
            report = reports.checkpoint(today.replace(day=1), today, "navigator")
            (group,) = report["groups"]
            assert group["contracts_started"] == 2 and group["label"] != group["key"]  # a name, from the replica
    finally:
        for each in (app, on_replica):
            with each.app_context():
                db.session.remove()
                for engine in db.engines.values():
                    engine.dispose()
