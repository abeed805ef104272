"""Drug test lists by an index (issue 14): the appointment each test's person is waiting for, kept on the test,
and an index for each list's order.

`waiting_for` is filled from the rows already there by the rule of domain/dtoa.py `waiting_for`: the initial
assessment while one is required, the latest follow_up_required event's appointment (by date, then id) while a
follow-up is, otherwise empty.

Revision ID: 0015_dtoa_waiting_for
Revises: 0014_export_jobs
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa


revision = '0015_dtoa_waiting_for'
down_revision = '0014_export_jobs'
branch_labels = None
depends_on = None

BACKFILL = """
UPDATE dtoa_tests SET waiting_for = CASE
    WHEN status = 'assessment_required' THEN assessment_at
    ELSE (SELECT e.appointment_at FROM dtoa_events e
          WHERE e.test_id = dtoa_tests.id AND e.event = 'follow_up_required' AND e.appointment_at IS NOT NULL
          ORDER BY e.date DESC, e.id DESC LIMIT 1)
END
WHERE status IN ('assessment_required', 'follow_up_required')
"""
NOT_BOOKED = sa.text('waiting_for IS NULL')


def upgrade():
    # Plain ADD COLUMN (not batch mode): no rebuild of the table on SQLite.
    op.add_column('dtoa_tests', sa.Column('waiting_for', sa.DateTime(timezone=True), nullable=True))
    op.execute(BACKFILL)
    op.create_index('ix_dtoa_tests_status_waiting_for_id', 'dtoa_tests', ['status', 'waiting_for', 'id'],
                    unique=False)
    op.create_index('ix_dtoa_tests_status_status_since_id', 'dtoa_tests', ['status', 'status_since', 'id'],
                    unique=False)
    op.create_index('ix_dtoa_tests_not_booked', 'dtoa_tests', ['status', 'status_since', 'id'], unique=False,
                    postgresql_where=NOT_BOOKED, sqlite_where=NOT_BOOKED)


def downgrade():
    op.drop_index('ix_dtoa_tests_not_booked', table_name='dtoa_tests',
                  postgresql_where=NOT_BOOKED, sqlite_where=NOT_BOOKED)
    op.drop_index('ix_dtoa_tests_status_status_since_id', table_name='dtoa_tests')
    op.drop_index('ix_dtoa_tests_status_waiting_for_id', table_name='dtoa_tests')
    if op.get_bind().dialect.name == 'sqlite':  # SQLite 3.35+ drops a column in place (no rebuild)
        op.execute('ALTER TABLE dtoa_tests DROP COLUMN waiting_for')
    else:
        op.drop_column('dtoa_tests', 'waiting_for')
