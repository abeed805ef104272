"""The migrations are the schema: they build exactly what the models describe, and run both ways."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from diversion.extensions import db
from tests.conftest import make_app


def test_the_migrated_schema_matches_the_models(app_context):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_downgrade_to_nothing_and_upgrade_again(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'roundtrip.sqlite3'}")
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert db.inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade()
        assert {"users", "audit_events", "api_tokens", "user_sessions"} <= set(db.inspect(db.engine).get_table_names())
