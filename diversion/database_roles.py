"""Production's two PostgreSQL roles: the migration owner and the runtime role the app connects as.

The owner runs `flask db upgrade` and owns the schema and its tables. When `DATABASE_RUNTIME_ROLE` names the
role gunicorn connects as, every upgrade ends, in the migrations' own transaction, by setting that role's
privileges on the schema to exactly:

- USAGE on the schema (no CREATE: it makes nothing, owns nothing, so it cannot ALTER, DROP or add triggers);
- SELECT, INSERT, UPDATE, DELETE on ordinary tables;
- SELECT, INSERT on append-only tables (their rows are never changed or removed, by anyone);
- SELECT on alembic_version (the app may read the schema's revision, never set it);
- USAGE, SELECT on sequences (nextval for new ids; no setval);
- EXECUTE on the erasure function (migration 0008), the one way the append-only tables' free text is destroyed:
  it runs as the owner, scrubs only one person's rows, and cannot delete any row.

No TRUNCATE, REFERENCES or TRIGGER anywhere. Privileges are revoked and granted afresh on every upgrade, not
set with ALTER DEFAULT PRIVILEGES: a default cannot tell an append-only table from an ordinary one, and
granting afresh brings a role widened by hand back to exactly this list. The result is then read back from
the catalog (which counts grants to PUBLIC and to other roles too); if the role could do more, or could
become the owner, the upgrade fails and rolls back.
"""
from __future__ import annotations

import logging

import sqlalchemy as sa

ENV_VAR = "DATABASE_RUNTIME_ROLE"
# Tables whose rows the database refuses to update or delete (triggers in migrations 0001, 0002 and 0004).
# A table with a trigger function named `*_append_only` is treated the same way, so a later migration that
# follows the convention is covered without editing this list.
APPEND_ONLY_TABLES = frozenset({"audit_events", "contract_notes", "divert_events", "contract_navigator_changes",
                                "dtoa_events"})
READ_ONLY_TABLES = frozenset({"alembic_version"})
ORDINARY = ("SELECT", "INSERT", "UPDATE", "DELETE")
APPEND_ONLY = ("SELECT", "INSERT")
READ_ONLY = ("SELECT",)
SEQUENCE = ("USAGE", "SELECT")
TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
SEQUENCE_PRIVILEGES = ("USAGE", "SELECT", "UPDATE")
ERASURE_FUNCTION = "erase_append_only_text(integer)"
IN_SCHEMA = "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :schema"

log = logging.getLogger(__name__)


class RuntimeRoleError(RuntimeError):
    """The runtime role is missing, or would hold more than the app needs."""


def grant_runtime_privileges(connection: sa.Connection, role: str) -> dict[str, tuple[str, ...]]:
    """Set `role`'s privileges on the current schema; return {table: privileges}. PostgreSQL only."""
    schema = connection.scalar(sa.text("SELECT current_schema()"))
    _check_role(connection, role, schema)
    append_only = APPEND_ONLY_TABLES | append_only_by_trigger(connection, schema)
    tables = connection.scalars(sa.text(f"SELECT c.relname {IN_SCHEMA} AND c.relkind IN ('r', 'p')"),
                                {"schema": schema})
    wanted = {name: _privileges_for(name, append_only) for name in tables}
    quote = connection.dialect.identifier_preparer.quote_identifier
    for statement in _statements(quote, role, schema, wanted):
        connection.execute(sa.text(statement))
    if connection.scalar(sa.text("SELECT to_regprocedure(:name)"), {"name": f"{schema}.{ERASURE_FUNCTION}"}):
        connection.execute(sa.text(f"GRANT EXECUTE ON FUNCTION {quote(schema)}.{ERASURE_FUNCTION} "
                                   f"TO {quote(role)}"))
    _verify(connection, role, schema, wanted)
    log.info("database role %s: %d tables read and written, append-only: %s; schema %s without CREATE", role,
             sum(p == ORDINARY for p in wanted.values()),
             ", ".join(sorted(n for n, p in wanted.items() if p == APPEND_ONLY)), schema)
    return wanted


def append_only_by_trigger(connection: sa.Connection, schema: str) -> set[str]:
    """Tables in `schema` with a trigger whose function is named `*_append_only`."""
    return set(connection.scalars(sa.text(
        "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_proc p ON p.oid = t.tgfoid "
        "WHERE n.nspname = :schema AND NOT t.tgisinternal AND p.proname LIKE '%\\_append\\_only'"),
        {"schema": schema}))


