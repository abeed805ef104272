"""One navigator's contracts of every status in deadline or start-date order, by index (issue 14): the caseload of
"any status" walked the whole deadline index and kept one row in a thousand at national scale.

Revision ID: 0016_navigator_list_indexes
Revises: 0015_reoffending_counts
Create Date: 2026-11-27
"""
from alembic import op


revision = '0016_navigator_list_indexes'
down_revision = '0015_reoffending_counts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_contracts_navigator_deadline_id', 'contracts', ['navigator_id', 'deadline', 'id'],
                    unique=False)
    op.create_index('ix_contracts_navigator_start_date_id', 'contracts', ['navigator_id', 'start_date', 'id'],
                    unique=False)


def downgrade():
    op.drop_index('ix_contracts_navigator_start_date_id', table_name='contracts')
    op.drop_index('ix_contracts_navigator_deadline_id', table_name='contracts')
