"""Alembic environment: runs inside the Flask app (Flask-Migrate), on SQLite or PostgreSQL.

Batch mode is on (render_as_batch in the factory) so that ALTERs work on SQLite too (foreign keys off while
it rebuilds tables, then checked).
On PostgreSQL, when DATABASE_RUNTIME_ROLE names the role the app connects as, every online run ends by setting
that role's privileges (diversion/database_roles.py), in the migrations' own transaction.
"""
import os

from alembic import context
from flask import current_app

from diversion import database_roles
from diversion import models  # noqa: F401  (every table on the metadata, for autogenerate)

config = context.config
database = current_app.extensions["migrate"].db
options = dict(current_app.extensions["migrate"].configure_args)
options.setdefault("compare_type", True)


def _skip_empty_autogenerate(_context, _revision, directives):
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []


options.setdefault("process_revision_directives", _skip_empty_autogenerate)

if context.is_offline_mode():
    context.configure(url=database.engine.url.render_as_string(hide_password=False),
                      target_metadata=database.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    with database.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # Batch mode rebuilds a table (create a copy, drop the old); with foreign keys enforced, dropping a
            # table other rows refer to fails. Off for the migration only (SQLite's documented way), checked after.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()  # end SQLAlchemy's autobegun transaction: the migrations open their own
        context.configure(connection=connection, target_metadata=database.metadata,
                          **options)
        with context.begin_transaction():
            context.run_migrations()
            runtime_role = os.environ.get(database_roles.ENV_VAR, "").strip()
            if runtime_role and connection.dialect.name == "postgresql":
                database_roles.grant_runtime_privileges(connection, runtime_role)
        if connection.dialect.name == "sqlite":
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
            if broken:
                raise RuntimeError(f"the migration left {len(broken)} rows whose references are broken")