def _privileges_for(table: str, append_only: frozenset[str]) -> tuple[str, ...]:
    if table in READ_ONLY_TABLES:
        return READ_ONLY
    return APPEND_ONLY if table in append_only else ORDINARY


def _statements(quote, role: str, schema: str, wanted: dict[str, tuple[str, ...]]) -> list[str]:
    grantee, namespace = quote(role), quote(schema)
    statements = [f"REVOKE ALL ON ALL TABLES IN SCHEMA {namespace} FROM {grantee}",
                  f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {namespace} FROM {grantee}",
                  f"REVOKE ALL ON SCHEMA {namespace} FROM {grantee}",
                  f"GRANT USAGE ON SCHEMA {namespace} TO {grantee}"]
    for privileges in sorted(set(wanted.values())):
        tables = ", ".join(f"{namespace}.{quote(name)}" for name in sorted(wanted)
                           if wanted[name] == privileges)
        statements.append(f"GRANT {', '.join(privileges)} ON {tables} TO {grantee}")
    statements.append(f"GRANT {', '.join(SEQUENCE)} ON ALL SEQUENCES IN SCHEMA {namespace} TO {grantee}")
    return statements


def _check_role(connection: sa.Connection, role: str, schema: str) -> None:
    found = connection.execute(sa.text(
        "SELECT rolsuper, rolname = current_user AS is_me FROM pg_roles WHERE rolname = :role"),
        {"role": role}).one_or_none()
    if found is None:
        raise RuntimeRoleError(f"{ENV_VAR} names {role!r}, but there is no such role "
                               "(names are case-sensitive).")
    if found.is_me or found.rolsuper:
        raise RuntimeRoleError(f"{ENV_VAR} names {role!r}, which is the migration owner or a superuser: "
                               "the app must connect as a separate, ordinary role.")
    owners = connection.scalars(sa.text(
        f"SELECT pg_get_userbyid(c.relowner) {IN_SCHEMA} "
        "UNION SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = :schema"),
        {"schema": schema})
    for owner in owners.all():
        if connection.scalar(sa.text("SELECT pg_has_role(:role, :owner, 'MEMBER')"),
                             {"role": role, "owner": owner}):
            raise RuntimeRoleError(f"Role {role!r} is a member of {owner!r}, which owns the schema or its "
                                   "tables: it could SET ROLE and change them. Revoke that membership.")


def _verify(connection: sa.Connection, role: str, schema: str, wanted: dict[str, tuple[str, ...]]) -> None:
    """Read back what the role can do by any path (direct, PUBLIC, another role) and refuse anything else."""
    problems = []
    if connection.scalar(sa.text("SELECT has_schema_privilege(:role, :schema, 'CREATE')"),
                         {"role": role, "schema": schema}):
        problems.append(f"CREATE on schema {schema} (through PUBLIC or another role; "
                        f"REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC)")
    for kinds, check, privileges in (("'r', 'p'", "has_table_privilege", TABLE_PRIVILEGES),
                                     ("'S'", "has_sequence_privilege", SEQUENCE_PRIVILEGES)):
        held = connection.execute(sa.text(
            f"SELECT c.relname, c.relkind, p.privilege, {check}(:role, c.oid, p.privilege) "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "CROSS JOIN unnest(CAST(:privileges AS text[])) AS p(privilege) "
            f"WHERE n.nspname = :schema AND c.relkind IN ({kinds})"),
            {"role": role, "schema": schema, "privileges": list(privileges)})
        for name, kind, privilege, has in held:
            if has != (privilege in (SEQUENCE if kind == "S" else wanted.get(name, ()))):
                problems.append(f"{privilege} on {name} {'held' if has else 'missing'}")
    if problems:
        raise RuntimeRoleError(f"Role {role!r} would not hold exactly the runtime privileges: "
                               + "; ".join(problems))


def connected_as_runtime_role(connection: sa.Connection) -> bool:
    """Whether the app's own connection is a least-privilege role: not a superuser, no CREATE on the schema,
    and no way to change or empty the audit trail. Connected as the owner, the database's append-only and
    privilege guards are only as strong as the app. PostgreSQL only."""
    return not connection.scalar(sa.text(
        "SELECT r.rolsuper OR has_schema_privilege(current_schema(), 'CREATE') "
        "OR has_table_privilege('audit_events', 'UPDATE') OR has_table_privilege('audit_events', 'TRUNCATE') "
        "FROM pg_roles r WHERE r.rolname = current_user"))
