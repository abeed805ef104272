"""Data protection: MoPI review dates, retention decisions, subject access requests, the erasure log, audit
events that name the person they are about, age bands kept on referrals, and append-only tables that let
exactly one kind of change through: an erasure's (DELETE is still refused, always).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

APPEND_ONLY_TABLES = ("audit_events", "contract_notes", "divert_events", "contract_navigator_changes")
# What an erasure destroys in the append-only tables (the rest of an erasure is in services/erasure.py, on
# ordinary tables the app may update). Run by one SECURITY DEFINER function on PostgreSQL, so the runtime role,
# which holds only SELECT and INSERT on these tables, can erase and can do nothing else to them.
ERASE_FUNCTION = """
CREATE FUNCTION erase_append_only_text(p_person integer) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  notes integer; events integer; changes integer; audits integer;
BEGIN
  INSERT INTO erasure_in_progress (person_id) VALUES (p_person);
  UPDATE contract_notes SET body = '' WHERE body <> ''
    AND contract_id IN (SELECT id FROM contracts WHERE person_id = p_person);
  GET DIAGNOSTICS notes = ROW_COUNT;
  UPDATE divert_events SET note = NULL WHERE note IS NOT NULL
    AND referral_id IN (SELECT id FROM divert_referrals WHERE person_id = p_person);
  GET DIAGNOSTICS events = ROW_COUNT;
  UPDATE contract_navigator_changes SET reason = '' WHERE reason <> ''
    AND contract_id IN (SELECT id FROM contracts WHERE person_id = p_person);
  GET DIAGNOSTICS changes = ROW_COUNT;
  UPDATE audit_events SET justification = NULL WHERE justification IS NOT NULL AND (person_id = p_person
    OR (object_type = 'person' AND object_id = CAST(p_person AS TEXT))
    OR (object_type = 'contract' AND object_id IN (SELECT CAST(id AS TEXT) FROM contracts WHERE person_id = p_person))
    OR (object_type = 'checkpoint_referral'
        AND object_id IN (SELECT CAST(id AS TEXT) FROM checkpoint_referrals WHERE person_id = p_person))
    OR (object_type = 'divert_referral'
        AND object_id IN (SELECT CAST(id AS TEXT) FROM divert_referrals WHERE person_id = p_person)));
  GET DIAGNOSTICS audits = ROW_COUNT;
  DELETE FROM erasure_in_progress WHERE person_id = p_person;
  RETURN jsonb_build_object('contract_notes', notes, 'divert_events', events,
                            'contract_navigator_changes', changes, 'audit_events', audits);
