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


# --- issue 9, finding 7(h): one line of history ----------------------------------------------------------------

def _heads(directory) -> list[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(directory))
    return list(ScriptDirectory.from_config(config).get_heads())


def test_the_migrations_have_a_single_head():
    """Two engineers each adding a migration on the same parent make two heads: `flask db upgrade` then refuses
    to run in production. Merge them (or renumber one) before committing."""
    from pathlib import Path

    heads = _heads(Path(__file__).resolve().parents[1] / "migrations")
    assert len(heads) == 1, f"the migrations have {len(heads)} heads: {sorted(heads)}"


def test_the_single_head_check_sees_a_second_head(tmp_path):
    import shutil
    from pathlib import Path

    copy = tmp_path / "migrations"
    shutil.copytree(Path(__file__).resolve().parents[1] / "migrations", copy,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "versions" / "9999_branch.py").write_text(
        'revision = "9999"\ndown_revision = "0001"\nbranch_labels = None\ndepends_on = None\n\n\n'
        "def upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n")
    assert len(_heads(copy)) == 2


def test_upgrading_ends_tokens_an_administrator_issued_to_act_as_someone_else(tmp_path):
    import sqlalchemy as sa

    app = make_app(f"sqlite:///{tmp_path / 'tokens.sqlite3'}")
    with app.app_context():
        upgrade(revision="0005")
        with db.engine.begin() as connection:
            for user_id, role in ((1, "admin"), (2, "navigator")):
                connection.execute(sa.text(
                    "INSERT INTO users (id, email, name, role, password_hash, active, password_changed_at, "
                    "created_at, updated_at, version) VALUES (:id, :email, 'x', :role, 'x', 1, '2026-01-01', "
                    "'2026-01-01', '2026-01-01', 1)"), {"id": user_id, "email": f"{role}@x.example", "role": role})
            for token_id, user_id, made_by in ((1, 2, 1), (2, 1, 1), (3, 2, None)):
                connection.execute(sa.text(
                    "INSERT INTO api_tokens (id, user_id, name, token_hash, prefix, created_at, created_by_id, "
                    "version) VALUES (:id, :user, 't', :hash, 'dvt_x', '2026-11-01', :by, 1)"),
                    {"id": token_id, "user": user_id, "hash": f"h{token_id}", "by": made_by})
        upgrade()
        with db.engine.connect() as connection:
            ended = dict(connection.execute(sa.text("SELECT id, revoked_reason FROM api_tokens")).all())
    assert ended == {1: "issued_for_another", 2: None, 3: None}  # the admin's own, and the command line's, stay
