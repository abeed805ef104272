"""Drug Testing on Arrest: tests in custody (PACE s.63B) and the events after a positive one (required
assessments, Drugs Act 2005 ss.9-12). The events are append-only, like DIVERT's, and hold no free text.

Revision ID: 0013_dtoa
Revises: 0012_treatment
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa


revision = '0013_dtoa'
down_revision = '0012_treatment'
branch_labels = None
depends_on = None

APPEND_ONLY = {
    "sqlite": [
        "CREATE TRIGGER dtoa_events_no_update BEFORE UPDATE ON dtoa_events "
        "BEGIN SELECT RAISE(ABORT, 'dtoa_events is append-only'); END",
        "CREATE TRIGGER dtoa_events_no_delete BEFORE DELETE ON dtoa_events "
        "BEGIN SELECT RAISE(ABORT, 'dtoa_events is append-only'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION dtoa_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'dtoa_events is append-only'; END $$",
        "CREATE TRIGGER dtoa_events_no_change BEFORE UPDATE OR DELETE ON dtoa_events "
        "FOR EACH ROW EXECUTE FUNCTION dtoa_events_append_only()",
    ],
}
DROP_APPEND_ONLY = {
    "sqlite": ["DROP TRIGGER dtoa_events_no_update", "DROP TRIGGER dtoa_events_no_delete"],
    "postgresql": ["DROP TRIGGER dtoa_events_no_change ON dtoa_events", "DROP FUNCTION dtoa_events_append_only()"],
}


def upgrade():
    op.create_table('dtoa_tests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('person_as_recorded', sa.JSON(), nullable=False),
    sa.Column('identity_match', sa.String(length=16), nullable=False),
    sa.Column('possible_duplicates', sa.JSON(), nullable=False),
    sa.Column('test_date', sa.Date(), nullable=False),
    sa.Column('custody_suite_code', sa.String(length=32), nullable=True),
    sa.Column('trigger_offence', sa.Boolean(), nullable=False),
    sa.Column('inspector_authority', sa.Boolean(), nullable=False),
    sa.Column('offence_category', sa.String(length=48), nullable=False),
    sa.Column('result', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('status_since', sa.Date(), nullable=False),
    sa.Column('warning_given', sa.Boolean(), nullable=False),
    sa.Column('assessment_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('assessment_service_code', sa.String(length=32), nullable=True),
    sa.Column('non_attendance_decision', sa.String(length=24), nullable=True),
    sa.Column('non_attendance_reason', sa.Text(), nullable=True),
    sa.Column('non_attendance_decided_on', sa.Date(), nullable=True),
    sa.Column('non_attendance_decided_by_id', sa.Integer(), nullable=True),
    sa.Column('age_band', sa.String(length=16), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("result IN ('negative', 'cocaine', 'opiates', 'both', 'refused')", name=op.f('ck_dtoa_tests_result')),
    sa.CheckConstraint('trigger_offence OR inspector_authority', name=op.f('ck_dtoa_tests_authority')),
    sa.ForeignKeyConstraint(['assessment_service_code'], ['treatment_services.code'], name=op.f('fk_dtoa_tests_assessment_service_code_treatment_services')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_dtoa_tests_created_by_id_users')),
    sa.ForeignKeyConstraint(['custody_suite_code'], ['custody_suites.code'], name=op.f('fk_dtoa_tests_custody_suite_code_custody_suites')),
    sa.ForeignKeyConstraint(['non_attendance_decided_by_id'], ['users.id'], name=op.f('fk_dtoa_tests_non_attendance_decided_by_id_users')),
    sa.ForeignKeyConstraint(['offence_category'], ['offence_categories.code'], name=op.f('fk_dtoa_tests_offence_category_offence_categories')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_dtoa_tests_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dtoa_tests')),
    sa.UniqueConstraint('reference', name=op.f('uq_dtoa_tests_reference'))
    )
    with op.batch_alter_table('dtoa_tests', schema=None) as batch_op:
        batch_op.create_index('ix_dtoa_tests_person_id', ['person_id'], unique=False)
        batch_op.create_index('ix_dtoa_tests_status_id', ['status', 'id'], unique=False)
        batch_op.create_index('ix_dtoa_tests_test_date', ['test_date'], unique=False)

    op.create_table('dtoa_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('test_id', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=40), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('appointment_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_dtoa_events_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['test_id'], ['dtoa_tests.id'], name=op.f('fk_dtoa_events_test_id_dtoa_tests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dtoa_events'))
    )
    with op.batch_alter_table('dtoa_events', schema=None) as batch_op:
        batch_op.create_index('ix_dtoa_events_event_date', ['event', 'date'], unique=False)
        batch_op.create_index('ix_dtoa_events_test_id', ['test_id'], unique=False)
    for statement in APPEND_ONLY.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade():
    for statement in DROP_APPEND_ONLY.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    with op.batch_alter_table('dtoa_events', schema=None) as batch_op:
        batch_op.drop_index('ix_dtoa_events_test_id')
        batch_op.drop_index('ix_dtoa_events_event_date')

    op.drop_table('dtoa_events')
    with op.batch_alter_table('dtoa_tests', schema=None) as batch_op:
        batch_op.drop_index('ix_dtoa_tests_test_date')
        batch_op.drop_index('ix_dtoa_tests_status_id')
        batch_op.drop_index('ix_dtoa_tests_person_id')

    op.drop_table('dtoa_tests')