END $$
"""


def _sqlite_update_trigger(table: str, honour_erasure: bool) -> list[str]:
    when = " WHEN NOT EXISTS (SELECT 1 FROM erasure_in_progress)" if honour_erasure else ""
    return [f"DROP TRIGGER {table}_no_update",
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}{when} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"]


def _postgresql_function(table: str, honour_erasure: bool) -> list[str]:
    allow = ("IF TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM erasure_in_progress) THEN RETURN NEW; END IF; "
             if honour_erasure else "")
    return [f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {allow}RAISE EXCEPTION '{table} is append-only'; END $$"]


def _triggers(dialect: str, honour_erasure: bool) -> list[str]:
    make = _sqlite_update_trigger if dialect == "sqlite" else _postgresql_function
    return [statement for table in APPEND_ONLY_TABLES for statement in make(table, honour_erasure)]


# The person each existing audit event is about, from the object it names.
OWNERS = {"person": None, "contract": "contracts", "checkpoint_referral": "checkpoint_referrals",
          "divert_referral": "divert_referrals"}


def _backfill_audit_people() -> None:
    op.execute("UPDATE audit_events SET person_id = CAST(object_id AS INTEGER) "
               "WHERE object_type = 'person' AND object_id IS NOT NULL")
    for kind, table in OWNERS.items():
        if table:
            op.execute(f"UPDATE audit_events SET person_id = t.person_id FROM {table} t "
                       f"WHERE audit_events.object_type = '{kind}' AND audit_events.object_id = CAST(t.id AS TEXT)")


def upgrade():
    dialect = op.get_bind().dialect.name
    op.create_table('erasure_in_progress',
    sa.Column('person_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_erasure_in_progress'))
    )
    op.create_table('erasures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('erased_by_id', sa.Integer(), nullable=False),
    sa.Column('erased_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['erased_by_id'], ['users.id'], name=op.f('fk_erasures_erased_by_id_users')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_erasures_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasures')),
    sa.UniqueConstraint('person_id', name=op.f('uq_erasures_person_id'))
    )
    op.create_index('ix_erasures_erased_at', 'erasures', ['erased_at'], unique=False)
    op.create_table('retention_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=8), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('review_date_was', sa.Date(), nullable=True),
    sa.Column('next_review_date', sa.Date(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_retention_decisions_decided_by_id_users')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_retention_decisions_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_decisions'))
    )
    op.create_index('ix_retention_decisions_decided_at', 'retention_decisions', ['decided_at'], unique=False)
    op.create_index('ix_retention_decisions_person_id', 'retention_decisions', ['person_id'], unique=False)
    op.create_table('subject_access_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=False),
    sa.Column('bundle_bytes', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_subject_access_requests_answered_by_id_users')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_subject_access_requests_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subject_access_requests'))
    )
    op.create_index('ix_subject_access_requests_answered_at', 'subject_access_requests', ['answered_at'], unique=False)
    op.create_index('ix_subject_access_requests_person_id', 'subject_access_requests', ['person_id'], unique=False)

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column('date_of_birth', existing_type=sa.Date(), nullable=True)
    op.create_index('ix_people_review_date_live', 'people', ['review_date', 'id'], unique=False,
                    postgresql_where=sa.text('erased_at IS NULL'), sqlite_where=sa.text('erased_at IS NULL'))
    op.create_index('ix_people_erased', 'people', ['id'], unique=False,
                    postgresql_where=sa.text('erased_at IS NOT NULL'), sqlite_where=sa.text('erased_at IS NOT NULL'))
    # Plain ADD COLUMN (not batch mode): on SQLite a rebuild would drop the tables' triggers.
    op.add_column('checkpoint_referrals', sa.Column('age_band', sa.String(length=16), nullable=True))
    op.add_column('divert_referrals', sa.Column('age_band', sa.String(length=16), nullable=True))
    op.add_column('audit_events', sa.Column('person_id', sa.Integer(), nullable=True))

    for statement in _triggers(dialect, honour_erasure=True):
        op.execute(statement)
    if dialect == "postgresql":
        op.execute(ERASE_FUNCTION)
        op.execute("REVOKE ALL ON FUNCTION erase_append_only_text(integer) FROM PUBLIC")
    # Earlier events learn whom they were about: an UPDATE of the audit trail, allowed as the triggers allow it.
    op.execute("INSERT INTO erasure_in_progress (person_id) VALUES (0)")
    _backfill_audit_people()
    op.execute("DELETE FROM erasure_in_progress")
    op.create_index('ix_audit_events_person_id_id', 'audit_events', ['person_id', 'id'], unique=False)


def downgrade():
    dialect = op.get_bind().dialect.name
    op.drop_index('ix_audit_events_person_id_id', table_name='audit_events')
    if dialect == "postgresql":
        op.execute("DROP FUNCTION erase_append_only_text(integer)")
    for statement in _triggers(dialect, honour_erasure=False):
        op.execute(statement)
    if dialect == "sqlite":  # SQLite 3.35+ drops a column in place (no rebuild, so the triggers stay)
        for table in ("audit_events", "divert_referrals", "checkpoint_referrals"):
            op.execute(f"ALTER TABLE {table} DROP COLUMN {'person_id' if table == 'audit_events' else 'age_band'}")
    else:
        op.drop_column('audit_events', 'person_id')
        op.drop_column('divert_referrals', 'age_band')
        op.drop_column('checkpoint_referrals', 'age_band')
    op.drop_index('ix_people_erased', table_name='people',
                  postgresql_where=sa.text('erased_at IS NOT NULL'), sqlite_where=sa.text('erased_at IS NOT NULL'))
    op.drop_index('ix_people_review_date_live', table_name='people',
                  postgresql_where=sa.text('erased_at IS NULL'), sqlite_where=sa.text('erased_at IS NULL'))
    if op.get_bind().scalar(sa.text("SELECT count(*) FROM people WHERE erased_at IS NOT NULL")):
        raise RuntimeError("people have been erased: their dates of birth are gone, so the schema cannot go back "
                           "to a date of birth that is never empty")
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.alter_column('date_of_birth', existing_type=sa.Date(), nullable=False)
        batch_op.drop_column('erased_at')
        batch_op.drop_column('review_date')
    op.drop_table('subject_access_requests')
    op.drop_table('retention_decisions')
    op.drop_table('erasures')
    op.drop_table('erasure_in_progress')
